using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Silkgate.Bench;
using Silkgate.Storage;
using Silkgate.Storage.Import;
using Silkgate.Storage.Reference;

// Silkgate.Bench: import and query throughput of the product against baselines measured in the same run
// (docs/performance.md). Sections: 1 KCS train file import, 2 generated file import, 3 raw ceilings, the
// importer/ceiling ratios and (below 50 %) a stage profile, 4 statistics query with DuckDB for comparison,
// 5 importer stages (when below target), 6 the statistics cube (alone with --only cube).

var options = BenchOptions.Parse(args);
if (options is null)
    return args.Contains("--help") || args.Contains("-h") ? 0 : 2;

var report = new Report();
var failures = 0;
report.DescribeMachine(options);
Directory.CreateDirectory(options.Work);
report.Environment("work folder", $"{options.Work} ({Scratch.MegaBytes(new DriveInfo(options.Work).AvailableFreeSpace) / 1024:F1} GiB free at start)");
using (var probe = new SqliteConnection("Data Source=:memory:"))
{
    probe.Open();
    using var cmd = probe.CreateCommand();
    cmd.CommandText = "SELECT sqlite_version()";
    report.Environment("SQLite", $"{cmd.ExecuteScalar()} (Microsoft.Data.Sqlite; WAL, synchronous=NORMAL as Database.OpenConnection)");
}

var root = Scratch.RepositoryRoot();
report.Environment("source", Scratch.GitState(root));
using var scratch = new Scratch(options, report);
if (options.Postgres)
{
    report.Environment("PostgreSQL", scratch.PostgresVersion() ?? "?");
}
else
{
    report.Environment("PostgreSQL", "skipped (no --pg given)");
    report.Log("PostgreSQL skipped: no --pg connection string given");
}
report.Log($"N = {Report.Count(options.Items)} items, work folder {options.Work}");

// Runs one measurement; a failure is reported and the run goes on with the next one.
bool Step(string section, string what, Action action)
{
    try
    {
        action();
        return true;
    }
    catch (Exception e)
    {
        failures++;
        report.Add(section, what, "FAILED", "", e.GetType().Name + ": " + e.Message);
        Console.Error.WriteLine(e);
        return false;
    }
}

var generator = KashgarGenerator.Create(options.Seed);

// The issue's import target, against a raw ceiling of the same run.
static string TargetVerdict(double importerOverCeiling) => importerOverCeiling >= 0.5 ? "target ≥ 50 % met" : "target ≥ 50 % NOT met";

