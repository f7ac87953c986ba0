using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;
using Silkgate.Statistics;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Statistics;

namespace Silkgate.Bench;

/// <summary>
/// Section 6 (`--only cube`): the monthly statistics cube on N generated items in SQLite. Writes the items through
/// <see cref="DeclarationWriter"/> (which maintains the cube), then times in one run: a bulletin-like set of figures
/// answered by <see cref="StatsQueryRunner"/> from the cube and from the items; a full cube recompute; and, over the
/// same rows loaded into an in-memory DuckDB, the same cube aggregation and the same figures from the items.
/// </summary>
internal static class CubeBench
{
    public const int Runs = 3;

    /// <summary>The bulletin (tens of milliseconds) is timed in its steady state: warm-up runs, then a median.</summary>
    private const int BulletinWarmups = 100, BulletinRuns = 21;

    /// <summary>About fifteen figures of a yearly bulletin: totals, flows, year on year, year to date, partners, groups, ports, zone, CBEC, USD.</summary>
    public static IReadOnlyList<(string Label, StatsQuery Query)> Bulletin { get; } =
    [
        Q("trade value 2023", "trade_value", "", "2023-01", "2023-12"),
        Q("imports 2023", "trade_value", "", "2023-01", "2023-12", flow: "import"),
        Q("exports 2023", "trade_value", "", "2023-01", "2023-12", flow: "export"),
        Q("trade value 2022 (year-on-year base)", "trade_value", "", "2022-01", "2022-12"),
        Q("first seven months 2023", "trade_value", "", "2023-01", "2023-07"),
        Q("by month 2023", "trade_value", "month", "2023-01", "2023-12"),
        Q("by partner 2023", "trade_value", "partner", "2023-01", "2023-12"),
        Q("Central Asia-5 2023", "trade_value", "", "2023-01", "2023-12", scope: "group:CA5"),
        Q("Belt and Road 2023 (mid-month memberships)", "trade_value", "", "2023-01", "2023-12", scope: "group:BRI"),
        Q("by port 2023", "trade_value", "port", "2023-01", "2023-12"),
        Q("bonded zone 2023", "trade_value", "", "2023-01", "2023-12", scope: "zone"),
        Q("cross-border e-commerce 2023", "ecommerce_value", "", "2023-01", "2023-12"),
        Q("trading partners 2023", "partner_count", "", "2023-01", "2023-12"),
        Q("cargo mass 2023", "cargo_mass", "", "2023-01", "2023-12"),
        Q("USD by quarter 2023", "trade_value", "quarter", "2023-01", "2023-12", currency: "USD"),
        Q("declarations 2023", "declaration_count", "", "2023-01", "2023-12"),
    ];

    private static (string, StatsQuery) Q(string label, string measure, string by, string from, string to, string? scope = null, string? flow = null, string? currency = null) =>
        (label, StatsQuery.Parse(measure, by, from, to, scope, flow, currency));

