using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
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
/// Keeps the monthly statistics cube (docs/statistics.md) and its two roll-ups (over the HS heading; to month ×
/// flow × heading) equal to an
/// aggregation of the released items (<c>release_month IS NOT NULL</c>): every write that adds released items or takes them out calls
/// <see cref="Apply"/> with the change in the same transaction. Changes are summed per cell in memory first and
/// written with one upsert per distinct cell (<c>INSERT … ON CONFLICT … DO UPDATE SET v = stats_cube.v + excluded.v</c>,
/// the same statement on SQLite and PostgreSQL); cells left without items are deleted, so the maintained cube and
/// <see cref="Recompute"/> agree row for row.
/// </summary>
public static class CubeMaintainer
{
    public const string KeyColumns = "release_month, flow, partner_country, port, trade_mode, in_zone, ecommerce, hs4";

    /// <summary>The key of stats_rollup: the cube's without the HS heading.</summary>
    public const string RollupKeyColumns = "release_month, flow, partner_country, port, trade_mode, in_zone, ecommerce";

    /// <summary>The key of stats_hs: month, flow and HS heading only.</summary>
    public const string HeadingKeyColumns = "release_month, flow, hs4";

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

    /// <summary>Adds (sign +1) or removes (−1) the items of a released declaration to the changes of a batch.</summary>
    public static void Add(Dictionary<CubeCell, CubeMeasures> changes, Declaration d, int sign = 1)
    {
        var sink = new InternedSink(changes);
        AddCells(d, sign, ref sink);
    }

    /// <summary>Where <see cref="AddCells"/> puts each item's cell and measures (a struct, so that the call is direct).</summary>
    internal interface ICellSink
    {
        void Add(CubeCell cell, CubeMeasures m);
    }

    /// <summary>
    /// Sums into a dictionary of cells, the cell's codes interned as the cells read from the store are: a batch's
    /// cells otherwise hold their own copies of a few hundred distinct codes.
    /// </summary>
    private struct InternedSink(Dictionary<CubeCell, CubeMeasures> changes) : ICellSink
    {
        // A declaration's items share its port and trade mode: interned once per declaration, not per item.
        private string? _port, _portInterned, _mode, _modeInterned;

        public void Add(CubeCell cell, CubeMeasures m)
        {
            if (!ReferenceEquals(cell.Port, _port))
                (_port, _portInterned) = (cell.Port, string.Intern(cell.Port));
            if (!ReferenceEquals(cell.TradeMode, _mode))
                (_mode, _modeInterned) = (cell.TradeMode, string.Intern(cell.TradeMode));
            AddTo(changes, cell with { Partner = string.Intern(cell.Partner), Port = _portInterned!, TradeMode = _modeInterned!, Hs4 = string.Intern(cell.Hs4) }, m);
        }
    }

