using Microsoft.Data.Sqlite;
using Silkgate.Storage;

namespace Silkgate.IntegrationTests.Storage;

/// <summary>
/// The writer's SQLite rows go through <see cref="SqliteInsert"/> (SQLite's C API, bound by position), other code
/// reads and writes the same tables through Microsoft.Data.Sqlite: both must store every value identically.
/// </summary>
public sealed class SqliteInsertTests
{
    private static readonly decimal[] Decimals =
    [
        0m, 0.0m, 0.00m, 1m, 12m, 12.0m, 12.50m, 12.5m, 0.001m, 0.1000m, 324.39m, 413.000m, 1234567890.1234567890m, 100m, 1000.10m,
        decimal.MaxValue, decimal.MinValue, -1m, -12.50m, 0.0000000000000000000000000001m, 7.9228162514264337593543950335m,
    ];

    [Fact]
    public void Values_bound_by_position_are_stored_as_Microsoft_Data_Sqlite_stores_them()
    {
        using var conn = new SqliteConnection("Data Source=:memory:");
        conn.Open();
        Sql.Exec(conn, null, "CREATE TABLE t (way TEXT, n INTEGER, d TEXT, day DATETIME, flag BOOLEAN, txt TEXT, i INTEGER)");
        DateOnly?[] days = [new DateOnly(2023, 6, 7), new DateOnly(1, 1, 1), new DateOnly(9999, 12, 31), null];
        string?[] texts = ["", "KG", "Kashgar 喀什 — ü", null, new string('x', 1000)];
        var n = 0;
        using (var s = new SqliteInsert(conn, SqliteInsert.Sql("t", ["way", "n", "d", "day", "flag", "txt", "i"])))
        {
            foreach (var d in Decimals.Cast<decimal?>().Append(null))
            {
                s.Text(1, "c");
                s.Int(2, n);
                s.Decimal(3, d);
                s.Date(4, days[n % days.Length]);
                s.Bool(5, n % 2 == 0);
                s.Text(6, texts[n % texts.Length]);
                s.Int(7, n % 3 == 0 ? null : (long?)n * 1_000_000_007L);
                s.Step();
                Sql.Exec(conn, null, "INSERT INTO t VALUES ('ado', @p0, @p1, @p2, @p3, @p4, @p5)",
                    n, d, days[n % days.Length], n % 2 == 0, texts[n % texts.Length], n % 3 == 0 ? null : (long?)n * 1_000_000_007L);
                n++;
            }
        }
        var rows = Sql.Query(conn, null,
            "SELECT way, n, quote(d) || typeof(d), quote(day) || typeof(day), quote(flag) || typeof(flag), quote(txt) || typeof(txt), quote(i) || typeof(i) FROM t ORDER BY n, way",
            r => (Way: r.GetString(0), N: r.GetInt64(1), Values: string.Join("|", Enumerable.Range(2, 5).Select(r.GetString)))).ToList();
        Assert.Equal(2 * n, rows.Count);
        foreach (var pair in rows.Chunk(2))
        {
            Assert.Equal(("ado", "c"), (pair[0].Way, pair[1].Way));
            Assert.Equal(pair[0].Values, pair[1].Values);
        }
        Assert.Contains(rows, r => r.Values.StartsWith("'12.5'text", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Values.StartsWith("'12.0'text", StringComparison.Ordinal));
    }
}