    public static void Run(Report report, Scratch scratch, KashgarGenerator generator, BenchOptions options, Func<string, string, Action, bool> step)
    {
        const string section = "6 statistics cube";
        var existing = options.CubeDb is not null;
        var db = existing ? Database.Resolve(options.CubeDb) : scratch.FreshSqlite("cube.db");
        if (existing)
            db.Migrate();
        var store = new ReferenceStore(db);
        store.EnsureLoaded();
        var reference = store.Load();

        long cells, rollupCells, itemCount;
        if (existing)
        {
            using var conn = db.OpenConnection();
            itemCount = Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration_item WHERE release_month IS NOT NULL");
            cells = Sql.Scalar<long>(conn, null, "SELECT count(*) FROM stats_cube");
            rollupCells = Sql.Scalar<long>(conn, null, "SELECT count(*) FROM stats_rollup");
            report.Add(section, "an existing store (--cube-db), SQLite", Report.Count(itemCount) + " released items", "",
                $"{db.Display}; the cube has {Report.Count(cells)} cells ({(double)itemCount / cells:F1} items per cell), the roll-up over HS {Report.Count(rollupCells)}");
        }
        else
        {
            // The items, written as the bulk import writes them: each batch also upserts its cube cells.
            itemCount = options.Items;
            var writeSeconds = ImportProfile.WriterOnly(db, generator, reference, options.Items, 20_000);
            using var conn = db.OpenConnection();
            cells = Sql.Scalar<long>(conn, null, "SELECT count(*) FROM stats_cube");
            rollupCells = Sql.Scalar<long>(conn, null, "SELECT count(*) FROM stats_rollup");
            report.Add(section, "DeclarationWriter.WriteBatch with cube maintenance, SQLite", Report.Rate(options.Items, writeSeconds), "",
                $"{Report.Seconds(writeSeconds)} for {Report.Count(options.Items)} items; the cube has {Report.Count(cells)} cells ({(double)options.Items / cells:F1} items per cell), the roll-up over HS {Report.Count(rollupCells)}");
        }

        if (options.BulletinOnly)
        {
            step(section, "the bulletin", () => BulletinTimes(report, section, db, reference));
            if (!options.Keep && !existing)
                Scratch.DeleteSqlite(db.Display);
            return;
        }

        var cube = new StatsQueryRunner(db);
        var items = new StatsQueryRunner(db) { FromItems = true };
        double cubeSeconds = 0, itemSeconds = 0;
        step(section, "bulletin from the cube", () =>
        {
            var sources = new Dictionary<StatsSource, int>();
            var (median, runs) = Timed(() =>
            {
                sources.Clear();
                foreach (var (_, q) in Bulletin)
                {
                    cube.Run(q, reference);
                    sources[cube.LastSource] = sources.GetValueOrDefault(cube.LastSource) + 1;
                }
            });
            cubeSeconds = median;
            foreach (var (label, q) in Bulletin)
            {
                var sw = Stopwatch.StartNew();
                cube.Run(q, reference);
                var c = sw.Elapsed.TotalSeconds;
                sw.Restart();
                items.Run(q, reference);
                report.Log(string.Create(Report.Culture, $"  {label}: cube {c:F3} s ({cube.LastSource}), items {sw.Elapsed.TotalSeconds:F3} s"));
            }
            report.Add(section, $"{Bulletin.Count} bulletin figures from the cube, SQLite (median of {Runs})", Report.Seconds(median), "",
                $"{string.Join(", ", sources.Select(kv => $"{kv.Value} from {kv.Key}"))}; runs {string.Join(" ", runs.Select(r => r.ToString("F3", Report.Culture)))}");
        });
        QueryRun? statsQuery = null;
        step(section, "stats query", () =>
        {
            statsQuery = QueryBench.Stats(db, "SQLite");
            report.Add(section, $"stats query trade_value by partner,month 2013-01..2023-12 (issue #3's query; StatsQueryRunner, median of {QueryBench.Runs})",
                Report.Seconds(statsQuery.MedianSeconds), "", $"target ≤ 2 s; {statsQuery.Groups} groups; runs {statsQuery.RunsText}");
        });
        step(section, "bulletin from the items", () =>
        {
            var (median, runs) = Timed(() =>
            {
                foreach (var (_, q) in Bulletin)
                    items.Run(q, reference);
            });
            itemSeconds = median;
            var same = Bulletin.All(b => Same(cube.Run(b.Query, reference), items.Run(b.Query, reference)));
            report.Add(section, $"the same figures from the items (item scan), SQLite (median of {Runs})", Report.Seconds(median),
                cubeSeconds > 0 ? $"items/cube {median / cubeSeconds:F1}×" : "",
                (same ? "every figure equal to the cube's" : "FIGURES DIFFER from the cube's") + $"; runs {string.Join(" ", runs.Select(r => r.ToString("F3", Report.Culture)))}");
            if (!same)
                throw new InvalidOperationException("the cube and the item scan disagree");
        });

        step(section, "the bulletin", () => BulletinTimes(report, section, db, reference));

        CubeRecompute? recompute = null;
        var recomputeSeconds = 0.0;
        step(section, "recompute", () =>
        {
            var (median, runs) = Timed(() => recompute = CubeMaintainer.Recompute(db, compare: false));
            recomputeSeconds = median;
            report.Add(section, $"full recompute of the cube and its roll-up (items month by month, summed in memory), SQLite (median of {Runs})", Report.Seconds(median), Report.Rate(itemCount, median),
                $"{Report.Count(recompute!.CellsAfter)} cells (maintained cube had {Report.Count(recompute.CellsBefore)}); runs {string.Join(" ", runs.Select(r => r.ToString("F3", Report.Culture)))}");
            if (itemCount > 2_000_000)
            {
                report.Add(section, "  maintained cube against a recompute", "skipped", "", "above 2 M items (reads every cell twice into memory); the tests check it");
                return;
            }
            var check = CubeMaintainer.Recompute(db);
            report.Add(section, "  maintained cube against a recompute", check.Differed ? "DIFFERS" : "equal", "", $"{Report.Count(check.CellsDiffering)} cells differing (recompute with comparison took {Report.Seconds(check.Seconds)})");
            if (check.Differed)
                throw new InvalidOperationException("the maintained cube differs from a recompute");
        });

        step(section, "DuckDB", () =>
        {
            var (duck, loadSeconds) = LoadDuckDb(db);
            using (duck)
            {
                report.Environment("DuckDB", $"{duck.ServerVersion} (DuckDB.NET.Data.Full, in-memory, default threads)");
                report.Add(section, "DuckDB load of the items (appender, from SQLite; not query time)", Report.Seconds(loadSeconds), Report.Rate(itemCount, loadSeconds));
                var select = CubeMaintainer.RecomputeSql[CubeMaintainer.RecomputeSql.IndexOf("SELECT", StringComparison.Ordinal)..];
                var (aggMedian, aggRuns) = Timed(() => Exec(duck, "CREATE OR REPLACE TABLE duck_cube AS " + select));
                var duckCells = Scalar(duck, "SELECT count(*) FROM duck_cube");
                var duckValue = Scalar(duck, "SELECT CAST(sum(value_fen) AS BIGINT) FROM duck_cube");
                var duckDecl = Scalar(duck, "SELECT CAST(sum(declarations) AS BIGINT) FROM duck_cube");
                long sqliteValue, sqliteDecl;
                using (var conn = db.OpenConnection())
                {
                    sqliteValue = Sql.Scalar<long>(conn, null, "SELECT sum(value_fen) FROM stats_cube");
                    sqliteDecl = Sql.Scalar<long>(conn, null, "SELECT sum(declarations) FROM stats_cube");
                }
                var sameCube = recompute is null || (duckCells == recompute.CellsAfter && duckValue == sqliteValue && duckDecl == sqliteDecl);
                report.Add(section, $"DuckDB: the same cube aggregation over the same rows (median of {Runs})", Report.Seconds(aggMedian),
                    recompute is null ? "" : $"SQLite recompute/DuckDB {recomputeSeconds / aggMedian:F1}×",
                    (sameCube ? "same cells, value and declarations as SQLite" : "DIFFERS from SQLite") + $"; runs {string.Join(" ", aggRuns.Select(r => r.ToString("F3", Report.Culture)))}");
                var (figMedian, figRuns) = Timed(() =>
                {
                    foreach (var (_, q) in Bulletin)
                    {
                        var (sql, args) = StatsQueryRunner.ItemScanSql(q);
                        using var cmd = duck.CreateCommand();
                        cmd.CommandText = Inline(sql, args);
                        using var reader = cmd.ExecuteReader();
                        while (reader.Read())
                        {
                        }
                    }
                });
                report.Add(section, $"DuckDB: the {Bulletin.Count} figures from the items (the item-scan SQL; median of {Runs})", Report.Seconds(figMedian),
                    cubeSeconds > 0 ? $"DuckDB/SQLite cube {figMedian / cubeSeconds:F1}×" : "",
                    $"SQLite item scan/DuckDB {(itemSeconds > 0 ? itemSeconds / figMedian : 0):F1}×; runs {string.Join(" ", figRuns.Select(r => r.ToString("F3", Report.Culture)))}");
                var duckQuery = QueryBench.DuckDb(duck, "declaration_item");
                report.Add(section, $"DuckDB: issue #3's query over the items (median of {QueryBench.Runs})", Report.Seconds(duckQuery.MedianSeconds),
                    statsQuery is null ? "" : $"SQLite stats query/DuckDB {statsQuery.MedianSeconds / duckQuery.MedianSeconds:F2}×",
                    (statsQuery is null ? "" : statsQuery.Groups == duckQuery.Groups && statsQuery.TotalFen == duckQuery.TotalFen ? "same groups and total as SQLite; " : "DIFFERS from SQLite; ") +
                    $"runs {duckQuery.RunsText}");
                if (!sameCube)
                    throw new InvalidOperationException("DuckDB's cube differs from SQLite's");
            }
        });
        if (!options.Keep && !existing)
            Scratch.DeleteSqlite(db.Display);
    }

