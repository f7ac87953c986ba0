using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Reference;
using Silkgate.Risk;
using Silkgate.Tariff;

namespace Silkgate.Scenario;

/// <summary>
/// Runs each generated declaration through the clearance rules before it is stored as released: validation
/// (DESIGN.md §2), the tariff engine (duty, consumption tax and import VAT with FTA preferences) and the risk lanes
/// — the same domain services lodging uses — and keeps the totals. A declaration the rules refuse is not stored.
/// </summary>
public sealed class ScenarioClearance(
    ReferenceData reference,
    DeclarationValidator validator,
    TariffSchedule schedule,
    TariffPolicySet policy,
    LaneSelector lanes,
    IReadOnlyList<ValueBounds> valueBounds)
{
    private readonly Dictionary<Lane, long> _lanes = [];
    private readonly Dictionary<string, long> _refused = new(StringComparer.Ordinal);
    private readonly List<DeclarationTaxResult> _preferential = [];

    public long Cleared { get; private set; }

    public decimal DutyCny { get; private set; }

    public decimal ConsumptionTaxCny { get; private set; }

    public decimal VatCny { get; private set; }

    public IReadOnlyDictionary<Lane, long> Lanes => _lanes;

    /// <summary>Refused declarations by error code (none is expected: a refusal is a generator bug).</summary>
    public IReadOnlyDictionary<string, long> Refused => _refused;

    /// <summary>Duty saved through preferences claimed on the cleared imports (the tariff engine's PreferenceAnalysis).</summary>
    public decimal PreferenceSavingCny => PreferenceAnalysis.Analyse(_preferential).Savings.Sum(s => s.Saving);

    /// <summary>The lodging form of a generated declaration: the tariff engine's declaration plus declarant, partner and transport.</summary>
    public static DeclarationDraft DraftOf(Declaration d) => new(
        d.EnterpriseId,
        d.PartnerCountry,
        d.TransportMode,
        new TaxableDeclaration(d.Flow, d.DeclarationDate, d.Port, d.TradeMode, d.Currency, d.Freight, d.Insurance,
            d.Items.Select(i => new TaxableItem(i.HsCode, d.Flow == Flow.Import ? i.PartnerCountry : "CN", i.ValueOriginal, i.Quantity, i.QuantityUnit,
                i.NetMassKg, i.Preference, i.CertificateOfOrigin, i.Description)).ToList()));

    /// <summary>
    /// Validates, taxes and lanes the declaration; returns it with its assessment (lane, taxes per item), or null
    /// (counted under its code) when the rules refuse it.
    /// </summary>
    public Declaration? Clear(Declaration d)
    {
        var draft = DraftOf(d);
        var errors = validator.Validate(draft).Where(f => f.Severity == Severity.Error).ToList();
        if (errors.Count > 0)
        {
            _refused[errors[0].Code] = _refused.GetValueOrDefault(errors[0].Code) + 1;
            return null;
        }
        DeclarationTaxResult taxes;
        try
        {
            taxes = new TaxCalculator(schedule, policy.On(d.DeclarationDate), reference).Calculate(draft.Body);
        }
        catch (SilkgateException e)
        {
            _refused[e.Code] = _refused.GetValueOrDefault(e.Code) + 1;
            return null;
        }
        DutyCny += taxes.Duty.Collected;
        ConsumptionTaxCny += taxes.ConsumptionTax.Collected;
        VatCny += taxes.Vat.Collected;
        if (d.Items.Any(i => i.Preference is not null))
            _preferential.Add(taxes);
        var id = ScenarioGenerator.Source + ":" + d.ExternalId;
        var decision = lanes.Select(new RiskInput(draft, taxes.Items.Select(i => i.Taxes.CustomsValueCny).ToList(), DeclarantHistory.None, valueBounds), id);
        _lanes[decision.Lane] = _lanes.GetValueOrDefault(decision.Lane) + 1;
        Cleared++;
        var items = d.Items.Select((item, n) =>
        {
            var t = taxes.Items[n].Taxes;
            return item with
            {
                Assessment = new ItemAssessment(t.CustomsValueCny, t.Duty.Amount, t.ConsumptionTax.Amount, t.Vat.Amount,
                    t.MfnDuty.Line is null ? null : t.MfnDuty.Amount, t.Duty.Line is null ? null : TariffLine.KindName(t.Duty.Line.Kind), t.Duty.Line?.Agreement),
            };
        }).ToList();
        return d with
        {
            Items = items,
            Assessment = new DeclarationAssessment(decision.Lane.ToString().ToLowerInvariant(), decision.Percentile, decision.Model,
                taxes.Duty.Collected, taxes.ConsumptionTax.Collected, taxes.Vat.Collected),
        };
    }
}
