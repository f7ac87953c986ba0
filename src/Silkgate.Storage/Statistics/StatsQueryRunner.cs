using System.Globalization;
using Silkgate.Common;
using Silkgate.Reference;
using Silkgate.Statistics;

namespace Silkgate.Storage.Statistics;

/// <summary>Where an answer came from: the monthly cube, the cube plus items of boundary months, or the items alone.</summary>
public enum StatsSource
{
    Cube,
    CubeAndItems,
    Items,
}

/// <summary>
/// Answers a <see cref="StatsQuery"/> from released items (DESIGN.md §9): imports by origin, exports by
/// destination (the item's partner country), statistical value (CIF/FOB) in CNY, release month as the period.
/// USD figures convert month by month with the customs USD rate of the release month: the query always groups by
/// month in SQL, converts in decimal, then sums to the dimensions asked.
/// <para>
/// Whenever the answer is exactly the same, it is read from the monthly cube (table stats_cube, docs/statistics.md)
/// rather than from the items. Group memberships are dated by day: a (group, partner, month) whose membership
/// starts or ends inside the month is answered from the items of that partner and month, the rest from the cube.
/// declaration_count is read from the cube unless it is split by HS code, or by group without partner (a
/// declaration with two partners of one group counts once for the group, which cube cells cannot tell).
/// </para>
/// </summary>
public sealed class StatsQueryRunner(Database db)
{
    /// <summary>Always scan the items (the reference answer the cube is tested against).</summary>
    public bool FromItems { get; init; }

    /// <summary>Where the last answer of <see cref="Run"/> came from.</summary>
    public StatsSource LastSource { get; private set; }

    /// <summary>Whether the cube can answer the query exactly (with items for boundary months of group memberships).</summary>
    public static bool CubeAnswers(StatsQuery q)
    {
        if (q.Measure != StatsMeasure.DeclarationCount)
            return true;
        if (q.Dimensions.Contains(StatsDimension.Hs2) || q.Dimensions.Contains(StatsDimension.Hs4))
            return false;
        var byGroup = q.Dimensions.Contains(StatsDimension.Group) || q.Scope.Kind == ScopeKind.Group;
        return !byGroup || q.Dimensions.Contains(StatsDimension.Partner);
    }

    /// <summary>A connection opened on first use: answers from preloaded cells need none.</summary>
    private sealed class LazyConnection(Database db) : IDisposable
    {
        private System.Data.Common.DbConnection? _conn;

        public System.Data.Common.DbConnection Value => _conn ??= db.OpenConnection();

        public void Dispose() => _conn?.Dispose();
    }

    /// <summary>Cells of stats_rollup for release months From..To (YYYYMM keys), read once by <see cref="Preload"/>, month by month in key order.</summary>
    private sealed record RollupSnapshot(int From, int To, SortedDictionary<int, List<KeyValuePair<CubeCell, CubeMeasures>>> Months);

    private RollupSnapshot? _snapshot;

    /// <summary>
    /// Reads the roll-up's cells of <paramref name="from"/>..<paramref name="to"/> once, for a report that asks many
    /// questions of the same months (the bulletin: a period and the same months a year before): every later answer
    /// the roll-up gives for months inside that range is summed from these cells in memory, with the same result
    /// as the SQL (a test compares every measure, dimension and scope), instead of one statement per question.
    /// The cells come from the months' packs (<see cref="RollupPacks"/>), which this writes where they are missing.
    /// </summary>
    public void Preload(YearMonth from, YearMonth to)
    {
        if (FromItems)
            return;
        using var conn = db.OpenConnection();
        _snapshot = new RollupSnapshot(from.Key, to.Key, RollupPacks.Read(conn, from.Key, to.Key));
    }

