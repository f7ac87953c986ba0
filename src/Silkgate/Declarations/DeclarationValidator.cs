using Silkgate.Common;
using Silkgate.Reference;

namespace Silkgate.Declarations;

public enum Severity
{
    Error,
    Warning,
}

/// <summary>One finding of validation: a stable code, its severity, where (item number, 0 for the header) and why.</summary>
public sealed record Finding(string Code, Severity Severity, int Item, string Message)
{
    public override string ToString() => $"{Code}{(Item > 0 ? $" item {Item}" : "")}: {Message}" + (Severity == Severity.Warning ? " (warning)" : "");
}

/// <summary>
/// The named validation rules of lodging, each with a stable code (docs/errors.md) and a test of its own. Errors
/// refuse the declaration; warnings are recorded with it.
/// </summary>
public sealed class DeclarationValidator(ReferenceData reference, IReadOnlyList<TradeModePorts> tradeModePorts, IReadOnlyList<ValueBounds> valueBounds)
{
    public const string HsUnknown = "SG-DEC-001";
    public const string Required = "SG-DEC-002";
    public const string CountryUnknown = "SG-DEC-003";
    public const string PortUnknown = "SG-DEC-004";
    public const string PortClosed = "SG-DEC-005";
    public const string TradeModeUnknown = "SG-DEC-006";
    public const string TradeModeNotAtPort = "SG-DEC-007";
    public const string NoRate = "SG-DEC-008";
    public const string NotPositive = "SG-DEC-009";
    public const string ValuePerKgImplausible = "SG-DEC-010";
    public const string CertificateMissing = "SG-DEC-011";
    public const string NegativeValue = "SG-DEC-012";

    public IReadOnlyList<Finding> Validate(DeclarationDraft draft)
    {
        var f = new List<Finding>();
        var d = draft.Body;
        void Error(string code, int item, string message) => f.Add(new Finding(code, Severity.Error, item, message));

        if (string.IsNullOrWhiteSpace(draft.Declarant))
            Error(Required, 0, "declarant is required");
        if (d.Items.Count == 0)
            Error(Required, 0, "a declaration needs at least one item");
        if (draft.PartnerCountry is { } partner && reference.Country(partner) is null)
            Error(CountryUnknown, 0, $"partner country '{partner}' is not an ISO 3166 alpha-2 code");
        if (d.Flow == Flow.Export && string.IsNullOrWhiteSpace(draft.PartnerCountry))
            Error(Required, 0, "an export needs its country of final destination (partner)");

        var port = reference.Port(d.Port);
        if (port is null)
            Error(PortUnknown, 0, $"port '{d.Port}' is not one of {string.Join(", ", reference.Ports.Select(p => p.Code).Order(StringComparer.Ordinal))}");
        else if (reference.CalendarOf(d.Port).StatusOn(d.Date) is { IsOpen: false } closed)
            Error(PortClosed, 0, $"{d.Port} is closed on {d.Date:yyyy-MM-dd}: {closed.Reason}");

        if (reference.TradeMode(d.TradeMode) is null)
            Error(TradeModeUnknown, 0, $"trade mode '{d.TradeMode}' is not in the trade-mode table");
        else if (tradeModePorts.FirstOrDefault(t => t.TradeMode == d.TradeMode) is { } allowed && !allowed.Ports.Contains(d.Port))
            Error(TradeModeNotAtPort, 0, $"trade mode {d.TradeMode} is allowed only at {string.Join(", ", allowed.Ports.Order(StringComparer.Ordinal))}");

        if (d.Currency != "CNY" && reference.Currency(d.Currency) is null)
            Error(Required, 0, $"currency '{d.Currency}' is not a current ISO 4217 code");
        else if (!reference.Rates.TryGetRate(YearMonth.Of(d.Date), d.Currency, out _))
            Error(NoRate, 0, $"no customs exchange rate for {d.Currency} in {YearMonth.Of(d.Date)}");
        if (d.Freight < 0 || d.Insurance < 0)
            Error(NegativeValue, 0, "freight and insurance cannot be negative");

        for (var i = 0; i < d.Items.Count; i++)
        {
            var item = d.Items[i];
            var n = i + 1;
            if (reference.Hs.Validate(item.HsCode, d.Date) is HsValidation.Unknown or HsValidation.Malformed)
                Error(HsUnknown, n, $"HS code '{item.HsCode}' is unknown on {d.Date:yyyy-MM-dd}");
            if (string.IsNullOrWhiteSpace(item.Origin))
                Error(Required, n, "origin is required");
            else if (reference.Country(item.Origin) is null)
                Error(CountryUnknown, n, $"origin '{item.Origin}' is not an ISO 3166 alpha-2 code");
            if (item.Value < 0)
                Error(NegativeValue, n, $"value {item.Value} is negative");
            if (item.Quantity is { } q && q <= 0)
                Error(NotPositive, n, $"quantity {q} must be positive");
            if (item.NetMassKg is not { } mass || mass <= 0)
                Error(NotPositive, n, $"net mass {(item.NetMassKg?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(missing)")} must be positive");
            if (item.Preference is not null && string.IsNullOrWhiteSpace(item.CertificateOfOrigin))
                Error(CertificateMissing, n, $"preference {item.Preference} is claimed without a certificate of origin");
            if (item.NetMassKg is { } kg && kg > 0 && item.HsCode.Length >= 4 &&
                valueBounds.FirstOrDefault(b => b.Heading == item.HsCode[..4]) is { } bounds &&
                reference.Rates.TryGetRate(YearMonth.Of(d.Date), d.Currency, out var rate))
            {
                var perKg = item.Value * rate / kg;
                if (perKg < bounds.MinCnyPerKg || perKg > bounds.MaxCnyPerKg)
                    f.Add(new Finding(ValuePerKgImplausible, Severity.Warning, n,
                        $"value {perKg:0.00} CNY/kg is outside the plausible {bounds.MinCnyPerKg:0.##}–{bounds.MaxCnyPerKg:0.##} CNY/kg for heading {bounds.Heading}"));
            }
        }
        return f;
    }

    /// <summary>Throws with every error when any rule is broken; returns the warnings otherwise.</summary>
    public IReadOnlyList<Finding> EnsureValid(DeclarationDraft draft)
    {
        var findings = Validate(draft);
        var errors = findings.Where(x => x.Severity == Severity.Error).ToList();
        if (errors.Count > 0)
            throw new SilkgateException(errors[0].Code, $"The declaration is refused ({errors.Count} problem(s)):\n  " + string.Join("\n  ", errors));
        return findings;
    }
}
