using System.Globalization;
using Silkgate.Declarations;
using Silkgate.IntegrationTests.Support;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Import;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Statistics;

namespace Silkgate.IntegrationTests.Storage;

/// <summary>What only PostgreSQL's import does: many batches in one transaction, always (SQLite only for a first load: SqliteImportTests).</summary>
public sealed class PostgresImportTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>
{
    private const string LookUp = "SELECT external_id FROM declaration WHERE source = 'bulk' AND external_id IN ('X1', 'X2', 'X3')";

    [Fact]
    public void Stored_ids_are_looked_up_on_the_whole_key_late_in_a_long_import_transaction()
    {
        var db = databases.Create();
        new ReferenceStore(db).EnsureLoaded();
        using var conn = db.OpenConnection();
        // The source has one stored declaration, and the planner's statistics say so: every batch checks for stored ids.
        new DeclarationWriter(TimeProvider.System).WriteBatch(conn, [Lodged("S0")]);
        Sql.Exec(conn, null, "ANALYZE declaration");
        var writer = new DeclarationWriter(TimeProvider.System);
        using var tx = conn.BeginTransaction();
        for (var batch = 0; batch < 3; batch++)
        {
            var fresh = writer.Fresh(conn, tx, Enumerable.Range(0, 6_000).Select(n => Lodged($"B{batch}-{n}")).ToList());
            DeclarationWriter.WriteHeaders(conn, tx, fresh, writer.Now());
        }
        // Bug: with the statistics of one row the look-up read the index on source alone and filtered all 18,000 rows.
        var plan = string.Join("\n", Sql.Query(conn, tx, "EXPLAIN " + LookUp, r => r.GetString(0)));
        Assert.False(plan.Contains("Filter:", StringComparison.Ordinal), plan);
        Assert.Contains("external_id", plan, StringComparison.Ordinal);
    }

