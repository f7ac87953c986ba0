
namespace Silkgate.Risk;

/// <summary>
/// A targeting rule as data (data/risk/rules.csv). Every non-empty condition must hold for the rule to fire; the
/// rule then sends the declaration at least to its lane.
/// </summary>
public sealed record RiskRule(
    string Id,
    string Description,
    Lane Lane,
    string? Origin,
    string? HsPrefix,
    string? Declarant,
    bool? PreferenceClaimed,
    decimal? ValuePerKgBelowMinShare,
    int? MinDiscrepancies,
    DateOnly ValidFrom,
    DateOnly? ValidTo)
{
    public bool Fires(RiskInput input, out string reason)
    {
        reason = $"rule {Id}: {Description}";
        var d = input.Draft;
        if (d.Body.Date < ValidFrom || (ValidTo is { } to && d.Body.Date > to))
            return false;
        if (Declarant is not null && d.Declarant != Declarant)
            return false;
        if (MinDiscrepancies is { } min && input.History.Discrepancies + input.History.Seizures < min)
            return false;
        for (var i = 0; i < d.Body.Items.Count; i++)
        {
            var item = d.Body.Items[i];
            if (Origin is not null && item.Origin != Origin)
                continue;
            if (HsPrefix is not null && !item.HsCode.StartsWith(HsPrefix, StringComparison.Ordinal))
                continue;
            if (PreferenceClaimed is { } p && (item.Preference is not null) != p)
                continue;
            if (ValuePerKgBelowMinShare is { } share)
            {
                var bounds = item.HsCode.Length >= 4 ? input.ValueBounds.FirstOrDefault(b => b.Heading == item.HsCode[..4]) : null;
                if (bounds is null || item.NetMassKg is not { } kg || kg <= 0 || input.CustomsValuesCny[i] / kg >= bounds.MinCnyPerKg * share)
                    continue;
            }
            return true;
        }
        return false;
    }
}

/// <summary>Lane policy (data/risk/settings.csv): target share of each lane and the random share that keeps the model honest.</summary>
public sealed record LaneSettings(decimal RedShare, decimal YellowShare, decimal BlueShare, decimal RandomShare)
{
    /// <summary>The share sent to control (red or yellow) by the model percentile, before rules and the random share.</summary>
    public decimal InspectionShare => RedShare + YellowShare;

    /// <summary>
    /// These settings with <paramref name="share"/> of declarations sent to control by model percentile: red and
    /// yellow keep their proportion (all red when both were 0); blue shrinks if the shares would exceed 1; the random
    /// share is unchanged. Refused (SG-RISK-103) outside [0, 1].
    /// </summary>
    public LaneSettings WithInspectionShare(decimal share)
    {
        if (share is < 0 or > 1)
            throw new Common.SilkgateException("SG-RISK-103", $"The inspection share {share} is not a share between 0 and 1.");
        var red = InspectionShare == 0 ? share : share * RedShare / InspectionShare;
        return this with { RedShare = red, YellowShare = share - red, BlueShare = Math.Min(BlueShare, 1 - share) };
    }
}

/// <summary>The lane and why.</summary>
public sealed record LaneDecision(Lane Lane, decimal Percentile, string Model, IReadOnlyList<string> Reasons);

/// <summary>
/// Chooses the lane (DESIGN.md §4): a firing rule sends at least to its lane; otherwise the model percentile picks
/// red for the top red share, yellow for the next yellow share, blue for the next blue share, green for the rest.
/// A small random share of declarations is sent to documentary or physical control whatever the score, decided by
/// a hash of the declaration id so that a retry gets the same lane.
/// </summary>
public sealed class LaneSelector(IRiskScorer scorer, IReadOnlyList<RiskRule> rules, LaneSettings settings)
{
    public LaneDecision Select(RiskInput input, string declarationId)
    {
        var score = scorer.Score(input);
        var reasons = new List<string>(score.Reasons.Select(r => $"{scorer.Name}: {r}"));
        var lane = score.Percentile >= 1m - settings.RedShare ? Lane.Red
            : score.Percentile >= 1m - settings.RedShare - settings.YellowShare ? Lane.Yellow
            : score.Percentile >= 1m - settings.RedShare - settings.YellowShare - settings.BlueShare ? Lane.Blue
            : Lane.Green;
        reasons.Add($"model percentile {score.Percentile:0.000} -> {lane.ToString().ToLowerInvariant()}");
        foreach (var rule in rules)
        {
            if (rule.Fires(input, out var why))
            {
                reasons.Add(why);
                if (Severity(rule.Lane) > Severity(lane))
                    lane = rule.Lane;
            }
        }
        var draw = RandomDraw(declarationId);
        if (lane is Lane.Green or Lane.Blue && draw < settings.RandomShare)
        {
            lane = draw < settings.RandomShare / 2 ? Lane.Red : Lane.Yellow;
            reasons.Add($"random selection ({settings.RandomShare:P1} of declarations)");
        }
        return new LaneDecision(lane, score.Percentile, scorer.Name, reasons);
    }

    private static int Severity(Lane lane) => lane switch
    {
        Lane.Red => 3,
        Lane.Yellow => 2,
        Lane.Blue => 1,
        _ => 0,
    };

    /// <summary>A uniform number in [0, 1) from the declaration id (FNV-1a), stable across retries and processes.</summary>
    public static decimal RandomDraw(string declarationId)
    {
        var hash = 2166136261u;
        foreach (var c in declarationId)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return (hash % 1_000_000u) / 1_000_000m;
    }
}
