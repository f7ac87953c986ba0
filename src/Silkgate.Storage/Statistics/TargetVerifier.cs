using System.Globalization;
using Silkgate.Common;
using Silkgate.Reference;
using Silkgate.Statistics;
using Silkgate.Storage.Reference;

namespace Silkgate.Storage.Statistics;

/// <summary>One target checked: the figure computed from the released declarations, or why it could not be.</summary>
public sealed record TargetCheck(PublishedTarget Target, decimal? Computed, bool Matches, string? Problem);

/// <summary>
/// `stats verify`: recomputes every figure of a targets file (the format of data/published/kashgar-public.csv) from
/// the released declarations and says whether it reproduces the published figure at its precision.
/// </summary>
public static class TargetVerifier
{
    public static IReadOnlyList<PublishedTarget> Read(TextReader reader, string file) =>
        CsvFiles.Read(reader, file, "id", "measure", "scope", "flow", "period_from", "period_to", "relation", "base_from", "base_to", "value", "unit", "decimals", "statement")
            .Select(r =>
            {
                var relation = PublishedTarget.Relations.TryGetValue(r.Required("relation"), out var rel)
                    ? rel
                    : throw new SilkgateException("SG-STAT-012", $"{file}:{r.Line}: relation '{r["relation"]}' is not one of {string.Join(", ", PublishedTarget.Relations.Keys)}.");
                if (!StatsQuery.MeasureNames.ContainsKey(r.Required("measure")))
                    throw new SilkgateException("SG-STAT-012", $"{file}:{r.Line}: measure '{r["measure"]}' is not one of {string.Join(", ", StatsQuery.MeasureNames.Keys)}.");
                YearMonth? Month(string column) => r.Optional(column) is { } m ? YearMonth.Parse(m) : null;
                var needsBase = relation is TargetRelation.YoyPct or TargetRelation.TimesBase or TargetRelation.IncreaseTimes;
                if (needsBase && (Month("base_from") is null || Month("base_to") is null))
                    throw new SilkgateException("SG-STAT-012", $"{file}:{r.Line}: relation {r["relation"]} needs base_from and base_to.");
                return new PublishedTarget(
                    r.Required("id"), r.Required("measure"), StatsScope.Parse(r.Required("scope")),
                    StatsQuery.ParseFlow(r.Required("flow")),
                    YearMonth.Parse(r.Required("period_from")), YearMonth.Parse(r.Required("period_to")), relation,
                    Month("base_from"), Month("base_to"),
                    CsvFiles.ParseDecimal(r.Required("value"), file, r.Line, "value"), r.Required("unit"),
                    int.Parse(r.Required("decimals"), CultureInfo.InvariantCulture), r["statement"]);
            })
            .ToList();

    public static IReadOnlyList<TargetCheck> Verify(IEnumerable<PublishedTarget> targets, StatsQueryRunner runner, ReferenceData reference)
    {
        var checks = new List<TargetCheck>();
        foreach (var t in targets)
        {
            try
            {
                decimal Compute(YearMonth from, YearMonth to) =>
                    runner.Run(new StatsQuery(StatsQuery.MeasureNames[t.Measure], [], from, to, t.Scope, t.Flow, "CNY"), reference)[0].Value;
                var value = Compute(t.From, t.To);
                decimal? baseValue = t.BaseFrom is { } bf && t.BaseTo is { } bt ? Compute(bf, bt) : null;
                var figure = t.Figure(value, baseValue);
                checks.Add(new TargetCheck(t, figure, t.Matches(figure), null));
            }
            catch (SilkgateException e)
            {
                checks.Add(new TargetCheck(t, null, false, $"{e.Code}: {e.Message}"));
            }
        }
        return checks;
    }
}
