using Silkgate.Declarations;

namespace Silkgate.Risk;

public enum Lane
{
    /// <summary>Release on system checks.</summary>
    Green,

    /// <summary>Documentary check.</summary>
    Yellow,

    /// <summary>Physical inspection.</summary>
    Red,

    /// <summary>Released now, post-clearance audit later.</summary>
    Blue,
}

/// <summary>A declarant's record at customs, the history that risk rules and models look at.</summary>
public sealed record DeclarantHistory(int Declarations, int Inspections, int Discrepancies, int Seizures)
{
    public static DeclarantHistory None { get; } = new(0, 0, 0, 0);

    /// <summary>Share of inspections that found something, smoothed toward a prior so that one inspection says little.</summary>
    public decimal SmoothedDiscrepancyRate(decimal prior = 0.1m, int weight = 5) =>
        (Discrepancies + Seizures + (prior * weight)) / (Inspections + weight);
}

/// <summary>What a risk model sees of a declaration at lodging.</summary>
/// <param name="DutyRatesPercent">Per item, the duty assessed as a percentage of its customs value (null when not computed).</param>
public sealed record RiskInput(DeclarationDraft Draft, IReadOnlyList<decimal> CustomsValuesCny, DeclarantHistory History, IReadOnlyList<ValueBounds> ValueBounds,
    IReadOnlyList<decimal>? DutyRatesPercent = null);

/// <summary>A model's answer: a risk percentile in [0, 1] (1 = riskiest) and the reasons behind it.</summary>
public sealed record RiskScore(decimal Percentile, IReadOnlyList<string> Reasons);

/// <summary>
/// The seam where a trained model plugs in (the risk-model issue). Scores are percentiles against the model's
/// reference population, so that lane shares translate directly into thresholds.
/// </summary>
public interface IRiskScorer
{
    string Name { get; }

    RiskScore Score(RiskInput input);
}

/// <summary>
/// The shipped baseline: the declarant's smoothed discrepancy rate, value per kg below the plausible range of the
/// heading, and preference claims. Each adds to the percentile; it is a baseline, not a trained model.
/// </summary>
public sealed class BaselineScorer : IRiskScorer
{
    public string Name => "baseline-v1";

    public RiskScore Score(RiskInput input)
    {
        var reasons = new List<string>();
        var score = 0.2m;
        var rate = input.History.SmoothedDiscrepancyRate();
        if (input.History.Inspections > 0)
        {
            score += Math.Min(0.5m, rate);
            reasons.Add($"declarant discrepancy rate {rate:P0} over {input.History.Inspections} inspection(s)");
        }
        var items = input.Draft.Body.Items;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].NetMassKg is not { } kg || kg <= 0 || items[i].HsCode.Length < 4)
                continue;
            var bounds = input.ValueBounds.FirstOrDefault(b => b.Heading == items[i].HsCode[..4]);
            if (bounds is not null && input.CustomsValuesCny[i] / kg < bounds.MinCnyPerKg)
            {
                score += 0.3m;
                reasons.Add($"item {i + 1}: value per kg below the plausible range of heading {bounds.Heading}");
                break;
            }
        }
        if (items.Any(i => i.Preference is not null))
        {
            score += 0.1m;
            reasons.Add("preference claimed");
        }
        return new RiskScore(Math.Min(1m, score), reasons);
    }
}
