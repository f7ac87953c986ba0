using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Silkgate.Storage.Statistics;

/// <summary>
/// The two loops of a cube recompute on SQLite that touch every item and every cell, on SQLite's C API
/// (SQLitePCLRaw, the layer under Microsoft.Data.Sqlite, on the same connection and transaction): reading columns by
/// index without a data reader, codes turned into strings once per distinct code, and cells bound by position.
/// Per row this costs a fraction of the ADO.NET path, which at 10 M items is the difference to DuckDB.
/// </summary>
internal static class CubeSqlite
{
    /// <summary>One released item of a month: its declaration and cell (numbered within the month), item number and measures.</summary>
    private readonly record struct MonthItem(int Declaration, int Cell, int No, long Value, long Mass);

    /// <summary>
    /// Two text keys made in SQL, so that a row is five column reads: the declaration (enterprise, U+0001, id) and
    /// the cell (flow, partner, port, mode, zone 0/1, e-commerce 0/1, heading, separated by U+0001).
    /// </summary>
    private const string MonthSql =
        "SELECT enterprise_id || char(1) || declaration_id, item_no, " +
        "flow || char(1) || partner_country || char(1) || port || char(1) || trade_mode || char(1) || in_zone || char(1) || ecommerce || char(1) || substr(hs_code, 1, 4), " +
        "statistical_value_fen, net_mass_g FROM declaration_item WHERE release_month = ?1";

    /// <summary>The cells of one release month (the rules of <see cref="CubeMaintainer.RecomputeSql"/>).</summary>
    public static Dictionary<CubeCell, CubeMeasures> AggregateMonth(SqliteConnection conn, int month)
    {
        var declarations = new TextIndex();
        var cellKeys = new TextIndex();
        var items = new List<MonthItem>();
        using (var stmt = Prepare(conn, MonthSql))
        {
            Check(conn, raw.sqlite3_bind_int(stmt, 1, month));
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
                items.Add(new MonthItem(declarations.Of(raw.sqlite3_column_blob(stmt, 0)), cellKeys.Of(raw.sqlite3_column_blob(stmt, 2)),
                    raw.sqlite3_column_int(stmt, 1), raw.sqlite3_column_int64(stmt, 3), raw.sqlite3_column_int64(stmt, 4)));
            }
            if (rc != raw.SQLITE_DONE)
                Check(conn, rc);
        }

        // The cells by number, and each cell's partner by number (a declaration's partners are told apart by it).
        var cells = cellKeys.Keys.Select(k =>
        {
            var f = k.Split('\u0001');
            return new CubeCell(month, string.Intern(f[0]), string.Intern(f[1]), string.Intern(f[2]), string.Intern(f[3]), f[4] == "1", f[5] == "1", string.Intern(f[6]));
        }).ToArray();
        var partners = new Dictionary<string, int>(StringComparer.Ordinal);
        var partnerOf = cells.Select(c => partners.TryGetValue(c.Partner, out var p) ? p : partners[c.Partner] = partners.Count).ToArray();

