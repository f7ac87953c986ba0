using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Storage.Statistics;

namespace Silkgate.Storage.Declarations;

/// <summary>
/// Writes whole declarations (header and items) in batches, in a transaction (its own, <see cref="WriteBatch"/>, or
/// the caller's, <see cref="Write"/>), so that a declaration is either stored complete or not at all. SQLite uses one
/// statement per table on its C API, bound by position; PostgreSQL uses binary COPY. Declarations whose (source,
/// external id) is already stored are skipped: importing again adds nothing. Items of declarations with a release
/// date are released items: they enter the statistics cube in the same transaction.
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
        var cube = new Dictionary<CubeCell, CubeMeasures>();
        var written = Write(conn, tx, batch, cube);
        CubeMaintainer.Apply(conn, tx, cube);
        tx.Commit();
        return written;
    }

    /// <summary>
    /// Stores the new declarations of the batch in the caller's transaction and adds their released items to
    /// <paramref name="cube"/>, which the caller applies (<see cref="CubeMaintainer.Apply"/>) before it commits:
    /// once per batch (<see cref="WriteBatch"/>), or once for many batches in one transaction (a PostgreSQL import,
    /// where a cell that several batches touch is then written once). Returns how many declarations were new.
    /// </summary>
    public int Write(DbConnection conn, DbTransaction tx, IReadOnlyList<Declaration> batch, Dictionary<CubeCell, CubeMeasures> cube)
    {
        var fresh = WriteFresh(conn, tx, batch);
        foreach (var d in fresh)
            CubeMaintainer.Add(cube, d);
        return fresh.Count;
    }

    /// <summary>
    /// Stores the new declarations of the batch (header and item rows) in the caller's transaction and returns them;
    /// their released items are still to be added to the cube (<see cref="CubeMaintainer.Add"/>) before the commit.
    /// </summary>
    public IReadOnlyList<Declaration> WriteFresh(DbConnection conn, DbTransaction tx, IReadOnlyList<Declaration> batch)
    {
        if (batch.Count == 0)
            return [];
        var fresh = Fresh(conn, tx, batch);
        if (fresh.Count > 0)
        {
            WriteHeaders(conn, tx, fresh, Now());
            WriteItems(conn, tx, fresh);
        }
        return fresh;
    }

    /// <summary>The tables a declaration is stored in.</summary>
    public static readonly string[] Tables = ["declaration", "declaration_item"];

    /// <summary>
    /// PostgreSQL, at the start of an import into a store without declarations (a first load): the two tables are
    /// locked exclusively, their indexes dropped (<see cref="PostgresIndexes"/>), and the link check of items to
    /// their declaration (M0011's statement trigger) switched off; the returned statements build the indexes again
    /// and switch the check back on, before the commit. At a million items the two tables' indexes took 11 s of
    /// the server's 18 s, inserted row by row, and 3.3 s built from the rows (docs/performance.md). The link check
    /// is not run over the loaded rows: nobody else can write the locked tables, and this writer copies a batch's
    /// items only after its headers. A store that has declarations is not locked at all (readers and writers go
    /// on during an import, as before), nor is one where this role may not drop the indexes (not their owner).
    /// Readers of the empty tables wait for the end of the load instead of reading nothing.
    /// </summary>
    public static IReadOnlyList<string> DropIndexesOfEmptyTables(NpgsqlConnection conn, DbTransaction tx) =>
        // A first look without a lock: a store with declarations is never locked for it.
        PostgresIndexes.AllEmpty(conn, tx, Tables)
            ? PostgresIndexes.DropIfEmpty(conn, tx, Tables, "ACCESS EXCLUSIVE",
                ("ALTER TABLE declaration_item DISABLE TRIGGER item_declaration_exists_insert", "ALTER TABLE declaration_item ENABLE TRIGGER item_declaration_exists_insert"))
            : [];

    // The pieces of WriteBatch, in its order (public so that the benchmark's profile times the writer's own statements).

    /// <summary>The declarations of the batch not stored yet (the whole batch when its sources were empty when the writer started).</summary>
    public IReadOnlyList<Declaration> Fresh(DbConnection conn, DbTransaction tx, IReadOnlyList<Declaration> batch)
    {
        if (AllFromEmptySources(batch))
        {
            _written += batch.Count;
            return batch;
        }
        if (conn is NpgsqlConnection && _written >= _analyzeAt)
        {
            // One transaction for many batches (a PostgreSQL import): the planner's statistics are those of before
            // it, whose rows only this transaction sees. Believing the table small, the look-up of stored ids
            // (source = … AND external_id IN …) reads the index on source alone and filters every row of the source,
            // longer each batch (1 ms to 130 ms a look-up over a million items). ANALYZE in the transaction counts its
            // own rows; run each time the writer has doubled what it wrote.
            Sql.Exec(conn, tx, "ANALYZE declaration");
            _analyzeAt = 2 * _written;
        }
        var fresh = WithoutStored(conn, tx, batch);
        _written += fresh.Count;
        return fresh;
    }

    private long _written;
    private long _analyzeAt = 10_000;

    public string Now() => clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The header rows: one INSERT bound by position on SQLite's C API (<see cref="SqliteInsert"/>), typed binary COPY on PostgreSQL.</summary>
    public static void WriteHeaders(DbConnection conn, DbTransaction tx, IReadOnlyList<Declaration> batch, string now)
    {
        var assessed = Assessed(batch);
        if (conn is NpgsqlConnection pg)
            CopyHeaders(pg, batch, now, assessed);
        else
            InsertHeaders((SqliteConnection)conn, batch, now, assessed);
    }

    /// <summary>The item rows: one INSERT bound by position on SQLite's C API (<see cref="SqliteInsert"/>), typed binary COPY on PostgreSQL.</summary>
    public static void WriteItems(DbConnection conn, DbTransaction tx, IReadOnlyList<Declaration> batch)
    {
        var assessed = Assessed(batch);
        if (conn is NpgsqlConnection pg)
            CopyItems(pg, batch, assessed);
        else
            InsertItems((SqliteConnection)conn, batch, assessed);
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

    // ---- SQLite: one statement per table prepared on SQLite's C API, bound by position; values that repeat stay bound. ----

    private static void InsertHeaders(SqliteConnection conn, IReadOnlyList<Declaration> batch, string now, bool assessed)
    {
        using var s = new SqliteInsert(conn, SqliteInsert.Sql("declaration", assessed ? AssessedHeaderColumns : HeaderColumns));
        s.Int(19, 1);
        s.Text(20, now);
        foreach (var d in batch)
        {
            s.Text(1, d.EnterpriseId);
            s.Text(2, DeclarationIdOf(d));
            s.Text(3, d.Source);
            s.Text(4, d.ExternalId);
            s.Text(5, FlowName(d.Flow));
            s.Text(6, Lifecycle.StateName(d.State));
            s.Date(7, d.DeclarationDate);
            s.Date(8, d.ReleaseDate);
            s.Text(9, d.Port);
            s.Text(10, d.TradeMode);
            s.Text(11, d.TransportMode);
            s.Text(12, d.PartnerCountry);
            s.Text(13, d.Currency);
            s.Decimal(14, d.Freight);
            s.Decimal(15, d.Insurance);
            s.Bool(16, d.InZone);
            s.Bool(17, d.Ecommerce);
            s.Int(18, d.Items.Count);
            if (assessed)
            {
                var a = d.Assessment;
                s.Text(21, a?.Lane);
                s.Decimal(22, a?.RiskPercentile);
                s.Text(23, a?.RiskModel);
                s.Int(24, Fen(a?.DutyCny));
                s.Int(25, Fen(a?.ConsumptionTaxCny));
                s.Int(26, Fen(a?.VatCny));
                s.Int(27, Fen(a?.TaxTotalCny));
            }
            s.Step();
        }
    }

    private static void InsertItems(SqliteConnection conn, IReadOnlyList<Declaration> batch, bool assessed)
    {
        using var s = new SqliteInsert(conn, SqliteInsert.Sql("declaration_item", assessed ? AssessedItemColumns : ItemColumns));
        foreach (var d in batch)
        {
            // What every item repeats from its header, bound once per declaration.
            s.Text(1, d.EnterpriseId);
            s.Text(2, DeclarationIdOf(d));
            s.Text(14, FlowName(d.Flow));
            s.Date(15, d.ReleaseDate);
            s.Int(16, d.ReleaseDate is { } r ? YearMonth.Of(r).Key : null);
            s.Text(17, d.Port);
            s.Text(18, d.TradeMode);
            s.Bool(19, d.InZone);
            s.Bool(20, d.Ecommerce);
            foreach (var i in d.Items)
            {
                s.Int(3, i.ItemNo);
                s.Text(4, i.HsCode);
                s.Text(5, i.Description);
                s.Text(6, i.PartnerCountry);
                s.Decimal(7, i.Quantity);
                s.Text(8, i.QuantityUnit);
                s.Int(9, Mass.ToGrams(i.NetMassKg));
                s.Decimal(10, i.ValueOriginal);
                s.Int(11, Money.ToFen(i.StatisticalValueCny));
                s.Text(12, i.Preference);
                s.Text(13, i.CertificateOfOrigin);
                if (assessed)
                {
                    var a = i.Assessment;
                    s.Int(21, Fen(a?.CustomsValueCny));
                    s.Int(22, Fen(a?.DutyCny));
                    s.Int(23, Fen(a?.ConsumptionTaxCny));
                    s.Int(24, Fen(a?.VatCny));
                    s.Int(25, Fen(a?.MfnDutyCny));
                    s.Text(26, a?.DutyRateKind);
                    s.Text(27, a?.DutyAgreement);
                    s.Text(28, a is null ? null : d.Flow == Flow.Import ? i.PartnerCountry : "CN");
                }
                s.Step();
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
