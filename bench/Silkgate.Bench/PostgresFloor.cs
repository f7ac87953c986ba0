using Npgsql;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Statistics;

namespace Silkgate.Bench;

/// <summary>
/// The server's floor for one PostgreSQL import: what the import stored (header rows, item rows, the statistics
/// tables' cells) is read back as PostgreSQL's own binary COPY bytes and written, byte for byte, into a fresh
/// database the way the importer writes a first load — one transaction, the declaration tables' indexes and the
/// statistics keys dropped and built after their rows (the importer's own <see cref="DeclarationWriter.DropIndexesOfEmptyTables"/>
/// and <see cref="CubeMaintainer.DropKeysOfEmptyTables"/>). No CSV is read, nothing is validated, summed or
/// serialized: the client only passes bytes on. No importer that stores these rows, in this schema, can be faster;
/// the ceiling's time over the floor's is the best importer / ceiling ratio there can be.
/// </summary>
internal static class PostgresFloor
{
    /// <summary>Each table's rows as binary COPY bytes, in the order they are stored.</summary>
    public static Dictionary<string, byte[]> Dump(Database db)
    {
        using var conn = (NpgsqlConnection)db.OpenConnection();
        var dumps = new Dictionary<string, byte[]>();
        foreach (var table in DeclarationWriter.Tables.Concat(CubeMaintainer.Tables))
        {
            using var copy = conn.BeginRawBinaryCopy($"COPY {table} TO STDOUT (FORMAT BINARY)");
            using var bytes = new MemoryStream();
            copy.CopyTo(bytes);
            dumps[table] = bytes.ToArray();
        }
        return dumps;
    }

    /// <summary>Writes the dumped rows into <paramref name="db"/> (fresh) as a first load; only this is timed.</summary>
    public static Cpu Replay(Database db, Dictionary<string, byte[]> dumps, long expectedItems)
    {
        db.Migrate();
        using var conn = (NpgsqlConnection)db.OpenConnection();
        ImportBench.Quiesce(db);
        var sw = Cpu.For(db);
        sw.Start();
        using (var tx = conn.BeginTransaction())
        {
            Sql.Exec(conn, tx, "SET LOCAL work_mem = '64MB'");
            var indexes = DeclarationWriter.DropIndexesOfEmptyTables(conn, tx);
            foreach (var table in DeclarationWriter.Tables)
                Write(conn, table, dumps[table]);
            Sql.ExecEach(conn, tx, indexes);
            var keys = CubeMaintainer.DropKeysOfEmptyTables(conn, tx);
            foreach (var table in CubeMaintainer.Tables)
                Write(conn, table, dumps[table]);
            Sql.ExecEach(conn, tx, keys);
            tx.Commit();
        }
        sw.Stop();
        var items = Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration_item");
        if (items != expectedItems)
            throw new InvalidOperationException($"floor database has {items} items, expected {expectedItems}");
        return sw;
    }

    private static void Write(NpgsqlConnection conn, string table, byte[] rows)
    {
        using var copy = conn.BeginRawBinaryCopy($"COPY {table} FROM STDIN (FORMAT BINARY)");
        copy.Write(rows);
    }
}
