namespace Silkgate.Declarations;

public enum Flow
{
    Import,
    Export,
}

/// <summary>Where a declaration stands (DESIGN.md §2 and §4). Only released declarations enter statistics.</summary>
public enum DeclarationState
{
    Draft,
    Lodged,
    RiskAssessed,
    UnderControl,
    Assessed,
    Paid,
    Guaranteed,
    Released,
    PostClearanceAudit,
    Rejected,
    Cancelled,
}

/// <summary>
/// A customs declaration: a header and its items. <see cref="EnterpriseId"/> is the declarant enterprise, the
/// tenant key carried by every stored row. Values are in <see cref="Currency"/>; freight and insurance are
/// header amounts (to the port of entry for imports), allocated to items in proportion to value.
/// </summary>
public sealed record Declaration
{
    public required string EnterpriseId { get; init; }

    /// <summary>Where the declaration came from (e.g. "kcs-synthetic", "silkgate") and its number there: the idempotency key.</summary>
    public required string Source { get; init; }

    public required string ExternalId { get; init; }

    public required Flow Flow { get; init; }

    public required DeclarationState State { get; init; }

    public required DateOnly DeclarationDate { get; init; }

    /// <summary>The statistics date (DESIGN.md §9). Null until released.</summary>
    public DateOnly? ReleaseDate { get; init; }

    public required string Port { get; init; }

    public required string TradeMode { get; init; }

    public string? TransportMode { get; init; }

    /// <summary>Country of consignment / destination on the header; statistics use each item's origin (imports) or destination (exports).</summary>
    public string? PartnerCountry { get; init; }

    public required string Currency { get; init; }

    public decimal Freight { get; init; }

    public decimal Insurance { get; init; }

    public bool InZone { get; init; }

    public bool Ecommerce { get; init; }

    public required IReadOnlyList<DeclarationItem> Items { get; init; }

    /// <summary>What clearance decided (risk lane and taxes), when the declaration went through it; null for external data.</summary>
    public DeclarationAssessment? Assessment { get; init; }
}

/// <summary>The risk lane and the tax totals (collected, CNY) of a cleared declaration.</summary>
public sealed record DeclarationAssessment(string Lane, decimal RiskPercentile, string RiskModel, decimal DutyCny, decimal ConsumptionTaxCny, decimal VatCny)
{
    public decimal TaxTotalCny => DutyCny + ConsumptionTaxCny + VatCny;
}

/// <summary>One item's taxes as assessed (CNY): customs value, duty, CT, VAT, the duty at the MFN rate and the rate applied.</summary>
public sealed record ItemAssessment(decimal CustomsValueCny, decimal DutyCny, decimal ConsumptionTaxCny, decimal VatCny, decimal? MfnDutyCny, string? DutyRateKind, string? DutyAgreement);

/// <summary>
/// One item of a declaration. <see cref="PartnerCountry"/> is the statistical partner: the origin for imports, the
/// final destination for exports. <see cref="StatisticalValueCny"/> is CIF (imports) or FOB (exports) in CNY,
/// rounded to the fen.
/// </summary>
public sealed record DeclarationItem
{
    public required int ItemNo { get; init; }

    public required string HsCode { get; init; }

    public string? Description { get; init; }

    public required string PartnerCountry { get; init; }

    public decimal? Quantity { get; init; }

    public string? QuantityUnit { get; init; }

    public required decimal NetMassKg { get; init; }

    public required decimal ValueOriginal { get; init; }

    public required decimal StatisticalValueCny { get; init; }

    public string? Preference { get; init; }

    public string? CertificateOfOrigin { get; init; }

    public ItemAssessment? Assessment { get; init; }
}
