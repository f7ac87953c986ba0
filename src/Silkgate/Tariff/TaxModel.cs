using Silkgate.Common;
using Silkgate.Declarations;

namespace Silkgate.Tariff;

/// <summary>One item to tax: value in the declaration currency; quantity in <see cref="Unit"/>.</summary>
public sealed record TaxableItem(
    string HsCode,
    string Origin,
    decimal Value,
    decimal? Quantity = null,
    string? Unit = null,
    decimal? NetMassKg = null,
    string? Preference = null,
    string? CertificateOfOrigin = null,
    string? Description = null);

/// <summary>A declaration as the tariff engine sees it (the `tariff calc` JSON).</summary>
public sealed record TaxableDeclaration(
    Flow Flow,
    DateOnly Date,
    string Port,
    string TradeMode,
    string Currency,
    decimal Freight,
    decimal Insurance,
    IReadOnlyList<TaxableItem> Items);

/// <summary>
/// One tax on one item: the schedule line used (null when none applies), the base in CNY, the quantity a specific
/// rate was applied to, and the amount before and after rounding to the fen (half up).
/// </summary>
public readonly record struct TaxAmount(TariffLine? Line, decimal Base, decimal Quantity, decimal Unrounded, decimal Amount)
{
    public static TaxAmount None => default;
}

[Flags]
public enum ItemWarnings
{
    None = 0,

    /// <summary>A preference was claimed that the schedule does not have for this code and date.</summary>
    PreferenceNotInSchedule = 1,

    /// <summary>A preference was claimed for an origin the agreement does not cover.</summary>
    PreferenceOriginIneligible = 2,

    /// <summary>The origin is eligible, but the agreement needs a certificate of origin and none was given.</summary>
    CertificateMissing = 4,
}

/// <summary>
/// Everything computed for one item, without allocation: customs value, the three taxes, the MFN duty it is compared
/// with, and the preferential duty left unclaimed for want of a certificate (if any).
/// </summary>
public readonly record struct ItemTaxes(
    decimal CustomsValueCny,
    TaxAmount Duty,
    TaxAmount ConsumptionTax,
    TaxAmount Vat,
    TaxAmount MfnDuty,
    TaxAmount UnclaimedDuty,
    ItemWarnings Warnings);

public enum TaxRegime
{
    /// <summary>General trade import: duty, CT and VAT in full, de minimis per tax.</summary>
    General,

    /// <summary>CBEC retail import within limits: duty 0, CT and VAT at the policy share (70 %), no de minimis.</summary>
    CbecRetail,

    /// <summary>CBEC retail import of one item above the transaction limit: taxed in full, as general trade.</summary>
    CbecOverLimit,

    /// <summary>Export: export duty only where the schedule has an export-duty row.</summary>
    Export,

    /// <summary>First-line entry into the bonded zone (DESIGN.md §6): duty, CT and VAT assessed but suspended while bonded.</summary>
    Bonded,
}

public enum TaxDecision
{
    Collected,
    BelowDeMinimis,

    /// <summary>Goods entering the bonded zone: the tax is suspended until they leave it for the domestic market.</summary>
    Suspended,
}

/// <summary>A declaration's total of one tax: the sum of rounded item amounts, and what is collected.</summary>
public sealed record TaxTotal(decimal Assessed, decimal Collected, TaxDecision Decision);

public sealed record ItemTaxResult(int ItemNo, TaxableItem Item, ItemTaxes Taxes);

public sealed record DeclarationTaxResult(
    TaxableDeclaration Declaration,
    TaxRegime Regime,
    YearMonth RateMonth,
    decimal CnyPerUnit,
    IReadOnlyList<ItemTaxResult> Items,
    TaxTotal Duty,
    TaxTotal ConsumptionTax,
    TaxTotal Vat,
    decimal DeMinimisCny,
    decimal CbecShare)
{
    public decimal TaxTotal => Duty.Collected + ConsumptionTax.Collected + Vat.Collected;
}