// 1. The KCS train file (a copy in the work folder: the importer writes its rejects file beside the input).
if (options.RunsImports)
{
    const string section = "1 KCS train file";
    var kcs = scratch.File("df_syn_train_eng.csv");
    File.Copy(Path.Combine(root, "data", "customs-declarations", "df_syn_train_eng.csv"), kcs, overwrite: true);
    var kcsMapping = ColumnMapping.Load("kcs-synthetic");

    // Each import, then two raw ceilings in fresh databases, three times. The issue's: section 3's ceiling for as
    // many rows (generated item rows of the same width). The file's own: the same ceiling over the item rows this
    // import stored, read back in the order it wrote them — the file's values and key order (its declaration ids
    // and dates are in no order, so every index takes its rows at random places). The first pass pays the one-time costs (JIT of each side's code, the first batch), and the importer
    // pays more of them (it runs far more code than a COPY loop); the second is a warm-up (tiered JIT recompiles
    // the hot methods during it); the third is warm. Each timed run starts once the JIT has gone idle
    // (ImportBench.Quiesce): what it recompiles then is the run's own code.
    void KcsImport(string label, Func<string, Database> fresh, Action<Database> drop, Func<Database, IEnumerable<List<ItemRow>>, long, Cpu> ceiling, string what) =>
        Step(section, $"importer, {label}", () =>
        {
            for (var pass = 1; pass <= 3; pass++)
            {
                var (run, note) = pass switch
                {
                    1 => ("", "first run: both include their one-time costs (JIT, the first batch)"),
                    2 => (" (warm-up)", "second run: tiered JIT still recompiles hot methods"),
                    _ => (" (warm)", "third run: warm"),
                };
                var db = fresh("kcs");
                var import = ImportBench.Run(report, section, label + run, db, kcs, kcsMapping);
                if (pass == 1)
                    report.Add(section, $"  fixed cost per Import call, {label}", Report.Seconds(ImportBench.FixedCost(db)), "", "EnsureLoaded + Load on a loaded database (median of 3), inside the figure above");
                var batch = DeclarationImporter.DefaultBatchItems(db.Provider);
                var own = ItemRow.StoredIn(db, batch);
                var raw = fresh("kcs_ceiling");
                var rawRun = ceiling(raw, ItemRow.Generated(generator, new ReferenceStore(db).Load(), import.Rows, batch), import.Rows);
                drop(raw);
                var ratio = import.ItemsPerSecond / (import.Rows / rawRun.WallSeconds);
                report.Add(section, $"  ceiling, {label}{run}: {what}, {Report.Count(batch)}-row transactions", Report.Rate(import.Rows, rawRun.WallSeconds), "", $"{Report.Seconds(rawRun.WallSeconds)}, {rawRun.Text()}; as section 3, {Report.Count(import.Rows)} generated rows");
                report.Add(section, $"  {label}{run}: importer / ceiling", Report.Percent(ratio), TargetVerdict(ratio),
                    $"{note}; the train file's declarations have one item each, so the importer writes a header row per item beside it");
                var ownRaw = fresh("kcs_ceiling");
                var ownRun = ceiling(ownRaw, own, import.StoredItems);
                drop(ownRaw);
                var ownRatio = import.ItemsPerSecond / (import.StoredItems / ownRun.WallSeconds);
                report.Add(section, $"  file's own rows ceiling, {label}{run}: {what}, {Report.Count(batch)}-row transactions", Report.Rate(import.StoredItems, ownRun.WallSeconds), "", $"{Report.Seconds(ownRun.WallSeconds)}, {ownRun.Text()}; the {Report.Count(import.StoredItems)} item rows the import stored, in its order");
                report.Add(section, $"  {label}{run}: importer / file's own rows ceiling", Report.Percent(ownRatio), TargetVerdict(ownRatio), note);
                if (!db.IsSqlite)
                {
                    // The server's floor: this import's stored rows handed back as raw COPY bytes (PostgresFloor).
                    var dumps = PostgresFloor.Dump(db);
                    var floorDb = fresh("kcs_floor");
                    var floor = PostgresFloor.Replay(floorDb, dumps, import.StoredItems);
                    drop(floorDb);
                    report.Add(section, $"  server floor, {label}{run}: the import's stored rows as raw binary COPY, indexes and keys built after, one transaction", Report.Rate(import.Rows, floor.WallSeconds), "",
                        $"{Report.Seconds(floor.WallSeconds)}, {floor.Text()}; {Scratch.MegaBytes(dumps.Values.Sum(d => (long)d.Length)):F0} MB of headers, items and statistics cells: no parsing, validating, summing or serializing");
                    var best = rawRun.WallSeconds / floor.WallSeconds;
                    report.Add(section, $"  {label}{run}: best possible importer / ceiling", Report.Percent(best), best >= 0.5 ? "50 % within reach" : "50 % out of reach",
                        "the ceiling's time over the floor's: an importer that stored these rows at the floor's speed, with no time for the file");
                }
                drop(db);
            }
        });

    if (options.Sqlite)
    {
        KcsImport("SQLite", name => scratch.FreshSqlite(name + ".db"), db => Scratch.DeleteSqlite(db.Display),
            (db, batches, rows) => Ceilings.Sqlite(db, batches, rows), "one prepared INSERT");
    }
    if (options.Postgres)
    {
        KcsImport("PostgreSQL", scratch.FreshPostgres, scratch.DropPostgres,
            (db, batches, rows) => Ceilings.Postgres(db, batches, rows), "binary COPY (typed)");
    }
}

