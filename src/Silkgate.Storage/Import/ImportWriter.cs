using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Silkgate.Declarations;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Statistics;

namespace Silkgate.Storage.Import;

/// <summary>
/// How an import writes its stream of batches.
/// <list type="bullet">
/// <item>SQLite: one transaction per batch (<see cref="DeclarationWriter.WriteBatch"/>), the statistics cube updated
/// in each. SQLite has one writer lock: a transaction for the whole import would shut every other writer (an
/// officer releasing a declaration) out until the import ends. A first load (<see cref="KeysAfterRows"/> into a
/// store without declarations) is the exception: it is one transaction like PostgreSQL's, below, with the
/// declaration tables' indexes built after their rows (<see cref="SqliteIndexes"/>). There is nothing to release
/// yet; other writers (gate operations, reference imports) wait for its end, and readers go on reading the
/// store as it was.</item>
/// <item>PostgreSQL: the whole import is one transaction, and the cube's changes are summed over all its batches and
/// written once, before the commit (or whenever they pass <see cref="CubeFlushCells"/> cells). With a transaction
/// per batch, a cube cell that many batches touch (a file spanning years touches most months in every batch) was
/// upserted once per batch, and the cube's upserts were half of PostgreSQL's import time. Readers see the import at
/// its commit, with the cube that matches it; a failure anywhere stores nothing. Other writers are held up only at
/// the end: PostgreSQL locks rows, and the last write of the sums locks the three statistics tables against other
/// writers until the commit that follows it (<see cref="CubeMaintainer.Apply"/>). On an import of more than
/// <see cref="CubeFlushCells"/> cells an earlier write of sums locks its cells, in key order like every other writer,
/// until the commit: a release into one of them waits for the import.</item>
/// </list>
/// </summary>
public sealed class ImportWriter(DeclarationWriter writer, DbConnection conn) : IDisposable
{
    /// <summary>
    /// An import has at most one cell per item, so an import of up to ten million items writes its sums once, before
    /// the commit; every earlier write would make the later ones upserts into cells it wrote (at 10 M items 445 s
    /// with a bound of 2 M cells, 265 s without). About 60–90 bytes a summed cell (<see cref="CubeSums"/>): a 10 M
    /// import runs within a 1.5 GB heap (docs/performance.md).
    /// </summary>
    public const int DefaultCubeFlushCells = 10_000_000;

    /// <summary>The sums go to the store in parts of whole months of about this many cells, each unpacked only for its write.</summary>
    private const int CellsPerWrite = 1_000_000;

    /// <summary>
    /// A first load of at least this many cells builds the statistics tables' keys after their rows; below, the
    /// keyed COPY takes milliseconds and the exclusive locks are not worth taking.
    /// </summary>
    private const int KeysAfterRowsFrom = 10_000;

    private readonly CubeSums _cube = new();
    private DbTransaction? _tx;

    /// <summary>A one-transaction import's open transaction, once a batch was written: what reads on its connection must run in (SQLite refuses others).</summary>
    public DbTransaction? Transaction => _tx;
    private long _imported;

    // PostgreSQL: the cube's sums are made off this thread, one batch after another, while the next batch's rows are
    // copied (this thread mostly waits for the server then). _summing is the last batch's summing; _cells the
    // count of summed cells it left.
    private Task _summing = Task.CompletedTask;
    private int _cells;

    /// <summary>
    /// When the store has no declarations yet, drop the declaration tables' indexes at the start and build them
    /// from the rows before the commit (PostgreSQL: <see cref="DeclarationWriter.DropIndexesOfEmptyTables"/>, the
    /// tables locked exclusively while they load; SQLite: <see cref="SqliteIndexes"/>, the whole import then one
    /// transaction). Set for large files (<see cref="DeclarationImporter.KeysAfterRowsFromBytes"/>).
    /// </summary>
    public bool KeysAfterRows { get; init; }

    // The statements that build the declaration tables' indexes again, when a first load dropped them.
    private IReadOnlyList<string> _restoreIndexes = [];

    /// <summary>PostgreSQL: the summed cube changes kept in memory before they are written (memory stays bounded on files of tens of millions of items).</summary>
    public int CubeFlushCells { get; init; } = DefaultCubeFlushCells;

    private bool? _oneTransaction;

    /// <summary>
    /// Whether the import is one transaction; by default <see cref="OneTransactionOn"/> when the first batch is
    /// written. The importer sets it from its own look before it reads the file: whether the file needs a first
    /// pass for split declarations depends on it (nothing may be committed before the end without that pass).
    /// </summary>
    public bool OneTransaction
    {
        get => _oneTransaction ??= OneTransactionOn(conn, KeysAfterRows);
        init => _oneTransaction = value;
    }

