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
        var fresh = Fresh(conn, tx, batch);
        if (fresh.Count > 0)
        {
            var now = Now();
            WriteHeaders(conn, tx, fresh, now);
            WriteItems(conn, tx, fresh);
            ApplyCube(conn, tx, fresh);
        }
        tx.Commit();
        return fresh.Count;
    }

    // The pieces of WriteBatch, in its order (public so that the benchmark's profile times the writer's own statements).

    /// <summary>The declarations of the batch not stored yet (the whole batch when its sources were empty when the writer started).</summary>
    public IReadOnlyList<Declaration> Fresh(DbConnection conn, DbTransaction tx, IReadOnlyList<Declaration> batch) =>
        AllFromEmptySources(batch) ? batch : WithoutStored(conn, tx, batch);

    public string Now() => clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The header rows: one reused prepared INSERT on SQLite, typed binary COPY on PostgreSQL.</summary>
    public static void WriteHeaders(DbConnection conn, DbTransaction tx, IReadOnlyList<Declaration> batch, string now)
    {
        var assessed = Assessed(batch);
        if (conn is NpgsqlConnection pg)
            CopyHeaders(pg, batch, now, assessed);
        else
            InsertHeaders(conn, tx, batch, now, assessed);
    }

    /// <summary>The item rows: one reused prepared INSERT on SQLite, typed binary COPY on PostgreSQL.</summary>
    public static void WriteItems(DbConnection conn, DbTransaction tx, IReadOnlyList<Declaration> batch)
    {
        var assessed = Assessed(batch);
        if (conn is NpgsqlConnection pg)
            CopyItems(pg, batch, assessed);
        else
            InsertItems(conn, tx, batch, assessed);
    }

    /// <summary>Released items enter the statistics cube in the same transaction: summed per cell first, one upsert per cell.</summary>
    public static void ApplyCube(DbConnection conn, DbTransaction tx, IReadOnlyList<Declaration> batch)
    {
        var changes = new Dictionary<CubeCell, CubeMeasures>();
        foreach (var d in batch)
            CubeMaintainer.Add(changes, d);
        CubeMaintainer.Apply(conn, tx, changes);
    }

    private bool AllFromEmptySources(IReadOnlyList<Declaration> batch)
    {
        foreach (var d in batch)
        {
            if (!EmptySources.Contains(d.Source))
                return false;
        }
        return true;
    }

    private static bool Assessed(IReadOnlyList<Declaration> batch)
    {
        foreach (var d in batch)
        {
            if (d.Assessment is not null)
                return true;
        }
        return false;
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

    private static long? Fen(decimal? cny) => cny is { } v ? Money.ToFen(v) : null;

    // ---- SQLite: one prepared INSERT per table, its parameters set in place for every row (no row arrays). ----

    private static DbCommand Prepared(DbConnection conn, DbTransaction tx, string table, string[] columns)
    {
        var cmd = Sql.Command(conn, tx, $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)))})", new object?[columns.Length]);
        cmd.Prepare();
        return cmd;
    }

    private static void InsertHeaders(DbConnection conn, DbTransaction tx, IReadOnlyList<Declaration> batch, string now, bool assessed)
    {
        using var cmd = Prepared(conn, tx, "declaration", assessed ? AssessedHeaderColumns : HeaderColumns);
        var p = cmd.Parameters;
        p[18].Value = 1;
        p[19].Value = now;
        foreach (var d in batch)
        {
            p[0].Value = d.EnterpriseId;
            p[1].Value = DeclarationIdOf(d);
            p[2].Value = d.Source;
            p[3].Value = d.ExternalId;
            p[4].Value = FlowName(d.Flow);
            p[5].Value = Lifecycle.StateName(d.State);
            p[6].Value = d.DeclarationDate;
            p[7].Value = d.ReleaseDate is { } released ? released : DBNull.Value;
            p[8].Value = d.Port;
            p[9].Value = d.TradeMode;
            p[10].Value = (object?)d.TransportMode ?? DBNull.Value;
            p[11].Value = (object?)d.PartnerCountry ?? DBNull.Value;
            p[12].Value = d.Currency;
            p[13].Value = d.Freight;
            p[14].Value = d.Insurance;
            p[15].Value = d.InZone;
            p[16].Value = d.Ecommerce;
            p[17].Value = d.Items.Count;
            if (assessed)
            {
                var a = d.Assessment;
                p[20].Value = (object?)a?.Lane ?? DBNull.Value;
                p[21].Value = a is null ? DBNull.Value : a.RiskPercentile;
                p[22].Value = (object?)a?.RiskModel ?? DBNull.Value;
                p[23].Value = a is null ? DBNull.Value : Money.ToFen(a.DutyCny);
                p[24].Value = a is null ? DBNull.Value : Money.ToFen(a.ConsumptionTaxCny);
                p[25].Value = a is null ? DBNull.Value : Money.ToFen(a.VatCny);
                p[26].Value = a is null ? DBNull.Value : Money.ToFen(a.TaxTotalCny);
            }
            cmd.ExecuteNonQuery();
        }
    }

    private static void InsertItems(DbConnection conn, DbTransaction tx, IReadOnlyList<Declaration> batch, bool assessed)
    {
        using var cmd = Prepared(conn, tx, "declaration_item", assessed ? AssessedItemColumns : ItemColumns);
        var p = cmd.Parameters;
        foreach (var d in batch)
        {
            // What every item repeats from its header, set once per declaration.
            p[0].Value = d.EnterpriseId;
            p[1].Value = DeclarationIdOf(d);
            p[13].Value = FlowName(d.Flow);
            p[14].Value = d.ReleaseDate is { } released ? released : DBNull.Value;
            p[15].Value = d.ReleaseDate is { } r ? YearMonth.Of(r).Key : DBNull.Value;
            p[16].Value = d.Port;
            p[17].Value = d.TradeMode;
            p[18].Value = d.InZone;
            p[19].Value = d.Ecommerce;
            foreach (var i in d.Items)
            {
                p[2].Value = i.ItemNo;
                p[3].Value = i.HsCode;
                p[4].Value = (object?)i.Description ?? DBNull.Value;
                p[5].Value = i.PartnerCountry;
                p[6].Value = i.Quantity is { } q ? q : DBNull.Value;
                p[7].Value = (object?)i.QuantityUnit ?? DBNull.Value;
                p[8].Value = Mass.ToGrams(i.NetMassKg);
                p[9].Value = i.ValueOriginal;
                p[10].Value = Money.ToFen(i.StatisticalValueCny);
                p[11].Value = (object?)i.Preference ?? DBNull.Value;
                p[12].Value = (object?)i.CertificateOfOrigin ?? DBNull.Value;
                if (assessed)
                {
                    var a = i.Assessment;
                    p[20].Value = a is null ? DBNull.Value : Money.ToFen(a.CustomsValueCny);
                    p[21].Value = a is null ? DBNull.Value : Money.ToFen(a.DutyCny);
                    p[22].Value = a is null ? DBNull.Value : Money.ToFen(a.ConsumptionTaxCny);
                    p[23].Value = a is null ? DBNull.Value : Money.ToFen(a.VatCny);
                    p[24].Value = Fen(a?.MfnDutyCny) is { } mfn ? mfn : DBNull.Value;
                    p[25].Value = (object?)a?.DutyRateKind ?? DBNull.Value;
                    p[26].Value = (object?)a?.DutyAgreement ?? DBNull.Value;
                    p[27].Value = a is null ? DBNull.Value : d.Flow == Flow.Import ? i.PartnerCountry : "CN";
                }
                cmd.ExecuteNonQuery();
            }
        }
    }

    // ---- PostgreSQL: binary COPY with typed writes (no boxing, no row arrays). ----

    private static NpgsqlBinaryImporter BeginCopy(NpgsqlConnection conn, string table, string[] columns) =>
        conn.BeginBinaryImport($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)");

    private static void CopyHeaders(NpgsqlConnection conn, IReadOnlyList<Declaration> batch, string now, bool assessed)
    {
        using var w = BeginCopy(conn, "declaration", assessed ? AssessedHeaderColumns : HeaderColumns);
        foreach (var d in batch)
        {
            w.StartRow();
            w.Write(d.EnterpriseId, NpgsqlDbType.Varchar);
            w.Write(DeclarationIdOf(d), NpgsqlDbType.Varchar);
            w.Write(d.Source, NpgsqlDbType.Varchar);
            w.Write(d.ExternalId, NpgsqlDbType.Varchar);
            w.Write(FlowName(d.Flow), NpgsqlDbType.Varchar);
            w.Write(Lifecycle.StateName(d.State), NpgsqlDbType.Varchar);
            w.Write(d.DeclarationDate, NpgsqlDbType.Date);
            Date(w, d.ReleaseDate);
            w.Write(d.Port, NpgsqlDbType.Varchar);
            w.Write(d.TradeMode, NpgsqlDbType.Varchar);
            Text(w, d.TransportMode);
            Text(w, d.PartnerCountry);
            w.Write(d.Currency, NpgsqlDbType.Varchar);
            w.Write(d.Freight, NpgsqlDbType.Numeric);
            w.Write(d.Insurance, NpgsqlDbType.Numeric);
            w.Write(d.InZone, NpgsqlDbType.Boolean);
            w.Write(d.Ecommerce, NpgsqlDbType.Boolean);
            w.Write(d.Items.Count, NpgsqlDbType.Integer);
            w.Write(1, NpgsqlDbType.Integer);
            w.Write(now, NpgsqlDbType.Varchar);
            if (assessed)
            {
                var a = d.Assessment;
                Text(w, a?.Lane);
                if (a is null)
                    w.WriteNull();
                else
                    w.Write(a.RiskPercentile, NpgsqlDbType.Numeric);
                Text(w, a?.RiskModel);
                Long(w, Fen(a?.DutyCny));
                Long(w, Fen(a?.ConsumptionTaxCny));
                Long(w, Fen(a?.VatCny));
                Long(w, Fen(a?.TaxTotalCny));
            }
        }
        w.Complete();
    }

    private static void CopyItems(NpgsqlConnection conn, IReadOnlyList<Declaration> batch, bool assessed)
    {
        using var w = BeginCopy(conn, "declaration_item", assessed ? AssessedItemColumns : ItemColumns);
        foreach (var d in batch)
        {
            var id = DeclarationIdOf(d);
            var flow = FlowName(d.Flow);
            int? month = d.ReleaseDate is { } r ? YearMonth.Of(r).Key : null;
            foreach (var i in d.Items)
            {
                w.StartRow();
                w.Write(d.EnterpriseId, NpgsqlDbType.Varchar);
                w.Write(id, NpgsqlDbType.Varchar);
                w.Write(i.ItemNo, NpgsqlDbType.Integer);
                w.Write(i.HsCode, NpgsqlDbType.Varchar);
                Text(w, i.Description);
                w.Write(i.PartnerCountry, NpgsqlDbType.Varchar);
                if (i.Quantity is { } q)
                    w.Write(q, NpgsqlDbType.Numeric);
                else
                    w.WriteNull();
                Text(w, i.QuantityUnit);
                w.Write(Mass.ToGrams(i.NetMassKg), NpgsqlDbType.Bigint);
                w.Write(i.ValueOriginal, NpgsqlDbType.Numeric);
                w.Write(Money.ToFen(i.StatisticalValueCny), NpgsqlDbType.Bigint);
                Text(w, i.Preference);
                Text(w, i.CertificateOfOrigin);
                w.Write(flow, NpgsqlDbType.Varchar);
                Date(w, d.ReleaseDate);
                if (month is { } m)
                    w.Write(m, NpgsqlDbType.Integer);
                else
                    w.WriteNull();
                w.Write(d.Port, NpgsqlDbType.Varchar);
                w.Write(d.TradeMode, NpgsqlDbType.Varchar);
                w.Write(d.InZone, NpgsqlDbType.Boolean);
                w.Write(d.Ecommerce, NpgsqlDbType.Boolean);
                if (assessed)
                {
                    var a = i.Assessment;
                    Long(w, Fen(a?.CustomsValueCny));
                    Long(w, Fen(a?.DutyCny));
                    Long(w, Fen(a?.ConsumptionTaxCny));
                    Long(w, Fen(a?.VatCny));
                    Long(w, Fen(a?.MfnDutyCny));
                    Text(w, a?.DutyRateKind);
                    Text(w, a?.DutyAgreement);
                    Text(w, a is null ? null : d.Flow == Flow.Import ? i.PartnerCountry : "CN");
                }
            }
        }
        w.Complete();
    }

    private static void Text(NpgsqlBinaryImporter w, string? value)
    {
        if (value is null)
            w.WriteNull();
        else
            w.Write(value, NpgsqlDbType.Varchar);
    }

    private static void Long(NpgsqlBinaryImporter w, long? value)
    {
        if (value is { } v)
            w.Write(v, NpgsqlDbType.Bigint);
        else
            w.WriteNull();
    }

    private static void Date(NpgsqlBinaryImporter w, DateOnly? value)
    {
        if (value is { } v)
            w.Write(v, NpgsqlDbType.Date);
        else
            w.WriteNull();
    }
}