    [Fact]
    public void A_first_load_builds_the_statistics_keys_after_its_rows_and_the_next_import_adds_to_them()
    {
        var db = databases.Create();
        new ReferenceStore(db).EnsureLoaded();
        var keys = StatisticsKeys(db);
        Assert.Equal(3, keys.Count);
        // 12,000 cells (4,000 headings in three months): above the size from which the keys are built after the rows.
        var first = BulkDeclarations.Releases(12_000);
        Assert.Equal(12_000, Import(db, first));
        Assert.Equal(keys, StatisticsKeys(db));
        Assert.Equal(0, CubeMaintainer.Recompute(db).CellsDiffering);
        // The same cells again from another import: the tables have rows, so it adds to them through their keys.
        Assert.Equal(12_000, Import(db, [.. first.Select(d => d with { ExternalId = "B" + d.ExternalId[1..] })]));
        Assert.Equal(keys, StatisticsKeys(db));
        Assert.Equal(0, CubeMaintainer.Recompute(db).CellsDiffering);
        using var conn = db.OpenConnection();
        Assert.Equal(12_000, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM stats_cube WHERE items = 2"));
    }

    [Fact]
    public void A_first_load_builds_the_declaration_indexes_after_its_rows_and_checks_links_again_afterwards()
    {
        var db = databases.Create();
        new ReferenceStore(db).EnsureLoaded();
        var indexes = DeclarationIndexes(db);
        Assert.Equal(7, indexes.Count);
        var first = BulkDeclarations.Releases(12_000);
        // Mid-load the tables are locked exclusively and bare; afterwards they have every index again, as it was.
        Assert.Equal(12_000, Import(db, first, keysAfterRows: true, midway: importing =>
        {
            Assert.True(LockedExclusively(db, "declaration_item"));
            Assert.Empty(DeclarationIndexes(db, importing));
        }));
        Assert.Equal(indexes, DeclarationIndexes(db));
        Assert.Equal(0, CubeMaintainer.Recompute(db).CellsDiffering);
        using var conn = db.OpenConnection();
        Assert.Equal(12_000, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration_item"));
        // The link check is on again: an item without its declaration is refused.
        var orphan = Assert.Throws<Npgsql.PostgresException>(() => Sql.Exec(conn, null,
            "CREATE TEMP TABLE orphan AS SELECT * FROM declaration_item LIMIT 1; UPDATE orphan SET declaration_id = 'bulk:none'; INSERT INTO declaration_item SELECT * FROM orphan"));
        Assert.Equal(Npgsql.PostgresErrorCodes.ForeignKeyViolation, orphan.SqlState);
        // A store with declarations is not locked: the next import goes through the indexes, and adds nothing twice.
        Assert.Equal(12_000, Import(db, [.. first.Select(d => d with { ExternalId = "B" + d.ExternalId[1..] }), .. first], keysAfterRows: true, midway: importing =>
        {
            Assert.False(LockedExclusively(db, "declaration_item"));
            Assert.Equal(indexes, DeclarationIndexes(db, importing));
        }));
        Assert.Equal(24_000, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration_item"));
    }

    [Fact]
    public void A_first_load_that_fails_leaves_the_empty_tables_with_their_indexes()
    {
        var db = databases.Create();
        new ReferenceStore(db).EnsureLoaded();
        var indexes = DeclarationIndexes(db);
        using (var conn = db.OpenConnection())
        using (var import = new ImportWriter(new DeclarationWriter(TimeProvider.System), conn) { KeysAfterRows = true })
        {
            import.Write(BulkDeclarations.Releases(3_000));
            Assert.Empty(DeclarationIndexes(db, conn));
            // No Complete: the reader failed, say. Disposing rolls the transaction back.
        }
        Assert.Equal(indexes, DeclarationIndexes(db));
        using var check = db.OpenConnection();
        Assert.Equal(0L, Sql.Scalar<long>(check, null, "SELECT count(*) FROM declaration"));
        Assert.Equal("O", Sql.Scalar<string>(check, null, "SELECT tgenabled::text FROM pg_trigger WHERE tgname = 'item_declaration_exists_insert'"));
    }

    [Fact]
    public void A_first_load_by_a_role_that_does_not_own_the_tables_goes_through_their_indexes()
    {
        var db = databases.Create();
        new ReferenceStore(db).EnsureLoaded();
        var indexes = DeclarationIndexes(db);
        var keys = StatisticsKeys(db);
        var role = "importer_" + Guid.NewGuid().ToString("N")[..8];
        var declarations = BulkDeclarations.Releases(12_000);
        using (var conn = db.OpenConnection())
        {
            // Bug: a role that may write the tables but not drop their indexes (the owner's right) failed the whole import.
            Sql.Exec(conn, null, $"CREATE ROLE {role}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}; SET ROLE {role}");
            try
            {
                using var import = new ImportWriter(new DeclarationWriter(TimeProvider.System), conn) { KeysAfterRows = true };
                import.Write(declarations.Take(5_000).ToList());
                Assert.Equal(indexes, DeclarationIndexes(db, conn));
                import.Write(declarations.Skip(5_000).ToList());
                Assert.Equal(12_000, import.Complete());
            }
            finally
            {
                Sql.Exec(conn, null, $"RESET ROLE; DROP OWNED BY {role}; DROP ROLE {role}");
            }
        }
        Assert.Equal(indexes, DeclarationIndexes(db));
        Assert.Equal(keys, StatisticsKeys(db));
        Assert.Equal(0, CubeMaintainer.Recompute(db).CellsDiffering);
    }

    private static long Import(Database db, IReadOnlyList<Declaration> declarations, bool keysAfterRows, Action<System.Data.Common.DbConnection> midway)
    {
        using var conn = db.OpenConnection();
        using var import = new ImportWriter(new DeclarationWriter(TimeProvider.System), conn) { KeysAfterRows = keysAfterRows };
        import.Write(declarations.Take(5_000).ToList());
        midway(conn);
        import.Write(declarations.Skip(5_000).ToList());
        return import.Complete();
    }

    /// <summary>The indexes of the declaration tables, as PostgreSQL states them: committed, or as the import's own connection sees them.</summary>
    private static List<string> DeclarationIndexes(Database db, System.Data.Common.DbConnection? conn = null)
    {
        using var own = conn is null ? db.OpenConnection() : null;
        return Sql.Query(conn ?? own!, null,
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid::regclass::text IN ('declaration', 'declaration_item') ORDER BY 1",
            r => r.GetString(0)).ToList();
    }

    private static bool LockedExclusively(Database db, string table)
    {
        using var conn = db.OpenConnection();
        return Sql.Scalar<bool>(conn, null, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE relation = @p0::regclass AND mode = 'AccessExclusiveLock' AND granted)", table);
    }

    private static long Import(Database db, IReadOnlyList<Declaration> declarations) =>
        Import(db, declarations, keysAfterRows: false, midway: _ => { });


    /// <summary>The statistics tables' primary keys, as PostgreSQL states them.</summary>
    private static List<string> StatisticsKeys(Database db)
    {
        using var conn = db.OpenConnection();
        return Sql.Query(conn, null,
            "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'p' AND conrelid::regclass::text IN ('stats_cube', 'stats_rollup', 'stats_hs') ORDER BY 1",
            r => r.GetString(0)).ToList();
    }

    private static Declaration Lodged(string id) =>
        BulkDeclarations.Lodged(id, enterprise: "E" + (id.Length % 7).ToString(CultureInfo.InvariantCulture));
}
