using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Reference;
using Silkgate.Risk;
using Silkgate.Storage.Reference;
using Silkgate.Tariff;

namespace Silkgate.Storage.Declarations;

/// <summary>
/// The clearance pipeline (DESIGN.md §2, §4): lodge → validate → tariff → risk lane → control → assessed → paid →
/// released, with amendments, cancellation, inspection results and post-clearance audit. Each call is one
/// transaction: the state change, its version and its audit entries commit together or not at all. Lodging is
/// idempotent by (enterprise, idempotency key); updates are optimistic (a stale version is a conflict).
/// </summary>
public sealed partial class DeclarationService
{
    public const string Source = "silkgate";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly Database _db;
    private readonly TimeProvider _clock;
    private readonly ReferenceData _reference;
    private readonly LodgingData _data;
    private readonly DeclarationValidator _validator;
    private readonly LaneSelector _lanes;

    /// <param name="scorer">The risk model behind the lanes; the baseline when null.</param>
    /// <param name="inspectionShare">Share of declarations sent to control (red or yellow) by model percentile,
    /// overriding the stored lane settings' red and yellow shares (their proportion kept); null keeps them.</param>
    public DeclarationService(Database db, TimeProvider clock, IRiskScorer? scorer = null, decimal? inspectionShare = null)
    {
        _db = db;
        _clock = clock;
        var store = new ReferenceStore(db);
        store.EnsureLoaded();
        _reference = store.Load();
        _data = store.LoadLodgingData();
        _validator = new DeclarationValidator(_reference, _data.TradeModePorts, _data.ValueBounds);
        LaneSettings = inspectionShare is { } share ? _data.LaneSettings.WithInspectionShare(share) : _data.LaneSettings;
        _lanes = new LaneSelector(scorer ?? new BaselineScorer(), _data.RiskRules, LaneSettings);
    }

    /// <summary>The lane shares in force: the stored settings, with the inspection share given to the constructor.</summary>
    public LaneSettings LaneSettings { get; }

    public ReferenceData Reference => _reference;