// 2. The generated Kashgar-like file of N items.
const string gen = "2 generated file";
if (options.Only == BenchPart.Cube)
{
    // 6 alone: the statistics cube on N items written straight through the writer (no CSV, no import sections).
    CubeBench.Run(report, scratch, generator, options, Step);
    report.PrintSummary();
    if (failures > 0)
        Console.WriteLine($"{failures} measurement(s) FAILED; see above.");
    return failures > 0 ? 1 : 0;
}
var csv = scratch.File($"kashgar-{options.Items}.csv");
var mappingPath = scratch.File("kashgar-bench.json");
File.WriteAllText(mappingPath, KashgarGenerator.MappingJson);
var mapping = ColumnMapping.Load(mappingPath);
var genWatch = Stopwatch.StartNew();
var csvBytes = generator.WriteCsv(csv, options.Items);
genWatch.Stop();
report.Add(gen, "generator (writes the CSV; not a product figure)", Report.Rate(options.Items, genWatch.Elapsed.TotalSeconds), "",
    $"{Scratch.MegaBytes(csvBytes):F0} MB, {generator.PartnerCount} partners, {generator.HsCount} HS subheadings, seed {options.Seed}");

Database? genSqlite = null, genPg = null;
ImportRun? importSqlite = null, importPg = null;
if (options.Sqlite)
{
    Step(gen, "importer, SQLite", () =>
    {
        genSqlite = scratch.FreshSqlite("generated.db");
        importSqlite = ImportBench.Run(report, gen, "SQLite", genSqlite, csv, mapping);
        report.Add(gen, "SQLite database size", $"{Scratch.MegaBytes(Scratch.SqliteSize(genSqlite.Display)):F0} MB");
    });
}
if (options.Postgres)
{
    Step(gen, "importer, PostgreSQL", () =>
    {
        genPg = scratch.FreshPostgres("generated");
        importPg = ImportBench.Run(report, gen, "PostgreSQL", genPg, csv, mapping);
        using var conn = genPg.OpenConnection();
        report.Add(gen, "PostgreSQL database size", $"{Scratch.MegaBytes(Sql.Scalar<long>(conn, null, "SELECT pg_database_size(current_database())")):F0} MB");
    });
}
foreach (var run in new[] { importSqlite, importPg })
{
    if (run is not null && (run.Result.Rejects.Count > 0 || run.StoredItems != options.Items))
    {
        failures++;
        report.Add(gen, $"check, {run.Label}", "FAILED", "", $"expected {options.Items} items stored and no rejects; got {run.StoredItems} stored, first reject: {(run.Result.Rejects.Count > 0 ? run.Result.Rejects[0] : null)}");
    }
}

