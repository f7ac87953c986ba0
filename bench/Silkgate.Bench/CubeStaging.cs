using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Silkgate.Reference;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Statistics;

namespace Silkgate.Bench;

/// <summary>
/// A measurement for the owner of <see cref="CubeMaintainer"/> (not product code): on PostgreSQL the cube's
/// multi-row VALUES upserts (400 cells, 5,200 bound parameters per statement, parsed and planned each time) are
/// the largest part of the writer. This is the writer's own pieces with the same changes written another way:
/// binary COPY of the batch's summed cells into a temporary table, then one
/// <c>INSERT … SELECT … ORDER BY key ON CONFLICT DO UPDATE</c> (same key order, same result for additions).
/// Returns the cube part's seconds and the whole write's.
/// </summary>
internal static class CubeStaging
{
    private const string UpsertTail =
        " ON CONFLICT (" + CubeMaintainer.KeyColumns + ") DO UPDATE SET value_fen = stats_cube.value_fen + excluded.value_fen, " +
        "mass_g = stats_cube.mass_g + excluded.mass_g, items = stats_cube.items + excluded.items, " +
        "declarations = stats_cube.declarations + excluded.declarations, " +
        "partner_declarations = stats_cube.partner_declarations + excluded.partner_declarations";

    public static (double Cube, double Total) Postgres(Database db, KashgarGenerator generator, ReferenceData reference, long items, int batchItems)
    {
        new ReferenceStore(db).EnsureLoaded();
        using var conn = (NpgsqlConnection)db.OpenConnection();
        Sql.Exec(conn, null, "CREATE TEMP TABLE cube_stage (LIKE stats_cube) ON COMMIT DELETE ROWS");
        var writer = new DeclarationWriter(TimeProvider.System);
        ImportBench.Quiesce(db);
        Stopwatch cube = new(), total = new();
        foreach (var batch in generator.Batches(items, reference, batchItems))
        {
            total.Start();
            using var tx = conn.BeginTransaction();
            var fresh = writer.Fresh(conn, tx, batch);
            DeclarationWriter.WriteHeaders(conn, tx, fresh, writer.Now());
            DeclarationWriter.WriteItems(conn, tx, fresh);
            cube.Start();
            var changes = new Dictionary<CubeCell, CubeMeasures>();
            foreach (var d in fresh)
                CubeMaintainer.Add(changes, d);
            using (var w = conn.BeginBinaryImport($"COPY cube_stage ({CubeMaintainer.KeyColumns}, {CubeMaintainer.MeasureColumns}) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var (c, m) in changes)
                {
                    w.StartRow();
                    w.Write(c.ReleaseMonth, NpgsqlDbType.Integer);
                    w.Write(c.Flow, NpgsqlDbType.Varchar);
                    w.Write(c.Partner, NpgsqlDbType.Varchar);
                    w.Write(c.Port, NpgsqlDbType.Varchar);
                    w.Write(c.TradeMode, NpgsqlDbType.Varchar);
                    w.Write(c.InZone, NpgsqlDbType.Boolean);
                    w.Write(c.Ecommerce, NpgsqlDbType.Boolean);
                    w.Write(c.Hs4, NpgsqlDbType.Varchar);
                    w.Write(m.ValueFen, NpgsqlDbType.Bigint);
                    w.Write(m.MassG, NpgsqlDbType.Bigint);
                    w.Write(m.Items, NpgsqlDbType.Bigint);
                    w.Write(m.Declarations, NpgsqlDbType.Bigint);
                    w.Write(m.PartnerDeclarations, NpgsqlDbType.Bigint);
                }
                w.Complete();
            }
            Sql.Exec(conn, tx, $"INSERT INTO stats_cube ({CubeMaintainer.KeyColumns}, {CubeMaintainer.MeasureColumns}) " +
                $"SELECT {CubeMaintainer.KeyColumns}, {CubeMaintainer.MeasureColumns} FROM cube_stage ORDER BY {CubeMaintainer.KeyColumns}{UpsertTail}");
            cube.Stop();
            tx.Commit();
            total.Stop();
        }
        var stored = Sql.Scalar<long>(conn, null, "SELECT coalesce(sum(items), 0) FROM stats_cube");
        if (stored != items)
            throw new InvalidOperationException($"staged cube holds {stored} items, expected {items}");
        return (cube.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds);
    }
}
