using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Silkgate.Common;

namespace Silkgate.Tests.Common;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("2.345", "2.35")]
    [InlineData("2.344", "2.34")]
    [InlineData("2.355", "2.36")]
    [InlineData("0.005", "0.01")]
    [InlineData("-2.345", "-2.35")]
    public void Rounds_to_the_fen_half_up(string amount, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Money.RoundToFen(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));

    [Property]
    public Property Fen_round_trip_is_exact(long fen)
    {
        var f = fen / 1000; // stay far from decimal overflow
        return (Money.ToFen(Money.FromFen(f)) == f).ToProperty();
    }

    [Fact]
    public void FromFen_always_has_two_decimals() =>
        Assert.Equal("12.30", Money.FromFen(1230).ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Mass_is_kept_in_whole_grams()
    {
        Assert.Equal(1_234_568L, Mass.ToGrams(1234.5675m));
        Assert.Equal(1234.568m, Mass.FromGrams(1_234_568L));
    }
}
