using Silkgate.Tariff;

namespace Silkgate.Declarations;

/// <summary>
/// What a declarant lodges: the tariff engine's declaration plus the declarant enterprise, the header partner
/// country (consignment for imports, final destination for exports) and the transport mode.
/// </summary>
public sealed record DeclarationDraft(string Declarant, string? PartnerCountry, string? TransportMode, TaxableDeclaration Body)
{
    /// <summary>The statistical partner of an item: origin for imports, the final destination for exports.</summary>
    public string StatisticalPartner(TaxableItem item) =>
        Body.Flow == Flow.Import ? item.Origin : PartnerCountry ?? item.Origin;
}

/// <summary>A plausible value range per kg for an HS heading (data/risk/value-bounds.csv): outside it, a warning.</summary>
public sealed record ValueBounds(string Heading, decimal MinCnyPerKg, decimal MaxCnyPerKg);

/// <summary>Trade modes that only some ports may use (data/reference/trade-mode-ports.csv); others go anywhere.</summary>
public sealed record TradeModePorts(string TradeMode, IReadOnlySet<string> Ports);