    /// <summary>
    /// The bulletin command's figures (<see cref="Silkgate.Storage.Statistics.Bulletin.Compute(Database, Silkgate.Reference.ReferenceData, Common.YearMonth, Common.YearMonth)"/>:
    /// every figure and the charts' data) for January to the last release month of the latest year: median of
    /// <see cref="Runs"/> after a warm-up, and each query's time in the log.
    /// </summary>
    private static void BulletinTimes(Report report, string section, Database db, Silkgate.Reference.ReferenceData reference)
    {
        int last;
        using (var conn = db.OpenConnection())
            last = (int)Sql.Scalar<long>(conn, null, "SELECT coalesce(max(release_month), 0) FROM stats_rollup");
        if (last == 0)
            return;
        var to = Common.YearMonth.FromKey(last);
        var from = new Common.YearMonth(to.Year, 1);
        var figures = 0;
        // Right after a write to every month of the period: the bulletin reads the roll-up's rows and writes the packs.
        double[] AfterDeleting(int runs, string sql, params object?[] args)
        {
            var times = new double[runs];
            for (var i = 0; i < runs; i++)
            {
                using (var conn = db.OpenConnection())
                    Sql.Exec(conn, null, sql, args);
                var watch = Stopwatch.StartNew();
                Silkgate.Storage.Statistics.Bulletin.Compute(db, reference, from, to);
                times[i] = watch.Elapsed.TotalSeconds;
            }
            return times;
        }
        var cold = AfterDeleting(Runs, "DELETE FROM stats_rollup_pack");
        // Steady state, as a long-running service or a benchmark harness sees it: enough runs first for the JIT's
        // tiered compilation (with its instrumented tier) to replace every method called once per bulletin.
        var runs = new double[BulletinRuns];
        var cpu = new double[BulletinRuns];
        using var process = Process.GetCurrentProcess();
        for (var i = -BulletinWarmups; i < BulletinRuns; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            figures = Silkgate.Storage.Statistics.Bulletin.Compute(db, reference, from, to).AllFigures.Count();
            if (i < 0)
                continue;
            runs[i] = watch.Elapsed.TotalSeconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        }
        var median = runs.Order().ElementAt(BulletinRuns / 2);
        // CPU time is what the bulletin itself costs; on a machine shared with other work the wall time also counts
        // the time the thread waited for a core.
        var cpuMedian = cpu.Order().ElementAt(BulletinRuns / 2);
        report.Add(section, $"the bulletin {from}..{to}: {figures} figures and five charts' data (Bulletin.Compute; median of {BulletinRuns} after {BulletinWarmups} warm-up runs)",
            Report.Seconds(median), "", $"target < 50 ms; CPU time median {cpuMedian.ToString("F3", Report.Culture)} s; fastest {runs.Min().ToString("F3", Report.Culture)} s; runs {string.Join(" ", runs.Select(r => r.ToString("F3", Report.Culture)))}");
        report.Add(section, "  the same bulletin after a write to each of its months (reads the roll-up's rows, writes their packs)", Report.Seconds(cold.Order().ElementAt(Runs / 2)), "",
            $"median of {Runs}; runs {string.Join(" ", cold.Select(r => r.ToString("F3", Report.Culture)))}");
        // The usual case: releases go into the current month, so one month's pack is missing.
        var oneMonth = AfterDeleting(BulletinRuns, "DELETE FROM stats_rollup_pack WHERE release_month = @p0", to.Key);
        report.Add(section, $"  the same bulletin after a write to its last month ({to}) only", Report.Seconds(oneMonth.Order().ElementAt(BulletinRuns / 2)), "",
            $"median of {BulletinRuns}; runs {string.Join(" ", oneMonth.Select(r => r.ToString("F3", Report.Culture)))}");
        var runner = new StatsQueryRunner(db);
        var sw = Stopwatch.StartNew();
        runner.Preload(from.AddMonths(-12), to);
        report.Log(string.Create(Report.Culture, $"  bulletin: preload of the roll-up's cells {from.AddMonths(-12)}..{to} {sw.Elapsed.TotalMilliseconds:F1} ms"));
        sw.Restart();
        var preferences = Silkgate.Storage.Statistics.Bulletin.PreferenceTotals(db, from, to);
        report.Log(string.Create(Report.Culture, $"  bulletin: preference totals from the items {sw.Elapsed.TotalMilliseconds:F1} ms"));
        BulletinFigures.Compute(q =>
        {
            var watch = Stopwatch.StartNew();
            var rows = runner.Run(q, reference);
            report.Log(string.Create(Report.Culture, $"  bulletin: {q.Measure} by [{string.Join(",", q.Dimensions)}] {q.Scope} {q.Flow} {q.From}..{q.To}: {watch.Elapsed.TotalMilliseconds:F1} ms ({runner.LastSource})"));
            return rows;
        }, reference, from, to, preferences, runner.FirstMonthWithTrade);
    }

