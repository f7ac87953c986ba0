using Npgsql;
using Silkgate.IntegrationTests.Support;
using Silkgate.Declarations;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Reference;

namespace Silkgate.IntegrationTests.Storage;

/// <summary>
/// PostgreSQL's database-enforced link between items and declarations (migration 11): checked per statement, with
/// the foreign key's SQLSTATE, and declarations that are never deleted or re-keyed.
/// </summary>
public sealed class PostgresIntegrityTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>
{
    [Fact]
    public void Items_copied_without_their_declaration_are_refused_as_a_foreign_key_violation()
    {
        var (db, conn) = Store();
        using (conn)
        {
            using var tx = conn.BeginTransaction();
            // The writer's own item COPY, for a declaration whose header was never written.
            var e = Assert.Throws<PostgresException>(() => DeclarationWriter.WriteItems(conn, tx, [WithItems("ORPHAN", 3)]));
            Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, e.SqlState);
            Assert.Contains("bulk:ORPHAN", e.MessageText, StringComparison.Ordinal);
        }
        Assert.Equal(0, Count(db, "SELECT count(*) FROM declaration_item"));
    }

    [Fact]
    public void An_item_inserted_or_moved_to_a_declaration_that_does_not_exist_is_refused()
    {
        var (db, conn) = Store();
        using (conn)
        {
            new DeclarationWriter(TimeProvider.System).WriteBatch(conn, [WithItems("D1", 2)]);
            var insert = Assert.Throws<PostgresException>(() => Sql.Exec(conn, null,
                "INSERT INTO declaration_item (enterprise_id, declaration_id, item_no, hs_code, partner_country, net_mass_g, value_original, statistical_value_fen, flow, port, trade_mode, in_zone, ecommerce) " +
                "VALUES ('E1', 'bulk:NONE', 1, '2601110000', 'KG', 1000, 10, 1000, 'import', 'IRKESHTAM', '0110', false, false)"));
            Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, insert.SqlState);
            var move = Assert.Throws<PostgresException>(() => Sql.Exec(conn, null, "UPDATE declaration_item SET declaration_id = 'bulk:NONE' WHERE item_no = 2"));
            Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, move.SqlState);
            // An update that keeps the link (what a release does) passes the same check.
            Sql.Exec(conn, null, "UPDATE declaration_item SET release_month = 202306 WHERE declaration_id = 'bulk:D1'");
        }
        Assert.Equal(2, Count(db, "SELECT count(*) FROM declaration_item WHERE declaration_id = 'bulk:D1' AND release_month = 202306"));
    }

    [Theory]
    [InlineData("DELETE FROM declaration WHERE declaration_id = 'bulk:D1'")]
    [InlineData("UPDATE declaration SET declaration_id = 'bulk:D2' WHERE declaration_id = 'bulk:D1'")]
    [InlineData("UPDATE declaration SET enterprise_id = 'E9' WHERE declaration_id = 'bulk:D1'")]
    [InlineData("TRUNCATE declaration CASCADE")]
    public void Declarations_are_never_deleted_nor_re_keyed(string sql)
    {
        var (db, conn) = Store();
        using (conn)
        {
            new DeclarationWriter(TimeProvider.System).WriteBatch(conn, [WithItems("D1", 2)]);
            var e = Assert.Throws<PostgresException>(() => Sql.Exec(conn, null, sql));
            Assert.Equal(PostgresErrorCodes.RestrictViolation, e.SqlState);
            // Any other change of a declaration (its state, its lane) is not refused.
            Sql.Exec(conn, null, "UPDATE declaration SET state = 'released' WHERE declaration_id = 'bulk:D1'");
        }
        Assert.Equal(1, Count(db, "SELECT count(*) FROM declaration WHERE declaration_id = 'bulk:D1' AND state = 'released'"));
        Assert.Equal(2, Count(db, "SELECT count(*) FROM declaration_item"));
    }

    private (Database, NpgsqlConnection) Store()
    {
        var db = databases.Create();
        new ReferenceStore(db).EnsureLoaded();
        return (db, (NpgsqlConnection)db.OpenConnection());
    }

    private static long Count(Database db, string sql)
    {
        using var conn = db.OpenConnection();
        return Sql.Scalar<long>(conn, null, sql);
    }

    private static Declaration WithItems(string id, int items) => BulkDeclarations.Lodged(id, items: items);
}