    /// <summary>
    /// The cell and measures of each item of a released declaration (none before its release), times
    /// <paramref name="sign"/>: the declaration counts once at its lowest item number, and once per partner country
    /// at its lowest item number with that partner.
    /// </summary>
    internal static void AddCells<TSink>(Declaration d, int sign, ref TSink sink) where TSink : struct, ICellSink
    {
        if (d.ReleaseDate is not { } released || d.Items.Count == 0)
            return;
        var month = YearMonth.Of(released).Key;
        var flow = d.Flow == Flow.Import ? "import" : "export";
        var items = d.Items;
        var first = int.MaxValue;
        foreach (var item in items)
            first = Math.Min(first, item.ItemNo);
        // The lowest item number per partner: most declarations have a few items, compared pairwise without a dictionary.
        Dictionary<string, int>? firstByPartner = null;
        if (items.Count > 16)
        {
            firstByPartner = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                if (!firstByPartner.TryGetValue(item.PartnerCountry, out var no) || item.ItemNo < no)
                    firstByPartner[item.PartnerCountry] = item.ItemNo;
            }
        }
        for (var k = 0; k < items.Count; k++)
        {
            var item = items[k];
            var firstOfPartner = firstByPartner?[item.PartnerCountry] == item.ItemNo || (firstByPartner is null && FirstOfPartner(items, k));
            var cell = new CubeCell(month, flow, item.PartnerCountry, d.Port, d.TradeMode, d.InZone, d.Ecommerce, CubeCell.Hs4Of(item.HsCode));
            var m = new CubeMeasures(Money.ToFen(item.StatisticalValueCny), Mass.ToGrams(item.NetMassKg), 1, item.ItemNo == first ? 1 : 0, firstOfPartner ? 1 : 0);
            sink.Add(cell, m.Times(sign));
        }
    }

    /// <summary>Whether item <paramref name="k"/> has the lowest item number among the items with its partner.</summary>
    private static bool FirstOfPartner(IReadOnlyList<DeclarationItem> items, int k)
    {
        var item = items[k];
        for (var j = 0; j < items.Count; j++)
        {
            var other = items[j];
            if (other.ItemNo < item.ItemNo && string.Equals(other.PartnerCountry, item.PartnerCountry, StringComparison.Ordinal))
                return false;
        }
        return true;
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

    /// <summary>
    /// Writes the changes to the cube and to its two roll-ups (stats_rollup, stats_hs): one upsert per distinct cell
    /// of each table (on PostgreSQL, for a bulk batch, from one staging COPY of all three); cells left without
    /// items are deleted.
    /// </summary>
    /// <remarks>
    /// <paramref name="lastBeforeCommit"/>: the transaction commits right after (an import's final cube write); on
    /// PostgreSQL the cells of months the cube has nothing for yet are then copied in directly (<see cref="InsertNewMonths"/>).
    /// </remarks>
    public static void Apply(DbConnection conn, DbTransaction tx, Dictionary<CubeCell, CubeMeasures> changes, bool lastBeforeCommit = false)
    {
        if (changes.Count == 0)
            return;
        var rest = lastBeforeCommit && conn is NpgsqlConnection fresh && changes.Count > StageAbove ? InsertNewMonths(fresh, tx, changes) : changes;
        if (conn is NpgsqlConnection pg && rest.Count > StageAbove)
        {
            ApplyStaged(pg, tx, rest);
        }
        else if (rest.Count > 0)
        {
            foreach (var table in CubeTable.All)
                Upsert(conn, tx, table, table == CubeTable.Cube ? rest : RollUp(rest, table));
        }
        // After the roll-up's rows: from here on this transaction holds them (see RollupPacks).
        RollupPacks.Invalidate(conn, tx, changes.Keys.Select(c => c.ReleaseMonth));
    }

    /// <summary>
    /// PostgreSQL, the last cube write before a commit: the cells of months the cube has no cell for (a month's first
    /// import; every month of a first load) go by binary COPY straight into the three tables, in key order. There is
    /// nothing to add them to, so neither the staging table nor the upsert's conflict check is needed: half the
    /// rows written and no index probe per cell. So that no cell can appear in those months between the look and the
    /// COPY, the three tables are locked against other writers (SHARE ROW EXCLUSIVE; readers go on) until the commit
    /// that follows. Returns the changes left for the upsert: cells of months already in the cube, and any that take
    /// items away.
    /// </summary>
    private static Dictionary<CubeCell, CubeMeasures> InsertNewMonths(NpgsqlConnection conn, DbTransaction tx, Dictionary<CubeCell, CubeMeasures> changes)
    {
        LockAgainstWriters(conn, tx);
        var months = changes.Keys.Select(c => c.ReleaseMonth).Distinct().ToArray();
        // The roll-up has a row for every month the cube has a cell in (the three tables agree).
        var stored = Sql.Query(conn, tx, $"SELECT DISTINCT release_month FROM {CubeTable.Rollup.Name} WHERE release_month = ANY(@p0)", r => r.GetInt32(0), months).ToHashSet();
        if (stored.Count == 0 && changes.Values.All(m => m.Items > 0))
        {
            // A first load: every cell is new (no copy of a million-cell dictionary to say so).
            InsertNew(conn, changes);
            return [];
        }
        var newMonths = new Dictionary<CubeCell, CubeMeasures>();
        var rest = new Dictionary<CubeCell, CubeMeasures>();
        foreach (var (cell, m) in changes)
        {
            if (stored.Contains(cell.ReleaseMonth) || m.Items <= 0)
                rest.Add(cell, m);
            else
                newMonths.Add(cell, m);
        }
        // A roll-up cell may also get changes from the rest (a cell taking items away in a new month): the upsert that follows adds them.
        if (newMonths.Count > 0)
            InsertNew(conn, newMonths);
        return rest;
    }

    /// <summary>The three statistics tables locked against other writers (SHARE ROW EXCLUSIVE; readers go on) until the commit.</summary>
    private static void LockAgainstWriters(NpgsqlConnection conn, DbTransaction tx) =>
        Sql.Exec(conn, tx, $"LOCK TABLE {string.Join(", ", Tables)} IN SHARE ROW EXCLUSIVE MODE");

    /// <summary>
    /// PostgreSQL, before an import's last cube write: when the three statistics tables are empty (a first load),
    /// their primary keys are dropped (<see cref="PostgresIndexes"/>), so that the cells go in by COPY without a
    /// B-tree insertion each, and built again, from the rows, before the commit. The cube's eight-column key is the
    /// long pole of a first load's last seconds: 881,864 cells (a million items) took 3.6–4.2 s to copy into the
    /// keyed table and 1.0–1.4 s into the bare one, and the key's build 0.6–1.0 s (docs/performance.md). Readers of
    /// the empty tables wait for the end of the import instead of reading nothing (other writers already wait, see
    /// <see cref="InsertNewMonths"/>). Returns the statements that build the keys again (none when a table has rows,
    /// or when this role does not own the tables).
    /// </summary>
    public static IReadOnlyList<string> DropKeysOfEmptyTables(NpgsqlConnection conn, DbTransaction tx)
    {
        LockAgainstWriters(conn, tx);
        return PostgresIndexes.DropIfEmpty(conn, tx, Tables, lockMode: null);
    }

    /// <summary>The statistics tables (the full cube, its roll-up, the headings), in that order.</summary>
    public static IReadOnlyList<string> Tables { get; } = [.. CubeTable.All.Select(t => t.Name)];

    /// <summary>
    /// A part of a first load's cells into the tables whose keys <see cref="DropKeysOfEmptyTables"/> dropped: every
    /// month is new (the tables were empty and the parts hold whole months), so all go by COPY, none by upsert.
    /// </summary>
    public static void CopyIntoEmpty(NpgsqlConnection conn, DbTransaction tx, Dictionary<CubeCell, CubeMeasures> cells)
    {
        if (cells.Count == 0)
            return;
        if (cells.Values.Any(m => m.Items <= 0))
            throw new InvalidOperationException("a first load's cube cells must all hold items");
        InsertNew(conn, cells);
        RollupPacks.Invalidate(conn, tx, cells.Keys.Select(c => c.ReleaseMonth));
    }

    /// <summary>
    /// PostgreSQL: the cells of new months into the three tables by binary COPY, each in key order. The server's
    /// inserts are the long pole (the cube's cells are about as many as the items), so the client's work runs beside
    /// them on the other threads: the cube's cells are sorted a month at a time (keys are month-first), each month
    /// ahead of the COPY that sends it, and the roll-up's and headings' cells are summed and sorted meanwhile.
    /// </summary>
    private static void InsertNew(NpgsqlConnection conn, Dictionary<CubeCell, CubeMeasures> cells)
    {
        var byMonth = new Dictionary<int, List<KeyValuePair<CubeCell, CubeMeasures>>>();
        foreach (var cell in cells)
        {
            ref var month = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(byMonth, cell.Key.ReleaseMonth, out _);
            (month ??= []).Add(cell);
        }
        var months = byMonth.Keys.Order().Select(m => Task.Run(() => Sorted(byMonth[m]))).ToList();
        CubeTable[] coarser = [CubeTable.Rollup, CubeTable.Headings];
        var rolledUp = coarser.Select(t => Task.Run(() => Sorted([.. RollUp(cells, t)]))).ToList();
        Copy(conn, CubeTable.Cube.Name, CubeTable.Cube, months.SelectMany(m => m.GetAwaiter().GetResult()));
        for (var t = 0; t < coarser.Length; t++)
            Copy(conn, coarser[t].Name, coarser[t], rolledUp[t].GetAwaiter().GetResult());
    }

    private static List<KeyValuePair<CubeCell, CubeMeasures>> Sorted(List<KeyValuePair<CubeCell, CubeMeasures>> cells)
    {
        cells.Sort((a, b) => CompareCells(a.Key, b.Key));
        return cells;
    }

    /// <summary>
    /// PostgreSQL, many cells (a bulk batch): the cells of the three tables (the cube's, and the roll-up's and the
    /// headings' summed from them in memory) go by one binary COPY into one temporary table, each row tagged with its
    /// table, and the three upserts run from it in one round trip, each reading its rows in key order (concurrent
    /// writers lock cells in the same order). VALUES lists of thousands of parameters, parsed and planned per
    /// statement, cost several times more. Summing the roll-ups in SQL (GROUP BY over the staged cube cells) was
    /// measured too: it moves more work to the server than the extra COPY rows cost.
    /// </summary>
    private static void ApplyStaged(NpgsqlConnection conn, DbTransaction tx, Dictionary<CubeCell, CubeMeasures> changes)
    {
        const string stage = "stats_stage";
        Sql.Exec(conn, tx, $"CREATE TEMP TABLE IF NOT EXISTS {stage} (kind smallint NOT NULL, LIKE stats_cube) ON COMMIT DELETE ROWS");
        var emptied = new HashSet<int>[CubeTable.All.Length];
        using (var w = conn.BeginBinaryImport($"COPY {stage} (kind, {KeyColumns}, {MeasureColumns}) FROM STDIN (FORMAT BINARY)"))
        {
            for (short kind = 0; kind < CubeTable.All.Length; kind++)
            {
                var table = CubeTable.All[kind];
                emptied[kind] = [];
                // In key order: the upsert's ORDER BY then finds its input sorted (PostgreSQL's sort checks for that),
                // instead of sorting tens of thousands of rows per table and batch on the server.
                var cells = (table == CubeTable.Cube ? changes : RollUp(changes, table)).Where(kv => kv.Value != default).ToList();
                cells.Sort((a, b) => CompareCells(a.Key, b.Key));
                foreach (var (c, m) in cells)
                {
                    if (m.Items < 0)
                        emptied[kind].Add(c.ReleaseMonth);
                    w.StartRow();
                    w.Write(kind, NpgsqlTypes.NpgsqlDbType.Smallint);
                    w.Write(c.ReleaseMonth, NpgsqlTypes.NpgsqlDbType.Integer);
                    w.Write(c.Flow, NpgsqlTypes.NpgsqlDbType.Varchar);
                    w.Write(c.Partner, NpgsqlTypes.NpgsqlDbType.Varchar);
                    w.Write(c.Port, NpgsqlTypes.NpgsqlDbType.Varchar);
                    w.Write(c.TradeMode, NpgsqlTypes.NpgsqlDbType.Varchar);
                    w.Write(c.InZone, NpgsqlTypes.NpgsqlDbType.Boolean);
                    w.Write(c.Ecommerce, NpgsqlTypes.NpgsqlDbType.Boolean);
                    w.Write(c.Hs4, NpgsqlTypes.NpgsqlDbType.Varchar);
                    WriteMeasures(w, m);
                }
            }
            w.Complete();
        }
        var sql = new System.Text.StringBuilder();
        for (var kind = 0; kind < CubeTable.All.Length; kind++)
        {
            var table = CubeTable.All[kind];
            sql.Append($"INSERT INTO {table.Name} ({table.Keys}, {MeasureColumns}) SELECT {table.Keys}, {MeasureColumns} FROM {stage} ")
                .Append($"WHERE kind = {kind.ToString(CultureInfo.InvariantCulture)} ORDER BY {table.Keys}{UpsertTail(table)};\n");
            // Cells that lost items may now be empty: remove them, as a recompute would not produce them.
            foreach (var month in emptied[kind])
                sql.Append($"DELETE FROM {table.Name} WHERE release_month = {month.ToString(CultureInfo.InvariantCulture)} AND items = 0;\n");
        }
        // Another Apply may follow in the same transaction.
        sql.Append($"TRUNCATE {stage};");
        Sql.Exec(conn, tx, sql.ToString());
    }

    private static string UpsertTail(CubeTable table) =>
        $" ON CONFLICT ({table.Keys}) DO UPDATE SET value_fen = {table.Name}.value_fen + excluded.value_fen, " +
        $"mass_g = {table.Name}.mass_g + excluded.mass_g, items = {table.Name}.items + excluded.items, " +
        $"declarations = {table.Name}.declarations + excluded.declarations, " +
        $"partner_declarations = {table.Name}.partner_declarations + excluded.partner_declarations";

    /// <summary>The cells summed into the cells of a coarser table (the roll-up, the headings).</summary>
    private static Dictionary<CubeCell, CubeMeasures> RollUp(Dictionary<CubeCell, CubeMeasures> cells, CubeTable table)
    {
        var rolled = new Dictionary<CubeCell, CubeMeasures>(cells.Count / 4 + 1);
        foreach (var (cell, m) in cells)
            AddTo(rolled, table.Project(cell), m);
        return rolled;
    }

    private static void Upsert(DbConnection conn, DbTransaction tx, CubeTable table, Dictionary<CubeCell, CubeMeasures> changes)
    {
        // In key order: concurrent writers touching the same cells lock them in the same order (no deadlock on PostgreSQL).
        var cells = changes.Where(kv => kv.Value != default).ToList();
        cells.Sort((a, b) => CompareCells(a.Key, b.Key));
        var tail = UpsertTail(table);
        if (conn is SqliteConnection sqlite)
        {
            WriteSqlite(sqlite, table, InsertSql(table) + tail, cells);
        }
        else
        {
            UpsertValues(conn, tx, table, cells, tail);
        }
        // Cells that lost items may now be empty: remove them, as a recompute would not produce them.
        var emptied = cells.Where(kv => kv.Value.Items < 0).Select(kv => kv.Key.ReleaseMonth).Distinct().ToList();
        foreach (var month in emptied)
            Sql.Exec(conn, tx, $"DELETE FROM {table.Name} WHERE release_month = @p0 AND items = 0", month);
    }

    /// <summary>
    /// SQLite: the insert or upsert <paramref name="sql"/> prepared once on the C API, each cell's key and measures
    /// bound by position with their types.
    /// </summary>
    private static void WriteSqlite(SqliteConnection conn, CubeTable table, string sql, List<KeyValuePair<CubeCell, CubeMeasures>> cells)
    {
        using var s = new SqliteInsert(conn, sql);
        var keys = table.KeyNames;
        foreach (var (c, m) in cells)
        {
            var p = 1;
            foreach (var column in keys)
            {
                switch (CubeTable.Key(c, column))
                {
                    case int month:
                        s.Int(p, month);
                        break;
                    case bool flag:
                        s.Bool(p, flag);
                        break;
                    case var text:
                        s.Text(p, (string)text);
                        break;
                }
                p++;
            }
            s.Int(p, m.ValueFen);
            s.Int(p + 1, m.MassG);
            s.Int(p + 2, m.Items);
            s.Int(p + 3, m.Declarations);
            s.Int(p + 4, m.PartnerDeclarations);
            s.Step();
        }
    }

    /// <summary>A few cells on PostgreSQL (a release, a cancellation): one multi-row VALUES statement, one round trip.</summary>
    private static void UpsertValues(DbConnection conn, DbTransaction tx, CubeTable table, List<KeyValuePair<CubeCell, CubeMeasures>> cells, string tail)
    {
        if (cells.Count == 0)
            return;
        var width = table.Width;
        var rows = Enumerable.Range(0, cells.Count)
            .Select(r => "(" + string.Join(", ", Enumerable.Range(r * width, width).Select(p => "@p" + p.ToString(CultureInfo.InvariantCulture))) + ")");
        Sql.Exec(conn, tx, $"INSERT INTO {table.Name} ({table.Keys}, {MeasureColumns}) VALUES {string.Join(", ", rows)}{tail}",
            cells.SelectMany(kv => table.Row(kv.Key, kv.Value)).ToArray());
    }

    /// <summary>INSERT of one cell, with positional parameters ?1, ?2 … (SQLite's C API).</summary>
    private static string InsertSql(CubeTable table) =>
        $"INSERT INTO {table.Name} ({table.Keys}, {MeasureColumns}) VALUES (" +
        string.Join(", ", Enumerable.Range(1, table.Width).Select(p => "?" + p.ToString(CultureInfo.InvariantCulture))) + ")";

    /// <summary>On PostgreSQL, a change of more cube cells than this goes through a staging table (<see cref="ApplyStaged"/>).</summary>
    private const int StageAbove = 200;

    /// <summary>Binary COPY of cells into <paramref name="target"/> (the table itself or its staging copy), each value written with its type.</summary>
    private static void Copy(NpgsqlConnection conn, string target, CubeTable table, IEnumerable<KeyValuePair<CubeCell, CubeMeasures>> cells)
    {
        using var w = conn.BeginBinaryImport($"COPY {target} ({table.Keys}, {MeasureColumns}) FROM STDIN (FORMAT BINARY)");
        foreach (var (c, m) in cells)
        {
            w.StartRow();
            foreach (var column in table.KeyNames)
            {
                switch (CubeTable.Key(c, column))
                {
                    case int month:
                        w.Write(month, NpgsqlTypes.NpgsqlDbType.Integer);
                        break;
                    case bool flag:
                        w.Write(flag, NpgsqlTypes.NpgsqlDbType.Boolean);
                        break;
                    case var text:
                        w.Write((string)text, NpgsqlTypes.NpgsqlDbType.Varchar);
                        break;
                }
            }
            WriteMeasures(w, m);
        }
        w.Complete();
    }

    /// <summary>A cell's measures in a binary COPY row, in the order of <see cref="MeasureColumns"/>.</summary>
    private static void WriteMeasures(NpgsqlBinaryImporter w, CubeMeasures m)
    {
        w.Write(m.ValueFen, NpgsqlTypes.NpgsqlDbType.Bigint);
        w.Write(m.MassG, NpgsqlTypes.NpgsqlDbType.Bigint);
        w.Write(m.Items, NpgsqlTypes.NpgsqlDbType.Bigint);
        w.Write(m.Declarations, NpgsqlTypes.NpgsqlDbType.Bigint);
        w.Write(m.PartnerDeclarations, NpgsqlTypes.NpgsqlDbType.Bigint);
    }

    /// <summary>The order of the tables' primary keys (ordinal text, false before true), in which cells are written.</summary>
    public static int CompareCells(CubeCell a, CubeCell b)
    {
        var c = a.ReleaseMonth.CompareTo(b.ReleaseMonth);
        if (c == 0)
            c = string.CompareOrdinal(a.Flow, b.Flow);
        if (c == 0)
            c = string.CompareOrdinal(a.Partner, b.Partner);
        if (c == 0)
            c = string.CompareOrdinal(a.Port, b.Port);
        if (c == 0)
            c = string.CompareOrdinal(a.TradeMode, b.TradeMode);
        if (c == 0)
            c = a.InZone.CompareTo(b.InZone);
        if (c == 0)
            c = a.Ecommerce.CompareTo(b.Ecommerce);
        return c != 0 ? c : string.CompareOrdinal(a.Hs4, b.Hs4);
    }

    /// <summary>One of the two pre-aggregated tables: its name, key columns and the values of a row.</summary>
    private sealed record CubeTable(string Name, string Keys)
    {
        public static readonly CubeTable Cube = new("stats_cube", KeyColumns);
        public static readonly CubeTable Rollup = new("stats_rollup", RollupKeyColumns);
        public static readonly CubeTable Headings = new("stats_hs", HeadingKeyColumns);

        /// <summary>The three tables, the full cube first.</summary>
        public static readonly CubeTable[] All = [Cube, Rollup, Headings];

        public string[] KeyNames { get; } = Keys.Split(", ");

        public int Width => KeyNames.Length + 5;

        private bool Has(string column) => KeyNames.Contains(column);

        /// <summary>The cell of this table a cube cell falls in: the key columns it lacks are blank.</summary>
        public CubeCell Project(CubeCell c) => new(c.ReleaseMonth, c.Flow, Has("partner_country") ? c.Partner : "", Has("port") ? c.Port : "",
            Has("trade_mode") ? c.TradeMode : "", Has("in_zone") && c.InZone, Has("ecommerce") && c.Ecommerce, Has("hs4") ? c.Hs4 : "");

        public object?[] Row(CubeCell c, CubeMeasures m)
        {
            var row = new object?[Width];
            var n = 0;
            foreach (var column in KeyNames)
                row[n++] = Key(c, column);
            row[n++] = m.ValueFen;
            row[n++] = m.MassG;
            row[n++] = m.Items;
            row[n++] = m.Declarations;
            row[n] = m.PartnerDeclarations;
            return row;
        }

        public static object Key(CubeCell c, string column) => column switch
        {
            "release_month" => c.ReleaseMonth,
            "flow" => c.Flow,
            "partner_country" => c.Partner,
            "port" => c.Port,
            "trade_mode" => c.TradeMode,
            "in_zone" => c.InZone,
            "ecommerce" => c.Ecommerce,
            _ => c.Hs4,
        };

        /// <summary>A stored row's cell (key columns first, in <see cref="KeyNames"/> order).</summary>
        public CubeCell Cell(DbDataReader r)
        {
            var c = new CubeCell(0, "", "", "", "", false, false, "");
            for (var n = 0; n < KeyNames.Length; n++)
            {
                c = KeyNames[n] switch
                {
                    "release_month" => c with { ReleaseMonth = r.GetInt32(n) },
                    "flow" => c with { Flow = r.GetString(n) },
                    "partner_country" => c with { Partner = r.GetString(n) },
                    "port" => c with { Port = r.GetString(n) },
                    "trade_mode" => c with { TradeMode = r.GetString(n) },
                    "in_zone" => c with { InZone = r.GetBoolean(n) },
                    "ecommerce" => c with { Ecommerce = r.GetBoolean(n) },
                    _ => c with { Hs4 = r.GetString(n) },
                };
            }
            return c;
        }
    }

    /// <summary>
    /// Rebuilds the cube and its two roll-ups from the items in one transaction, and says how many cells the maintained
    /// tables had wrong (missing, extra or with other measures). The items are read month by month on as many
    /// connections as there are cores (a declaration is released in one month, so its declaration counts are
    /// settled within the month), summed in memory, and written in key order. Other writers wait for it: SQLite's
    /// write lock is taken first, PostgreSQL's items are locked in SHARE mode, so every month reads the same state.
    /// </summary>
    /// <remarks>Without <paramref name="compare"/> (the benchmark) the stored tables are not read: differences unknown (−1).</remarks>
    public static CubeRecompute Recompute(Database db, bool compare = true)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var conn = db.OpenConnection();
        using var tx = conn.BeginTransaction();
        if (conn is NpgsqlConnection)
            Sql.Exec(conn, tx, "LOCK TABLE declaration_item IN SHARE MODE");
        var before = compare ? CubeTable.All.Select(t => ReadAll(conn, tx, t)).ToArray() : null;
        var beforeCount = before?[0].Count ?? Sql.Scalar<long>(conn, tx, "SELECT count(*) FROM stats_cube");

        var months = ReleasedMonths(conn, tx);
        var byMonth = new Dictionary<CubeCell, CubeMeasures>[months.Count];
        // The writer holds the write lock (SQLite) or the SHARE lock (PostgreSQL), so no other writer can change the
        // items while the reader connections read them, each in its own snapshot.
        Parallel.For(0, months.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) },
            db.OpenConnection, (n, _, reader) =>
            {
                byMonth[n] = reader is SqliteConnection sqlite ? CubeSqlite.AggregateMonth(sqlite, months[n]) : AggregateMonth(reader, null, months[n]);
                return reader;
            }, reader => reader.Dispose());
        var cells = new Dictionary<CubeCell, CubeMeasures>(byMonth.Sum(m => m.Count));
        foreach (var month in byMonth)
        {
            foreach (var (cell, m) in month)
                cells.Add(cell, m);
        }
        var after = CubeTable.All.Select(t => t == CubeTable.Cube ? cells : RollUp(cells, t)).ToArray();
        for (var t = 0; t < CubeTable.All.Length; t++)
        {
            Sql.Exec(conn, tx, $"DELETE FROM {CubeTable.All[t].Name}");
            Insert(conn, tx, CubeTable.All[t], after[t]);
        }
        RollupPacks.Clear(conn, tx);
        tx.Commit();
        sw.Stop();
        var differing = before is null ? -1 : before.Zip(after).Sum(p => Differing(p.First, p.Second));
        return new CubeRecompute(beforeCount, cells.Count, differing, sw.Elapsed.TotalSeconds);
    }

    private static long Differing(Dictionary<CubeCell, CubeMeasures> before, Dictionary<CubeCell, CubeMeasures> after) =>
        after.Count(kv => !before.TryGetValue(kv.Key, out var m) || m != kv.Value) + before.Keys.Count(k => !after.ContainsKey(k));

    /// <summary>The months with released items, each found by one index seek (no scan of the items).</summary>
    private static List<int> ReleasedMonths(DbConnection conn, DbTransaction tx)
    {
        var months = new List<int>();
        var last = int.MinValue;
        while (Sql.Query(conn, tx, "SELECT min(release_month) FROM declaration_item WHERE release_month > @p0", r => r.IsDBNull(0) ? (int?)null : r.GetInt32(0), last)
               .First() is { } next)
        {
            months.Add(next);
            last = next;
        }
        return months;
    }

    /// <summary>
    /// The cells of one release month from its items, read through ADO.NET (PostgreSQL; SQLite reads them through
    /// <see cref="CubeSqlite"/>) and summed by <see cref="MonthCells"/>.
    /// </summary>
    private static Dictionary<CubeCell, CubeMeasures> AggregateMonth(DbConnection conn, DbTransaction? tx, int month)
    {
        var declarations = new Dictionary<string, int>(StringComparer.Ordinal);
        var cellNumbers = new Dictionary<CubeCell, int>();
        var cells = new List<CubeCell>();
        var items = Sql.Query(conn, tx,
            "SELECT enterprise_id, declaration_id, item_no, flow, partner_country, port, trade_mode, in_zone, ecommerce, substr(hs_code, 1, 4), " +
            "statistical_value_fen, net_mass_g FROM declaration_item WHERE release_month = @p0",
            r =>
            {
                var key = r.GetString(0) + "\u0001" + r.GetString(1);
                if (!declarations.TryGetValue(key, out var d))
                    declarations[key] = d = declarations.Count;
                var cell = new CubeCell(month, string.Intern(r.GetString(3)), string.Intern(r.GetString(4)), string.Intern(r.GetString(5)), string.Intern(r.GetString(6)),
                    r.GetBoolean(7), r.GetBoolean(8), string.Intern(r.GetString(9)));
                if (!cellNumbers.TryGetValue(cell, out var c))
                {
                    cellNumbers[cell] = c = cells.Count;
                    cells.Add(cell);
                }
                return new MonthItem(d, c, r.GetInt32(2), r.GetInt64(10), r.GetInt64(11));
            },
            month).ToList();
        return MonthCells([.. cells], declarations.Count, items);
    }

    /// <summary>One released item of a month: its declaration and cell (numbered within the month), item number and measures.</summary>
    internal readonly record struct MonthItem(int Declaration, int Cell, int No, long Value, long Mass);

    /// <summary>
    /// The cells of one month from its items, by the rules of <see cref="RecomputeSql"/>: a declaration counts once
    /// at its lowest item number, and once per partner country at its lowest item number with that partner.
    /// </summary>
    internal static Dictionary<CubeCell, CubeMeasures> MonthCells(CubeCell[] cells, int declarationCount, List<MonthItem> items)
    {
        // Each cell's partner by number: a declaration's partners are told apart by it.
        var partners = new Dictionary<string, int>(StringComparer.Ordinal);
        var partnerOf = cells.Select(c => partners.TryGetValue(c.Partner, out var p) ? p : partners[c.Partner] = partners.Count).ToArray();
        var first = new int[declarationCount];
        Array.Fill(first, int.MaxValue);
        var firstOfPartner = new Dictionary<long, int>();
        foreach (var i in items)
        {
            first[i.Declaration] = Math.Min(first[i.Declaration], i.No);
            ref var no = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(firstOfPartner, PartnerKey(i), out var exists);
            no = exists ? Math.Min(no, i.No) : i.No;
        }
        var measures = new CubeMeasures[cells.Length];
        foreach (var i in items)
            measures[i.Cell] += new CubeMeasures(i.Value, i.Mass, 1, first[i.Declaration] == i.No ? 1 : 0, firstOfPartner[PartnerKey(i)] == i.No ? 1 : 0);
        var result = new Dictionary<CubeCell, CubeMeasures>(cells.Length);
        for (var n = 0; n < cells.Length; n++)
            result.Add(cells[n], measures[n]);
        return result;

        long PartnerKey(MonthItem i) => ((long)i.Declaration << 16) | (uint)partnerOf[i.Cell];
    }

    /// <summary>Writes whole cells into an emptied table, in key order: COPY on PostgreSQL, SQLite's C API on SQLite.</summary>
    private static void Insert(DbConnection conn, DbTransaction tx, CubeTable table, Dictionary<CubeCell, CubeMeasures> cells)
    {
        var ordered = cells.ToList();
        ordered.Sort((a, b) => CompareCells(a.Key, b.Key));
        if (conn is NpgsqlConnection pg)
            Copy(pg, table.Name, table, ordered);
        else
            WriteSqlite((SqliteConnection)conn, table, InsertSql(table), ordered);
    }

    /// <summary>Every cell of the cube as stored.</summary>
    public static Dictionary<CubeCell, CubeMeasures> ReadAll(DbConnection conn, DbTransaction? tx) => ReadAll(conn, tx, CubeTable.Cube);

    /// <summary>Every cell of the roll-up over the HS heading as stored (<see cref="CubeCell.Hs4"/> empty).</summary>
    public static Dictionary<CubeCell, CubeMeasures> ReadRollup(DbConnection conn, DbTransaction? tx) => ReadAll(conn, tx, CubeTable.Rollup);

    /// <summary>The roll-up's cells of release months <paramref name="from"/>..<paramref name="to"/> (YYYYMM), in key order.</summary>
    public static List<KeyValuePair<CubeCell, CubeMeasures>> ReadRollup(DbConnection conn, int from, int to, DbTransaction? tx = null)
    {
        var table = CubeTable.Rollup;
        var sql = $"SELECT {table.Keys}, {MeasureColumns} FROM {table.Name} WHERE release_month BETWEEN @p0 AND @p1 ORDER BY {table.Keys}";
        if (conn is SqliteConnection sqlite)
            return CubeSqlite.ReadRollup(sqlite, sql.Replace("@p0", "?1", StringComparison.Ordinal).Replace("@p1", "?2", StringComparison.Ordinal), from, to);
        var k = table.KeyNames.Length;
        return Sql.Query(conn, tx, sql, r => KeyValuePair.Create(table.Cell(r), new CubeMeasures(r.GetInt64(k), r.GetInt64(k + 1), r.GetInt64(k + 2), r.GetInt64(k + 3), r.GetInt64(k + 4))),
            from, to).ToList();
    }

    private static Dictionary<CubeCell, CubeMeasures> ReadAll(DbConnection conn, DbTransaction? tx, CubeTable table)
    {
        var k = table.KeyNames.Length;
        return Sql.Query(conn, tx, $"SELECT {table.Keys}, {MeasureColumns} FROM {table.Name}",
                r => (table.Cell(r), new CubeMeasures(r.GetInt64(k), r.GetInt64(k + 1), r.GetInt64(k + 2), r.GetInt64(k + 3), r.GetInt64(k + 4))))
            .ToDictionary(x => x.Item1, x => x.Item2);
    }

    /// <summary>Every cell of the headings table (month × flow × HS heading) as stored; the other key fields blank.</summary>
    public static Dictionary<CubeCell, CubeMeasures> ReadHeadings(DbConnection conn, DbTransaction? tx) => ReadAll(conn, tx, CubeTable.Headings);
}
