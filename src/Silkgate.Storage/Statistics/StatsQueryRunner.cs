using System.Globalization;
using Silkgate.Common;
using Silkgate.Reference;
using Silkgate.Statistics;

namespace Silkgate.Storage.Statistics;

/// <summary>
/// Answers a <see cref="StatsQuery"/> from released items (DESIGN.md §9): imports by origin, exports by
/// destination (the item's partner country), statistical value (CIF/FOB) in CNY, release month as the period.
/// USD figures convert month by month with the customs USD rate of the release month: the query always groups by
/// month in SQL, converts in decimal, then sums to the dimensions asked.
/// </summary>
public sealed class StatsQueryRunner(Database db)
{
    public IReadOnlyList<StatsRow> Run(StatsQuery q, ReferenceData reference)
    {
        if (q.Scope.Kind == ScopeKind.Group && !reference.Groups.Exists(q.Scope.Name!))
            throw new SilkgateException("SG-STAT-007", $"Unknown partner group '{q.Scope.Name}': known groups are {string.Join(", ", reference.Groups.Names)}.");
        var needUsd = q.Currency == "USD" && q.Measure is StatsMeasure.TradeValue or StatsMeasure.EcommerceValue;
        var sqlDims = q.Dimensions.ToList();
        if (needUsd && !sqlDims.Contains(StatsDimension.Month))
            sqlDims.Add(StatsDimension.Month);

        var joinGroup = sqlDims.Contains(StatsDimension.Group) || q.Scope.Kind == ScopeKind.Group;
        var args = new List<object?> { q.From.Key, q.To.Key };
        var where = new List<string> { "i.release_month BETWEEN @p0 AND @p1" };
        if (q.Flow != StatsFlow.Total)
        {
            args.Add(q.Flow == StatsFlow.Import ? "import" : "export");
            where.Add($"i.flow = @p{args.Count - 1}");
        }
        switch (q.Scope.Kind)
        {
            case ScopeKind.Zone:
                where.Add("i.in_zone = true");
                break;
            case ScopeKind.Port:
                args.Add(q.Scope.Name);
                where.Add($"i.port = @p{args.Count - 1}");
                break;
            case ScopeKind.Group:
                args.Add(q.Scope.Name);
                where.Add($"g.group_code = @p{args.Count - 1}");
                break;
        }
        // Group memberships are dated: an item counts for a group when released while its partner was a member.
        var from = "declaration_item i" + (joinGroup
            ? " JOIN partner_group g ON g.country = i.partner_country AND i.release_date >= g.valid_from AND (g.valid_to IS NULL OR i.release_date <= g.valid_to)"
            : "");
        var keys = sqlDims.Select(DimensionSql).ToList();
        var measure = q.Measure switch
        {
            StatsMeasure.TradeValue => "sum(i.statistical_value_fen)",
            StatsMeasure.CargoMass => "sum(i.net_mass_g)",
            StatsMeasure.EcommerceValue => "sum(CASE WHEN i.ecommerce = true THEN i.statistical_value_fen ELSE 0 END)",
            StatsMeasure.ItemCount => "count(*)",
            StatsMeasure.DeclarationCount => "count(DISTINCT i.enterprise_id || '/' || i.declaration_id)",
            // A partner is a country with non-zero trade; ZZ (unknown) is no country.
            _ => "count(DISTINCT CASE WHEN i.statistical_value_fen <> 0 AND i.partner_country <> 'ZZ' THEN i.partner_country END)",
        };
        var select = string.Join(", ", keys.Select((k, n) => $"{k} AS k{n}").Append($"{measure} AS v"));
        var sql = $"SELECT {select} FROM {from} WHERE {string.Join(" AND ", where)}" +
                  (keys.Count > 0 ? $" GROUP BY {string.Join(", ", keys.Select((_, n) => "k" + n))}" : "");

        using var conn = db.OpenConnection();
        var raw = Sql.Query(conn, null, sql, r =>
        {
            var k = new string[keys.Count];
            for (var n = 0; n < keys.Count; n++)
                k[n] = FormatKey(sqlDims[n], r.IsDBNull(n) ? "" : Convert.ToString(r.GetValue(n), CultureInfo.InvariantCulture)!);
            var v = r.IsDBNull(keys.Count) ? 0L : Convert.ToInt64(r.GetValue(keys.Count), CultureInfo.InvariantCulture);
            return (Keys: k, Value: v);
        }, args.ToArray()).ToList();

        IEnumerable<(string[] Keys, decimal Value)> rows = raw.Select(r => (r.Keys, ScaleValue(q.Measure, r.Value)));
        if (needUsd)
        {
            var monthAt = sqlDims.IndexOf(StatsDimension.Month);
            rows = rows.Select(r => (r.Keys, r.Value / reference.Rates.Rate(YearMonth.Parse(r.Keys[monthAt]), "USD")));
            if (!q.Dimensions.Contains(StatsDimension.Month))
            {
                rows = rows.GroupBy(r => string.Join("\u0001", r.Keys.Where((_, n) => n != monthAt)))
                    .Select(g => (g.First().Keys.Where((_, n) => n != monthAt).ToArray(), g.Sum(r => r.Value)));
            }
            rows = rows.Select(r => (r.Item1, Money.RoundToFen(r.Item2)));
        }
        var result = rows.Select(r => new StatsRow(r.Item1, r.Item2)).ToList();
        if (q.Dimensions.Count == 0 && result.Count == 0)
            result.Add(new StatsRow([], 0m));
        return result.OrderBy(r => string.Join("\u0001", r.Keys), StringComparer.Ordinal).ToList();
    }

    private static decimal ScaleValue(StatsMeasure m, long v) => m switch
    {
        StatsMeasure.TradeValue or StatsMeasure.EcommerceValue => Money.FromFen(v),
        StatsMeasure.CargoMass => Mass.FromGrams(v),
        _ => v,
    };

    private static string DimensionSql(StatsDimension d) => d switch
    {
        StatsDimension.Month => "i.release_month",
        StatsDimension.Quarter => "(i.release_month / 100) * 10 + ((i.release_month % 100) - 1) / 3 + 1",
        StatsDimension.Year => "i.release_month / 100",
        StatsDimension.Partner => "i.partner_country",
        StatsDimension.Group => "g.group_code",
        StatsDimension.Port => "i.port",
        StatsDimension.Hs2 => "substr(i.hs_code, 1, 2)",
        StatsDimension.Hs4 => "substr(i.hs_code, 1, 4)",
        StatsDimension.TradeMode => "i.trade_mode",
        _ => "i.flow",
    };

    private static string FormatKey(StatsDimension d, string raw)
    {
        switch (d)
        {
            case StatsDimension.Month:
                return YearMonth.FromKey(int.Parse(raw, CultureInfo.InvariantCulture)).ToString();
            case StatsDimension.Quarter:
                var q = int.Parse(raw, CultureInfo.InvariantCulture);
                return string.Create(CultureInfo.InvariantCulture, $"{q / 10}-Q{q % 10}");
            default:
                return raw;
        }
    }
}