// 3. Raw ceilings and the importer/ceiling ratios.
// The ceilings write the generated rows with the reference data of an imported store (SQLite's, or PostgreSQL's with --pg-only).
var genAny = genSqlite ?? genPg;
// The importer's batch on each database: the ceilings and the profile's write stages write in batches as large.
var sqliteBatch = DeclarationImporter.DefaultBatchItems(DbProvider.Sqlite);
var pgBatch = DeclarationImporter.DefaultBatchItems(DbProvider.Postgres);
var reference = genAny is null ? null : new ReferenceStore(genAny).Load();
var below = false;
if (options.RunsImports && reference is not null)
{
    const string section = "3 raw ceiling";
    const string note = "the importer also parses and validates the CSV (once where the import is one transaction, PostgreSQL and a first load on SQLite; twice otherwise: a first pass finds split declarations) and writes one declaration header row per declaration and the statistics cube";
    var declarations = (importSqlite ?? importPg)?.Result.Imported ?? 0;

    void Ratio(string db, ImportRun? import, Cpu ceilingRun, string ceiling = "ceiling")
    {
        if (import is null)
            return;
        var ratio = import.ItemsPerSecond / (options.Items / ceilingRun.WallSeconds);
        below |= ratio < 0.5;
        report.Add(section, $"{db}: importer / {ceiling}", Report.Percent(ratio), TargetVerdict(ratio),
            $"{note} ({Report.Count(declarations)} headers for {Report.Count(options.Items)} items)");
        // The same ratio in CPU seconds (less sensitive to other work on the machine; the importer's parsing counts in full).
        var cpuRatio = ceilingRun.TotalSeconds / import.Cpu.TotalSeconds;
        report.Add(section, $"{db}: importer / {ceiling}, in CPU time", Report.Percent(cpuRatio), "",
            $"ceiling {ceilingRun.Text()}, importer {import.Cpu.Text()}");
    }

    // transactions: how the rows are committed, when not in 20,000-row transactions.
    void SqliteCeiling(string step, string file, Func<Database, Cpu> write, string what, string detail, string ceiling, string? transactions = null)
    {
        Step(section, step, () =>
        {
            var db = scratch.FreshSqlite(file);
            var run = write(db);
            report.Add(section, $"SQLite: {what}, {transactions ?? $"{Report.Count(sqliteBatch)}-row transactions"}", Report.Rate(options.Items, run.WallSeconds), "",
                $"{Report.Seconds(run.WallSeconds)}, {run.Text()}; {detail}");
            Scratch.DeleteSqlite(db.Display);
            Ratio("SQLite", importSqlite, run, ceiling);
        });
    }

    if (options.Sqlite)
    {
        SqliteCeiling("SQLite ceiling", "ceiling.db", db => Ceilings.Sqlite(db, ItemRow.Generated(generator, reference, options.Items, sqliteBatch), options.Items),
            "one prepared INSERT", "copy of declaration_item (same PK and index)", "ceiling");
        // The importer binds by position on SQLite's C API and writes under bulk settings: the same for the ceiling.
        SqliteCeiling("SQLite ceiling, C API", "ceiling-capi.db", db => Ceilings.SqliteCApi(db, ItemRow.Generated(generator, reference, options.Items, sqliteBatch), options.Items),
            "C API bound by position + the importer's bulk pragmas",
            "the importer's own SqliteInsert and BulkPragmas, final WAL checkpoint included (the strong ceiling)", "C-API ceiling");
        // A first load is one transaction that builds the declaration tables' indexes after their rows: the same for this ceiling.
        SqliteCeiling("SQLite ceiling, C API, keys after rows", "ceiling-keys-after.db", db => Ceilings.SqliteCApi(db, ItemRow.Generated(generator, reference, options.Items, sqliteBatch), options.Items, keysAfterRows: true),
            "C API + bulk pragmas into the table without its index, index built after",
            "as above, written the way the importer writes a first load (the strongest ceiling)", "keys-after ceiling", "one transaction");
    }
    if (options.Postgres)
    {
        Step(section, "PostgreSQL ceiling", () =>
        {
            var db = scratch.FreshPostgres("ceiling");
            var run = Ceilings.Postgres(db, ItemRow.Generated(generator, reference, options.Items, pgBatch), options.Items);
            report.Add(section, $"PostgreSQL: binary COPY (typed), {Report.Count(pgBatch)}-row transactions", Report.Rate(options.Items, run.WallSeconds), "",
                $"{Report.Seconds(run.WallSeconds)}, {run.Text()}; LIKE declaration_item INCLUDING ALL (same PK and index, no FK)");
            scratch.DropPostgres(db);
            Ratio("PostgreSQL", importPg, run);
        });
        // A first load builds the declaration tables' indexes after their rows: the same for this ceiling.
        Step(section, "PostgreSQL ceiling, keys after rows", () =>
        {
            var db = scratch.FreshPostgres("ceiling");
            var run = Ceilings.Postgres(db, ItemRow.Generated(generator, reference, options.Items, pgBatch), options.Items, keysAfterRows: true);
            report.Add(section, "PostgreSQL: binary COPY (typed) into the bare table, indexes built after, one transaction", Report.Rate(options.Items, run.WallSeconds), "",
                $"{Report.Seconds(run.WallSeconds)}, {run.Text()}; as above, written the way the importer writes a first load (the strong ceiling)");
            scratch.DropPostgres(db);
            Ratio("PostgreSQL", importPg, run, "keys-after ceiling");
        });
    }
}

