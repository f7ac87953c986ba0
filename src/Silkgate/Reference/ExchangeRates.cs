using Silkgate.Common;

namespace Silkgate.Reference;

/// <summary>A monthly customs exchange rate: CNY for one unit of the currency (GACC Order No. 124, Art. 16).</summary>
public sealed record ExchangeRate(YearMonth Month, string Currency, decimal CnyPerUnit);

/// <summary>The customs rates by month. CNY converts at 1; a missing month is an error, never a guess.</summary>
public sealed class ExchangeRateTable(IEnumerable<ExchangeRate> rates)
{
    private readonly Dictionary<(YearMonth, string), decimal> _rates =
        rates.ToDictionary(r => (r.Month, r.Currency), r => r.CnyPerUnit);

    public int Count => _rates.Count;

    /// <summary>This table with <paramref name="overrides"/> added; an override replaces the rate of its month and currency.</summary>
    public ExchangeRateTable With(IEnumerable<ExchangeRate> overrides)
    {
        var merged = new Dictionary<(YearMonth, string), ExchangeRate>();
        foreach (var r in All.Concat(overrides))
            merged[(r.Month, r.Currency)] = r;
        return new ExchangeRateTable(merged.Values);
    }

    public IEnumerable<ExchangeRate> All => _rates.Select(kv => new ExchangeRate(kv.Key.Item1, kv.Key.Item2, kv.Value));

    public bool TryGetRate(YearMonth month, string currency, out decimal cnyPerUnit)
    {
        if (currency == "CNY")
        {
            cnyPerUnit = 1m;
            return true;
        }
        return _rates.TryGetValue((month, currency), out cnyPerUnit);
    }

    public decimal Rate(YearMonth month, string currency) =>
        TryGetRate(month, currency, out var rate)
            ? rate
            : throw new SilkgateException("SG-RATE-001", $"No customs exchange rate for {currency} in {month}.");
}
