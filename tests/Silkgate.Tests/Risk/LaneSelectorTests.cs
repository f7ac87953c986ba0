using Silkgate.Declarations;
using Silkgate.Risk;
using Silkgate.Tariff;

namespace Silkgate.Tests.Risk;

public sealed class LaneSelectorTests
{
    private sealed class FixedScorer(decimal percentile) : IRiskScorer
    {
        public string Name => "fixed";

        public RiskScore Score(RiskInput input) => new(percentile, ["fixed score"]);
    }

    private static readonly LaneSettings Shares = new(0.05m, 0.10m, 0.05m, 0m);

    private static RiskInput Input(TaxableItem? item = null, DeclarantHistory? history = null) =>
        new(new DeclarationDraft("E100", "PK", "road", new TaxableDeclaration(Flow.Import, new DateOnly(2023, 6, 1), "KHUNJERAB", "0110", "CNY", 0m, 0m,
                [item ?? new TaxableItem("0813100000", "PK", 1000m, 100m, "kg", 100m)])),
            [1000m], history ?? DeclarantHistory.None, [new ValueBounds("0813", 8m, 200m)]);

    private static RiskRule Rule(Lane lane, string? origin = null, string? hs = null, bool? preference = null, decimal? belowShare = null, int? discrepancies = null) =>
        new("R", "test rule", lane, origin, hs, null, preference, belowShare, discrepancies, new DateOnly(2013, 1, 1), null);

    [Theory]
    [InlineData(0.96, Lane.Red)]
    [InlineData(0.90, Lane.Yellow)]
    [InlineData(0.82, Lane.Blue)]
    [InlineData(0.50, Lane.Green)]
    public void The_model_percentile_picks_the_lane_by_target_shares(double percentile, Lane lane) =>
        Assert.Equal(lane, new LaneSelector(new FixedScorer((decimal)percentile), [], Shares).Select(Input(), "D1").Lane);

    [Fact]
    public void A_firing_rule_raises_the_lane_and_is_recorded_as_a_reason()
    {
        var d = new LaneSelector(new FixedScorer(0.1m), [Rule(Lane.Yellow, origin: "PK", hs: "0813")], Shares).Select(Input(), "D1");
        Assert.Equal(Lane.Yellow, d.Lane);
        Assert.Contains(d.Reasons, r => r.StartsWith("rule R:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rule_never_lowers_the_lane() =>
        Assert.Equal(Lane.Red, new LaneSelector(new FixedScorer(0.99m), [Rule(Lane.Yellow, origin: "PK")], Shares).Select(Input(), "D1").Lane);

    [Fact]
    public void Rule_conditions_must_all_hold()
    {
        var selector = new LaneSelector(new FixedScorer(0.1m), [Rule(Lane.Red, origin: "KG", hs: "0813")], Shares);
        Assert.Equal(Lane.Green, selector.Select(Input(), "D1").Lane);
    }

    [Fact]
    public void Value_per_kg_rules_compare_with_the_heading_bounds()
    {
        var rule = Rule(Lane.Red, belowShare: 0.5m);
        Assert.False(rule.Fires(Input(), out _)); // 1000 CNY / 100 kg = 10 CNY/kg, above 4
        var cheap = Input() with { CustomsValuesCny = [300m] };
        Assert.True(rule.Fires(cheap, out _)); // 3 CNY/kg, below half of 8
    }

    [Fact]
    public void History_rules_look_at_the_declarants_discrepancies()
    {
        var rule = Rule(Lane.Red, discrepancies: 2);
        Assert.False(rule.Fires(Input(history: new DeclarantHistory(10, 3, 1, 0)), out _));
        Assert.True(rule.Fires(Input(history: new DeclarantHistory(10, 3, 1, 1)), out _));
    }

    [Fact]
    public void Random_selection_is_a_stable_share_of_declaration_ids()
    {
        var selector = new LaneSelector(new FixedScorer(0.1m), [], Shares with { RandomShare = 0.05m });
        var picked = Enumerable.Range(0, 20_000).Count(i => selector.Select(Input(), "D" + i).Lane != Lane.Green);
        Assert.InRange(picked, 700, 1300); // about 5 % of 20,000
        Assert.Equal(selector.Select(Input(), "D42").Lane, selector.Select(Input(), "D42").Lane);
    }

    [Fact]
    public void The_baseline_scores_history_undervaluation_and_preference_claims()
    {
        var plain = new BaselineScorer().Score(Input());
        var risky = new BaselineScorer().Score(Input(new TaxableItem("0813100000", "PK", 1000m, 100m, "kg", 100m, "CPFTA", "CO"), new DeclarantHistory(20, 4, 3, 0)) with { CustomsValuesCny = [100m] });
        Assert.True(risky.Percentile > plain.Percentile);
        Assert.Equal(3, risky.Reasons.Count);
        Assert.InRange(risky.Percentile, 0m, 1m);
    }
}