// 4. The statistics query: trade value by partner and month over the whole period.
if (options.RunsQueries && genSqlite is not null)
{
    const string section = "4 stats query";
    QueryRun? sqliteRun = null;
    Step(section, "SQLite", () =>
    {
        sqliteRun = QueryBench.Stats(genSqlite, "SQLite");
        report.Add(section, "StatsQueryRunner, SQLite (median of 5)", Report.Seconds(sqliteRun.MedianSeconds),
            sqliteRun.MedianSeconds <= 2 ? "target ≤ 2 s met" : "target ≤ 2 s NOT met",
            $"{sqliteRun.Groups} groups; runs {sqliteRun.RunsText}");
        report.Add(section, "  SQLite query plan", "", "", QueryBench.ExplainSqlite(genSqlite, QueryBench.RunnerSql));
    });
    if (sqliteRun is not null && (sqliteRun.MedianSeconds > 2 || options.Profile == true))
    {
        // Why: the runner's SQL alone, forced to a full scan, and with a covering index (built, timed, dropped).
        Step(section, "SQLite variants", () =>
        {
            var raw = QueryBench.SqliteSql(genSqlite, "raw", QueryBench.RunnerSql, 3);
            report.Add(section, "  same SQL on ADO.NET directly (median of 3)", Report.Seconds(raw.MedianSeconds), "", $"runs {raw.RunsText}");
            var scanSql = QueryBench.RunnerSql.Replace("declaration_item i", "declaration_item i NOT INDEXED", StringComparison.Ordinal);
            var scan = QueryBench.SqliteSql(genSqlite, "scan", scanSql, 3);
            report.Add(section, "  same SQL, NOT INDEXED (median of 3)", Report.Seconds(scan.MedianSeconds), "",
                $"plan: {QueryBench.ExplainSqlite(genSqlite, scanSql)}; runs {scan.RunsText}");
            var (build, plan, covered) = QueryBench.WithCoveringIndex(genSqlite, () => QueryBench.Stats(genSqlite, "covering"));
            report.Add(section, "  StatsQueryRunner with a covering index (median of 5)", Report.Seconds(covered.MedianSeconds),
                covered.MedianSeconds <= 2 ? "≤ 2 s" : "> 2 s",
                $"index {QueryBench.CoveringIndex} built in {Report.Seconds(build)}, then dropped; plan: {plan}; {covered.Groups} groups; runs {covered.RunsText}");
        });
    }
    QueryRun? pgRun = null;
    if (genPg is not null)
    {
        Step(section, "PostgreSQL", () =>
        {
            pgRun = QueryBench.Stats(genPg, "PostgreSQL");
            var same = sqliteRun is null ? "" : pgRun.Groups == sqliteRun.Groups && pgRun.TotalFen == sqliteRun.TotalFen ? "; same groups and total as SQLite" : "; DIFFERS from SQLite";
            if (same.Contains("DIFFERS", StringComparison.Ordinal))
                failures++;
            report.Add(section, "StatsQueryRunner, PostgreSQL (median of 5)", Report.Seconds(pgRun.MedianSeconds),
                sqliteRun is null ? "" : $"SQLite/PostgreSQL {sqliteRun.MedianSeconds / pgRun.MedianSeconds:F2}×",
                $"{pgRun.Groups} groups{same}; runs {pgRun.RunsText}");
        });
    }
    Step(section, "DuckDB", () =>
    {
        var (duck, loadSeconds, rows) = QueryBench.LoadDuckDb(genSqlite);
        using (duck)
        {
            report.Environment("DuckDB", $"{duck.ServerVersion} (DuckDB.NET.Data.Full, in-memory, default threads)");
            report.Add(section, "DuckDB load (appender, from SQLite; not query time)", Report.Seconds(loadSeconds), Report.Rate(rows, loadSeconds), $"{Report.Count(rows)} rows");
            var duckRun = QueryBench.DuckDb(duck);
            var check = sqliteRun is null
                ? ""
                : duckRun.Groups == sqliteRun.Groups && duckRun.TotalFen == sqliteRun.TotalFen
                    ? "; same groups and total as SQLite"
                    : $"; DIFFERS from SQLite ({sqliteRun.Groups} groups, total {sqliteRun.TotalFen} fen)";
            if (check.Contains("DIFFERS", StringComparison.Ordinal))
                failures++;
            report.Add(section, "DuckDB GROUP BY partner, month (median of 5)", Report.Seconds(duckRun.MedianSeconds),
                sqliteRun is null ? "" : $"SQLite/DuckDB {sqliteRun.MedianSeconds / duckRun.MedianSeconds:F1}×",
                $"{duckRun.Groups} groups, total {Report.Count(duckRun.TotalFen)} fen{check}; runs {duckRun.RunsText}");
        }
    });
}

