using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Reference;

namespace Silkgate.Tariff;

/// <summary>
/// Duty, consumption tax and import VAT (DESIGN.md §3, §7). Per item: customs value = CIF in CNY at the month's
/// customs rate; duty at the lowest applicable rate, compared by the amount each gives (MFN and provisional for
/// origins with MFN treatment; conventional and special for listed origins, with a certificate where required;
/// general for listed origins, which then lose MFN treatment); CT = (CV + duty + specific) / (1 − r) × r + specific;
/// VAT = (CV + duty + CT) × rate. Each tax per item is rounded to the fen, half up, and summed per declaration; a
/// total below the de minimis is not collected. CBEC retail imports: duty 0, CT and VAT at the policy share of the
/// amount computed without duty, no de minimis.
/// </summary>
public sealed class TaxCalculator(TariffSchedule schedule, TariffPolicy policy, ReferenceData reference)
{
    public TariffSchedule Schedule => schedule;

    public DeclarationTaxResult Calculate(TaxableDeclaration d)
    {
        Validate(d);
        var month = YearMonth.Of(d.Date);
        var rate = reference.Rates.TryGetRate(month, d.Currency, out var r)
            ? r
            : throw new SilkgateException("SG-RATE-001", $"No customs exchange rate for {d.Currency} in {month} (the month of the declaration date {d.Date:yyyy-MM-dd}).");
        var values = StatisticalValue.InCny(d.Flow, d.Items.Select(i => i.Value).ToList(), d.Freight, d.Insurance, rate);

        var regime = d.Flow == Flow.Export
            ? TaxRegime.Export
            : reference.TradeMode(d.TradeMode) is { InZone: true, Ecommerce: false }
                ? TaxRegime.Bonded
            : policy.CbecRetailTradeModes.Contains(d.TradeMode)
                ? d.Items.Count == 1 && values[0] > policy.CbecTransactionLimitCny ? TaxRegime.CbecOverLimit : TaxRegime.CbecRetail
                : TaxRegime.General;
        if (regime == TaxRegime.CbecRetail && values.Sum() > policy.CbecTransactionLimitCny)
            throw new SilkgateException("SG-TAR-018", $"A CBEC retail import of several items is limited to {policy.CbecTransactionLimitCny:0.##} CNY per transaction; this one is {values.Sum():0.00} CNY.");

        var items = new List<ItemTaxResult>(d.Items.Count);
        for (var i = 0; i < d.Items.Count; i++)
        {
            var item = d.Items[i];
            var compiled = schedule.Compile(item.HsCode);
            var taxes = CalculateItem(compiled, d.Flow, regime == TaxRegime.CbecRetail, d.Date, item, values[i]);
            items.Add(new ItemTaxResult(i + 1, item, taxes));
        }
        var deMinimis = regime != TaxRegime.CbecRetail;
        var bonded = regime == TaxRegime.Bonded;
        return new DeclarationTaxResult(d, regime, month, rate, items,
            Total(items.Sum(x => x.Taxes.Duty.Amount), deMinimis, bonded),
            Total(items.Sum(x => x.Taxes.ConsumptionTax.Amount), deMinimis, bonded),
            Total(items.Sum(x => x.Taxes.Vat.Amount), deMinimis, bonded),
            policy.DeMinimisCny, policy.CbecShare);
    }

    private TaxTotal Total(decimal assessed, bool deMinimis, bool bonded) =>
        bonded ? new TaxTotal(assessed, 0m, TaxDecision.Suspended)
        : deMinimis && assessed < policy.DeMinimisCny && assessed > 0
            ? new TaxTotal(assessed, 0m, TaxDecision.BelowDeMinimis)
            : new TaxTotal(assessed, assessed, TaxDecision.Collected);

