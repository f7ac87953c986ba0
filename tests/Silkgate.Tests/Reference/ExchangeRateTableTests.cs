using Silkgate.Common;
using Silkgate.Reference;

namespace Silkgate.Tests.Reference;

public sealed class ExchangeRateTableTests
{
    private static readonly ExchangeRateTable Rates = new([new ExchangeRate(new YearMonth(2023, 6), "USD", 7.1283m)]);

    [Fact]
    public void The_rate_of_the_month_is_used() =>
        Assert.Equal(7.1283m, Rates.Rate(new YearMonth(2023, 6), "USD"));

    [Fact]
    public void CNY_converts_at_one() =>
        Assert.Equal(1m, Rates.Rate(new YearMonth(1999, 1), "CNY"));

    [Fact]
    public void A_month_without_a_rate_is_an_error_not_a_guess()
    {
        var e = Assert.Throws<SilkgateException>(() => Rates.Rate(new YearMonth(2023, 7), "USD"));
        Assert.Equal("SG-RATE-001", e.Code);
        Assert.False(Rates.TryGetRate(new YearMonth(2023, 6), "EUR", out _));
    }
}
