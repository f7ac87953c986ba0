namespace Silkgate.Risk.Model;

/// <summary>
/// Ranking figures for inspection selection. Rows are ranked by score, highest first; ties are broken by row order
/// (earlier first) so that every figure is deterministic. The top k% holds k = max(1, round(n × k / 100)) rows,
/// rounded half away from zero.
/// </summary>
public static class RiskMetrics
{
    /// <summary>How many rows the top <paramref name="percent"/> % of <paramref name="n"/> rows holds.</summary>
    public static int TopCount(int n, double percent) =>
        n == 0 ? 0 : Math.Clamp((int)Math.Round(n * percent / 100.0, MidpointRounding.AwayFromZero), 1, n);

    /// <summary>Row indexes from highest to lowest score (stable: ties keep row order).</summary>
    public static int[] Ranking(IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = scores[b].CompareTo(scores[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    /// <summary>Share of positives among the top <paramref name="percent"/> % of rows (NaN for no rows).</summary>
    public static double PrecisionAt(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double percent)
    {
        var k = TopCount(scores.Count, percent);
        return k == 0 ? double.NaN : (double)HitsInTop(scores, labels, k) / k;
    }

    /// <summary>Share of all positives found in the top <paramref name="percent"/> % of rows (NaN with no positive).</summary>
    public static double RecallAt(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double percent)
    {
        var positives = labels.Count(l => l);
        return positives == 0 ? double.NaN : (double)HitsInTop(scores, labels, TopCount(scores.Count, percent)) / positives;
    }

    private static int HitsInTop(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, int k)
    {
        if (scores.Count != labels.Count)
            throw new ArgumentException("scores and labels differ in length");
        var order = Ranking(scores);
        var hits = 0;
        for (var i = 0; i < k; i++)
        {
            if (labels[order[i]])
                hits++;
        }
        return hits;
    }

    /// <summary>
    /// Area under the ROC curve: the probability that a random positive scores above a random negative, ties
    /// counting one half (Mann–Whitney with mid-ranks). NaN when either class is absent.
    /// </summary>
    public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        if (scores.Count != labels.Count)
            throw new ArgumentException("scores and labels differ in length");
        var n = scores.Count;
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (a, b) => scores[a].CompareTo(scores[b]));
        double rankSum = 0;
        long positives = 0;
        var i = 0;
        while (i < n)
        {
            var j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]])
                j++;
            var midRank = (i + j) / 2.0 + 1;
            for (var t = i; t <= j; t++)
            {
                if (labels[order[t]])
                {
                    rankSum += midRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        var negatives = n - positives;
        if (positives == 0 || negatives == 0)
            return double.NaN;
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
