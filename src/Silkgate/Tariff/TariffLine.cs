using System.Collections.Frozen;

namespace Silkgate.Tariff;

public enum TaxMeasure
{
    Duty,
    ConsumptionTax,
    Vat,
}

/// <summary>Duty rate kinds (DESIGN.md §3); consumption tax and VAT rows are <see cref="Standard"/>.</summary>
public enum RateKind
{
    Mfn,
    Provisional,
    Conventional,
    Special,
    General,
    Standard,
}

/// <summary>
/// One row of a tariff schedule (the interchange CSV of docs/tariff.md). Rates are data with validity dates;
/// <see cref="IsExportDuty"/> marks an export-duty row (measure duty, rate kind mfn, note "export"), which applies to
/// exports only, while every other row applies to imports only.
/// </summary>
public sealed record TariffLine
{
    public required int LineNo { get; init; }

    public required string HsCode { get; init; }

    public required TaxMeasure Measure { get; init; }

    public required RateKind Kind { get; init; }

    public string? Agreement { get; init; }

    /// <summary>Eligible origins; empty means every origin.</summary>
    public FrozenSet<string> Origins { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Percent (15 means 15 %), or null for a purely specific rate.</summary>
    public decimal? AdValoremPct { get; init; }

    /// <summary>CNY per <see cref="SpecificUnit"/>, or null for a purely ad valorem rate.</summary>
    public decimal? SpecificAmount { get; init; }

    public string? SpecificUnit { get; init; }

    public required DateOnly ValidFrom { get; init; }

    public DateOnly? ValidTo { get; init; }

    public bool CertificateRequired { get; init; }

    public string? Note { get; init; }

    public bool IsExportDuty => Measure == TaxMeasure.Duty && Kind == RateKind.Mfn && string.Equals(Note, "export", StringComparison.OrdinalIgnoreCase);

    public bool ValidOn(DateOnly date) => date >= ValidFrom && (ValidTo is null || date <= ValidTo);

    public bool AppliesToOrigin(string origin) => Origins.Count == 0 || Origins.Contains(origin);

    public string RateText =>
        (AdValoremPct, SpecificAmount) switch
        {
            ({ } p, { } s) => $"{p:0.####}% + {s:0.####} CNY/{SpecificUnit}",
            ({ } p, null) => $"{p:0.####}%",
            (null, { } s) => $"{s:0.####} CNY/{SpecificUnit}",
            _ => "none",
        };

    public static string KindName(RateKind kind) => kind.ToString().ToLowerInvariant();

    public static string MeasureName(TaxMeasure measure) => measure switch
    {
        TaxMeasure.Duty => "duty",
        TaxMeasure.ConsumptionTax => "consumption_tax",
        _ => "vat",
    };
}
