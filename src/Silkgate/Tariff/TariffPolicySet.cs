using System.Globalization;
using Silkgate.Common;

namespace Silkgate.Tariff;

/// <summary>One dated value of the tax policy (data/tariff/policy.csv).</summary>
public sealed record PolicyValue(string Name, string Value, DateOnly ValidFrom, string Source);

/// <summary>The dated policy values; <see cref="On"/> gives the policy in force on a date (the newest row per name).</summary>
public sealed class TariffPolicySet(IEnumerable<PolicyValue> values)
{
    public static readonly string[] Names = ["de_minimis_cny", "cbec_share", "cbec_transaction_limit_cny", "cbec_retail_trade_modes"];

    private readonly PolicyValue[] _values = values.OrderByDescending(v => v.ValidFrom).ToArray();

    public IReadOnlyList<PolicyValue> Values => _values;

    public TariffPolicy On(DateOnly date)
    {
        string Get(string name) =>
            _values.FirstOrDefault(v => v.Name == name && v.ValidFrom <= date)?.Value
            ?? throw new SilkgateException("SG-TAR-020", $"The tax policy has no value of {name} in force on {date:yyyy-MM-dd}.");
        decimal Number(string name) =>
            decimal.TryParse(Get(name), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new SilkgateException("SG-TAR-020", $"The tax policy value {name} = '{Get(name)}' is not a number.");
        // Before the CBEC retail rules took effect (8 April 2016) no trade mode is taxed as CBEC retail: the other
        // CBEC values are then not needed, and a declaration of those years is taxed like any other.
        if (!_values.Any(v => v.Name == "cbec_retail_trade_modes" && v.ValidFrom <= date))
            return new TariffPolicy(Number("de_minimis_cny"), 1m, 0m, new HashSet<string>(StringComparer.Ordinal));
        return new TariffPolicy(
            Number("de_minimis_cny"),
            Number("cbec_share"),
            Number("cbec_transaction_limit_cny"),
            Get("cbec_retail_trade_modes").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal));
    }
}
