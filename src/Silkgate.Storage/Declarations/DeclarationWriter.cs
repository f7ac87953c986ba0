using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Storage.Statistics;

namespace Silkgate.Storage.Declarations;

/// <summary>
/// Writes whole declarations (header and items) in batches, each batch one transaction, so that a declaration
/// is either stored complete or not at all. SQLite uses one prepared statement per table; PostgreSQL uses
/// binary COPY. Declarations whose (source, external id) is already stored are skipped: importing again adds nothing.
/// Items of declarations with a release date are released items: the batch adds them to the statistics cube.
/// </summary>
public sealed class DeclarationWriter(TimeProvider clock)
{
    public static readonly string[] HeaderColumns =
    [
        "enterprise_id", "declaration_id", "source", "external_id", "flow", "state", "declaration_date", "release_date",
        "port", "trade_mode", "transport_mode", "partner_country", "currency", "freight", "insurance", "in_zone",
        "ecommerce", "item_count", "version", "created_at",
    ];

    public static readonly string[] ItemColumns =
    [
        "enterprise_id", "declaration_id", "item_no", "hs_code", "description", "partner_country", "quantity",
        "quantity_unit", "net_mass_g", "value_original", "statistical_value_fen", "preference", "certificate_of_origin",
        "flow", "release_date", "release_month", "port", "trade_mode", "in_zone", "ecommerce",
    ];

    // Cleared declarations (the scenario's) also carry what clearance decided: the lane and the taxes, as lodging stores them.
    private static readonly string[] AssessedHeaderColumns =
        [.. HeaderColumns, "lane", "risk_percentile", "risk_model", "duty_fen", "consumption_tax_fen", "vat_fen", "tax_total_fen"];

    private static readonly string[] AssessedItemColumns =
        [.. ItemColumns, "customs_value_fen", "duty_fen", "consumption_tax_fen", "vat_fen", "mfn_duty_fen", "duty_rate_kind", "duty_agreement", "origin_country"];

    public static string DeclarationIdOf(Declaration d) => d.Source + ":" + d.ExternalId;

    public static string FlowName(Flow flow) => flow == Flow.Import ? "import" : "export";

