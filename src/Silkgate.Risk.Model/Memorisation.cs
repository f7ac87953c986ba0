using System.Text.Json.Serialization;

namespace Silkgate.Risk.Model;

/// <summary>
/// How much a file can be scored by memory alone: the share of its rows whose exact (net mass, item price) pair
/// occurs in the training rows, how often that pair's training label agrees with the row's, and the figures of a
/// plain look-up of the pair (no model at all). See docs/risk-model.md.
/// </summary>
public sealed record MemorisationReport
{
    [JsonPropertyName("train_rows")] public int TrainRows { get; init; }

    [JsonPropertyName("train_distinct_pairs")] public int TrainDistinctPairs { get; init; }

    /// <summary>Training rows whose pair occurs more than once in the training rows.</summary>
    [JsonPropertyName("train_rows_in_repeated_pairs")] public int TrainRowsInRepeatedPairs { get; init; }

    [JsonPropertyName("test_rows")] public int TestRows { get; init; }

    [JsonPropertyName("test_rows_with_seen_pair")] public int TestRowsWithSeenPair { get; init; }

    /// <summary>Among test rows with a seen pair: the pair's majority training label equals the row's Fraud label.</summary>
    [JsonPropertyName("label_agreement")] public double LabelAgreement { get; init; }

    [JsonPropertyName("fraud_rate_seen")] public double FraudRateSeen { get; init; }

    [JsonPropertyName("fraud_rate_novel")] public double FraudRateNovel { get; init; }

    /// <summary>The look-up baseline: a seen pair scores its smoothed training fraud rate, a new pair the prior.</summary>
    [JsonPropertyName("lookup")] public required SubsetFigures Lookup { get; init; }

    public static MemorisationReport Measure(IReadOnlyList<RiskDeclaration> train, IReadOnlyList<RiskDeclaration> test)
    {
        var pairs = new Dictionary<(double, double), (int N, int Fraud)>();
        foreach (var r in train)
        {
            pairs.TryGetValue((r.NetMass, r.ItemPrice), out var s);
            pairs[(r.NetMass, r.ItemPrice)] = (s.N + 1, s.Fraud + (r.Fraud ?? 0));
        }
        var prior = train.Average(r => r.Fraud ?? 0);
        var scores = new double[test.Count];
        var labels = new bool[test.Count];
        int seen = 0, agree = 0, seenFraud = 0, novelFraud = 0;
        for (var i = 0; i < test.Count; i++)
        {
            var r = test[i];
            labels[i] = r.Fraud == 1;
            if (pairs.TryGetValue((r.NetMass, r.ItemPrice), out var s))
            {
                seen++;
                seenFraud += labels[i] ? 1 : 0;
                if ((2 * s.Fraud >= s.N) == labels[i])
                    agree++;
                scores[i] = (s.Fraud + prior) / (s.N + 1.0);
            }
            else
            {
                novelFraud += labels[i] ? 1 : 0;
                scores[i] = prior;
            }
        }
        return new MemorisationReport
        {
            TrainRows = train.Count,
            TrainDistinctPairs = pairs.Count,
            TrainRowsInRepeatedPairs = pairs.Values.Where(p => p.N > 1).Sum(p => p.N),
            TestRows = test.Count,
            TestRowsWithSeenPair = seen,
            LabelAgreement = seen == 0 ? double.NaN : (double)agree / seen,
            FraudRateSeen = seen == 0 ? double.NaN : (double)seenFraud / seen,
            FraudRateNovel = seen == test.Count ? double.NaN : (double)novelFraud / (test.Count - seen),
            Lookup = SubsetFigures.Of(scores, labels),
        };
    }
}
