using System.Diagnostics;
using Silkgate.Storage;
using Silkgate.Storage.Import;
using Silkgate.Storage.Reference;

namespace Silkgate.Bench;

/// <summary>What one timed import did.</summary>
internal sealed record ImportRun(string Label, long Rows, long StoredItems, double Seconds, ImportReport Result, Cpu Cpu)
{
    public double ItemsPerSecond => Rows / Seconds;
}

/// <summary>
/// Measurements 1 and 2: the product's importer (<see cref="DeclarationImporter"/>, default mode) into a fresh
/// database. Reference data is loaded before the clock starts; the clock covers the whole Import call (its two
/// passes over the file, validation, writing, the rejects file).
/// </summary>
internal static class ImportBench
{
    public static ImportRun Run(Report report, string section, string label, Database db, string csv, ColumnMapping mapping)
    {
        new ReferenceStore(db).EnsureLoaded();
        Quiesce(db);
        var sw = Cpu.For(db);
        sw.Start();
        var result = new DeclarationImporter(db, TimeProvider.System).Import(csv, mapping, strict: false);
        sw.Stop();
        long stored;
        using (var conn = db.OpenConnection())
            stored = Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration_item");
        var run = new ImportRun(label, result.Rows, stored, sw.WallSeconds, result, sw);
        var rejectedRows = result.Rejects.Select(r => r.Line).Distinct().Count();
        report.Add(section, $"importer, {label}", Report.Rate(run.Rows, run.Seconds), "",
            $"{Report.Count(result.Rows)} rows in {Report.Seconds(run.Seconds)}, {sw.Text()} (threads: {sw.ThreadText()}); {Report.Count(result.Imported)} declarations / {Report.Count(stored)} items stored; " +
            $"{Report.Count(result.RejectedDeclarations)} declarations ({Report.Count(rejectedRows)} rows) refused");
        return run;
    }

    /// <summary>
    /// What every Import call pays before reading its file: EnsureLoaded (migrations check, shipped reference
    /// files hashed and compared) and Load (the reference snapshot), on a database that already has them. Median of 3.
    /// </summary>
    public static double FixedCost(Database db)
    {
        var times = new double[3];
        for (var i = 0; i < times.Length; i++)
        {
            var sw = Stopwatch.StartNew();
            var store = new ReferenceStore(db);
            store.EnsureLoaded();
            store.Load();
            times[i] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[1];
    }

    /// <summary>
    /// Before a timed run: let the JIT finish, collect garbage, and let PostgreSQL flush what earlier runs left (so
    /// one run does not pay for another).
    /// </summary>
    public static void Quiesce(Database? db)
    {
        JitIdle();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (db is { IsSqlite: false })
        {
            using var conn = db.OpenConnection();
            Sql.Exec(conn, null, "CHECKPOINT");
        }
    }

    /// <summary>
    /// Waits until the JIT has compiled nothing for <see cref="JitIdleFor"/> (at most <see cref="JitIdleAtMost"/>).
    /// Tiered compilation recompiles hot methods on a background thread some time after they got hot: without the
    /// wait, a run on the train file (about a second) spent half a second of CPU, on two cores, recompiling the
    /// setup's code (migrations, the reference load of the fresh database) and the previous run's.
    /// </summary>
    public static void JitIdle()
    {
        var waited = Stopwatch.StartNew();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (waited.Elapsed < JitIdleAtMost)
        {
            Thread.Sleep(JitIdleFor);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now == compiled)
                return;
            compiled = now;
        }
    }

    private static readonly TimeSpan JitIdleFor = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan JitIdleAtMost = TimeSpan.FromSeconds(5);
}
