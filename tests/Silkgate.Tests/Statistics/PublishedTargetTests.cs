using Silkgate.Common;
using Silkgate.Statistics;

namespace Silkgate.Tests.Statistics;

/// <summary>How published figures relate to computed ones (DESIGN.md §9): "times that of" is not "an increase of … times".</summary>
public sealed class PublishedTargetTests
{
    private static PublishedTarget Target(TargetRelation relation, decimal value, int decimals, string unit = "times") =>
        new("T", "trade_value", StatsScope.Prefecture, StatsFlow.Total, new YearMonth(2022, 1), new YearMonth(2022, 12), relation,
            new YearMonth(2013, 1), new YearMonth(2013, 12), value, unit, decimals, "");

    [Fact]
    public void Times_that_of_the_base_is_the_ratio()
    {
        var t = Target(TargetRelation.TimesBase, 3.96m, 2);
        Assert.True(t.Matches(t.Figure(49.31m, 12.44m))); // 49.31 / 12.44 = 3.9638
    }

    [Fact]
    public void An_increase_of_x_times_is_the_ratio_minus_one()
    {
        var t = Target(TargetRelation.IncreaseTimes, 7.62m, 2);
        Assert.True(t.Matches(t.Figure(862m, 100m)));   // 8.62 times the base
        Assert.False(t.Matches(t.Figure(762m, 100m)));  // 7.62 times the base is an increase of 6.62 times
    }

    [Fact]
    public void Year_on_year_growth_is_a_percentage_change()
    {
        var t = Target(TargetRelation.YoyPct, 134.5m, 1, "pct");
        Assert.True(t.Matches(t.Figure(2345m, 1000m)));
        Assert.False(t.Matches(t.Figure(1345m, 1000m)));
    }

    [Fact]
    public void A_level_matches_when_it_rounds_half_up_to_the_published_decimals()
    {
        var t = Target(TargetRelation.Level, 49.31m, 2, "CNY_bn");
        Assert.True(t.Matches(t.Figure(49_305_000_000m, null)));
        Assert.False(t.Matches(t.Figure(49_304_999_999m, null)));
    }

    [Fact]
    public void At_least_means_strictly_more()
    {
        var t = Target(TargetRelation.AtLeast, 60m, 0, "CNY_bn");
        Assert.False(t.Matches(t.Figure(60_000_000_000m, null)));
        Assert.True(t.Matches(t.Figure(60_000_000_001m, null)));
    }

    [Fact]
    public void A_relation_to_an_empty_base_is_an_error_not_infinity() =>
        Assert.Equal("SG-STAT-011", Assert.Throws<SilkgateException>(() => Target(TargetRelation.YoyPct, 1m, 1, "pct").Figure(10m, 0m)).Code);
}
