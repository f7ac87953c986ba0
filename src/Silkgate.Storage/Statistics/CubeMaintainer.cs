using System.Data.Common;
using System.Globalization;
using Npgsql;
using Silkgate.Common;
using Silkgate.Declarations;

namespace Silkgate.Storage.Statistics;

/// <summary>One cell of the monthly statistics cube (table stats_cube): the key every released item falls in.</summary>
public readonly record struct CubeCell(int ReleaseMonth, string Flow, string Partner, string Port, string TradeMode, bool InZone, bool Ecommerce, string Hs4)
{
    public static string Hs4Of(string hsCode) => hsCode.Length > 4 ? hsCode[..4] : hsCode;
}

/// <summary>The measures of a cube cell, or a change to them (negative when items leave the statistics).</summary>
public record struct CubeMeasures(long ValueFen, long MassG, long Items, long Declarations, long PartnerDeclarations)
{
    public static CubeMeasures operator +(CubeMeasures a, CubeMeasures b) =>
        new(a.ValueFen + b.ValueFen, a.MassG + b.MassG, a.Items + b.Items, a.Declarations + b.Declarations, a.PartnerDeclarations + b.PartnerDeclarations);

    public readonly CubeMeasures Times(int sign) => new(sign * ValueFen, sign * MassG, sign * Items, sign * Declarations, sign * PartnerDeclarations);
}

/// <summary>What a full recompute found: cells before and after, and how many cells differed from the maintained cube.</summary>
public sealed record CubeRecompute(long CellsBefore, long CellsAfter, long CellsDiffering, double Seconds)
{
    public bool Differed => CellsDiffering > 0;
}

/// <summary>
/// Keeps the monthly statistics cube (docs/statistics.md) equal to an aggregation of the released items
/// (<c>release_month IS NOT NULL</c>): every write that adds released items or takes them out calls
/// <see cref="Apply"/> with the change in the same transaction. Changes are summed per cell in memory first and
/// written with one upsert per distinct cell (<c>INSERT … ON CONFLICT … DO UPDATE SET v = stats_cube.v + excluded.v</c>,
/// the same statement on SQLite and PostgreSQL); cells left without items are deleted, so the maintained cube and
/// <see cref="Recompute"/> agree row for row.
/// </summary>
public static class CubeMaintainer
{
    public const string KeyColumns = "release_month, flow, partner_country, port, trade_mode, in_zone, ecommerce, hs4";

    public const string MeasureColumns = "value_fen, mass_g, items, declarations, partner_declarations";

    /// <summary>
    /// The cube from the items, in one statement: a declaration counts once at its lowest item number, and once per
    /// partner country at its lowest item number with that partner.
    /// </summary>
    public const string RecomputeSql =
        $"INSERT INTO stats_cube ({KeyColumns}, {MeasureColumns}) " +
        "SELECT release_month, flow, partner_country, port, trade_mode, in_zone, ecommerce, substr(hs_code, 1, 4) AS hs4, " +
        "sum(statistical_value_fen) AS value_fen, sum(net_mass_g) AS mass_g, count(*) AS items, sum(first_item) AS declarations, " +
        "sum(first_partner_item) AS partner_declarations " +
        "FROM (SELECT release_month, flow, partner_country, port, trade_mode, in_zone, ecommerce, hs_code, statistical_value_fen, net_mass_g, " +
        "CASE WHEN item_no = min(item_no) OVER (PARTITION BY enterprise_id, declaration_id) THEN 1 ELSE 0 END AS first_item, " +
        "CASE WHEN item_no = min(item_no) OVER (PARTITION BY enterprise_id, declaration_id, partner_country) THEN 1 ELSE 0 END AS first_partner_item " +
        "FROM declaration_item WHERE release_month IS NOT NULL) x " +
        "GROUP BY release_month, flow, partner_country, port, trade_mode, in_zone, ecommerce, substr(hs_code, 1, 4)";

    private const string UpsertTail =
        " ON CONFLICT (" + KeyColumns + ") DO UPDATE SET value_fen = stats_cube.value_fen + excluded.value_fen, " +
        "mass_g = stats_cube.mass_g + excluded.mass_g, items = stats_cube.items + excluded.items, " +
        "declarations = stats_cube.declarations + excluded.declarations, " +
        "partner_declarations = stats_cube.partner_declarations + excluded.partner_declarations";