    /// <summary>
    /// The first release month with trade (non-zero statistical value), or null when nothing is released: one seek
    /// at the start of the roll-up's key (or of the items' month index with <see cref="FromItems"/>), where the
    /// equivalent "trade by year since 1990" query reads every cell.
    /// </summary>
    public YearMonth? FirstMonthWithTrade()
    {
        using var conn = db.OpenConnection();
        var sql = FromItems
            ? "SELECT min(release_month) FROM declaration_item WHERE release_month IS NOT NULL AND statistical_value_fen <> 0"
            : "SELECT min(release_month) FROM stats_rollup WHERE value_fen <> 0";
        return Sql.Query(conn, null, sql, r => r.IsDBNull(0) ? (YearMonth?)null : YearMonth.FromKey(Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture))).First();
    }

    public IReadOnlyList<StatsRow> Run(StatsQuery q, ReferenceData reference)
    {
        if (q.Scope.Kind == ScopeKind.Group && !reference.Groups.Exists(q.Scope.Name!))
            throw new SilkgateException("SG-STAT-007", $"Unknown partner group '{q.Scope.Name}': known groups are {string.Join(", ", reference.Groups.Names)}.");
        var needUsd = q.Currency == "USD" && q.Measure is StatsMeasure.TradeValue or StatsMeasure.EcommerceValue;
        var sqlDims = q.Dimensions.ToList();
        if (needUsd && !sqlDims.Contains(StatsDimension.Month))
            sqlDims.Add(StatsDimension.Month);

        // Raw sums by key (dimension values as SQL gives them, formatted), added up over the parts of the answer.
        var raw = new Dictionary<string, (string[] Keys, long Value)>(StringComparer.Ordinal);
        var useCube = !FromItems && CubeAnswers(q);
        using (var conn = new LazyConnection(db))
        {
            if (!useCube)
            {
                LastSource = StatsSource.Items;
                Read(conn.Value, raw, Build(q, sqlDims, cube: false, partnerKey: false, null), sqlDims, partnerKey: false);
            }
            else
            {
                // partner_count from cells: the value per partner is summed first (values are never negative, so a
                // partner with a non-zero sum is a partner with a non-zero item), then partners are counted.
                var partnerKey = q.Measure == StatsMeasure.PartnerCount;
                var byGroup = sqlDims.Contains(StatsDimension.Group) || q.Scope.Kind == ScopeKind.Group;
                var snapshot = _snapshot is { } snap && snap.From <= q.From.Key && q.To.Key <= snap.To && CubeTableFor(q, sqlDims, partnerKey) == "rollup" ? snap : null;
                if (!byGroup)
                {
                    LastSource = StatsSource.Cube;
                    if (snapshot is not null)
                        ReadSnapshot(snapshot, raw, q, sqlDims, partnerKey, null);
                    else
                        Read(conn.Value, raw, Build(q, sqlDims, cube: true, partnerKey, null), sqlDims, partnerKey);
                }
                else
                {
                    var (full, boundary) = Memberships(q, reference);
                    LastSource = boundary.Count > 0 ? StatsSource.CubeAndItems : StatsSource.Cube;
                    if (full.Count > 0 && snapshot is not null)
                        ReadSnapshot(snapshot, raw, q, sqlDims, partnerKey, full);
                    else if (full.Count > 0)
                        ReadCubeByGroup(conn.Value, raw, q, sqlDims, partnerKey, full);
                    if (boundary.Count > 0)
                        Read(conn.Value, raw, Build(q, sqlDims, cube: false, partnerKey, boundary), sqlDims, partnerKey);
                }
                if (partnerKey)
                {
                    var counted = new Dictionary<string, (string[] Keys, long Value)>(StringComparer.Ordinal);
                    foreach (var (keys, value) in raw.Values)
                    {
                        var k = keys[..^1];
                        var id = string.Join("\u0001", k);
                        var add = keys[^1] != "ZZ" && value != 0 ? 1 : 0;
                        counted[id] = counted.TryGetValue(id, out var c) ? (c.Keys, c.Value + add) : (k, add);
                    }
                    raw = counted;
                }
            }
        }

        // Summed in key order, so that every way of answering adds the same decimals in the same order.
        var ordered = raw.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).ToList();
        IEnumerable<(string[] Keys, decimal Value)> rows = ordered.Select(r => (r.Keys, ScaleValue(q.Measure, r.Value)));
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

    /// <summary>
    /// The SQL of the item scan for a query (grouped by month as well for USD), for running elsewhere: the
    /// benchmark runs it on DuckDB over the same rows. Parameters are @p0, @p1, … in <c>Args</c>.
    /// </summary>
    public static (string Sql, object?[] Args) ItemScanSql(StatsQuery q)
    {
        var dims = q.Dimensions.ToList();
        if (q.Currency == "USD" && q.Measure is StatsMeasure.TradeValue or StatsMeasure.EcommerceValue && !dims.Contains(StatsDimension.Month))
            dims.Add(StatsDimension.Month);
        return Build(q, dims, cube: false, partnerKey: false, null);
    }

    private static void Read(System.Data.Common.DbConnection conn, Dictionary<string, (string[] Keys, long Value)> raw, (string Sql, object?[] Args) query,
        List<StatsDimension> dims, bool partnerKey)
    {
        var width = dims.Count + (partnerKey ? 1 : 0);
        foreach (var (keys, value) in Sql.Query(conn, null, query.Sql, r =>
                 {
                     var k = new string[width];
                     for (var n = 0; n < width; n++)
                     {
                         var text = r.IsDBNull(n) ? "" : Convert.ToString(r.GetValue(n), CultureInfo.InvariantCulture)!;
                         k[n] = n < dims.Count ? FormatKey(dims[n], text) : text;
                     }
                     var v = r.IsDBNull(width) ? 0L : Convert.ToInt64(r.GetValue(width), CultureInfo.InvariantCulture);
                     return (k, v);
                 }, query.Args))
        {
            var id = string.Join("\u0001", keys);
            raw[id] = raw.TryGetValue(id, out var had) ? (had.Keys, had.Value + value) : (keys, value);
        }
    }

    /// <summary>
    /// The cube part of an answer from preloaded roll-up cells, as <see cref="Build"/>'s SQL on the cube (or, with
    /// <paramref name="full"/>, as <see cref="ReadCubeByGroup"/>) would give it: the same filters, the same keys as
    /// SQL text formatted by <see cref="FormatKey"/>, the same measure columns.
    /// </summary>
    private static void ReadSnapshot(RollupSnapshot snapshot, Dictionary<string, (string[] Keys, long Value)> raw, StatsQuery q,
        List<StatsDimension> sqlDims, bool partnerKey, List<FullMonths>? full)
    {
        string? flow = q.Flow == StatsFlow.Total ? null : q.Flow == StatsFlow.Import ? "import" : "export";
        var byCountry = full?.ToLookup(f => f.Country, StringComparer.Ordinal);
        var width = sqlDims.Count + (partnerKey ? 1 : 0);
        var byPartnerDeclarations = q.Dimensions.Contains(StatsDimension.Partner);
        var groups = new List<string>(4);
        var parts = new string[width];
        var periodKeys = new Dictionary<(StatsDimension, int), string>();
        foreach (var (month, cells) in snapshot.Months)
        {
            if (month < q.From.Key || month > q.To.Key)
                continue;
            foreach (var (c, m) in cells)
            {
                if (flow is not null && c.Flow != flow)
                    continue;
                if ((q.Scope.Kind == ScopeKind.Zone && !c.InZone) || (q.Scope.Kind == ScopeKind.Port && c.Port != q.Scope.Name))
                    continue;
                groups.Clear();
                if (byCountry is not null)
                {
                    foreach (var f in byCountry[c.Partner])
                    {
                        if (c.ReleaseMonth >= f.From && c.ReleaseMonth <= f.To)
                            groups.Add(f.Group);
                    }
                    if (groups.Count == 0)
                        continue;
                }
                else
                {
                    groups.Add("");
                }
                var value = partnerKey ? m.ValueFen : q.Measure switch
                {
                    StatsMeasure.TradeValue => m.ValueFen,
                    StatsMeasure.CargoMass => m.MassG,
                    StatsMeasure.EcommerceValue => c.Ecommerce ? m.ValueFen : 0,
                    StatsMeasure.ItemCount => m.Items,
                    StatsMeasure.DeclarationCount => byPartnerDeclarations ? m.PartnerDeclarations : m.Declarations,
                    _ => throw new InvalidOperationException("partner_count from the cube needs the partner key"),
                };
                foreach (var group in groups)
                {
                    for (var n = 0; n < sqlDims.Count; n++)
                        parts[n] = sqlDims[n] == StatsDimension.Group ? group : KeyOf(sqlDims[n], c);
                    if (partnerKey)
                        parts[^1] = c.Partner;
                    // The id as Read makes it (keys joined by U+0001), without a join for one key or none.
                    var id = width switch { 0 => "", 1 => parts[0], _ => string.Join("\u0001", parts) };
                    ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(raw, id, out var exists);
                    slot = exists ? (slot.Keys, slot.Value + value) : ((string[])parts.Clone(), value);
                }
            }
        }

        // Month, quarter and year keys formatted once per month, not once per cell.
        string KeyOf(StatsDimension d, CubeCell c)
        {
            if (d is not (StatsDimension.Month or StatsDimension.Quarter or StatsDimension.Year))
                return SnapshotKey(d, c);
            ref var text = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(periodKeys, (d, c.ReleaseMonth), out var known);
            if (!known)
                text = FormatKey(d, SnapshotKey(d, c));
            return text!;
        }
    }

    /// <summary>A dimension's value of a roll-up cell as <see cref="DimensionSql"/> computes it in SQL.</summary>
    private static string SnapshotKey(StatsDimension d, CubeCell c)
    {
        var m = c.ReleaseMonth;
        return d switch
        {
            StatsDimension.Month => m.ToString(CultureInfo.InvariantCulture),
            StatsDimension.Quarter => ((m / 100 * 10) + (((m % 100) - 1) / 3) + 1).ToString(CultureInfo.InvariantCulture),
            StatsDimension.Year => (m / 100).ToString(CultureInfo.InvariantCulture),
            StatsDimension.Partner => c.Partner,
            StatsDimension.Port => c.Port,
            StatsDimension.TradeMode => c.TradeMode,
            StatsDimension.Flow => c.Flow,
            _ => throw new InvalidOperationException($"the roll-up has no {d}"),
        };
    }

    /// <summary>
    /// The cube part of a group answer: cells summed by the other dimensions, partner and month in SQL, then each
    /// (partner, month) given to the groups it was a member of for the whole month (a join in SQL would loop over
    /// every membership for every cell).
    /// </summary>
    private static void ReadCubeByGroup(System.Data.Common.DbConnection conn, Dictionary<string, (string[] Keys, long Value)> raw, StatsQuery q,
        List<StatsDimension> sqlDims, bool partnerKey, List<FullMonths> full)
    {
        var inner = sqlDims.Where(d => d != StatsDimension.Group).ToList();
        var plain = q with { Scope = q.Scope.Kind == ScopeKind.Group ? StatsScope.Prefecture : q.Scope, Dimensions = inner };
        var (sql, args) = Build(plain, inner, cube: true, partnerKey, null, ["c.partner_country", "c.release_month"]);
        var byCountry = full.ToLookup(f => f.Country, StringComparer.Ordinal);
        var width = inner.Count + (partnerKey ? 1 : 0);
        foreach (var (keys, partner, month, value) in Sql.Query(conn, null, sql, r =>
                 {
                     var k = new string[width];
                     for (var n = 0; n < width; n++)
                     {
                         var text = r.IsDBNull(n) ? "" : Convert.ToString(r.GetValue(n), CultureInfo.InvariantCulture)!;
                         k[n] = n < inner.Count ? FormatKey(inner[n], text) : text;
                     }
                     return (k, r.GetString(width), Convert.ToInt32(r.GetValue(width + 1), CultureInfo.InvariantCulture),
                         r.IsDBNull(width + 2) ? 0L : Convert.ToInt64(r.GetValue(width + 2), CultureInfo.InvariantCulture));
                 }, args).ToList())
        {
            foreach (var f in byCountry[partner])
            {
                if (month < f.From || month > f.To)
                    continue;
                var final = new string[sqlDims.Count + (partnerKey ? 1 : 0)];
                var at = 0;
                for (var n = 0; n < sqlDims.Count; n++)
                    final[n] = sqlDims[n] == StatsDimension.Group ? f.Group : keys[at++];
                if (partnerKey)
                    final[^1] = keys[^1];
                var id = string.Join("\u0001", final);
                raw[id] = raw.TryGetValue(id, out var had) ? (had.Keys, had.Value + value) : (final, value);
            }
        }
    }

    /// <summary>A membership that covers whole months <see cref="From"/>..<see cref="To"/> (YYYYMM keys).</summary>
    internal sealed record FullMonths(string Group, string Country, int From, int To);

    /// <summary>A group, partner and month in which the membership starts or ends (answered from the items).</summary>
    internal sealed record BoundaryMonth(string Group, string Country, int Month);

    /// <summary>The memberships that matter to the query, split into whole months and boundary months.</summary>
    internal static (List<FullMonths> Full, List<BoundaryMonth> Boundary) Memberships(StatsQuery q, ReferenceData reference)
    {
        var full = new List<FullMonths>();
        var boundary = new HashSet<BoundaryMonth>();
        foreach (var m in reference.Groups.All)
        {
            if (q.Scope.Kind == ScopeKind.Group && m.Group != q.Scope.Name)
                continue;
            if (m.ValidTo is { } end && end < m.ValidFrom)
                continue;
            var startMonth = YearMonth.Of(m.ValidFrom);
            var first = m.ValidFrom.Day == 1 ? startMonth : startMonth.AddMonths(1);
            var last = m.ValidTo is { } to ? (to == YearMonth.Of(to).LastDay ? YearMonth.Of(to) : YearMonth.Of(to).AddMonths(-1)) : new YearMonth(9999, 12);
            if (first < q.From)
                first = q.From;
            if (last > q.To)
                last = q.To;
            if (first <= last)
                full.Add(new FullMonths(m.Group, m.Country, first.Key, last.Key));
            if (m.ValidFrom.Day != 1 && startMonth >= q.From && startMonth <= q.To)
                boundary.Add(new BoundaryMonth(m.Group, m.Country, startMonth.Key));
            if (m.ValidTo is { } e && e != YearMonth.Of(e).LastDay && YearMonth.Of(e) >= q.From && YearMonth.Of(e) <= q.To)
                boundary.Add(new BoundaryMonth(m.Group, m.Country, YearMonth.Of(e).Key));
        }
        return (full, boundary.OrderBy(b => (b.Group, b.Country, b.Month)).ToList());
    }

    /// <summary>
    /// The SQL of one part of an answer: from the items (i) or the cube (c), the items optionally restricted to
    /// boundary months of group memberships; with <paramref name="partnerKey"/> the partner is
    /// an extra last key and the value is the partner's sum of statistical value (for partner_count).
    /// </summary>
    internal static (string Sql, object?[] Args) Build(StatsQuery q, List<StatsDimension> dims, bool cube, bool partnerKey,
        List<BoundaryMonth>? boundary, string[]? extraKeys = null, string? columns = null)
    {
        var a = cube ? "c" : "i";
        var args = new List<object?> { q.From.Key, q.To.Key };
        string P(object? value)
        {
            args.Add(value);
            return "@p" + (args.Count - 1).ToString(CultureInfo.InvariantCulture);
        }

        var where = new List<string> { $"{a}.release_month BETWEEN @p0 AND @p1" };
        if (q.Flow != StatsFlow.Total)
            where.Add($"{a}.flow = {P(q.Flow == StatsFlow.Import ? "import" : "export")}");
        switch (q.Scope.Kind)
        {
            case ScopeKind.Zone:
                where.Add($"{a}.in_zone = true");
                break;
            case ScopeKind.Port:
                where.Add($"{a}.port = {P(q.Scope.Name)}");
                break;
            case ScopeKind.Group:
                where.Add($"g.group_code = {P(q.Scope.Name)}");
                break;
        }
        var joinGroup = dims.Contains(StatsDimension.Group) || q.Scope.Kind == ScopeKind.Group;
        string from;
        if (cube)
        {
            // Groups are applied to cube rows by ReadCubeByGroup, month by month.
            if (joinGroup)
                throw new InvalidOperationException("the cube is not joined to groups in SQL");
            // Group answers read cells by partner and month (extraKeys): never from the headings table.
            from = "stats_" + CubeTableFor(q, dims, partnerKey || extraKeys is { Length: > 0 }) + " c";
        }
        else
        {
            // Group memberships are dated: an item counts for a group when released while its partner was a member.
            from = "declaration_item i" + (joinGroup
                ? " JOIN partner_group g ON g.country = i.partner_country AND i.release_date >= g.valid_from AND (g.valid_to IS NULL OR i.release_date <= g.valid_to)"
                : "");
            if (boundary is not null)
            {
                where.Add($"i.release_month IN ({string.Join(", ", boundary.Select(b => b.Month).Distinct().Select(m => P(m)))})");
                // Implied by the pairs below; lets the (release_month, partner_country) index read only those partners' items.
                where.Add($"i.partner_country IN ({string.Join(", ", boundary.Select(b => b.Country).Distinct().Select(c => P(c)))})");
                where.Add("(" + string.Join(" OR ", boundary.Select(b => $"(g.group_code = {P(b.Group)} AND i.partner_country = {P(b.Country)} AND i.release_month = {P(b.Month)})")) + ")");
            }
        }
        var keys = dims.Select(d => DimensionSql(d, cube)).ToList();
        if (partnerKey)
            keys.Add($"{a}.partner_country");
        keys.AddRange(extraKeys ?? []);
        var measure = columns ?? (cube ? CubeMeasure(q, partnerKey) : ItemMeasure(q, partnerKey));
        var select = string.Join(", ", keys.Select((k, n) => $"{k} AS k{n}").Append($"{measure} AS v"));
        var sql = $"SELECT {select} FROM {from} WHERE {string.Join(" AND ", where)}" +
                  (keys.Count > 0 ? $" GROUP BY {string.Join(", ", keys.Select((_, n) => "k" + n))}" : "");
        return (sql, args.ToArray());
    }

    /// <summary>
    /// The smallest pre-aggregated table with the same answer: without an HS split the roll-up over the heading
    /// (stats_rollup); an HS split over the whole prefecture that needs nothing but month, flow and heading, the
    /// headings table (stats_hs); otherwise the full cube.
    /// </summary>
    internal static string CubeTableFor(StatsQuery q, List<StatsDimension> dims, bool byPartner)
    {
        if (!dims.Contains(StatsDimension.Hs2) && !dims.Contains(StatsDimension.Hs4))
            return "rollup";
        var headingsOnly = q.Scope.Kind == ScopeKind.Prefecture && !byPartner
            && q.Measure is StatsMeasure.TradeValue or StatsMeasure.CargoMass or StatsMeasure.ItemCount
            && dims.All(d => d is StatsDimension.Month or StatsDimension.Quarter or StatsDimension.Year or StatsDimension.Flow or StatsDimension.Hs2 or StatsDimension.Hs4);
        return headingsOnly ? "hs" : "cube";
    }

    private static string ItemMeasure(StatsQuery q, bool partnerKey) => q.Measure switch
    {
        StatsMeasure.TradeValue => "sum(i.statistical_value_fen)",
        StatsMeasure.CargoMass => "sum(i.net_mass_g)",
        StatsMeasure.EcommerceValue => "sum(CASE WHEN i.ecommerce = true THEN i.statistical_value_fen ELSE 0 END)",
        StatsMeasure.ItemCount => "count(*)",
        StatsMeasure.DeclarationCount => "count(DISTINCT i.enterprise_id || '/' || i.declaration_id)",
        _ when partnerKey => "sum(i.statistical_value_fen)",
        // A partner is a country with non-zero trade; ZZ (unknown) is no country.
        _ => "count(DISTINCT CASE WHEN i.statistical_value_fen <> 0 AND i.partner_country <> 'ZZ' THEN i.partner_country END)",
    };

    private static string CubeMeasure(StatsQuery q, bool partnerKey) => q.Measure switch
    {
        StatsMeasure.TradeValue => "sum(c.value_fen)",
        StatsMeasure.CargoMass => "sum(c.mass_g)",
        StatsMeasure.EcommerceValue => "sum(CASE WHEN c.ecommerce = true THEN c.value_fen ELSE 0 END)",
        StatsMeasure.ItemCount => "sum(c.items)",
        // Split by partner, a declaration counts once per partner; otherwise once.
        StatsMeasure.DeclarationCount => q.Dimensions.Contains(StatsDimension.Partner) ? "sum(c.partner_declarations)" : "sum(c.declarations)",
        _ when partnerKey => "sum(c.value_fen)",
        _ => throw new InvalidOperationException("partner_count from the cube needs the partner key"),
    };

    private static decimal ScaleValue(StatsMeasure m, long v) => m switch
    {
        StatsMeasure.TradeValue or StatsMeasure.EcommerceValue => Money.FromFen(v),
        StatsMeasure.CargoMass => Mass.FromGrams(v),
        _ => v,
    };

    internal static string DimensionSql(StatsDimension d, bool cube)
    {
        var a = cube ? "c" : "i";
        return d switch
        {
            StatsDimension.Month => $"{a}.release_month",
            StatsDimension.Quarter => $"({a}.release_month / 100) * 10 + (({a}.release_month % 100) - 1) / 3 + 1",
            StatsDimension.Year => $"{a}.release_month / 100",
            StatsDimension.Partner => $"{a}.partner_country",
            StatsDimension.Group => "g.group_code",
            StatsDimension.Port => $"{a}.port",
            StatsDimension.Hs2 => cube ? "substr(c.hs4, 1, 2)" : "substr(i.hs_code, 1, 2)",
            StatsDimension.Hs4 => cube ? "c.hs4" : "substr(i.hs_code, 1, 4)",
            StatsDimension.TradeMode => $"{a}.trade_mode",
            _ => $"{a}.flow",
        };
    }

    internal static string FormatKey(StatsDimension d, string raw)
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