    private static bool Same(IReadOnlyList<StatsRow> a, IReadOnlyList<StatsRow> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Value == p.Second.Value && p.First.Keys.SequenceEqual(p.Second.Keys));

    /// <summary>Parameters written into the SQL text (DuckDB.NET names parameters differently); values are codes and month keys.</summary>
    private static string Inline(string sql, object?[] args) =>
        Regex.Replace(sql, @"@p(\d+)", m => args[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] switch
        {
            string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var other => throw new InvalidOperationException($"cannot inline {other}"),
        });

    private static (double Median, double[] Runs) Timed(Action run)
    {
        run(); // warm-up
        var times = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            GC.Collect();
            var sw = Stopwatch.StartNew();
            run();
            times[i] = sw.Elapsed.TotalSeconds;
        }
        return (times.Order().ElementAt(Runs / 2), times);
    }

    private static void Exec(DuckDBConnection duck, string sql)
    {
        using var cmd = duck.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(DuckDBConnection duck, string sql)
    {
        using var cmd = duck.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The columns statistics read, of every item and of the group memberships, from SQLite into an in-memory DuckDB.</summary>
    private static (DuckDBConnection Duck, double Seconds) LoadDuckDb(Database sqlite)
    {
        var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        Exec(duck, "CREATE TABLE declaration_item (enterprise_id VARCHAR, declaration_id VARCHAR, item_no INTEGER, hs_code VARCHAR, partner_country VARCHAR, " +
                   "flow VARCHAR, release_date DATE, release_month INTEGER, port VARCHAR, trade_mode VARCHAR, in_zone BOOLEAN, ecommerce BOOLEAN, " +
                   "statistical_value_fen BIGINT, net_mass_g BIGINT)");
        Exec(duck, "CREATE TABLE partner_group (group_code VARCHAR, country VARCHAR, valid_from DATE, valid_to DATE)");
        var sw = Stopwatch.StartNew();
        using (var conn = (SqliteConnection)sqlite.OpenConnection())
        {
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT enterprise_id, declaration_id, item_no, hs_code, partner_country, flow, release_date, release_month, port, trade_mode, in_zone, ecommerce, " +
                                  "statistical_value_fen, net_mass_g FROM declaration_item";
                using var reader = cmd.ExecuteReader();
                using var appender = duck.CreateAppender("declaration_item");
                while (reader.Read())
                {
                    var row = appender.CreateRow();
                    row.AppendValue(reader.GetString(0)).AppendValue(reader.GetString(1)).AppendValue(reader.GetInt32(2)).AppendValue(reader.GetString(3))
                        .AppendValue(reader.GetString(4)).AppendValue(reader.GetString(5));
                    if (reader.IsDBNull(6))
                        row.AppendNullValue().AppendNullValue();
                    else
                        row.AppendValue((DateOnly?)DateOnly.Parse(reader.GetString(6), CultureInfo.InvariantCulture)).AppendValue(reader.GetInt32(7));
                    row.AppendValue(reader.GetString(8)).AppendValue(reader.GetString(9)).AppendValue(reader.GetBoolean(10)).AppendValue(reader.GetBoolean(11))
                        .AppendValue(reader.GetInt64(12)).AppendValue(reader.GetInt64(13)).EndRow();
                }
            }
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT group_code, country, valid_from, valid_to FROM partner_group";
                using var reader = cmd.ExecuteReader();
                using var appender = duck.CreateAppender("partner_group");
                while (reader.Read())
                {
                    var row = appender.CreateRow().AppendValue(reader.GetString(0)).AppendValue(reader.GetString(1))
                        .AppendValue((DateOnly?)DateOnly.Parse(reader.GetString(2), CultureInfo.InvariantCulture));
                    if (reader.IsDBNull(3))
                        row.AppendNullValue();
                    else
                        row.AppendValue((DateOnly?)DateOnly.Parse(reader.GetString(3), CultureInfo.InvariantCulture));
                    row.EndRow();
                }
            }
        }
        sw.Stop();
        return (duck, sw.Elapsed.TotalSeconds);
    }
}
