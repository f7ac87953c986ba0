using System.Globalization;
using Silkgate.Declarations;
using Silkgate.IntegrationTests.Support;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Reference;

namespace Silkgate.IntegrationTests.Storage;

/// <summary>What only PostgreSQL's import does: many batches in one transaction.</summary>
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

    private static Declaration Lodged(string id) =>
        BulkDeclarations.Lodged(id, enterprise: "E" + (id.Length % 7).ToString(CultureInfo.InvariantCulture));
}
