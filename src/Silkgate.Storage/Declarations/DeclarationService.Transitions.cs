using System.Data.Common;
using System.Text.Json;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Risk;
using Silkgate.Storage.Statistics;
using Silkgate.Tariff;

namespace Silkgate.Storage.Declarations;

/// <summary>Reading declarations, and every state change after lodging.</summary>
public sealed partial class DeclarationService
{
    /// <summary>Kashgar keeps Beijing time: release dates are dates in UTC+8.</summary>
    private DateOnly Today => DateOnly.FromDateTime(_clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    public StoredDeclaration Show(string id, Actor actor)
    {
        using var conn = _db.OpenConnection();
        var d = Load(conn, null, id) ?? throw NotFound(id);
        actor.EnsureMaySee(d.EnterpriseId);
        return d;
    }

    public IReadOnlyList<AuditEntry> Trail(string id, Actor actor)
    {
        Show(id, actor);
        using var conn = _db.OpenConnection();
        return AuditLog.Read(conn, id).ToList();
    }

    public IReadOnlyList<(int Version, string CreatedAt, string Actor)> Versions(string id, Actor actor)
    {
        var d = Show(id, actor);
        using var conn = _db.OpenConnection();
        return Sql.Query(conn, null, "SELECT version, created_at, actor FROM declaration_version WHERE enterprise_id = @p0 AND declaration_id = @p1 ORDER BY version",
            r => (r.GetInt32(0), r.GetString(1), r.GetString(2)), d.EnterpriseId, id).ToList();
    }

    public DeclarationDraft VersionDocument(string id, int version, Actor actor)
    {
        var d = Show(id, actor);
        using var conn = _db.OpenConnection();
        var doc = Sql.Scalar<string>(conn, null, "SELECT document FROM declaration_version WHERE enterprise_id = @p0 AND declaration_id = @p1 AND version = @p2", d.EnterpriseId, id, version)
            ?? throw new SilkgateException("SG-DEC-100", $"Declaration {id} has no version {version}.");
        return JsonSerializer.Deserialize<DeclarationDraft>(doc, Json)!;
    }

    public IReadOnlyList<StoredDeclaration> List(DeclarationFilter filter, Actor actor)
    {
        var where = new List<string> { "source = @p0" };
        var args = new List<object?> { Source };
        void Add(string clause, object value)
        {
            args.Add(value);
            where.Add(clause.Replace("@p", "@p" + (args.Count - 1), StringComparison.Ordinal));
        }
        if (actor.Role == Role.Declarant)
            Add("enterprise_id = @p", actor.EnterpriseId!);
        if (filter.Declarant is { } e)
            Add("enterprise_id = @p", e);
        if (filter.State is { } s)
            Add("state = @p", Lifecycle.StateName(Lifecycle.ParseState(s)));
        if (filter.Port is { } port)
            Add("port = @p", port);
        if (filter.From is { } from)
            Add("declaration_date >= @p", from);
        if (filter.To is { } to)
            Add("declaration_date <= @p", to);
        using var conn = _db.OpenConnection();
        var ids = Sql.Query(conn, null, $"SELECT declaration_id FROM declaration WHERE {string.Join(" AND ", where)} ORDER BY created_at DESC, declaration_id LIMIT {Math.Clamp(filter.Limit, 1, 10_000)}",
            r => r.GetString(0), args.ToArray()).ToList();
        return ids.Select(id => Load(conn, null, id)!).ToList();
    }

    public StoredDeclaration? Load(DbConnection conn, DbTransaction? tx, string id)
    {
        var header = Sql.Query(conn, tx,
            "SELECT enterprise_id, state, version, lane, risk_percentile, risk_reasons, warnings, duty_fen, consumption_tax_fen, vat_fen, tax_total_fen, release_date FROM declaration WHERE declaration_id = @p0",
            r => (Enterprise: r.GetString(0), State: Lifecycle.ParseState(r.GetString(1)), Version: r.GetInt32(2), Lane: r.NullableString(3), Percentile: r.NullableDecimal(4),
                Reasons: r.NullableString(5), Warnings: r.NullableString(6), Duty: r.IsDBNull(7) ? (long?)null : r.GetInt64(7), Ct: r.IsDBNull(8) ? (long?)null : r.GetInt64(8),
                Vat: r.IsDBNull(9) ? (long?)null : r.GetInt64(9), Total: r.IsDBNull(10) ? (long?)null : r.GetInt64(10), Release: r.NullableDate(11)), id).FirstOrDefault();
        if (header.Enterprise is null)
            return null;
        var doc = Sql.Scalar<string>(conn, tx, "SELECT document FROM declaration_version WHERE enterprise_id = @p0 AND declaration_id = @p1 ORDER BY version DESC LIMIT 1", header.Enterprise, id);
        var items = Sql.Query(conn, tx,
            "SELECT item_no, hs_code, partner_country, statistical_value_fen, duty_fen, consumption_tax_fen, vat_fen, duty_rate_kind, duty_agreement FROM declaration_item WHERE enterprise_id = @p0 AND declaration_id = @p1 ORDER BY item_no",
            r => new StoredItem(r.GetInt32(0), r.GetString(1), r.GetString(2), Money.FromFen(r.GetInt64(3)), Fen(r, 4), Fen(r, 5), Fen(r, 6), r.NullableString(7), r.NullableString(8)),
            header.Enterprise, id).ToList();
        static decimal? Fen(DbDataReader r, int i) => r.IsDBNull(i) ? null : Money.FromFen(r.GetInt64(i));
        static decimal? FromFen(long? f) => f is { } v ? Money.FromFen(v) : null;
        return new StoredDeclaration(id, header.Enterprise, header.State, header.Version,
            header.Lane is null ? null : Enum.Parse<Lane>(header.Lane, ignoreCase: true), header.Percentile,
            Lines(header.Reasons), Lines(header.Warnings), FromFen(header.Duty), FromFen(header.Ct), FromFen(header.Vat), FromFen(header.Total), header.Release,
            doc is null ? new DeclarationDraft(header.Enterprise, null, null, new TaxableDeclaration(Flow.Import, default, "", "", "CNY", 0, 0, [])) : JsonSerializer.Deserialize<DeclarationDraft>(doc, Json)!,
            items);
    }

    private static string[] Lines(string? text) => text is null ? [] : text.Split('\n');

    private static SilkgateException NotFound(string id) => new("SG-DEC-100", $"No declaration {id}.");

    /// <summary>
    /// One state change in one transaction: load, check who may do it and that the version is the one the caller
    /// saw, apply the change, bump the version (only if nobody else did meanwhile), append the audit entry.
    /// </summary>
    private StoredDeclaration Transition(string id, Actor actor, int? expectedVersion, DeclarationAction action, string? details,
        Func<DbConnection, DbTransaction, StoredDeclaration, DeclarationState, string?>? apply = null)
    {
        using var conn = _db.OpenConnection();
        using var tx = conn.BeginTransaction();
        var current = Load(conn, tx, id) ?? throw NotFound(id);
        actor.EnsureMaySee(current.EnterpriseId);
        if (expectedVersion is { } v && v != current.Version)
            throw Conflict(id, v, current.Version);
        var to = Lifecycle.Next(current.State, action, actor);
        var more = apply?.Invoke(conn, tx, current, to);
        var now = Now;
        var n = Sql.Exec(conn, tx, "UPDATE declaration SET state = @p0, version = version + 1, updated_at = @p1 WHERE enterprise_id = @p2 AND declaration_id = @p3 AND version = @p4",
            Lifecycle.StateName(to), now, current.EnterpriseId, id, current.Version);
        if (n == 0)
            throw Conflict(id, current.Version, -1);
        AuditLog.Append(conn, tx, current.EnterpriseId,
            [(id, now, ActorName(actor), Snake(action), Lifecycle.StateName(current.State), Lifecycle.StateName(to), JoinDetails(details, more))]);
        tx.Commit();
        return Load(conn, null, id)!;
    }

    private static string? JoinDetails(string? a, string? b) => (a, b) switch
    {
        (null, null) => null,
        (null, _) => b,
        (_, null) => a,
        _ => a + "; " + b,
    };

    private static SilkgateException Conflict(string id, int expected, int actual) =>
        new("SG-DEC-104", $"Declaration {id} changed meanwhile (you had version {expected}{(actual >= 0 ? $", it is now version {actual}" : "")}): read it again and retry.");

    private static string Snake(DeclarationAction a) => JsonNamingPolicy.SnakeCaseLower.ConvertName(a.ToString());

    public StoredDeclaration Pay(string id, bool guarantee, Actor actor, int? expectedVersion = null) =>
        Transition(id, actor, expectedVersion, guarantee ? DeclarationAction.Guarantee : DeclarationAction.Pay, null,
            (_, _, d, _) => $"{(guarantee ? "guarantee for" : "paid")} {TaxExplanation.Fen(d.TaxTotalCny ?? 0m)} CNY");

    public StoredDeclaration Release(string id, Actor actor, int? expectedVersion = null) =>
        Transition(id, actor, expectedVersion, DeclarationAction.Release, null, (conn, tx, d, _) =>
        {
            if (d.State == DeclarationState.Assessed && (d.TaxTotalCny ?? 0m) > 0m)
                throw new SilkgateException("SG-DEC-105", $"Declaration {id} owes {TaxExplanation.Fen(d.TaxTotalCny!.Value)} CNY: it must be paid or guaranteed before release.");
            var day = Today;
            Sql.Exec(conn, tx, "UPDATE declaration SET release_date = @p0 WHERE enterprise_id = @p1 AND declaration_id = @p2", day, d.EnterpriseId, id);
            // From now on the items count in the statistics, under the release month.
            Sql.Exec(conn, tx, "UPDATE declaration_item SET release_date = @p0, release_month = @p1 WHERE enterprise_id = @p2 AND declaration_id = @p3",
                day, YearMonth.Of(day).Key, d.EnterpriseId, id);
            CubeMaintainer.ApplyStored(conn, tx, d.EnterpriseId, id, +1);
            return $"released on {day:yyyy-MM-dd}";
        });

    public StoredDeclaration Cancel(string id, string? reason, Actor actor, int? expectedVersion = null) =>
        Transition(id, actor, expectedVersion, DeclarationAction.Cancel, reason is null ? null : "reason: " + reason, (conn, tx, d, _) =>
        {
            if (d.State == DeclarationState.Released)
            {
                if (string.IsNullOrWhiteSpace(reason))
                    throw new SilkgateException("SG-DEC-106", $"Cancelling released declaration {id} needs a reason.");
                CubeMaintainer.ApplyStored(conn, tx, d.EnterpriseId, id, -1);
                Sql.Exec(conn, tx, "UPDATE declaration_item SET release_date = NULL, release_month = NULL WHERE enterprise_id = @p0 AND declaration_id = @p1", d.EnterpriseId, id);
                return "withdrawn from the statistics";
            }
            return null;
        });

    public StoredDeclaration Reject(string id, string reason, Actor actor, int? expectedVersion = null) =>
        Transition(id, actor, expectedVersion, DeclarationAction.Reject, "reason: " + reason);

    public StoredDeclaration StartAudit(string id, string? note, Actor actor, int? expectedVersion = null) =>
        Transition(id, actor, expectedVersion, DeclarationAction.StartAudit, note);

    public StoredDeclaration CloseAudit(string id, string? note, Actor actor, int? expectedVersion = null) =>
        Transition(id, actor, expectedVersion, DeclarationAction.CloseAudit, note);

    /// <summary>
    /// Records an inspection of a declaration under control. No discrepancy: taxes stand. Discrepancy: corrected
    /// item values re-assess the taxes (a new version), plus any extra duty. Seizure: the declaration is rejected.
    /// The result feeds the declarant's history, which risk rules and models read.
    /// </summary>
    public StoredDeclaration Inspect(string id, InspectionResult result, Actor actor, int? expectedVersion = null) =>
        Transition(id, actor, expectedVersion, result.Outcome == InspectionOutcome.Seizure ? DeclarationAction.Seize : DeclarationAction.RecordInspection,
            result.Note, (conn, tx, d, _) =>
            {
                var no = Sql.Scalar<long>(conn, tx, "SELECT count(*) FROM inspection WHERE enterprise_id = @p0 AND declaration_id = @p1", d.EnterpriseId, id) + 1;
                string? more = null;
                var extraFen = Money.ToFen(result.ExtraDutyCny);
                if (result.Outcome == InspectionOutcome.Discrepancy && result.CorrectedValues.Count > 0)
                {
                    var bad = result.CorrectedValues.Keys.Where(k => k < 1 || k > d.Draft.Body.Items.Count).ToList();
                    if (bad.Count > 0)
                        throw new SilkgateException("SG-DEC-107", $"Declaration {id} has no item {string.Join(", ", bad)}.");
                    var corrected = d.Draft with
                    {
                        Body = d.Draft.Body with
                        {
                            Items = d.Draft.Body.Items.Select((item, i) => result.CorrectedValues.TryGetValue(i + 1, out var v) ? item with { Value = v } : item).ToList(),
                        },
                    };
                    var taxes = new TaxCalculator(_data.Schedule, _data.Policy.On(corrected.Body.Date), _reference).Calculate(corrected.Body);
                    var before = d.TaxTotalCny ?? 0m;
                    ReplaceAssessment(conn, tx, d, corrected, taxes, actor);
                    more = $"corrected values re-assessed: tax {TaxExplanation.Fen(before)} -> {TaxExplanation.Fen(taxes.TaxTotal)} CNY";
                    extraFen += Money.ToFen(taxes.TaxTotal - before);
                }
                if (result.ExtraDutyCny > 0)
                {
                    Sql.Exec(conn, tx, "UPDATE declaration SET duty_fen = coalesce(duty_fen, 0) + @p0, tax_total_fen = coalesce(tax_total_fen, 0) + @p0 WHERE enterprise_id = @p1 AND declaration_id = @p2",
                        Money.ToFen(result.ExtraDutyCny), d.EnterpriseId, id);
                    more = JoinDetails(more, $"extra duty {TaxExplanation.Fen(result.ExtraDutyCny)} CNY");
                }
                Sql.InsertMany(conn, tx, "inspection", ["enterprise_id", "declaration_id", "inspection_no", "at", "officer", "lane", "result", "extra_duty_fen", "note"],
                    [[d.EnterpriseId, id, (int)no, Now, ActorName(actor), d.Lane?.ToString().ToLowerInvariant() ?? "", Snake(result.Outcome), extraFen, result.Note]]);
                return JoinDetails(Snake(result.Outcome), more);
            });

    private static string Snake(InspectionOutcome o) => JsonNamingPolicy.SnakeCaseLower.ConvertName(o.ToString());

    /// <summary>Stores a new assessment of the same declaration: items and taxes replaced, a new version document.</summary>
    private void ReplaceAssessment(DbConnection conn, DbTransaction tx, StoredDeclaration d, DeclarationDraft draft, DeclarationTaxResult taxes, Actor actor)
    {
        var prepared = new Prepared(d.DeclarationId, draft, [], taxes, new LaneDecision(d.Lane ?? Lane.Green, d.RiskPercentile ?? 0m, "", d.RiskReasons), d.State);
        // Only declarations not yet released are re-assessed today; should released items ever be replaced, the cube follows.
        CubeMaintainer.ApplyStored(conn, tx, d.EnterpriseId, d.DeclarationId, -1);
        Sql.Exec(conn, tx, "DELETE FROM declaration_item WHERE enterprise_id = @p0 AND declaration_id = @p1", d.EnterpriseId, d.DeclarationId);
        Sql.InsertMany(conn, tx, "declaration_item", ItemColumns, ItemRows(prepared));
        CubeMaintainer.ApplyStored(conn, tx, d.EnterpriseId, d.DeclarationId, +1);
        Sql.Exec(conn, tx, "UPDATE declaration SET duty_fen = @p0, consumption_tax_fen = @p1, vat_fen = @p2, tax_total_fen = @p3, item_count = @p4 WHERE enterprise_id = @p5 AND declaration_id = @p6",
            Money.ToFen(taxes.Duty.Collected), Money.ToFen(taxes.ConsumptionTax.Collected), Money.ToFen(taxes.Vat.Collected), Money.ToFen(taxes.TaxTotal),
            draft.Body.Items.Count, d.EnterpriseId, d.DeclarationId);
        Sql.InsertMany(conn, tx, "declaration_version", ["enterprise_id", "declaration_id", "version", "created_at", "actor", "document"],
            [[d.EnterpriseId, d.DeclarationId, d.Version + 1, Now, ActorName(actor), JsonSerializer.Serialize(draft, Json)]]);
    }

    /// <summary>
    /// An amendment by the declarant before release: a new version of the declaration, validated, taxed and risk
    /// assessed again; the earlier versions stay readable.
    /// </summary>
    public LodgeOutcome Amend(string id, DeclarationDraft draft, Actor actor, int? expectedVersion = null)
    {
        using var conn = _db.OpenConnection();
        var existing = Load(conn, null, id) ?? throw NotFound(id);
        actor.EnsureMaySee(existing.EnterpriseId);
        if (draft.Declarant != existing.EnterpriseId)
            throw new SilkgateException("SG-DEC-108", $"An amendment cannot change the declarant ({existing.EnterpriseId}).");
        Lifecycle.Next(existing.State, DeclarationAction.Amend, actor);
        var p = Prepare(conn, draft, id);
        using var tx = conn.BeginTransaction();
        var current = Load(conn, tx, id)!;
        if ((expectedVersion ?? existing.Version) != current.Version)
            throw Conflict(id, expectedVersion ?? existing.Version, current.Version);
        Lifecycle.Next(current.State, DeclarationAction.Amend, actor);
        ReplaceAssessment(conn, tx, current, draft, p.Taxes, actor);
        var now = Now;
        var d = draft.Body;
        var mode = _reference.TradeMode(d.TradeMode)!;
        var n = Sql.Exec(conn, tx,
            "UPDATE declaration SET state = @p0, version = version + 1, updated_at = @p1, flow = @p2, declaration_date = @p3, port = @p4, trade_mode = @p5, transport_mode = @p6, " +
            "partner_country = @p7, currency = @p8, freight = @p9, insurance = @p10, in_zone = @p11, ecommerce = @p12, lane = @p13, risk_percentile = @p14, risk_model = @p15, risk_reasons = @p16, warnings = @p17 " +
            "WHERE enterprise_id = @p18 AND declaration_id = @p19 AND version = @p20",
            Lifecycle.StateName(p.State), now, DeclarationWriter.FlowName(d.Flow), d.Date, d.Port, d.TradeMode, draft.TransportMode, draft.PartnerCountry, d.Currency, d.Freight, d.Insurance,
            mode.InZone, mode.Ecommerce, p.Lane.Lane.ToString().ToLowerInvariant(), p.Lane.Percentile, p.Lane.Model, string.Join("\n", p.Lane.Reasons),
            p.Findings.Count == 0 ? null : string.Join("\n", p.Findings), current.EnterpriseId, id, current.Version);
        if (n == 0)
            throw Conflict(id, current.Version, -1);
        var trail = LodgingTrail(p, actor, now).Skip(1).Prepend((id, now, ActorName(actor), "amend", Lifecycle.StateName(current.State), Lifecycle.StateName(DeclarationState.Lodged), $"version {current.Version + 1}"));
        AuditLog.Append(conn, tx, current.EnterpriseId, trail);
        tx.Commit();
        return new LodgeOutcome(Load(conn, null, id)!, false, p.Taxes, p.Lane);
    }
}
