using System.Globalization;
using Silkgate.Common;
using Silkgate.Reference;
using Silkgate.Statistics;

namespace Silkgate.Storage.Statistics;

/// <summary>One declaration behind a figure (per dimension key): who, when, where, and what it adds to the figure.</summary>
public sealed record ExplainRow(
    IReadOnlyList<string> Keys,
    string DeclarationId,
    string EnterpriseId,
    string ReleaseDate,
    string Flow,
    string PartnerCountry,
    string Port,
    string TradeMode,
    long Items,
    decimal Value);

/// <summary>
/// The declarations behind a statistics answer, every one with its contribution (largest first), and the answer
/// of <see cref="StatsQueryRunner"/> they must add up to, key by key.
/// </summary>
public sealed record Explanation(StatsQuery Query, IReadOnlyList<ExplainRow> Rows, int Declarations, decimal Total, IReadOnlyList<StatsRow> Figure, decimal FigureTotal,
    IReadOnlyList<string> Mismatches)
{
    public bool AddsUp => Mismatches.Count == 0;
}

/// <summary>
/// `stats explain`: lists the released declarations behind a figure, read from the items, with each one's
/// contribution to the measure: its statistical value (CNY, or USD at its release month's rate), its net mass in kg,
/// its number of items, 1 for declaration_count; for partner_count, the number of partners it is the first
/// declaration (by release date, then id) with a non-zero value to trade with. USD contributions are rounded to the
/// fen with the rounding residue of each key given to the largest remainders, so that they add up to the figure.
/// </summary>
public static class StatsExplainer
{
    public static Explanation Explain(Database db, StatsQuery q, ReferenceData reference)
    {
        var figure = new StatsQueryRunner(db).Run(q, reference);
        var dims = q.Dimensions.ToList();
        var partnerRows = q.Measure == StatsMeasure.PartnerCount;
        var columns = "min(i.release_date), min(i.flow), min(i.partner_country), max(i.partner_country), count(DISTINCT i.partner_country), min(i.port), " +
                      "min(i.trade_mode), count(*), sum(i.statistical_value_fen), sum(i.net_mass_g), sum(CASE WHEN i.ecommerce = true THEN i.statistical_value_fen ELSE 0 END), min(i.release_month)";
        string[] extra = partnerRows ? ["i.enterprise_id", "i.declaration_id", "i.partner_country"] : ["i.enterprise_id", "i.declaration_id"];
        var (sql, args) = StatsQueryRunner.Build(q, dims, cube: false, partnerKey: false, null, extra, columns);
        var width = dims.Count;
        var read = new List<Raw>();
        using (var conn = db.OpenConnection())
        {
            read.AddRange(Sql.Query(conn, null, sql, r =>
            {
                var keys = new string[width];
                for (var n = 0; n < width; n++)
                    keys[n] = StatsQueryRunner.FormatKey(dims[n], Convert.ToString(r.GetValue(n), CultureInfo.InvariantCulture)!);
                var c = width + extra.Length;
                var release = r.GetValue(c) switch
                {
                    DateOnly d => d,
                    DateTime t => DateOnly.FromDateTime(t),
                    var other => DateOnly.Parse(Convert.ToString(other, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture),
                };
                var lo = r.GetString(c + 2);
                var partners = Convert.ToInt64(r.GetValue(c + 4), CultureInfo.InvariantCulture);
                return new Raw(keys, r.GetString(width + 1), r.GetString(width), partnerRows ? r.GetString(width + 2) : null, release, r.GetString(c + 1),
                    partners == 1 ? lo : $"{lo}+{partners - 1}", r.GetString(c + 5), r.GetString(c + 6),
                    Long(r.GetValue(c + 7)), Long(r.GetValue(c + 8)), Long(r.GetValue(c + 9)), Long(r.GetValue(c + 10)), Convert.ToInt32(r.GetValue(c + 11), CultureInfo.InvariantCulture));
            }, args));
        }

        var rows = new List<ExplainRow>();
        foreach (var byKey in read.GroupBy(r => string.Join("\u0001", r.Keys), StringComparer.Ordinal))
            rows.AddRange(Contributions(q, byKey.ToList(), reference));
        rows.Sort((a, b) =>
        {
            var c = b.Value.CompareTo(a.Value);
            if (c != 0)
                return c;
            c = string.CompareOrdinal(string.Join("\u0001", a.Keys), string.Join("\u0001", b.Keys));
            return c != 0 ? c : string.CompareOrdinal(a.EnterpriseId + "/" + a.DeclarationId, b.EnterpriseId + "/" + b.DeclarationId);
        });

        var explained = rows.GroupBy(r => string.Join("\u0001", r.Keys), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.Value), StringComparer.Ordinal);
        var answered = figure.ToDictionary(r => string.Join("\u0001", r.Keys), r => r.Value, StringComparer.Ordinal);
        var mismatches = explained.Keys.Union(answered.Keys).Order(StringComparer.Ordinal)
            .Where(k => explained.GetValueOrDefault(k) != answered.GetValueOrDefault(k))
            .Select(k => $"{(k.Length == 0 ? "(total)" : k.Replace("\u0001", ",", StringComparison.Ordinal))}: declarations add up to {explained.GetValueOrDefault(k).ToString(CultureInfo.InvariantCulture)}, the figure is {answered.GetValueOrDefault(k).ToString(CultureInfo.InvariantCulture)}")
            .ToList();
        var declarations = rows.Select(r => r.EnterpriseId + "/" + r.DeclarationId).Distinct(StringComparer.Ordinal).Count();
        return new Explanation(q, rows, declarations, rows.Sum(r => r.Value), figure, figure.Sum(r => r.Value), mismatches);
    }

