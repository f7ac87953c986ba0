using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Silkgate.Storage.Statistics;

/// <summary>
/// The cube's reads on SQLite that touch every item of a month (the recompute) or thousands of cells (the
/// roll-up for packs), on SQLite's C API (SQLitePCLRaw, the layer under Microsoft.Data.Sqlite, on the same
/// connection and transaction): columns read by index without a data reader, codes turned into strings once per
/// distinct code. Per row this costs a fraction of the ADO.NET path, which at 10 M items is the difference to
/// DuckDB. (Cells are written through <see cref="SqliteInsert"/>.)
/// </summary>
internal static class CubeSqlite
{
    /// <summary>
    /// Two text keys made in SQL, so that a row is five column reads: the declaration (enterprise, U+0001, id) and
    /// the cell (flow, partner, port, mode, zone 0/1, e-commerce 0/1, heading, separated by U+0001).
    /// </summary>
    private const string MonthSql =
        "SELECT enterprise_id || char(1) || declaration_id, item_no, " +
        "flow || char(1) || partner_country || char(1) || port || char(1) || trade_mode || char(1) || in_zone || char(1) || ecommerce || char(1) || substr(hs_code, 1, 4), " +
        "statistical_value_fen, net_mass_g FROM declaration_item WHERE release_month = ?1";

    /// <summary>The cells of one release month, summed by <see cref="CubeMaintainer.MonthCells"/>.</summary>
    public static Dictionary<CubeCell, CubeMeasures> AggregateMonth(SqliteConnection conn, int month)
    {
        var declarations = new TextIndex();
        var cellKeys = new TextIndex();
        var items = new List<CubeMaintainer.MonthItem>();
        using (var stmt = Prepare(conn, MonthSql))
        {
            Check(conn, raw.sqlite3_bind_int(stmt, 1, month));
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
                items.Add(new CubeMaintainer.MonthItem(declarations.Of(raw.sqlite3_column_blob(stmt, 0)), cellKeys.Of(raw.sqlite3_column_blob(stmt, 2)),
                    raw.sqlite3_column_int(stmt, 1), raw.sqlite3_column_int64(stmt, 3), raw.sqlite3_column_int64(stmt, 4)));
            }
            if (rc != raw.SQLITE_DONE)
                Check(conn, rc);
        }

        var cells = cellKeys.Keys.Select(k =>
        {
            var f = k.Split('\u0001');
            return new CubeCell(month, string.Intern(f[0]), string.Intern(f[1]), string.Intern(f[2]), string.Intern(f[3]), f[4] == "1", f[5] == "1", string.Intern(f[6]));
        }).ToArray();
        return CubeMaintainer.MonthCells(cells, declarations.Count, items);
    }

    /// <summary>
    /// Roll-up cells (columns: month, flow, partner, port, mode, zone, e-commerce, then the five measures) of
    /// release months <paramref name="from"/>..<paramref name="to"/>, bound as ?1 and ?2.
    /// </summary>
    public static List<KeyValuePair<CubeCell, CubeMeasures>> ReadRollup(SqliteConnection conn, string sql, int from, int to)
    {
        var codes = new TextIndex();
        var cells = new List<KeyValuePair<CubeCell, CubeMeasures>>();
        using var stmt = Prepare(conn, sql);
        Check(conn, raw.sqlite3_bind_int(stmt, 1, from));
        Check(conn, raw.sqlite3_bind_int(stmt, 2, to));
        int rc;
        while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
        {
            var cell = new CubeCell(raw.sqlite3_column_int(stmt, 0), codes.Text(raw.sqlite3_column_blob(stmt, 1)), codes.Text(raw.sqlite3_column_blob(stmt, 2)),
                codes.Text(raw.sqlite3_column_blob(stmt, 3)), codes.Text(raw.sqlite3_column_blob(stmt, 4)), raw.sqlite3_column_int(stmt, 5) != 0,
                raw.sqlite3_column_int(stmt, 6) != 0, "");
            cells.Add(KeyValuePair.Create(cell, new CubeMeasures(raw.sqlite3_column_int64(stmt, 7), raw.sqlite3_column_int64(stmt, 8),
                raw.sqlite3_column_int64(stmt, 9), raw.sqlite3_column_int64(stmt, 10), raw.sqlite3_column_int64(stmt, 11))));
        }
        if (rc != raw.SQLITE_DONE)
            Check(conn, rc);
        return cells;
    }

    private static sqlite3_stmt Prepare(SqliteConnection conn, string sql)
    {
        Check(conn, raw.sqlite3_prepare_v2(conn.Handle, sql, out var stmt));
        return stmt;
    }

    internal static void Check(SqliteConnection conn, int rc)
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

        /// <summary>The one string kept for these bytes.</summary>
        public string Text(ReadOnlySpan<byte> utf8) => Keys[Of(utf8)];
    }
}