// 5. Where the importer's time goes: run when an importer/ceiling ratio is below 50 % (or with --profile).
if (options.RunsImports && genSqlite is not null && reference is not null && (options.Profile ?? below))
{
    const string prof = "5 importer stages";
    var p = options.ProfileItems;
    var pLabel = p == options.Items ? "" : $" (first {Report.Count(p)} items)";
    report.Log(below ? "an importer/ceiling ratio is below 50 %: timing the importer's stages" : "--profile: timing the importer's stages");

    double Stage(string what, long items, Func<double> measure, string detail)
    {
        var seconds = 0.0;
        Step(prof, what, () =>
        {
            seconds = measure();
            report.Add(prof, what, Report.Seconds(seconds), Report.Rate(items, seconds), detail);
        });
        return seconds;
    }

    // Parsing and validation, on the whole file.
    var n = options.Items;
    Stage("read lines only (StreamReader)", n, () => ImportProfile.ReadLines(csv), "I/O and UTF-8 decoding floor");
    var csvPass = Stage("CSV pass (CsvFiles.Read, id only)", n, () => ImportProfile.CsvPass(csv, mapping, allFields: false), "the importer does this twice (split-declaration pass + main pass)");
    var fieldsPass = Stage("CSV pass + every field resolver once", n, () => ImportProfile.CsvPass(csv, mapping, allFields: true), "25 mapping closures per row (dictionary look-up + Trim)");
    var validate = Stage("validate only (strict import, 1 bad row appended)", n, () => ImportProfile.ValidateOnly(genSqlite, csv, mapping), "both passes + rules + Declaration objects; writes nothing");
    if (validate > 0 && csvPass > 0 && fieldsPass > 0)
    {
        report.Add(prof, "  of which rules + building declarations (derived)", Report.Seconds(validate - csvPass - fieldsPass), "",
            "validate − CSV pass − (CSV pass + fields)");
    }
    if (importSqlite is not null && validate > 0)
    {
        report.Add(prof, "validation share of the SQLite import", Report.Percent(validate / importSqlite.Seconds), "",
            $"validate {Report.Seconds(validate)} of {Report.Seconds(importSqlite.Seconds)}; the rest is the writer");
    }
    if (importPg is not null && validate > 0)
    {
        report.Add(prof, "validation share of the PostgreSQL import", Report.Percent(validate / importPg.Seconds), "",
            $"validate {Report.Seconds(validate)} of {Report.Seconds(importPg.Seconds)}; the rest is the writer");
    }

    // Writing, on the first P items (each stage is a full write into a fresh database).
    const string bigCache = "PRAGMA cache_size=-262144";
    void SqliteWrite(string what, Func<Database, double> measure, string detail) =>
        Stage(what + pLabel, p, () =>
        {
            var db = scratch.FreshSqlite("profile.db");
            var s = measure(db);
            Scratch.DeleteSqlite(db.Display);
            return s;
        }, detail);
    if (p != n)
        SqliteWrite("SQLite ceiling", db => Ceilings.Sqlite(db, ItemRow.Generated(generator, reference, p, sqliteBatch), p).WallSeconds, "as section 3, on fewer items");
    SqliteWrite("SQLite writer only (ImportWriter)", db => ImportProfile.WriterOnly(db, generator, reference, p, sqliteBatch),
        "declarations built in memory; duplicate check, headers + items, cube upserts, a transaction per batch");
    Step(prof, "SQLite writer, statement by statement", () =>
    {
        var db = scratch.FreshSqlite("profile.db");
        var split = WriterPieces.Run(db, generator, reference, p, sqliteBatch);
        Scratch.DeleteSqlite(db.Display);
        report.Add(prof, "SQLite writer, statement by statement" + pLabel, Report.Seconds(split.Total), Report.Rate(p, split.Total),
            $"duplicate check {Report.Seconds(split.Check)}, header rows {Report.Seconds(split.Headers)}, item rows {Report.Seconds(split.Items)}, cube {Report.Seconds(split.Cube)}, commit {Report.Seconds(split.Commit)} (the writer's own pieces)");
    });
    SqliteWrite("SQLite ceiling, cache_size 256 MiB", db => Ceilings.Sqlite(db, ItemRow.Generated(generator, reference, p, sqliteBatch), p, bigCache).WallSeconds, bigCache + " on the connection");
    SqliteWrite("SQLite writer only, cache_size 256 MiB", db => ImportProfile.WriterOnly(db, generator, reference, p, sqliteBatch, bigCache), bigCache + " on the connection");
    if (options.Postgres)
    {
        void PgWrite(string what, Func<Database, double> measure, string detail) =>
            Stage(what + pLabel, p, () =>
            {
                var db = scratch.FreshPostgres("profile");
                var s = measure(db);
                scratch.DropPostgres(db);
                return s;
            }, detail);
        if (p != n)
            PgWrite("PostgreSQL ceiling", db => Ceilings.Postgres(db, ItemRow.Generated(generator, reference, p, pgBatch), p).WallSeconds, "as section 3, on fewer items");
        PgWrite("PostgreSQL writer only (ImportWriter)", db => ImportProfile.WriterOnly(db, generator, reference, p, pgBatch),
            "declarations built in memory; duplicate check, headers + items (typed binary COPY), the per-statement item→declaration check, cube summed over the batches and upserted once, one transaction");
        Step(prof, "PostgreSQL writer, statement by statement", () =>
        {
            var db = scratch.FreshPostgres("profile");
            var split = WriterPieces.Run(db, generator, reference, p, pgBatch);
            scratch.DropPostgres(db);
            report.Add(prof, "PostgreSQL writer, statement by statement" + pLabel, Report.Seconds(split.Total), Report.Rate(p, split.Total),
                $"duplicate check {Report.Seconds(split.Check)}, header COPY {Report.Seconds(split.Headers)}, item COPY {Report.Seconds(split.Items)}, cube {Report.Seconds(split.Cube)}, commit {Report.Seconds(split.Commit)} (the writer's own pieces)");
        });
        PgWrite("PostgreSQL writer only, without the item→declaration check", db =>
        {
            new ReferenceStore(db).EnsureLoaded();
            using (var conn = db.OpenConnection())
                Sql.Exec(conn, null, "ALTER TABLE declaration_item DISABLE TRIGGER item_declaration_exists_insert");
            return ImportProfile.WriterOnly(db, generator, reference, p, pgBatch);
        }, "the same, after ALTER TABLE declaration_item DISABLE TRIGGER item_declaration_exists_insert (migration 11's per-statement check)");
    }
}

// 6. The statistics cube: bulletin figures from the cube and the items, recompute, DuckDB over the same rows.
if (options.RunsCube)
    CubeBench.Run(report, scratch, generator, options, Step);

report.PrintSummary();
if (failures > 0)
    Console.WriteLine($"{failures} measurement(s) FAILED; see above.");
return failures > 0 ? 1 : 0;
