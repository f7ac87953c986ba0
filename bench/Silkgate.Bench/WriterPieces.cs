using System.Data.Common;
using System.Diagnostics;
using Silkgate.Reference;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Import;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Statistics;

namespace Silkgate.Bench;

/// <summary>Seconds spent in each statement group of one batch write, summed over the run.</summary>
internal sealed record WriterSplit(double Check, double Headers, double Items, double Cube, double Commit)
{
    public double Total => Check + Headers + Items + Cube + Commit;
}

/// <summary>
/// The importer's writing taken apart: the writer's own public pieces, called in its order (the look-up of stored
/// declarations, the header rows, the item rows, the statistics cube, the commit) with a stopwatch around each, and
/// its transactions as <see cref="ImportWriter"/> has them: one per batch on SQLite; on PostgreSQL one for the whole
/// write, the cube's changes summed over the batches (timed as cube) and written once before the commit. Nothing
/// is copied: a change to the writer shows here.
/// </summary>
internal static class WriterPieces
{
    public static WriterSplit Run(Database db, KashgarGenerator generator, ReferenceData reference, long items, int batchItems)
    {
        new ReferenceStore(db).EnsureLoaded();
        using var conn = db.OpenConnection();
        var writer = new DeclarationWriter(TimeProvider.System);
        var oneTransaction = ImportWriter.OneTransactionOn(conn, keysAfterRows: false);
        ImportBench.Quiesce(db);
        Stopwatch check = new(), headers = new(), rows = new(), cube = new(), commit = new();
        var changes = new Dictionary<CubeCell, CubeMeasures>();
        DbTransaction? tx = null;
        foreach (var batch in generator.Batches(items, reference, batchItems))
        {
            tx ??= conn.BeginTransaction();
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
            foreach (var d in fresh)
                CubeMaintainer.Add(changes, d);
            if (!oneTransaction)
            {
                CubeMaintainer.Apply(conn, tx, changes);
                changes.Clear();
            }
            cube.Stop();
            if (!oneTransaction)
            {
                commit.Start();
                tx.Commit();
                commit.Stop();
                tx.Dispose();
                tx = null;
            }
        }
        if (tx is not null)
        {
            cube.Start();
            CubeMaintainer.Apply(conn, tx, changes, lastBeforeCommit: true);
            cube.Stop();
            commit.Start();
            tx.Commit();
            commit.Stop();
            tx.Dispose();
        }
        return new WriterSplit(check.Elapsed.TotalSeconds, headers.Elapsed.TotalSeconds, rows.Elapsed.TotalSeconds, cube.Elapsed.TotalSeconds, commit.Elapsed.TotalSeconds);
    }
}
