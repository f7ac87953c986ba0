using Silkgate.Common;
using Silkgate.Reference;

namespace Silkgate.Declarations;

/// <summary>A broken rule: its stable code and a readable reason.</summary>
public sealed record RuleViolation(string Code, string Reason);

/// <summary>
/// The checks every declaration item passes before it is stored, whatever its way in (import, lodging).
/// Each rule has a stable code; the codes are listed in docs/errors.md.
/// </summary>
public static class DeclarationRules
{
    public const string WrongColumnCount = "SG-IMP-001";
    public const string BadDate = "SG-IMP-002";
    public const string UnknownCountry = "SG-IMP-003";
    public const string UnknownHsCode = "SG-IMP-004";
    public const string BadValue = "SG-IMP-005";
    public const string BadMass = "SG-IMP-006";
    public const string UnknownCurrency = "SG-IMP-007";
    public const string NoRate = "SG-IMP-008";
    public const string HeaderDisagrees = "SG-IMP-009";
    public const string NotContiguous = "SG-IMP-010";
    public const string MissingField = "SG-IMP-011";
    public const string UnknownPort = "SG-IMP-012";
    public const string UnknownTradeMode = "SG-IMP-013";
    public const string UnknownFlow = "SG-IMP-014";
    public const string BadQuantity = "SG-IMP-015";
    public const string UnknownState = "SG-IMP-016";

    public static RuleViolation? CheckCountry(ReferenceData reference, string? alpha2, string what) =>
        string.IsNullOrEmpty(alpha2)
            ? new RuleViolation(MissingField, $"{what} is empty")
            : reference.Country(alpha2) is null
                ? new RuleViolation(UnknownCountry, $"{what} '{alpha2}' is not an ISO 3166 alpha-2 code")
                : null;

    public static RuleViolation? CheckHsCode(ReferenceData reference, string? code, DateOnly date) =>
        reference.Hs.Validate(code, date) switch
        {
            HsValidation.Malformed => new RuleViolation(UnknownHsCode, $"HS code '{code}' is not 6 to 10 digits"),
            HsValidation.Unknown => new RuleViolation(UnknownHsCode, $"HS code '{code}' is not in HS 2022" + (date < HsNomenclature.Hs2022InForce ? " (nor is its heading)" : "")),
            _ => null,
        };

    public static RuleViolation? CheckCurrencyAndRate(ReferenceData reference, string? currency, DateOnly date)
    {
        if (string.IsNullOrEmpty(currency))
            return new RuleViolation(MissingField, "currency is empty");
        if (currency != "CNY" && reference.Currency(currency) is null)
            return new RuleViolation(UnknownCurrency, $"currency '{currency}' is not a current ISO 4217 code");
        return reference.Rates.TryGetRate(YearMonth.Of(date), currency, out _)
            ? null
            : new RuleViolation(NoRate, $"no customs exchange rate for {currency} in {YearMonth.Of(date)}");
    }

    /// <summary>Zero is allowed (no-charge goods, mass below the declared precision); negative never.</summary>
    public static RuleViolation? CheckNonNegative(decimal? value, string what, string code) =>
        value is null
            ? new RuleViolation(code, $"{what} is not a number")
            : value < 0
                ? new RuleViolation(code, $"{what} {value} is negative")
                : null;
}