    /// <summary>The per-item calculation: the hot path, free of allocation once the code is compiled.</summary>
    public ItemTaxes CalculateItem(CompiledCode compiled, Flow flow, bool cbecRetail, DateOnly date, TaxableItem item, decimal customsValue)
    {
        if (flow == Flow.Export)
        {
            var exportDuty = TaxAmount.None;
            foreach (var g in compiled.ExportDuty)
            {
                if (g.Find(date, item.Origin) is { } line)
                    exportDuty = Amount(line, customsValue, item);
            }
            return new ItemTaxes(customsValue, exportDuty, TaxAmount.None, TaxAmount.None, exportDuty, TaxAmount.None, ItemWarnings.None);
        }

        var (duty, mfn, unclaimed, warnings) = cbecRetail ? (TaxAmount.None, TaxAmount.None, TaxAmount.None, ItemWarnings.None) : ChooseDuty(compiled, date, item, customsValue);
        if (!cbecRetail && duty.Line is null)
            throw new SilkgateException("SG-TAR-014", $"The schedule has no MFN or general duty for {item.HsCode} (origin {item.Origin}) on {date:yyyy-MM-dd}.");

        var vatLine = compiled.Vat?.Find(date, item.Origin)
            ?? throw new SilkgateException("SG-TAR-015", $"The schedule has no VAT rate for {item.HsCode} on {date:yyyy-MM-dd}.");
        var ctLine = compiled.ConsumptionTax?.Find(date, item.Origin);

        var ct = ctLine is null ? TaxAmount.None : ConsumptionTax(ctLine, customsValue + duty.Amount, item);
        TaxAmount vat;
        if (cbecRetail)
        {
            // The CBEC comprehensive rate: (CT rate + VAT rate) / (1 − CT rate) × share, on the value without duty.
            var vatBase = customsValue + ct.Unrounded;
            var fullVat = vatBase * (vatLine.AdValoremPct ?? 0m) / 100m;
            vat = new TaxAmount(vatLine, vatBase, 0m, fullVat * policy.CbecShare, Money.RoundToFen(fullVat * policy.CbecShare));
            ct = ct.Line is null ? ct : ct with { Unrounded = ct.Unrounded * policy.CbecShare, Amount = Money.RoundToFen(ct.Unrounded * policy.CbecShare) };
        }
        else
        {
            var vatBase = customsValue + duty.Amount + ct.Amount;
            var unrounded = vatBase * (vatLine.AdValoremPct ?? 0m) / 100m;
            vat = new TaxAmount(vatLine, vatBase, 0m, unrounded, Money.RoundToFen(unrounded));
        }
        return new ItemTaxes(customsValue, duty, ct, vat, mfn, unclaimed, warnings);
    }

    private (TaxAmount Duty, TaxAmount Mfn, TaxAmount Unclaimed, ItemWarnings Warnings) ChooseDuty(CompiledCode compiled, DateOnly date, TaxableItem item, decimal customsValue)
    {
        var warnings = ItemWarnings.None;
        var hasGeneral = false;
        foreach (var g in compiled.Duty)
        {
            if (g.Kind == RateKind.General && g.Find(date, item.Origin) is not null)
                hasGeneral = true;
        }

        TaxAmount best = TaxAmount.None, mfn = TaxAmount.None, unclaimed = TaxAmount.None;
        var claimFound = false;
        foreach (var g in compiled.Duty)
        {
            if (hasGeneral && g.Kind is RateKind.Mfn or RateKind.Provisional)
                continue;
            var line = g.Find(date, item.Origin);
            var preferential = g.Kind is RateKind.Conventional or RateKind.Special;
            if (preferential && item.Preference is not null && string.Equals(g.Agreement, item.Preference, StringComparison.OrdinalIgnoreCase))
            {
                claimFound = true;
                if (line is null && g.FindAnyOrigin(date) is not null)
                    warnings |= ItemWarnings.PreferenceOriginIneligible;
            }
            if (line is null)
                continue;
            var amount = Amount(line, customsValue, item);
            if (preferential && line.CertificateRequired && string.IsNullOrWhiteSpace(item.CertificateOfOrigin))
            {
                if (string.Equals(g.Agreement, item.Preference, StringComparison.OrdinalIgnoreCase))
                    warnings |= ItemWarnings.CertificateMissing;
                if (unclaimed.Line is null || amount.Amount < unclaimed.Amount)
                    unclaimed = amount;
                continue;
            }
            if (g.Kind is RateKind.Mfn or RateKind.General && (mfn.Line is null || g.Kind == RateKind.General))
                mfn = amount;
            if (best.Line is null || amount.Amount < best.Amount)
                best = amount;
        }
        if (item.Preference is not null && !claimFound)
            warnings |= ItemWarnings.PreferenceNotInSchedule;
        // An unclaimed preference matters only when it would have paid less than what was paid.
        if (unclaimed.Line is not null && unclaimed.Amount >= best.Amount)
            unclaimed = TaxAmount.None;
        return (best, mfn, unclaimed, warnings);
    }

