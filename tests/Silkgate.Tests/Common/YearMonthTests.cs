using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Silkgate.Common;

namespace Silkgate.Tests.Common;

public sealed class YearMonthTests
{
    [Theory]
    [InlineData("2023-06", 2023, 6)]
    [InlineData("2013-01", 2013, 1)]
    [InlineData("1999-12", 1999, 12)]
    public void Parses_YYYY_MM(string text, int year, int month) =>
        Assert.Equal(new YearMonth(year, month), YearMonth.Parse(text));

    [Theory]
    [InlineData("2023-6")]
    [InlineData("2023-13")]
    [InlineData("2023-00")]
    [InlineData("23-06")]
    [InlineData("2023/06")]
    [InlineData("")]
    [InlineData("abcd-ef")]
    public void Refuses_anything_else_with_a_coded_error(string text)
    {
        var e = Assert.Throws<SilkgateException>(() => YearMonth.Parse(text));
        Assert.Equal("SG-ARG-001", e.Code);
    }

    [Property]
    public Property Text_round_trips(PositiveInt seed)
    {
        var ym = YearMonth.FromIndex((1900 * 12) + (seed.Get % (8000 * 12)));
        return (YearMonth.Parse(ym.ToString()) == ym).ToProperty();
    }

    [Property]
    public Property Adding_months_moves_the_index(int start, short delta)
    {
        var ym = YearMonth.FromIndex((2000 * 12) + Math.Abs(start % 10_000));
        return (ym.AddMonths(delta).Index - ym.Index == delta).ToProperty();
    }

    [Fact]
    public void Quarter_and_key_follow_the_month()
    {
        Assert.Equal(3, new YearMonth(2023, 7).Quarter);
        Assert.Equal(202307, new YearMonth(2023, 7).Key);
        Assert.Equal(new YearMonth(2023, 7), YearMonth.FromKey(202307));
        Assert.Equal(new DateOnly(2024, 2, 29), new YearMonth(2024, 2).LastDay);
    }
}
