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
    /// <summary>One released item of a month: its declaration (numbered within the month), item number, cell and measures.</summary>
    private readonly record struct MonthItem(int Declaration, int No, CubeCell Cell, long Value, long Mass);

    private const string MonthSql =
        "SELECT enterprise_id, declaration_id, item_no, flow, partner_country, port, trade_mode, in_zone, ecommerce, hs_code, " +
        "statistical_value_fen, net_mass_g FROM declaration_item WHERE release_month = ?1";

    /// <summary>The cells of one release month (the rules of <see cref="CubeMaintainer.RecomputeSql"/>).</summary>
    public static Dictionary<CubeCell, CubeMeasures> AggregateMonth(SqliteConnection conn, int month)
    {
        var codes = new Codes();
        var declarations = new Dictionary<string, int>(StringComparer.Ordinal);
        var byDeclaration = declarations.GetAlternateLookup<ReadOnlySpan<char>>();
        var items = new List<MonthItem>();
        var key = new char[256];
        using (var stmt = Prepare(conn, MonthSql))
        {
            Check(conn, raw.sqlite3_bind_int(stmt, 1, month));
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
                var enterprise = raw.sqlite3_column_blob(stmt, 0);
                var id = raw.sqlite3_column_blob(stmt, 1);
                if (key.Length < enterprise.Length + id.Length + 1)
                    key = new char[2 * (enterprise.Length + id.Length + 1)];
                // The declaration's key: enterprise, U+0001, id (the store's primary key of a declaration).
                var length = Encoding.UTF8.GetChars(enterprise, key);
                key[length++] = '\u0001';
                length += Encoding.UTF8.GetChars(id, key.AsSpan(length));
                if (!byDeclaration.TryGetValue(key.AsSpan(0, length), out var d))
                {
                    d = declarations.Count;
                    byDeclaration[key.AsSpan(0, length)] = d;
                }
                var hs = raw.sqlite3_column_blob(stmt, 9);
                var cell = new CubeCell(month, codes.Of(raw.sqlite3_column_blob(stmt, 3)), codes.Of(raw.sqlite3_column_blob(stmt, 4)),
                    codes.Of(raw.sqlite3_column_blob(stmt, 5)), codes.Of(raw.sqlite3_column_blob(stmt, 6)),
                    raw.sqlite3_column_int(stmt, 7) != 0, raw.sqlite3_column_int(stmt, 8) != 0, codes.Of(hs.Length > 4 ? hs[..4] : hs));
                items.Add(new MonthItem(d, raw.sqlite3_column_int(stmt, 2), cell, raw.sqlite3_column_int64(stmt, 10), raw.sqlite3_column_int64(stmt, 11)));
            }
            if (rc != raw.SQLITE_DONE)
                Check(conn, rc);
        }

        // A declaration counts once at its lowest item number, and once per partner at its lowest item with that partner.
        var first = new int[declarations.Count];
        Array.Fill(first, int.MaxValue);
        var firstOfPartner = new Dictionary<(int, string), int>();
        foreach (var i in items)
        {
            first[i.Declaration] = Math.Min(first[i.Declaration], i.No);
            var k = (i.Declaration, i.Cell.Partner);
            if (!firstOfPartner.TryGetValue(k, out var no) || i.No < no)
                firstOfPartner[k] = i.No;
        }
        var cells = new Dictionary<CubeCell, CubeMeasures>();
        foreach (var i in items)
        {
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(cells, i.Cell, out _);
            slot += new CubeMeasures(i.Value, i.Mass, 1, first[i.Declaration] == i.No ? 1 : 0, firstOfPartner[(i.Declaration, i.Cell.Partner)] == i.No ? 1 : 0);
        }
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
