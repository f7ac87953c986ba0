using Silkgate.Declarations;
using Silkgate.Risk;
using Silkgate.Tariff;

namespace Silkgate.Storage.Declarations;

public enum InspectionOutcome
{
    NoDiscrepancy,
    Discrepancy,
    Seizure,
}

/// <summary>An officer's inspection result; corrected item values (declaration currency) re-assess the taxes.</summary>
public sealed record InspectionResult(InspectionOutcome Outcome, IReadOnlyDictionary<int, decimal> CorrectedValues, decimal ExtraDutyCny, string? Note);

/// <summary>A declaration as stored: header, lane, taxes, the draft of its current version, and its trail.</summary>
public sealed record StoredDeclaration(
    string DeclarationId,
    string EnterpriseId,
    DeclarationState State,
    int Version,
    Lane? Lane,
    decimal? RiskPercentile,
    IReadOnlyList<string> RiskReasons,
    IReadOnlyList<string> Warnings,
    decimal? DutyCny,
    decimal? ConsumptionTaxCny,
    decimal? VatCny,
    decimal? TaxTotalCny,
    DateOnly? ReleaseDate,
    DeclarationDraft Draft,
    IReadOnlyList<StoredItem> Items);

public sealed record StoredItem(int ItemNo, string HsCode, string PartnerCountry, decimal StatisticalValueCny, decimal? DutyCny, decimal? ConsumptionTaxCny, decimal? VatCny, string? DutyRateKind, string? DutyAgreement);

/// <summary>What lodging answered: the declaration, whether it was new, and the tax result behind it.</summary>
public sealed record LodgeOutcome(StoredDeclaration Declaration, bool Created, DeclarationTaxResult? Taxes, LaneDecision? Lane);

/// <summary>Filters of `declare list`.</summary>
public sealed record DeclarationFilter(string? State = null, string? Declarant = null, string? Port = null, DateOnly? From = null, DateOnly? To = null, int Limit = 50);
