namespace Silkgate.Tariff;

/// <summary>
/// The configurable numbers of the tax rules (DESIGN.md §3, §7), kept as data (data/tariff/policy.csv) rather than
/// constants: de minimis per consignment, the CBEC retail-import share and limits, and which trade modes are CBEC
/// retail imports.
/// </summary>
public sealed record TariffPolicy(
    decimal DeMinimisCny,
    decimal CbecShare,
    decimal CbecTransactionLimitCny,
    IReadOnlySet<string> CbecRetailTradeModes);
