using System.Text.Json;
using Silkgate.Tariff;

namespace Silkgate.Cli.Commands;

/// <summary>The JSON shape of `tariff calc --format json` (docs/tariff.md).</summary>
public static class TaxJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNameCaseInsensitive = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // Output is for people and scripts, not for embedding in HTML: keep "->" and "é" readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string RegimeName(TaxRegime regime) => regime switch
    {
        TaxRegime.CbecRetail => "cbec_retail",
        TaxRegime.CbecOverLimit => "cbec_over_limit",
        TaxRegime.Export => "export",
        TaxRegime.Bonded => "bonded",
        _ => "general",
    };

    public static object Of(DeclarationTaxResult r) => new
    {
        flow = r.Declaration.Flow.ToString().ToLowerInvariant(),
        date = r.Declaration.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        port = r.Declaration.Port,
        trade_mode = r.Declaration.TradeMode,
        regime = RegimeName(r.Regime),
        exchange_rate = new { currency = r.Declaration.Currency, month = r.RateMonth.ToString(), cny_per_unit = r.CnyPerUnit },
        items = r.Items.Select(i => new
        {
            item_no = i.ItemNo,
            hs_code = i.Item.HsCode,
            origin = i.Item.Origin,
            customs_value_cny = i.Taxes.CustomsValueCny,
            duty = Tax(TaxMeasure.Duty, i.Taxes.Duty, r, i.Taxes),
            consumption_tax = Tax(TaxMeasure.ConsumptionTax, i.Taxes.ConsumptionTax, r, i.Taxes),
            vat = Tax(TaxMeasure.Vat, i.Taxes.Vat, r, i.Taxes),
            mfn_duty = i.Taxes.MfnDuty.Line is null ? (decimal?)null : i.Taxes.MfnDuty.Amount,
            warnings = Warnings(i.Taxes.Warnings),
        }),
        duty_total = r.Duty.Collected,
        consumption_tax_total = r.ConsumptionTax.Collected,
        vat_total = r.Vat.Collected,
        tax_total = r.TaxTotal,
        totals = new
        {
            duty = Total(r.Duty, r),
            consumption_tax = Total(r.ConsumptionTax, r),
            vat = Total(r.Vat, r),
        },
    };

    private static object Tax(TaxMeasure measure, TaxAmount amount, DeclarationTaxResult r, ItemTaxes item) =>
        new { amount = amount.Amount, trace = TaxExplanation.Trace(measure, amount, r, item) };

    private static object Total(TaxTotal t, DeclarationTaxResult r) =>
        new { assessed = t.Assessed, collected = t.Collected, decision = t.Decision switch { TaxDecision.BelowDeMinimis => "below_de_minimis", TaxDecision.Suspended => "suspended", _ => "collected" }, note = TaxExplanation.DecisionText(t, r.DeMinimisCny) };

    private static string[] Warnings(ItemWarnings w) =>
        Enum.GetValues<ItemWarnings>().Where(f => f != ItemWarnings.None && w.HasFlag(f)).Select(f => JsonNamingPolicy.SnakeCaseLower.ConvertName(f.ToString())).ToArray();
}