    /// <summary>Adds (sign +1) or removes (−1) the items of a released declaration to the changes of a batch.</summary>
    public static void Add(Dictionary<CubeCell, CubeMeasures> changes, Declaration d, int sign = 1)
    {
        if (d.ReleaseDate is not { } released || d.Items.Count == 0)
            return;
        var month = YearMonth.Of(released).Key;
        var flow = d.Flow == Flow.Import ? "import" : "export";
        var first = d.Items.Min(i => i.ItemNo);
        // The lowest item number per partner (most declarations have one partner and a few items).
        var firstByPartner = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in d.Items)
        {
            if (!firstByPartner.TryGetValue(item.PartnerCountry, out var no) || item.ItemNo < no)
                firstByPartner[item.PartnerCountry] = item.ItemNo;
        }
        foreach (var item in d.Items)
        {
            var firstOfPartner = firstByPartner[item.PartnerCountry] == item.ItemNo;
            var cell = new CubeCell(month, flow, item.PartnerCountry, d.Port, d.TradeMode, d.InZone, d.Ecommerce, CubeCell.Hs4Of(item.HsCode));
            var m = new CubeMeasures(Money.ToFen(item.StatisticalValueCny), Mass.ToGrams(item.NetMassKg), 1, item.ItemNo == first ? 1 : 0, firstOfPartner ? 1 : 0);
            AddTo(changes, cell, m.Times(sign));
        }
    }

    private static void AddTo(Dictionary<CubeCell, CubeMeasures> changes, CubeCell cell, CubeMeasures m)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(changes, cell, out _);
        slot += m;
    }

    /// <summary>
    /// Adds (+1) or removes (−1) the stored released items of one declaration (those with a release month), as
    /// they are now in the transaction: call with +1 after items are released, with −1 before they are withdrawn.
    /// </summary>
    public static void ApplyStored(DbConnection conn, DbTransaction tx, string enterpriseId, string declarationId, int sign)
    {
        var items = Sql.Query(conn, tx,
            "SELECT item_no, release_month, flow, partner_country, port, trade_mode, in_zone, ecommerce, hs_code, statistical_value_fen, net_mass_g " +
            "FROM declaration_item WHERE enterprise_id = @p0 AND declaration_id = @p1 AND release_month IS NOT NULL ORDER BY item_no",
            r => (No: r.GetInt32(0), Cell: new CubeCell(r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetBoolean(6), r.GetBoolean(7), CubeCell.Hs4Of(r.GetString(8))),
                Value: r.GetInt64(9), Mass: r.GetInt64(10)),
            enterpriseId, declarationId).ToList();
        if (items.Count == 0)
            return;
        var changes = new Dictionary<CubeCell, CubeMeasures>();
        var partners = new HashSet<string>(StringComparer.Ordinal);
        for (var n = 0; n < items.Count; n++)
        {
            var i = items[n];
            AddTo(changes, i.Cell, new CubeMeasures(i.Value, i.Mass, 1, n == 0 ? 1 : 0, partners.Add(i.Cell.Partner) ? 1 : 0).Times(sign));
        }
        Apply(conn, tx, changes);
    }

    /// <summary>Writes the changes: one upsert per distinct cell; cells left without items are deleted.</summary>
    public static void Apply(DbConnection conn, DbTransaction tx, Dictionary<CubeCell, CubeMeasures> changes)
    {
        if (changes.Count == 0)
            return;
        // In key order: concurrent writers touching the same cells lock them in the same order (no deadlock on PostgreSQL).
        var cells = changes.Where(kv => kv.Value != default)
            .OrderBy(kv => kv.Key.ReleaseMonth).ThenBy(kv => kv.Key.Flow, StringComparer.Ordinal).ThenBy(kv => kv.Key.Partner, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Port, StringComparer.Ordinal).ThenBy(kv => kv.Key.TradeMode, StringComparer.Ordinal).ThenBy(kv => kv.Key.InZone)
            .ThenBy(kv => kv.Key.Ecommerce).ThenBy(kv => kv.Key.Hs4, StringComparer.Ordinal).ToList();
        if (conn is NpgsqlConnection)
        {
            const int chunk = 400;
            for (var start = 0; start < cells.Count; start += chunk)
            {
                var part = cells.Skip(start).Take(chunk).ToList();
                var args = new List<object?>(part.Count * 13);
                var values = new List<string>(part.Count);
                foreach (var (cell, m) in part)
                {
                    values.Add("(" + string.Join(", ", Enumerable.Range(args.Count, 13).Select(p => "@p" + p.ToString(CultureInfo.InvariantCulture))) + ")");
                    args.AddRange(Row(cell, m));
                }
                Sql.Exec(conn, tx, $"INSERT INTO stats_cube ({KeyColumns}, {MeasureColumns}) VALUES {string.Join(", ", values)}{UpsertTail}", args.ToArray());
            }
        }
        else
        {
            using var cmd = Sql.Command(conn, tx,
                $"INSERT INTO stats_cube ({KeyColumns}, {MeasureColumns}) VALUES ({string.Join(", ", Enumerable.Range(0, 13).Select(p => "@p" + p.ToString(CultureInfo.InvariantCulture)))}){UpsertTail}",
                new object?[13]);
            foreach (var (cell, m) in cells)
            {
                var row = Row(cell, m);
                for (var p = 0; p < row.Length; p++)
                    cmd.Parameters[p].Value = row[p];
                cmd.ExecuteNonQuery();
            }
        }
        // Cells that lost items may now be empty: remove them, as a recompute would not produce them.
        var emptied = cells.Where(kv => kv.Value.Items < 0).Select(kv => kv.Key.ReleaseMonth).Distinct().ToList();
        foreach (var month in emptied)
            Sql.Exec(conn, tx, "DELETE FROM stats_cube WHERE release_month = @p0 AND items = 0", month);
    }

    private static object?[] Row(CubeCell c, CubeMeasures m) =>
    [
        c.ReleaseMonth, c.Flow, c.Partner, c.Port, c.TradeMode, c.InZone, c.Ecommerce, c.Hs4,
        m.ValueFen, m.MassG, m.Items, m.Declarations, m.PartnerDeclarations,
    ];

    /// <summary>
    /// Rebuilds the cube from the items (DELETE, then INSERT … SELECT … GROUP BY) in one transaction, and says
    /// how many cells the maintained cube had wrong (missing, extra or with other measures).
    /// </summary>
    /// <remarks>Without <paramref name="compare"/> (the benchmark) nothing is read back: cell counts only, differences unknown (−1).</remarks>
    public static CubeRecompute Recompute(Database db, bool compare = true)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var conn = db.OpenConnection();
        using var tx = conn.BeginTransaction();
        var before = compare ? ReadAll(conn, tx) : null;
        var beforeCount = before?.Count ?? Sql.Scalar<long>(conn, tx, "SELECT count(*) FROM stats_cube");
        Sql.Exec(conn, tx, "DELETE FROM stats_cube");
        var inserted = Sql.Exec(conn, tx, RecomputeSql);
        var after = compare ? ReadAll(conn, tx) : null;
        tx.Commit();
        sw.Stop();
        var differing = before is null || after is null
            ? -1
            : after.Count(kv => !before.TryGetValue(kv.Key, out var m) || m != kv.Value) + before.Keys.Count(k => !after.ContainsKey(k));
        return new CubeRecompute(beforeCount, after?.Count ?? inserted, differing, sw.Elapsed.TotalSeconds);
    }

    /// <summary>Every cell of the cube as stored.</summary>
    public static Dictionary<CubeCell, CubeMeasures> ReadAll(DbConnection conn, DbTransaction? tx) =>
        Sql.Query(conn, tx, $"SELECT {KeyColumns}, {MeasureColumns} FROM stats_cube",
                r => (new CubeCell(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetBoolean(5), r.GetBoolean(6), r.GetString(7)),
                    new CubeMeasures(r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12))))
            .ToDictionary(x => x.Item1, x => x.Item2);
}
