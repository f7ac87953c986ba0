using Silkgate.Common;

namespace Silkgate.Statistics;

public enum TargetRelation
{
    /// <summary>The value itself.</summary>
    Level,

    /// <summary>Strictly more than the published value ("reached over 60 billion yuan").</summary>
    AtLeast,

    /// <summary>Percent change against the base period: (value / base − 1) × 100 ("+134.5 %").</summary>
    YoyPct,

    /// <summary>value / base ("3.96 times that of 2013").</summary>
    TimesBase,

    /// <summary>value / base − 1 ("an increase of 7.62 times", 增长7.62倍).</summary>
    IncreaseTimes,
}

/// <summary>
/// One published figure (the format of data/published/kashgar-public.csv): a measure over a scope, flow and period,
/// related to its value directly or to a base period, published to a number of decimals.
/// </summary>
public sealed record PublishedTarget(
    string Id,
    string Measure,
    StatsScope Scope,
    StatsFlow Flow,
    YearMonth From,
    YearMonth To,
    TargetRelation Relation,
    YearMonth? BaseFrom,
    YearMonth? BaseTo,
    decimal Value,
    string Unit,
    int Decimals,
    string Statement)
{
    public static readonly IReadOnlyDictionary<string, TargetRelation> Relations = new Dictionary<string, TargetRelation>
    {
        ["level"] = TargetRelation.Level,
        ["at_least"] = TargetRelation.AtLeast,
        ["yoy_pct"] = TargetRelation.YoyPct,
        ["times_base"] = TargetRelation.TimesBase,
        ["increase_times"] = TargetRelation.IncreaseTimes,
    };

    /// <summary>Converts a raw statistic (CNY, kg or a count) into the unit the figure was published in.</summary>
    public static decimal InUnit(decimal raw, string unit) => unit switch
    {
        "CNY_bn" => raw / 1_000_000_000m,
        "t_million" => raw / 1_000_000_000m, // kg → million tonnes
        "count" => raw,
        _ => throw new SilkgateException("SG-STAT-010", $"Unknown unit '{unit}' for a level figure (CNY_bn, t_million, count)."),
    };

    /// <summary>The raw statistic (CNY, kg or a count) that a figure in the given unit stands for: the inverse of <see cref="InUnit"/>.</summary>
    public static decimal FromUnit(decimal figure, string unit) => unit switch
    {
        "CNY_bn" or "t_million" => figure * 1_000_000_000m,
        "count" => figure,
        _ => throw new SilkgateException("SG-STAT-010", $"Unknown unit '{unit}' for a level figure (CNY_bn, t_million, count)."),
    };

    /// <summary>
    /// The figure as published from the computed period value and, for relations to a base period, the base value:
    /// level and at_least in the target's unit; yoy_pct in percent; times_base and increase_times as ratios.
    /// </summary>
    public decimal Figure(decimal value, decimal? baseValue)
    {
        if (Relation is TargetRelation.Level or TargetRelation.AtLeast)
            return InUnit(value, Unit);
        if (baseValue is not { } b || b == 0)
            throw new SilkgateException("SG-STAT-011", $"Target {Id}: the base period {BaseFrom}..{BaseTo} has no value to compare with.");
        var ratio = value / b;
        return Relation switch
        {
            TargetRelation.YoyPct => (ratio - 1m) * 100m,
            TargetRelation.TimesBase => ratio,
            _ => ratio - 1m,
        };
    }

    /// <summary>Whether a computed figure reproduces the published one: rounded half up to its decimals, or strictly above it for at_least.</summary>
    public bool Matches(decimal figure) =>
        Relation == TargetRelation.AtLeast
            ? figure > Value
            : Math.Round(figure, Decimals, MidpointRounding.AwayFromZero) == Value;
}