    private static long Long(object value) => value is DBNull ? 0L : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private sealed record Raw(string[] Keys, string DeclarationId, string EnterpriseId, string? Partner, DateOnly Release, string Flow, string Partners, string Port,
        string TradeMode, long Items, long ValueFen, long MassG, long EcommerceFen, int Month);

    /// <summary>The contributions of the declarations of one key.</summary>
    private static IEnumerable<ExplainRow> Contributions(StatsQuery q, List<Raw> raws, ReferenceData reference)
    {
        ExplainRow Row(Raw r, long items, decimal value) =>
            new(r.Keys, r.DeclarationId, r.EnterpriseId, r.Release.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Flow, r.Partners, r.Port, r.TradeMode, items, value);

        switch (q.Measure)
        {
            case StatsMeasure.PartnerCount:
            {
                // Rows are per declaration and partner here: credit each partner (not ZZ, non-zero value) to its first declaration.
                var credit = raws.Where(r => r.Partner != "ZZ" && r.ValueFen != 0)
                    .GroupBy(r => r.Partner!, StringComparer.Ordinal)
                    .Select(g => g.OrderBy(r => r.Release).ThenBy(r => r.EnterpriseId + "/" + r.DeclarationId, StringComparer.Ordinal).First())
                    .GroupBy(r => r.EnterpriseId + "/" + r.DeclarationId, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
                return raws.GroupBy(r => r.EnterpriseId + "/" + r.DeclarationId, StringComparer.Ordinal)
                    .Select(g => Row(g.First() with { Partners = Partners(g) }, g.Sum(r => r.Items), credit.GetValueOrDefault(g.Key)));
            }
            case StatsMeasure.DeclarationCount:
                return raws.Select(r => Row(r, r.Items, 1m));
            case StatsMeasure.ItemCount:
                return raws.Select(r => Row(r, r.Items, r.Items));
            case StatsMeasure.CargoMass:
                return raws.Select(r => Row(r, r.Items, Mass.FromGrams(r.MassG)));
            default:
            {
                var ecommerce = q.Measure == StatsMeasure.EcommerceValue;
                // ecommerce_value: only the declarations with e-commerce items are behind the figure.
                var behind = ecommerce ? raws.Where(r => r.EcommerceFen != 0).ToList() : raws;
                long Fen(Raw r) => ecommerce ? r.EcommerceFen : r.ValueFen;
                if (q.Currency != "USD")
                    return behind.Select(r => Row(r, r.Items, Money.FromFen(Fen(r))));
                // The figure converts each month's sum at the month's rate, then rounds; the contributions are each
                // declaration's value at its month's rate, rounded to the fen, the residue to the largest remainders.
                var figure = Money.RoundToFen(behind.GroupBy(r => r.Month).OrderBy(g => g.Key)
                    .Sum(g => Money.FromFen(g.Sum(Fen)) / reference.Rates.Rate(YearMonth.FromKey(g.Key), "USD")));
                var exact = behind.Select(r => (Raw: r, Usd: Money.FromFen(Fen(r)) / reference.Rates.Rate(YearMonth.FromKey(r.Month), "USD"))).ToList();
                var rounded = exact.Select(e => Money.RoundToFen(e.Usd)).ToArray();
                var residue = (long)((figure - rounded.Sum()) * 100m);
                var order = Enumerable.Range(0, exact.Count)
                    .OrderByDescending(n => residue > 0 ? exact[n].Usd - rounded[n] : rounded[n] - exact[n].Usd)
                    .ThenBy(n => exact[n].Raw.EnterpriseId + "/" + exact[n].Raw.DeclarationId, StringComparer.Ordinal).ToList();
                for (var k = 0; k < Math.Abs(residue) && order.Count > 0; k++)
                    rounded[order[k % order.Count]] += residue > 0 ? 0.01m : -0.01m;
                return exact.Select((e, n) => Row(e.Raw, e.Raw.Items, rounded[n]));
            }
        }
    }

    private static string Partners(IEnumerable<Raw> rows)
    {
        var all = rows.Select(r => r.Partner!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return all.Count == 1 ? all[0] : $"{all[0]}+{all.Count - 1}";
    }
}