        // A declaration counts once at its lowest item number, and once per partner at its lowest item with that partner.
        var first = new int[declarations.Count];
        Array.Fill(first, int.MaxValue);
        var firstOfPartner = new Dictionary<long, int>();
        foreach (var i in items)
        {
            first[i.Declaration] = Math.Min(first[i.Declaration], i.No);
            var key = ((long)i.Declaration << 16) | (uint)partnerOf[i.Cell];
            ref var no = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(firstOfPartner, key, out var exists);
            no = exists ? Math.Min(no, i.No) : i.No;
        }
        var measures = new CubeMeasures[cells.Length];
        foreach (var i in items)
        {
            measures[i.Cell] += new CubeMeasures(i.Value, i.Mass, 1, first[i.Declaration] == i.No ? 1 : 0,
                firstOfPartner[((long)i.Declaration << 16) | (uint)partnerOf[i.Cell]] == i.No ? 1 : 0);
        }
        var result = new Dictionary<CubeCell, CubeMeasures>(cells.Length);
        for (var n = 0; n < cells.Length; n++)
            result.Add(cells[n], measures[n]);
        return result;
    }

    /// <summary>
    /// Roll-up cells (columns: month, flow, partner, port, mode, zone, e-commerce, then the five measures) of
    /// release months <paramref name="from"/>..<paramref name="to"/>, bound as ?1 and ?2.
    /// </summary>
    public static List<KeyValuePair<CubeCell, CubeMeasures>> ReadRollup(SqliteConnection conn, string sql, int from, int to)
    {
        var codes = new Codes();
        var cells = new List<KeyValuePair<CubeCell, CubeMeasures>>();
        using var stmt = Prepare(conn, sql);
        Check(conn, raw.sqlite3_bind_int(stmt, 1, from));
        Check(conn, raw.sqlite3_bind_int(stmt, 2, to));
        int rc;
        while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
        {
            var cell = new CubeCell(raw.sqlite3_column_int(stmt, 0), codes.Of(raw.sqlite3_column_blob(stmt, 1)), codes.Of(raw.sqlite3_column_blob(stmt, 2)),
                codes.Of(raw.sqlite3_column_blob(stmt, 3)), codes.Of(raw.sqlite3_column_blob(stmt, 4)), raw.sqlite3_column_int(stmt, 5) != 0,
                raw.sqlite3_column_int(stmt, 6) != 0, "");
            cells.Add(KeyValuePair.Create(cell, new CubeMeasures(raw.sqlite3_column_int64(stmt, 7), raw.sqlite3_column_int64(stmt, 8),
                raw.sqlite3_column_int64(stmt, 9), raw.sqlite3_column_int64(stmt, 10), raw.sqlite3_column_int64(stmt, 11))));
        }
        if (rc != raw.SQLITE_DONE)
            Check(conn, rc);
        return cells;
    }

    /// <summary>Inserts cells with one statement prepared once and bound by position (values as <paramref name="row"/> gives them).</summary>
    public static void Insert(SqliteConnection conn, string sql, List<KeyValuePair<CubeCell, CubeMeasures>> cells, Func<CubeCell, CubeMeasures, object?[]> row)
    {
        using var stmt = Prepare(conn, sql);
        foreach (var (cell, m) in cells)
        {
            var values = row(cell, m);
            for (var p = 0; p < values.Length; p++)
            {
                Check(conn, values[p] switch
                {
                    int n => raw.sqlite3_bind_int(stmt, p + 1, n),
                    long n => raw.sqlite3_bind_int64(stmt, p + 1, n),
                    bool b => raw.sqlite3_bind_int(stmt, p + 1, b ? 1 : 0),
                    string s => raw.sqlite3_bind_text(stmt, p + 1, s),
                    var other => throw new InvalidOperationException($"no binding for {other?.GetType().Name ?? "null"}"),
                });
            }
            var rc = raw.sqlite3_step(stmt);
            if (rc != raw.SQLITE_DONE)
                Check(conn, rc);
            raw.sqlite3_reset(stmt);
        }
    }

    private static sqlite3_stmt Prepare(SqliteConnection conn, string sql)
    {
        Check(conn, raw.sqlite3_prepare_v2(conn.Handle, sql, out var stmt));
        return stmt;
    }

    private static void Check(SqliteConnection conn, int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
            throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(conn.Handle).utf8_to_string()}", rc);
    }

    /// <summary>Distinct texts numbered 0, 1, … in order of appearance, looked up by their UTF-8 bytes without a string per row.</summary>
    private sealed class TextIndex
    {
        private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
        private char[] _chars = new char[128];

        public List<string> Keys { get; } = [];

        public int Count => Keys.Count;

        public int Of(ReadOnlySpan<byte> utf8)
        {
            if (_chars.Length < utf8.Length)
                _chars = new char[2 * utf8.Length];
            var text = _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
            var lookup = _numbers.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(text, out var n))
                return n;
            var key = new string(text);
            _numbers[key] = Keys.Count;
            Keys.Add(key);
            return Keys.Count - 1;
        }
    }

    /// <summary>Codes (flow, country, port, mode, heading) as one string each, looked up by their UTF-8 bytes.</summary>
    private sealed class Codes
    {
        private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

        public string Of(ReadOnlySpan<byte> utf8)
        {
            if (utf8.Length > 64)
                return Encoding.UTF8.GetString(utf8);
            Span<char> chars = stackalloc char[64];
            var n = Encoding.UTF8.GetChars(utf8, chars);
            var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(chars[..n], out var s))
                return s;
            s = new string(chars[..n]);
            _strings[s] = s;
            return s;
        }
    }
}