    private static TaxAmount Amount(TariffLine line, decimal baseCny, TaxableItem item)
    {
        var quantity = line.SpecificAmount is null ? 0m : SpecificQuantity(line, item);
        var unrounded = (baseCny * (line.AdValoremPct ?? 0m) / 100m) + (quantity * (line.SpecificAmount ?? 0m));
        return new TaxAmount(line, baseCny, quantity, unrounded, Money.RoundToFen(unrounded));
    }

    private static TaxAmount ConsumptionTax(TariffLine line, decimal valuePlusDuty, TaxableItem item)
    {
        var quantity = line.SpecificAmount is null ? 0m : SpecificQuantity(line, item);
        var specific = quantity * (line.SpecificAmount ?? 0m);
        var r = (line.AdValoremPct ?? 0m) / 100m;
        var taxBase = (valuePlusDuty + specific) / (1m - r);
        var unrounded = (taxBase * r) + specific;
        return new TaxAmount(line, taxBase, quantity, unrounded, Money.RoundToFen(unrounded));
    }

    /// <summary>A specific rate per unit takes the item's quantity in that unit; per kg it may take the net mass.</summary>
    private static decimal SpecificQuantity(TariffLine line, TaxableItem item)
    {
        decimal? q = string.Equals(item.Unit, line.SpecificUnit, StringComparison.OrdinalIgnoreCase) ? item.Quantity
            : line.SpecificUnit == "kg" ? item.NetMassKg
            : null;
        if (q is null)
            throw new SilkgateException("SG-TAR-013", $"Schedule line {line.LineNo} ({line.HsCode}) charges {line.SpecificAmount} CNY per {line.SpecificUnit}: item {item.HsCode} needs a quantity in {line.SpecificUnit}" + (line.SpecificUnit == "kg" ? " or a net mass" : "") + ".");
        if (q <= 0)
            throw new SilkgateException("SG-TAR-013", $"Schedule line {line.LineNo} ({line.HsCode}) charges per {line.SpecificUnit}: item {item.HsCode} has quantity {q}, which must be positive.");
        return q.Value;
    }

    private void Validate(TaxableDeclaration d)
    {
        if (d.Items.Count == 0)
            throw new SilkgateException("SG-TAR-016", "The declaration has no items.");
        if (d.Freight < 0 || d.Insurance < 0)
            throw new SilkgateException("SG-TAR-016", "Freight and insurance cannot be negative.");
        if (d.Currency != "CNY" && reference.Currency(d.Currency) is null)
            throw new SilkgateException("SG-TAR-016", $"Currency '{d.Currency}' is not a current ISO 4217 code.");
        foreach (var item in d.Items)
        {
            var check = reference.Hs.Validate(item.HsCode, d.Date);
            if (check is HsValidation.Malformed or HsValidation.Unknown)
                throw new SilkgateException("SG-TAR-010", $"HS code '{item.HsCode}' is {(check == HsValidation.Malformed ? "not 6 to 10 digits" : "not in HS 2022")}; nearest valid codes: {string.Join(", ", Nearest(item.HsCode))}.");
            if (reference.Country(item.Origin) is null)
                throw new SilkgateException("SG-TAR-011", $"Origin '{item.Origin}' is not an ISO 3166 alpha-2 code.");
            if (item.Value < 0)
                throw new SilkgateException("SG-TAR-016", $"Item {item.HsCode}: value {item.Value} is negative.");
            if (item.Quantity < 0 || item.NetMassKg < 0)
                throw new SilkgateException("SG-TAR-013", $"Item {item.HsCode}: quantity and net mass cannot be negative.");
        }
    }

    /// <summary>Valid subheadings under the longest prefix of the code that exists (heading, then chapter).</summary>
    private IEnumerable<string> Nearest(string code)
    {
        var digits = new string(code.Where(char.IsAsciiDigit).ToArray());
        foreach (var len in new[] { 6, 4, 2 })
        {
            if (digits.Length < len)
                continue;
            var near = reference.Hs.ByPrefix(digits[..len]).Where(e => e.Level == 6).Take(5).Select(e => e.Code).ToList();
            if (near.Count > 0)
                return near;
        }
        return ["(none: check the chapter)"];
    }
}
