using System.Diagnostics;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;
using Silkgate.Statistics;
using Silkgate.Storage;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Statistics;

namespace Silkgate.Bench;

/// <summary>A timed query: median of the timed runs, and what it answered (groups, total in fen) for cross-checks.</summary>
internal sealed record QueryRun(string Label, double MedianSeconds, double[] Runs, int Groups, long TotalFen)
{
    public string RunsText => string.Join(" ", Runs.Select(r => r.ToString("F3", Report.Culture)));
}

/// <summary>
/// Measurement 4: trade value by partner and month over 2013-01..2023-12 through the product's
/// <see cref="StatsQueryRunner"/> (1 warm-up + 5 timed runs, median), and the same aggregate in DuckDB.
/// </summary>
internal static class QueryBench
{
    public const int Runs = 5;

    /// <summary>The SQL StatsQueryRunner issues for trade_value by partner, month (used for EXPLAIN and the variants).</summary>
    public const string RunnerSql =
        "SELECT i.partner_country AS k0, i.release_month AS k1, sum(i.statistical_value_fen) AS v FROM declaration_item i " +
        "WHERE i.release_month BETWEEN 201301 AND 202312 GROUP BY k0, k1";

    public static StatsQuery Query => StatsQuery.Parse("trade_value", "partner,month", "2013-01", "2023-12", null, null, null);

    public static QueryRun Stats(Database db, string label)
    {
        var reference = new ReferenceStore(db).Load();
        var runner = new StatsQueryRunner(db);
        IReadOnlyList<StatsRow> rows = [];
        var times = Timed(() => rows = runner.Run(Query, reference));
        var total = rows.Sum(r => r.Value);
        return new QueryRun(label, Median(times), times, rows.Count, (long)(total * 100m));
    }

    /// <summary>A SQL text run directly on SQLite (variants that tell why the runner's query takes what it takes).</summary>
    public static QueryRun SqliteSql(Database db, string label, string sql, int runs = Runs)
    {
        var groups = 0;
        long total = 0;
        var times = Timed(() =>
        {
            using var conn = db.OpenConnection();
            var rows = Sql.Query(conn, null, sql, r => r.GetInt64(2)).ToList();
            groups = rows.Count;
            total = rows.Sum();
        }, runs);
        return new QueryRun(label, Median(times), times, groups, total);
    }

    public static string ExplainSqlite(Database db, string sql)
    {
        using var conn = db.OpenConnection();
        return string.Join("; ", Sql.Query(conn, null, "EXPLAIN QUERY PLAN " + sql, r => r.GetString(3)));
    }

    public const string CoveringIndex = "ix_bench_cover ON declaration_item (release_month, partner_country, statistical_value_fen)";

    /// <summary>Builds a covering index for this query (timed), runs <paramref name="run"/>, drops the index again.</summary>
    public static (double BuildSeconds, string Plan, QueryRun Run) WithCoveringIndex(Database db, Func<QueryRun> run)
    {
        using var conn = db.OpenConnection();
        var sw = Stopwatch.StartNew();
        Sql.Exec(conn, null, "CREATE INDEX " + CoveringIndex);
        sw.Stop();
        try
        {
            return (sw.Elapsed.TotalSeconds, ExplainSqlite(db, RunnerSql), run());
        }
        finally
        {
            Sql.Exec(conn, null, "DROP INDEX ix_bench_cover");
        }
    }

    /// <summary>Loads partner, month and value of every item from the SQLite database into an in-memory DuckDB table (appender).</summary>
    public static (DuckDBConnection Duck, double Seconds, long Rows) LoadDuckDb(Database sqlite)
    {
        var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using (var create = duck.CreateCommand())
        {
            create.CommandText = "CREATE TABLE items (partner_country VARCHAR NOT NULL, release_month INTEGER, statistical_value_fen BIGINT NOT NULL)";
            create.ExecuteNonQuery();
        }
        ImportBench.Quiesce(null);
        var sw = Stopwatch.StartNew();
        long rows = 0;
        using (var conn = (SqliteConnection)sqlite.OpenConnection())
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT partner_country, release_month, statistical_value_fen FROM declaration_item";
            using var reader = cmd.ExecuteReader();
            using var appender = duck.CreateAppender("items");
            while (reader.Read())
            {
                var row = appender.CreateRow();
                row.AppendValue(reader.GetString(0));
                if (reader.IsDBNull(1))
                    row.AppendNullValue();
                else
                    row.AppendValue(reader.GetInt32(1));
                row.AppendValue(reader.GetInt64(2));
                row.EndRow();
                rows++;
            }
        }
        sw.Stop();
        return (duck, sw.Elapsed.TotalSeconds, rows);
    }

    /// <summary>The same aggregate in DuckDB, with the runner's month filter; results read into a list as the runner does.</summary>
    public static QueryRun DuckDb(DuckDBConnection duck, string table = "items")
    {
        var sql = $"SELECT partner_country, release_month, CAST(sum(statistical_value_fen) AS BIGINT) FROM {table} " +
                  "WHERE release_month BETWEEN 201301 AND 202312 GROUP BY 1, 2";
        var groups = 0;
        long total = 0;
        var times = Timed(() =>
        {
            using var cmd = duck.CreateCommand();
            cmd.CommandText = sql;
            using var reader = cmd.ExecuteReader();
            var rows = new List<(string, int, long)>();
            while (reader.Read())
                rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2)));
            groups = rows.Count;
            total = rows.Sum(r => r.Item3);
        });
        return new QueryRun("DuckDB", Median(times), times, groups, total);
    }

    private static double[] Timed(Action run, int runs = Runs)
    {
        run(); // warm-up
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            var sw = Stopwatch.StartNew();
            run();
            times[i] = sw.Elapsed.TotalSeconds;
        }
        return times;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