    /// <summary>
    /// Sources known to have had nothing stored when this writer started: their batches skip the look-up of already
    /// stored ids (a third of the PostgreSQL write time at 10 M items). Safe because an import never repeats an id
    /// within a file (split declarations are refused) and the unique index still guards against a concurrent import.
    /// </summary>
    public HashSet<string> EmptySources { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The number of some declaration already stored from <paramref name="source"/>, or null when none is; with none,
    /// the source joins <see cref="EmptySources"/> and its batches skip the look-up of stored ids.
    /// </summary>
    public string? FirstStoredId(DbConnection conn, string source)
    {
        var stored = Sql.Query(conn, null, "SELECT external_id FROM declaration WHERE source = @p0 LIMIT 1", r => r.GetString(0), source).FirstOrDefault();
        if (stored is null)
            EmptySources.Add(source);
        return stored;
    }

    /// <summary>Stores the batch in one transaction; returns how many declarations were new (the rest were already stored).</summary>
    public int WriteBatch(DbConnection conn, IReadOnlyList<Declaration> batch)
    {
        if (batch.Count == 0)
            return 0;
        using var tx = conn.BeginTransaction();
        var fresh = batch.All(d => EmptySources.Contains(d.Source)) ? batch.ToList() : WithoutStored(conn, tx, batch);
        if (fresh.Count > 0)
        {
            var now = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            if (conn is NpgsqlConnection pg)
                CopyPostgres(pg, fresh, now);
            else
                InsertPrepared(conn, tx, fresh, now);
            // Released items enter the statistics cube in the same transaction: summed per cell first, one upsert per cell.
            var changes = new Dictionary<CubeCell, CubeMeasures>();
            foreach (var d in fresh)
                CubeMaintainer.Add(changes, d);
            CubeMaintainer.Apply(conn, tx, changes);
        }
        tx.Commit();
        return fresh.Count;
    }

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

    private static object?[] HeaderRow(Declaration d, string now, bool assessed)
    {
        object?[] row =
        [
            d.EnterpriseId, DeclarationIdOf(d), d.Source, d.ExternalId, FlowName(d.Flow), Lifecycle.StateName(d.State), d.DeclarationDate,
            d.ReleaseDate, d.Port, d.TradeMode, d.TransportMode, d.PartnerCountry, d.Currency, d.Freight, d.Insurance, d.InZone,
            d.Ecommerce, d.Items.Count, 1, now,
        ];
        if (!assessed)
            return row;
        var a = d.Assessment;
        return
        [
            .. row, a?.Lane, a?.RiskPercentile, a?.RiskModel, Fen(a?.DutyCny), Fen(a?.ConsumptionTaxCny), Fen(a?.VatCny), Fen(a?.TaxTotalCny),
        ];
    }

    private static object?[] ItemRow(Declaration d, DeclarationItem i, bool assessed)
    {
        object?[] row =
        [
            d.EnterpriseId, DeclarationIdOf(d), i.ItemNo, i.HsCode, i.Description, i.PartnerCountry, i.Quantity,
            i.QuantityUnit, Mass.ToGrams(i.NetMassKg), i.ValueOriginal, Money.ToFen(i.StatisticalValueCny), i.Preference,
            i.CertificateOfOrigin, FlowName(d.Flow), d.ReleaseDate, d.ReleaseDate is { } r ? YearMonth.Of(r).Key : null,
            d.Port, d.TradeMode, d.InZone, d.Ecommerce,
        ];
        if (!assessed)
            return row;
        var a = i.Assessment;
        return
        [
            .. row, Fen(a?.CustomsValueCny), Fen(a?.DutyCny), Fen(a?.ConsumptionTaxCny), Fen(a?.VatCny), Fen(a?.MfnDutyCny), a?.DutyRateKind,
            a?.DutyAgreement, a is null ? null : d.Flow == Flow.Import ? i.PartnerCountry : "CN",
        ];
    }

    private static long? Fen(decimal? cny) => cny is { } v ? Money.ToFen(v) : null;

    private static void InsertPrepared(DbConnection conn, DbTransaction tx, List<Declaration> batch, string now)
    {
        var assessed = batch.Any(d => d.Assessment is not null);
        Sql.InsertMany(conn, tx, "declaration", assessed ? AssessedHeaderColumns : HeaderColumns, batch.Select(d => HeaderRow(d, now, assessed)));
        Sql.InsertMany(conn, tx, "declaration_item", assessed ? AssessedItemColumns : ItemColumns, batch.SelectMany(d => d.Items.Select(i => ItemRow(d, i, assessed))));
    }

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

    private static readonly NpgsqlDbType[] AssessedHeaderTypes =
    [
        .. HeaderTypes, NpgsqlDbType.Varchar, NpgsqlDbType.Numeric, NpgsqlDbType.Varchar, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint,
        NpgsqlDbType.Bigint, NpgsqlDbType.Bigint,
    ];

    private static readonly NpgsqlDbType[] AssessedItemTypes =
    [
        .. ItemTypes, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint,
        NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar,
    ];

    private static void CopyPostgres(NpgsqlConnection conn, List<Declaration> batch, string now)
    {
        var assessed = batch.Any(d => d.Assessment is not null);
        Copy(conn, "declaration", assessed ? AssessedHeaderColumns : HeaderColumns, assessed ? AssessedHeaderTypes : HeaderTypes, batch.Select(d => HeaderRow(d, now, assessed)));
        Copy(conn, "declaration_item", assessed ? AssessedItemColumns : ItemColumns, assessed ? AssessedItemTypes : ItemTypes,
            batch.SelectMany(d => d.Items.Select(i => ItemRow(d, i, assessed))));
    }

    public static void Copy(NpgsqlConnection conn, string table, string[] columns, NpgsqlDbType[] types, IEnumerable<object?[]> rows)
    {
        using var writer = conn.BeginBinaryImport($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            writer.StartRow();
            for (var i = 0; i < row.Length; i++)
            {
                if (row[i] is null)
                    writer.WriteNull();
                else
                    writer.Write(row[i], types[i]);
            }
        }
        writer.Complete();
    }
}
