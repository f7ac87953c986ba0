using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Reference;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Reference;

namespace Silkgate.Bench;

/// <summary>Seconds spent in each statement group of one batch write, summed over the run.</summary>
internal sealed record WriterSplit(double Check, double Headers, double Items, double Commit)
{
    public double Total => Check + Headers + Items + Commit;
}

/// <summary>
/// A copy of <see cref="DeclarationWriter.WriteBatch"/>'s statements (same SQL, same boxed object?[] rows, same
/// Sql.InsertMany / DeclarationWriter.Copy calls) with a stopwatch around each: the duplicate check, the header
/// rows, the item rows and the commit. Kept in step with src/Silkgate.Storage/Declarations/DeclarationWriter.cs by hand.
/// </summary>
internal static class WriterPieces
{
    public static WriterSplit Run(Database db, KashgarGenerator generator, ReferenceData reference, long items, int batchItems)
    {
        new ReferenceStore(db).EnsureLoaded();
        using var conn = db.OpenConnection();
        ImportBench.Quiesce(db);
        Stopwatch check = new(), headers = new(), rows = new(), commit = new();
        foreach (var batch in generator.Batches(items, reference, batchItems))
        {
            using var tx = conn.BeginTransaction();
            check.Start();
            var fresh = WithoutStored(conn, tx, batch);
            check.Stop();
            var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            headers.Start();
            if (conn is NpgsqlConnection pg)
                DeclarationWriter.Copy(pg, "declaration", DeclarationWriter.HeaderColumns, HeaderTypes, fresh.Select(d => HeaderRow(d, now)));
            else
                Sql.InsertMany(conn, tx, "declaration", DeclarationWriter.HeaderColumns, fresh.Select(d => HeaderRow(d, now)));
            headers.Stop();
            rows.Start();
            var itemRows = fresh.SelectMany(d => d.Items.Select(i => ItemRow(d, i)));
            if (conn is NpgsqlConnection pg2)
                DeclarationWriter.Copy(pg2, "declaration_item", DeclarationWriter.ItemColumns, ItemTypes, itemRows);
            else
                Sql.InsertMany(conn, tx, "declaration_item", DeclarationWriter.ItemColumns, itemRows);
            rows.Stop();
            commit.Start();
            tx.Commit();
            commit.Stop();
        }
        return new WriterSplit(check.Elapsed.TotalSeconds, headers.Elapsed.TotalSeconds, rows.Elapsed.TotalSeconds, commit.Elapsed.TotalSeconds);
    }

    // ---- copied from DeclarationWriter (private there) ----

    private static List<Declaration> WithoutStored(DbConnection conn, DbTransaction tx, IReadOnlyList<Declaration> batch)
    {
        var stored = new HashSet<(string, string)>();
        foreach (var bySource in batch.GroupBy(d => d.Source))
        {
            var ids = bySource.Select(d => d.ExternalId).Distinct().ToList();
            for (var start = 0; start < ids.Count; start += 500)
            {
                var chunk = ids.Skip(start).Take(500).ToList();
                var args = new object?[chunk.Count + 1];
                args[0] = bySource.Key;
                for (var i = 0; i < chunk.Count; i++)
                    args[i + 1] = chunk[i];
                var sql = "SELECT external_id FROM declaration WHERE source = @p0 AND external_id IN (" +
                          string.Join(", ", chunk.Select((_, i) => "@p" + (i + 1))) + ")";
                foreach (var id in Sql.Query(conn, tx, sql, r => r.GetString(0), args))
                    stored.Add((bySource.Key, id));
            }
        }
        return stored.Count == 0 ? batch.ToList() : batch.Where(d => !stored.Contains((d.Source, d.ExternalId))).ToList();
    }

    private static object?[] HeaderRow(Declaration d, string now) =>
    [
        d.EnterpriseId, DeclarationWriter.DeclarationIdOf(d), d.Source, d.ExternalId, DeclarationWriter.FlowName(d.Flow), Lifecycle.StateName(d.State),
        d.DeclarationDate, d.ReleaseDate, d.Port, d.TradeMode, d.TransportMode, d.PartnerCountry, d.Currency, d.Freight, d.Insurance, d.InZone,
        d.Ecommerce, d.Items.Count, 1, now,
    ];

    private static object?[] ItemRow(Declaration d, DeclarationItem i) =>
    [
        d.EnterpriseId, DeclarationWriter.DeclarationIdOf(d), i.ItemNo, i.HsCode, i.Description, i.PartnerCountry, i.Quantity,
        i.QuantityUnit, Mass.ToGrams(i.NetMassKg), i.ValueOriginal, Money.ToFen(i.StatisticalValueCny), i.Preference,
        i.CertificateOfOrigin, DeclarationWriter.FlowName(d.Flow), d.ReleaseDate, d.ReleaseDate is { } r ? YearMonth.Of(r).Key : null,
        d.Port, d.TradeMode, d.InZone, d.Ecommerce,
    ];

    private static readonly NpgsqlDbType[] HeaderTypes =
    [
        NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar,
        NpgsqlDbType.Varchar, NpgsqlDbType.Date, NpgsqlDbType.Date, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar,
        NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Numeric, NpgsqlDbType.Numeric,
        NpgsqlDbType.Boolean, NpgsqlDbType.Boolean, NpgsqlDbType.Integer, NpgsqlDbType.Integer, NpgsqlDbType.Varchar,
    ];

    private static readonly NpgsqlDbType[] ItemTypes =
    [
        NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Integer, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar,
        NpgsqlDbType.Varchar, NpgsqlDbType.Numeric, NpgsqlDbType.Varchar, NpgsqlDbType.Bigint, NpgsqlDbType.Numeric,
        NpgsqlDbType.Bigint, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Date,
        NpgsqlDbType.Integer, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Boolean, NpgsqlDbType.Boolean,
    ];
}
