using System.Globalization;

namespace Silkgate.Tariff;

/// <summary>
/// How one tax amount on one item came about: the schedule row (line number and code), rate kind, agreement, rate,
/// base, quantity, the amount before and after rounding, and the decisions and warnings that applied.
/// </summary>
public sealed record TaxTrace(
    string Measure,
    int? ScheduleLine,
    string? ScheduleHsCode,
    string? RateKind,
    string? Agreement,
    string Rate,
    decimal BaseCny,
    decimal? Quantity,
    string? Unit,
    decimal Unrounded,
    decimal Amount,
    IReadOnlyList<string> Notes);

/// <summary>Turns computed amounts into traces and readable notes (allocation is fine here: it is off the hot path).</summary>
public static class TaxExplanation
{
    public static TaxTrace Trace(TaxMeasure measure, TaxAmount amount, DeclarationTaxResult result, ItemTaxes item)
    {
        var notes = new List<string>();
        var line = amount.Line;
        switch (measure)
        {
            case TaxMeasure.Duty when result.Regime == TaxRegime.CbecRetail:
                notes.Add("CBEC retail import: duty 0");
                break;
            case TaxMeasure.Duty when result.Regime == TaxRegime.Export:
                notes.Add(line is null ? "export: no export duty in the schedule for this code" : "export duty row");
                break;
            case TaxMeasure.Duty:
                if (line is not null)
                    notes.Add($"lowest applicable duty ({TariffLine.KindName(line.Kind)}{(line.Agreement is null ? "" : " " + line.Agreement)}), compared by amount");
                if (item.MfnDuty.Line is not null && item.MfnDuty.Line != line)
                    notes.Add($"MFN would be {Fen(item.MfnDuty.Amount)} (line {item.MfnDuty.Line.LineNo}): saved {Fen(item.MfnDuty.Amount - amount.Amount)}");
                if (item.UnclaimedDuty.Line is { } u)
                    notes.Add($"{u.Agreement ?? TariffLine.KindName(u.Kind)} rate (line {u.LineNo}) would give {Fen(item.UnclaimedDuty.Amount)} with a certificate of origin");
                if (item.Warnings.HasFlag(ItemWarnings.PreferenceOriginIneligible))
                    notes.Add("warning: the preference claimed does not cover this origin; computed at the rate that applies");
                if (item.Warnings.HasFlag(ItemWarnings.CertificateMissing))
                    notes.Add("warning: the preference claimed needs a certificate of origin, none given; computed at the rate that applies");
                if (item.Warnings.HasFlag(ItemWarnings.PreferenceNotInSchedule))
                    notes.Add("warning: the schedule has no rate for the preference claimed on this code and date; computed at the rate that applies");
                break;
            case TaxMeasure.ConsumptionTax when line is null:
                notes.Add("no consumption tax on this code");
                break;
            case TaxMeasure.ConsumptionTax:
                notes.Add("CT = (customs value + duty + specific) / (1 - rate) x rate + specific");
                break;
            case TaxMeasure.Vat:
                notes.Add(result.Regime == TaxRegime.CbecRetail ? "VAT = (customs value + full CT) x rate" : "VAT = (customs value + duty + CT) x rate");
                break;
        }
        if (result.Regime == TaxRegime.CbecRetail && measure != TaxMeasure.Duty && line is not null)
            notes.Add($"CBEC retail import: collected at {result.CbecShare:P0} of the full amount, no de minimis");
        if (result.Regime == TaxRegime.CbecOverLimit)
            notes.Add("CBEC single item above the transaction limit: taxed in full");
        if (line is not null)
            notes.Add($"rounded to the fen, half up: {amount.Unrounded.ToString("0.######", CultureInfo.InvariantCulture)} -> {Fen(amount.Amount)}");
        return new TaxTrace(
            TariffLine.MeasureName(measure), line?.LineNo, line?.HsCode, line is null ? null : TariffLine.KindName(line.Kind), line?.Agreement,
            line?.RateText ?? "none", Math.Round(amount.Base, 2, MidpointRounding.AwayFromZero),
            line?.SpecificAmount is null ? null : amount.Quantity, line?.SpecificUnit,
            amount.Unrounded, amount.Amount, notes);
    }

    public static string DecisionText(TaxTotal total, decimal deMinimis) => total.Decision switch
    {
        TaxDecision.BelowDeMinimis => $"below the de minimis of {deMinimis:0.00} CNY: not collected",
        TaxDecision.Suspended => "suspended: the goods enter the bonded zone (first line); taxed when they leave it for the domestic market",
        _ => "collected",
    };

    public static string Fen(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
