using System.Diagnostics;
using Silkgate.Reference;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Reference;

namespace Silkgate.Bench;

/// <summary>Seconds spent in each statement group of one batch write, summed over the run.</summary>
internal sealed record WriterSplit(double Check, double Headers, double Items, double Cube, double Commit)
{
    public double Total => Check + Headers + Items + Cube + Commit;
}

/// <summary>
/// <see cref="DeclarationWriter.WriteBatch"/> taken apart: the writer's own public pieces, called in its order
/// (the look-up of stored declarations, the header rows, the item rows, the statistics cube, the commit) with a
/// stopwatch around each. Nothing is copied: a change to the writer shows here.
/// </summary>
internal static class WriterPieces
{
    public static WriterSplit Run(Database db, KashgarGenerator generator, ReferenceData reference, long items, int batchItems)
    {
        new ReferenceStore(db).EnsureLoaded();
        using var conn = db.OpenConnection();
        var writer = new DeclarationWriter(TimeProvider.System);
        ImportBench.Quiesce(db);
        Stopwatch check = new(), headers = new(), rows = new(), cube = new(), commit = new();
        foreach (var batch in generator.Batches(items, reference, batchItems))
        {
            using var tx = conn.BeginTransaction();
            check.Start();
            // As a re-import pays it: the fresh-source shortcut (EmptySources) is not taken here.
            var fresh = writer.Fresh(conn, tx, batch);
            check.Stop();
            var now = writer.Now();
            headers.Start();
            DeclarationWriter.WriteHeaders(conn, tx, fresh, now);
            headers.Stop();
            rows.Start();
            DeclarationWriter.WriteItems(conn, tx, fresh);
            rows.Stop();
            cube.Start();
            DeclarationWriter.ApplyCube(conn, tx, fresh);
            cube.Stop();
            commit.Start();
            tx.Commit();
            commit.Stop();
        }
        return new WriterSplit(check.Elapsed.TotalSeconds, headers.Elapsed.TotalSeconds, rows.Elapsed.TotalSeconds, cube.Elapsed.TotalSeconds, commit.Elapsed.TotalSeconds);
    }
}
