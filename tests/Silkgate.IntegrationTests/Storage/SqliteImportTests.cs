using Microsoft.Data.Sqlite;
using Silkgate.IntegrationTests.Support;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Import;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Statistics;

namespace Silkgate.IntegrationTests.Storage;

/// <summary>What only SQLite's import does: one transaction per batch, except a first load, which is one transaction.</summary>
public sealed class SqliteImportTests(SqliteDatabases databases) : IClassFixture<SqliteDatabases>
{
    [Fact]
    public void A_first_load_is_one_transaction_that_builds_the_declaration_indexes_after_its_rows()
    {
        var db = databases.Create();
        new ReferenceStore(db).EnsureLoaded();
        var indexes = Indexes(db);
        Assert.Equal(5, indexes.Count);
        var declarations = BulkDeclarations.Releases(12_000);
        using (var conn = db.OpenConnection())
        using (var import = new ImportWriter(new DeclarationWriter(TimeProvider.System), conn) { KeysAfterRows = true })
        {
            Assert.True(import.OneTransaction);
            import.Write(declarations.Take(5_000).ToList());
            // The import's own transaction: the tables bare. Everyone else: the store as it was, indexes and all, and
            // no write lock to be had.
            Assert.Empty(Indexes(db, conn, import.Transaction));
            Assert.Equal(indexes, Indexes(db));
            using (var other = db.OpenConnection())
            {
                Assert.Equal(0L, Sql.Scalar<long>(other, null, "SELECT count(*) FROM declaration"));
                // Sql's commands wait without a timeout (Microsoft.Data.Sqlite retries a busy step until the command's
                // timeout): this one gives up after a second.
                Sql.Exec(other, null, "PRAGMA busy_timeout=0");
                using var begin = other.CreateCommand();
                begin.CommandText = "BEGIN IMMEDIATE";
                begin.CommandTimeout = 1;
                var busy = Assert.Throws<SqliteException>(() => begin.ExecuteNonQuery());
                Assert.Equal(5, busy.SqliteErrorCode); // SQLITE_BUSY
            }
            import.Write(declarations.Skip(5_000).ToList());
            Assert.Equal(12_000, import.Complete());
        }
        Assert.Equal(indexes, Indexes(db));
        Assert.Equal(0, CubeMaintainer.Recompute(db).CellsDiffering);
        using var check = db.OpenConnection();
        Assert.Equal(12_000L, Sql.Scalar<long>(check, null, "SELECT count(*) FROM declaration_item"));
        Assert.Equal("ok", Sql.Scalar<string>(check, null, "PRAGMA integrity_check"));
        // The unique import key is enforced again: the same source and id are refused.
        var twice = Assert.Throws<SqliteException>(() => Sql.Exec(check, null,
            "INSERT INTO declaration SELECT * FROM declaration LIMIT 1; UPDATE declaration SET declaration_id = 'x' WHERE rowid = last_insert_rowid()"));
        Assert.Equal(19, twice.SqliteErrorCode); // SQLITE_CONSTRAINT
    }

    [Fact]
    public void An_import_into_a_store_with_declarations_commits_batch_by_batch_through_the_indexes()
    {
        var db = databases.Create();
        new ReferenceStore(db).EnsureLoaded();
        var indexes = Indexes(db);
        using var conn = db.OpenConnection();
        new DeclarationWriter(TimeProvider.System).WriteBatch(conn, [BulkDeclarations.Lodged("S0", items: 1)]);
        using (var import = new ImportWriter(new DeclarationWriter(TimeProvider.System), conn) { KeysAfterRows = true })
        {
            Assert.False(import.OneTransaction);
            import.Write(BulkDeclarations.Releases(3_000));
            // Committed already, with the indexes in place.
            using (var other = db.OpenConnection())
                Assert.Equal(3_001L, Sql.Scalar<long>(other, null, "SELECT count(*) FROM declaration"));
            Assert.Equal(indexes, Indexes(db, conn, import.Transaction));
            Assert.Equal(3_000, import.Complete());
        }
        Assert.Equal(0, CubeMaintainer.Recompute(db).CellsDiffering);
    }

    [Fact]
    public void A_first_load_that_fails_stores_nothing_and_leaves_the_indexes()
    {
        var db = databases.Create();
        new ReferenceStore(db).EnsureLoaded();
        var indexes = Indexes(db);
        using (var conn = db.OpenConnection())
        using (var import = new ImportWriter(new DeclarationWriter(TimeProvider.System), conn) { KeysAfterRows = true })
        {
            import.Write(BulkDeclarations.Releases(3_000));
            Assert.Empty(Indexes(db, conn, import.Transaction));
            // No Complete: the reader failed, say. Disposing rolls the transaction back.
        }
        Assert.Equal(indexes, Indexes(db));
        using var check = db.OpenConnection();
        Assert.Equal(0L, Sql.Scalar<long>(check, null, "SELECT count(*) FROM declaration"));
        Assert.Equal(0L, Sql.Scalar<long>(check, null, "SELECT count(*) FROM stats_cube"));
    }

    /// <summary>The declaration tables' own indexes: committed, or as the import's connection sees them.</summary>
    private static List<string> Indexes(Database db, System.Data.Common.DbConnection? conn = null, System.Data.Common.DbTransaction? tx = null)
    {
        using var own = conn is null ? db.OpenConnection() : null;
        return [.. SqliteIndexes.Of((SqliteConnection)(conn ?? own!), tx, DeclarationWriter.Tables).Select(i => i.Create)];
    }
}