    /// <summary>
    /// Whether an import on this connection is one transaction: always on PostgreSQL; on SQLite only a first load
    /// (<paramref name="keysAfterRows"/> and no declaration stored yet), one transaction per batch otherwise.
    /// </summary>
    public static bool OneTransactionOn(DbConnection conn, bool keysAfterRows) =>
        conn is NpgsqlConnection || (keysAfterRows && conn is SqliteConnection && !AnyDeclaration(conn));

    private static bool AnyDeclaration(DbConnection conn) =>
        Sql.Scalar<long>(conn, null, "SELECT EXISTS (SELECT 1 FROM declaration)") != 0;

    /// <summary>Writes one batch: committed at once on SQLite, at <see cref="Complete"/> on PostgreSQL.</summary>
    public void Write(IReadOnlyList<Declaration> batch)
    {
        if (!OneTransaction)
        {
            _imported += writer.WriteBatch(conn, batch);
            return;
        }
        _tx ??= Begin();
        var fresh = writer.WriteFresh(conn, _tx, batch);
        _imported += fresh.Count;
        if (Volatile.Read(ref _cells) > CubeFlushCells)
            FlushCube(lastBeforeCommit: false);
        if (fresh.Count > 0)
        {
            // After the previous batch's sums; a failure there passes on as itself.
            _summing = _summing.ContinueWith(previous =>
            {
                previous.GetAwaiter().GetResult();
                Sum(fresh);
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// The import's one transaction. PostgreSQL: its work_mem is raised from 4 MB to 64 MB: the link check of each
    /// 100,000-item COPY (M0011) reads the statement's rows from a transition table of about 16 MB and groups them by
    /// declaration, and below that both spill to temporary files every batch (at 1 M items, five alternated runs:
    /// median 0.975 of the time). SQLite: BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default), so the write lock is
    /// held from the look at the empty tables on.
    /// </summary>
    private DbTransaction Begin()
    {
        var tx = conn.BeginTransaction();
        if (conn is NpgsqlConnection pg)
        {
            Sql.Exec(conn, tx, "SET LOCAL work_mem = '64MB'");
            if (KeysAfterRows)
                _restoreIndexes = DeclarationWriter.DropIndexesOfEmptyTables(pg, tx);
        }
        else if (KeysAfterRows && conn is SqliteConnection sqlite)
        {
            _restoreIndexes = SqliteIndexes.DropIfEmpty(sqlite, tx, DeclarationWriter.Tables);
        }
        return tx;
    }

    private void Sum(IReadOnlyList<Declaration> fresh)
    {
        foreach (var d in fresh)
            _cube.Add(d);
        Volatile.Write(ref _cells, _cube.Count);
    }

    /// <summary>Waits until every written batch is in the sums; a failure of the summing is rethrown as itself.</summary>
    private void Summed() => _summing.GetAwaiter().GetResult();

    /// <summary>Writes what is pending and commits; returns how many declarations were new.</summary>
    public long Complete()
    {
        if (_tx is not null)
        {
            // The indexes first: they are built while the last batch's sums are still being made.
            Sql.ExecEach(conn, _tx, _restoreIndexes);
            FlushCube(lastBeforeCommit: true);
            _tx.Commit();
            _tx.Dispose();
            _tx = null;
        }
        return _imported;
    }

    private void FlushCube(bool lastBeforeCommit)
    {
        Summed();
        // A first load's last write: the statistics tables' keys are built after their rows (CubeMaintainer.DropKeysOfEmptyTables).
        var dropped = lastBeforeCommit && _cube.Count >= KeysAfterRowsFrom && conn is NpgsqlConnection pg ? CubeMaintainer.DropKeysOfEmptyTables(pg, _tx!) : [];
        foreach (var part in _cube.TakeByMonths(CellsPerWrite))
        {
            if (dropped.Count > 0)
                CubeMaintainer.CopyIntoEmpty((NpgsqlConnection)conn, _tx!, part);
            else
                CubeMaintainer.Apply(conn, _tx!, part, lastBeforeCommit);
        }
        if (dropped.Count > 0)
            Sql.ExecEach(conn, _tx, dropped);
        Volatile.Write(ref _cells, 0);
    }

    /// <summary>Without <see cref="Complete"/> (a failure), the open transaction is rolled back: nothing of it is stored.</summary>
    public void Dispose()
    {
        // No summing may still run once the writer is gone (its failure, if any, is not the first error).
        try
        {
            _summing.Wait();
        }
        catch (AggregateException)
        {
        }
        _tx?.Dispose();
    }
}
