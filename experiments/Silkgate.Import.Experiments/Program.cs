using System.Diagnostics;
using Silkgate.Storage;
using Silkgate.Storage.Import;
using Silkgate.Storage.Reference;

// One PostgreSQL import with a chosen bound on the cube's summed cells (DeclarationImporter.CubeFlushCells), timed
// with the client's and the local cluster's CPU (docs/performance.md, "PostgreSQL import at 10 M, 2026-12-03").
// Not part of the solution. The database "flushexp" is dropped and created on each run.
//   dotnet run -c Release --project experiments/Silkgate.Import.Experiments -- FILE.csv MAPPING ADMIN_CONN CELLS [SQL]
// BATCH_ITEMS (environment, optional): the importer's batch size (default: the importer's own for the database).
// SQL (optional) runs on the fresh, migrated database before the import: to measure what a trigger or an index costs
// by switching it off (the database is thrown away afterwards).
// KEYS_AFTER_BYTES (environment, optional): DeclarationImporter.KeysAfterRowsFromBytes (a first load's indexes built after its rows).
// REPEAT (environment, optional): imports in one process, each into a fresh database (later runs are JIT-warm).
// ADMIN_CONN "sqlite": each run imports into a new SQLite file in a temp folder instead.
var admin = args[2];
var name = "flushexp";
Database Fresh()
{
    if (admin == "sqlite")
    {
        var file = Database.Resolve(Path.Combine(Directory.CreateTempSubdirectory("flushexp").FullName, "import.db"));
        new ReferenceStore(file).EnsureLoaded();
        return file;
    }
    Npgsql.NpgsqlConnection.ClearAllPools();
    using (var a = new Npgsql.NpgsqlConnection(admin))
    {
        a.Open();
        using var c = a.CreateCommand();
        c.CommandText = $"DROP DATABASE IF EXISTS {name}"; c.ExecuteNonQuery();
        c.CommandText = $"CREATE DATABASE {name}"; c.ExecuteNonQuery();
    }
    var fresh = Database.Resolve(admin.Replace("Database=postgres", "Database=" + name));
    new ReferenceStore(fresh).EnsureLoaded();
    if (args.Length > 4)
    {
        using var conn = fresh.OpenConnection();
        using var c = conn.CreateCommand();
        c.CommandText = args[4];
        c.ExecuteNonQuery();
    }
    // The import's connection is a new session: database-level settings made by SQL apply to it.
    Npgsql.NpgsqlConnection.ClearAllPools();
    return fresh;
}
static double PgCpu()
{
    double t = 0;
    foreach (var d in Directory.GetDirectories("/proc"))
    {
        try
        {
            if (!File.ReadAllText(d + "/comm").StartsWith("postgres", StringComparison.Ordinal)) continue;
            var s = File.ReadAllText(d + "/stat"); var f = s[(s.LastIndexOf(')') + 2)..].Split(' ');
            t += long.Parse(f[11]) + long.Parse(f[12]) + long.Parse(f[13]) + long.Parse(f[14]);
        }
        catch (IOException) { }
    }
    return t / 100.0;
}
var mapping = ColumnMapping.Load(args[1]);
// ALLOC=1 (environment, optional): the runtime's allocation samples (one per ~100 KB) summed by type, printed at the end.
using var allocations = Environment.GetEnvironmentVariable("ALLOC") == "1" ? new AllocationSampler() : null;
var repeat = int.TryParse(Environment.GetEnvironmentVariable("REPEAT"), out var n) ? n : 1;
for (var run = 1; run <= repeat; run++)
{
    var db = Fresh();
    // SETTLE_MS (environment, optional): a pause before each timed run, for the JIT to finish recompiling the setup's code.
    Thread.Sleep(int.TryParse(Environment.GetEnvironmentVariable("SETTLE_MS"), out var settle) ? settle : 0);
    var p0 = PgCpu(); var c0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    var (g0, g1, g2, pause, alloc) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());
    var (jitTime, jitMethods) = (System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount());
    // The monotonic clock at the run's start and end: `perf record -k CLOCK_MONOTONIC` then `perf report --time START,END`.
    var started = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    var sw = Stopwatch.StartNew();
    var r = new DeclarationImporter(db, TimeProvider.System) { CubeFlushCells = int.Parse(args[3]), BatchItems = int.TryParse(Environment.GetEnvironmentVariable("BATCH_ITEMS"), out var b) ? b : DeclarationImporter.DefaultBatchItems(db.Provider), KeysAfterRowsFromBytes = long.TryParse(Environment.GetEnvironmentVariable("KEYS_AFTER_BYTES"), out var k) ? k : DeclarationImporter.DefaultKeysAfterRowsFromBytes }.Import(args[0], mapping, strict: false);
    sw.Stop();
    Console.WriteLine($"monotonic {started:F6},{Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency:F6}");
    Console.WriteLine($"flush {args[3]}: {sw.Elapsed.TotalSeconds:F3} s wall, client {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - c0:F3} s, server {PgCpu() - p0:F3} s; {r.Imported} declarations; GC {GC.CollectionCount(0) - g0}/{GC.CollectionCount(1) - g1}/{GC.CollectionCount(2) - g2} (gen 0/1/2), paused {(GC.GetTotalPauseDuration() - pause).TotalSeconds:F3} s, allocated {(GC.GetTotalAllocatedBytes() - alloc) / 1e9:F2} GB; JIT {(System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalSeconds:F3} s, {System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods} methods");
}

/// <summary>Listens to the runtime's GCAllocationTick events in-process: bytes sampled per allocated type.</summary>
sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> bytes = new();
    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
    }
    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.PayloadNames is null) return;
        var type = e.Payload![e.PayloadNames.IndexOf("TypeName")]?.ToString() ?? "?";
        var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount")], System.Globalization.CultureInfo.InvariantCulture);
        bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
    }
    public override void Dispose()
    {
        base.Dispose();
        var total = bytes.Values.Sum();
        foreach (var (type, b) in bytes.OrderByDescending(kv => kv.Value).Take(30))
            Console.WriteLine($"{b * 100.0 / total,6:F2} %  {b / 1e6,9:F1} MB  {type}");
    }
}
