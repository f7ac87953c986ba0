namespace Silkgate.Risk.Model.Tests;

/// <summary>Ranking metrics against values computed by hand.</summary>
public class MetricsTests
{
    // Ten rows; scores descending by construction except ties noted. Positives at ranks 1, 3, 4 and 8.
    private static readonly double[] Scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
    private static readonly bool[] Labels = [true, false, true, true, false, false, false, true, false, false];

    [Fact]
    public void TopCountIsRoundedHalfAwayFromZeroAndAtLeastOne()
    {
        Assert.Equal(1, RiskMetrics.TopCount(10, 1));    // 0.1 rows -> at least 1
        Assert.Equal(1, RiskMetrics.TopCount(10, 5));    // 0.5 -> 1
        Assert.Equal(2, RiskMetrics.TopCount(30, 5));    // 1.5 -> 2
        Assert.Equal(407, RiskMetrics.TopCount(8134, 5)); // 406.7
        Assert.Equal(813, RiskMetrics.TopCount(8134, 10)); // 813.4
        Assert.Equal(0, RiskMetrics.TopCount(0, 10));
    }

    [Fact]
    public void PrecisionAtKIsTheShareOfPositivesInTheTopK()
    {
        Assert.Equal(1.0, RiskMetrics.PrecisionAt(Scores, Labels, 10)); // top 1: positive
        Assert.Equal(0.5, RiskMetrics.PrecisionAt(Scores, Labels, 20)); // top 2: 1 of 2
        Assert.Equal(0.6, RiskMetrics.PrecisionAt(Scores, Labels, 50)); // top 5: 3 of 5
        Assert.Equal(0.4, RiskMetrics.PrecisionAt(Scores, Labels, 100)); // all: 4 of 10
    }

    [Fact]
    public void RecallAtKIsTheShareOfAllPositivesFoundInTheTopK()
    {
        Assert.Equal(0.25, RiskMetrics.RecallAt(Scores, Labels, 10));
        Assert.Equal(0.75, RiskMetrics.RecallAt(Scores, Labels, 50));
        Assert.Equal(1.0, RiskMetrics.RecallAt(Scores, Labels, 100));
        Assert.True(double.IsNaN(RiskMetrics.RecallAt([0.1, 0.2], [false, false], 50)));
    }

    [Fact]
    public void RankingTiesKeepRowOrder()
    {
        // Equal scores: the earlier row is ranked first, so the top 1 is row 0 (a negative).
        Assert.Equal([0, 1, 2], RiskMetrics.Ranking([0.5, 0.5, 0.1]));
        Assert.Equal(0.0, RiskMetrics.PrecisionAt([0.5, 0.5, 0.1], [false, true, false], 100.0 / 3));
    }

    [Fact]
    public void RocAucMatchesHandComputedValue()
    {
        // Pairs (positive, negative) = 4 x 6 = 24. Positive at rank 1 beats 6 negatives, rank 3 beats 5,
        // rank 4 beats 5, rank 8 beats 2: 18 / 24 = 0.75.
        Assert.Equal(0.75, RiskMetrics.RocAuc(Scores, Labels), 12);
    }

    [Fact]
    public void RocAucCountsTiesAsOneHalf()
    {
        // Positive 0.5 ties the negative 0.5 (1/2) and beats the negative 0.1 (1): (1.5 + 0 + ...) / pairs.
        // Positives {0.5, 0.9}, negatives {0.5, 0.1}: 0.9 beats both (2), 0.5 ties one (0.5) and beats one (1): 3.5 / 4.
        Assert.Equal(0.875, RiskMetrics.RocAuc([0.5, 0.9, 0.5, 0.1], [true, true, false, false]), 12);
    }

    [Fact]
    public void RocAucIsUndefinedWithOneClass()
    {
        Assert.True(double.IsNaN(RiskMetrics.RocAuc([0.1, 0.2], [true, true])));
    }

    [Fact]
    public void PerfectAndReversedRankingsGiveAucOneAndZero()
    {
        Assert.Equal(1.0, RiskMetrics.RocAuc([0.9, 0.8, 0.2, 0.1], [true, true, false, false]));
        Assert.Equal(0.0, RiskMetrics.RocAuc([0.1, 0.2, 0.8, 0.9], [true, true, false, false]));
    }
}