    private string Now => _clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A request hash: a retry with the same key must carry the same declaration.</summary>
    public static string RequestHash(DeclarationDraft draft) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(draft, Json))));

    // ---------------------------------------------------------------- lodging

    /// <summary>Everything computed before anything is written: findings, taxes, lane, and the rows to insert.</summary>
    private sealed record Prepared(string Id, DeclarationDraft Draft, IReadOnlyList<Finding> Findings, DeclarationTaxResult Taxes, LaneDecision Lane, DeclarationState State);

    private Prepared Prepare(DbConnection conn, DeclarationDraft draft, string id, Dictionary<string, DeclarantHistory>? historyCache = null)
    {
        var findings = _validator.EnsureValid(draft);
        var taxes = new TaxCalculator(_data.Schedule, _data.Policy.On(draft.Body.Date), _reference).Calculate(draft.Body);
        DeclarantHistory history;
        if (historyCache is null || !historyCache.TryGetValue(draft.Declarant, out history!))
        {
            history = HistoryOf(conn, null, draft.Declarant);
            historyCache?.TryAdd(draft.Declarant, history);
        }
        var lane = _lanes.Select(new RiskInput(draft, taxes.Items.Select(i => i.Taxes.CustomsValueCny).ToList(), history, _data.ValueBounds,
            taxes.Items.Select(i => i.Taxes.CustomsValueCny > 0 ? Math.Round(i.Taxes.Duty.Amount * 100m / i.Taxes.CustomsValueCny, 2) : 0m).ToList()), id);
        var state = lane.Lane is Lane.Red or Lane.Yellow ? DeclarationState.UnderControl : DeclarationState.Assessed;
        return new Prepared(id, draft, findings, taxes, lane, state);
    }

    public DeclarantHistory HistoryOf(DbConnection conn, DbTransaction? tx, string enterprise)
    {
        var declarations = Sql.Scalar<long>(conn, tx, "SELECT count(*) FROM declaration WHERE enterprise_id = @p0", enterprise);
        var row = Sql.Query(conn, tx,
            "SELECT count(*), coalesce(sum(CASE WHEN result = 'discrepancy' THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN result = 'seizure' THEN 1 ELSE 0 END), 0) FROM inspection WHERE enterprise_id = @p0",
            r => (Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture), Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture)), enterprise).Single();
        return new DeclarantHistory((int)declarations, row.Item1, row.Item2, row.Item3);
    }

    public string NewId() =>
        "SG" + _clock.GetUtcNow().ToString("yyyyMMdd", CultureInfo.InvariantCulture) + Convert.ToHexString(RandomNumberGenerator.GetBytes(7));

    /// <summary>
    /// Lodges one declaration. With an idempotency key, a retry (same enterprise and key, same content) returns the
    /// first result and creates nothing; the same key with other content is refused.
    /// </summary>
    public LodgeOutcome Lodge(DeclarationDraft draft, string? idempotencyKey, Actor actor)
    {
        actor.EnsureMaySee(draft.Declarant);
        Lifecycle.Next(DeclarationState.Draft, DeclarationAction.Lodge, actor);
        var hash = RequestHash(draft);
        using var conn = _db.OpenConnection();
        if (idempotencyKey is not null && Existing(conn, draft.Declarant, idempotencyKey, hash) is { } first)
            return new LodgeOutcome(first, false, null, null);
        var prepared = Prepare(conn, draft, NewId());
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var tx = conn.BeginTransaction();
                Persist(conn, tx, [(prepared, idempotencyKey, hash)], actor);
                tx.Commit();
                return new LodgeOutcome(Load(conn, null, prepared.Id)!, true, prepared.Taxes, prepared.Lane);
            }
            catch (DbException e) when (idempotencyKey is not null && IsUniqueViolation(e) && attempt < 3)
            {
                // Another request with the same key committed first: answer with its declaration.
                if (Existing(conn, draft.Declarant, idempotencyKey, hash) is { } winner)
                    return new LodgeOutcome(winner, false, null, null);
            }
            catch (DbException e) when (IsBusy(e) && attempt < 5)
            {
                Thread.Sleep(20 * (attempt + 1));
            }
        }
    }

    /// <summary>
    /// Group commit: lodges many declarations, <paramref name="batchSize"/> per transaction. A declaration is
    /// acknowledged (the callback) only after the transaction holding it committed; refused ones are reported with
    /// their reason and never stored. Keys already stored (a rerun after a crash) return their first result.
    /// </summary>
    public (int Created, int Existing, int Refused) LodgeMany(IEnumerable<(DeclarationDraft Draft, string Key)> requests, int batchSize, Actor actor,
        Action<string, LodgeOutcome> acknowledged, Action<string, SilkgateException> refused)
    {
        using var conn = _db.OpenConnection();
        var history = new Dictionary<string, DeclarantHistory>(StringComparer.Ordinal);
        int created = 0, existing = 0, refusedCount = 0;
        var batch = new List<(Prepared P, string Key, string Hash)>();
        var keysInBatch = new HashSet<(string, string)>();

        void Commit()
        {
            if (batch.Count == 0)
                return;
            using (var tx = conn.BeginTransaction())
            {
                Persist(conn, tx, batch.Select(b => (b.P, (string?)b.Key, b.Hash)).ToList(), actor);
                tx.Commit();
            }
            foreach (var b in batch)
            {
                created++;
                acknowledged(b.Key, new LodgeOutcome(Summary(b.P), true, b.P.Taxes, b.P.Lane));
            }
            batch.Clear();
            keysInBatch.Clear();
            history.Clear();
        }

        foreach (var (draft, key) in requests)
        {
            try
            {
                actor.EnsureMaySee(draft.Declarant);
                var hash = RequestHash(draft);
                if (keysInBatch.Contains((draft.Declarant, key)))
                    Commit();
                if (Existing(conn, draft.Declarant, key, hash) is { } first)
                {
                    existing++;
                    acknowledged(key, new LodgeOutcome(first, false, null, null));
                    continue;
                }
                batch.Add((Prepare(conn, draft, NewId(), history), key, hash));
                keysInBatch.Add((draft.Declarant, key));
            }
            catch (SilkgateException e)
            {
                refusedCount++;
                refused(key, e);
            }
            if (batch.Count >= batchSize)
                Commit();
        }
        Commit();
        return (created, existing, refusedCount);
    }

    private StoredDeclaration? Existing(DbConnection conn, string enterprise, string key, string hash)
    {
        var found = Sql.Query(conn, null, "SELECT declaration_id, request_hash FROM idempotency_key WHERE enterprise_id = @p0 AND idempotency_key = @p1",
            r => (Id: r.GetString(0), Hash: r.GetString(1)), enterprise, key).FirstOrDefault();
        if (found.Id is null)
            return null;
        if (found.Hash != hash)
            throw new SilkgateException("SG-DEC-103", $"Idempotency key '{key}' was already used by {enterprise} for another declaration ({found.Id}) with different content.");
        return Load(conn, null, found.Id);
    }

    private void Persist(DbConnection conn, DbTransaction tx, IReadOnlyList<(Prepared P, string? Key, string Hash)> batch, Actor actor)
    {
        var now = Now;
        Sql.InsertMany(conn, tx, "declaration", HeaderColumns, batch.Select(b => HeaderRow(b.P, now)));
        Sql.InsertMany(conn, tx, "declaration_item", ItemColumns, batch.SelectMany(b => ItemRows(b.P)));
        Sql.InsertMany(conn, tx, "declaration_version", ["enterprise_id", "declaration_id", "version", "created_at", "actor", "document"],
            batch.Select(b => new object?[] { b.P.Draft.Declarant, b.P.Id, 1, now, ActorName(actor), JsonSerializer.Serialize(b.P.Draft, Json) }));
        Sql.InsertMany(conn, tx, "idempotency_key", ["enterprise_id", "idempotency_key", "declaration_id", "request_hash", "created_at"],
            batch.Where(b => b.Key is not null).Select(b => new object?[] { b.P.Draft.Declarant, b.Key, b.P.Id, b.Hash, now }));
        foreach (var byEnterprise in batch.GroupBy(b => b.P.Draft.Declarant))
            AuditLog.Append(conn, tx, byEnterprise.Key, byEnterprise.SelectMany(b => LodgingTrail(b.P, actor, now)));
    }

    private static IEnumerable<(string, string, string, string, string?, string, string?)> LodgingTrail(Prepared p, Actor actor, string now)
    {
        yield return (p.Id, now, ActorName(actor), "lodge", Lifecycle.StateName(DeclarationState.Draft), Lifecycle.StateName(DeclarationState.Lodged),
            $"version 1; {p.Draft.Body.Items.Count} item(s)" + (p.Findings.Count > 0 ? "; warnings: " + string.Join("; ", p.Findings) : ""));
        yield return (p.Id, now, "system", "assess_risk", Lifecycle.StateName(DeclarationState.Lodged), Lifecycle.StateName(DeclarationState.RiskAssessed),
            $"lane {p.Lane.Lane.ToString().ToLowerInvariant()}: " + string.Join("; ", p.Lane.Reasons));
        yield return p.State == DeclarationState.UnderControl
            ? (p.Id, now, "system", "control", Lifecycle.StateName(DeclarationState.RiskAssessed), Lifecycle.StateName(DeclarationState.UnderControl),
                p.Lane.Lane == Lane.Red ? "physical inspection" : "documentary check")
            : (p.Id, now, "system", "assess_taxes", Lifecycle.StateName(DeclarationState.RiskAssessed), Lifecycle.StateName(DeclarationState.Assessed), TaxSummary(p.Taxes));
    }

    private static string TaxSummary(DeclarationTaxResult t) =>
        $"duty {TaxExplanation.Fen(t.Duty.Collected)}, consumption tax {TaxExplanation.Fen(t.ConsumptionTax.Collected)}, VAT {TaxExplanation.Fen(t.Vat.Collected)}, total {TaxExplanation.Fen(t.TaxTotal)} CNY";

    public static string ActorName(Actor actor) => $"{actor.Role.ToString().ToLowerInvariant()}:{actor.Name}";

    private static readonly string[] HeaderColumns =
    [
        "enterprise_id", "declaration_id", "source", "external_id", "flow", "state", "declaration_date", "release_date", "port", "trade_mode",
        "transport_mode", "partner_country", "currency", "freight", "insurance", "in_zone", "ecommerce", "item_count", "version", "created_at",
        "lane", "risk_percentile", "risk_model", "risk_reasons", "warnings", "duty_fen", "consumption_tax_fen", "vat_fen", "tax_total_fen", "updated_at",
    ];

    private object?[] HeaderRow(Prepared p, string now)
    {
        var d = p.Draft.Body;
        var mode = _reference.TradeMode(d.TradeMode)!;
        return
        [
            p.Draft.Declarant, p.Id, Source, p.Id, DeclarationWriter.FlowName(d.Flow), Lifecycle.StateName(p.State), d.Date, null, d.Port, d.TradeMode,
            p.Draft.TransportMode, p.Draft.PartnerCountry, d.Currency, d.Freight, d.Insurance, mode.InZone, mode.Ecommerce, d.Items.Count, 1, now,
            p.Lane.Lane.ToString().ToLowerInvariant(), p.Lane.Percentile, p.Lane.Model, string.Join("\n", p.Lane.Reasons),
            p.Findings.Count == 0 ? null : string.Join("\n", p.Findings), Money.ToFen(p.Taxes.Duty.Collected), Money.ToFen(p.Taxes.ConsumptionTax.Collected),
            Money.ToFen(p.Taxes.Vat.Collected), Money.ToFen(p.Taxes.TaxTotal), now,
        ];
    }

    private static readonly string[] ItemColumns =
    [
        "enterprise_id", "declaration_id", "item_no", "hs_code", "description", "partner_country", "quantity", "quantity_unit", "net_mass_g",
        "value_original", "statistical_value_fen", "preference", "certificate_of_origin", "flow", "release_date", "release_month", "port",
        "trade_mode", "in_zone", "ecommerce", "customs_value_fen", "duty_fen", "consumption_tax_fen", "vat_fen", "mfn_duty_fen", "duty_rate_kind",
        "duty_agreement", "origin_country",
    ];

    private IEnumerable<object?[]> ItemRows(Prepared p)
    {
        var d = p.Draft.Body;
        var mode = _reference.TradeMode(d.TradeMode)!;
        foreach (var i in p.Taxes.Items)
        {
            var t = i.Taxes;
            yield return
            [
                p.Draft.Declarant, p.Id, i.ItemNo, i.Item.HsCode, i.Item.Description, p.Draft.StatisticalPartner(i.Item), i.Item.Quantity, i.Item.Unit,
                Mass.ToGrams(i.Item.NetMassKg ?? 0m), i.Item.Value, Money.ToFen(t.CustomsValueCny), i.Item.Preference, i.Item.CertificateOfOrigin,
                DeclarationWriter.FlowName(d.Flow), null, null, d.Port, d.TradeMode, mode.InZone, mode.Ecommerce, Money.ToFen(t.CustomsValueCny),
                Money.ToFen(t.Duty.Amount), Money.ToFen(t.ConsumptionTax.Amount), Money.ToFen(t.Vat.Amount),
                t.MfnDuty.Line is null ? null : Money.ToFen(t.MfnDuty.Amount), t.Duty.Line is null ? null : TariffLine.KindName(t.Duty.Line.Kind),
                t.Duty.Line?.Agreement, i.Item.Origin,
            ];
        }
    }

    private StoredDeclaration Summary(Prepared p) => new(
        p.Id, p.Draft.Declarant, p.State, 1, p.Lane.Lane, p.Lane.Percentile, p.Lane.Reasons, p.Findings.Select(f => f.ToString()).ToList(),
        p.Taxes.Duty.Collected, p.Taxes.ConsumptionTax.Collected, p.Taxes.Vat.Collected, p.Taxes.TaxTotal, null, p.Draft,
        p.Taxes.Items.Select(i => new StoredItem(i.ItemNo, i.Item.HsCode, p.Draft.StatisticalPartner(i.Item), i.Taxes.CustomsValueCny, i.Taxes.Duty.Amount,
            i.Taxes.ConsumptionTax.Amount, i.Taxes.Vat.Amount, i.Taxes.Duty.Line is null ? null : TariffLine.KindName(i.Taxes.Duty.Line.Kind), i.Taxes.Duty.Line?.Agreement)).ToList());

    private static bool IsUniqueViolation(DbException e) =>
        e is PostgresException { SqlState: "23505" } || e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 };

    private static bool IsBusy(DbException e) =>
        e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 } || e is PostgresException { SqlState: "40001" or "40P01" };
}
