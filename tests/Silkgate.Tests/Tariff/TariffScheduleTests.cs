using Silkgate.Common;
using Silkgate.Tariff;
using static Silkgate.Tests.Tariff.TariffFixture;

namespace Silkgate.Tests.Tariff;

public sealed class TariffScheduleTests
{
    [Fact]
    public void Rows_overlapping_in_validity_for_the_same_key_are_refused_with_both_line_numbers()
    {
        var e = Assert.Throws<SilkgateException>(() => TariffScheduleParser.Parse(Rows(
        [
            "0804,duty,mfn,,,15,,,2020-01-01,2022-12-31,false,",
            "0804,duty,mfn,,,12,,,2022-12-31,,false,",
            "0804,duty,conventional,CPFTA,PK AF,5,,,2020-01-01,,true,",
            "0804,duty,conventional,CPFTA,AF,4,,,2021-01-01,,true,",
        ]), "s.csv"));
        Assert.Equal("SG-TAR-001", e.Code);
        Assert.Contains("s.csv:2 and s.csv:3", e.Message, StringComparison.Ordinal);
        Assert.Contains("s.csv:4 and s.csv:5", e.Message, StringComparison.Ordinal);
        Assert.Contains("origin AF", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Consecutive_validity_periods_do_not_overlap() =>
        Assert.Equal(2, TariffScheduleParser.Parse(Rows(
        [
            "0804,duty,mfn,,,15,,,2020-01-01,2022-12-31,false,",
            "0804,duty,mfn,,,12,,,2023-01-01,,false,",
        ]), "s.csv").Count);

    [Theory]
    [InlineData("08X4,duty,mfn,,,15,,,2020-01-01,,false,", "hs_code")]
    [InlineData("0804,levy,mfn,,,15,,,2020-01-01,,false,", "measure")]
    [InlineData("0804,duty,standard,,,15,,,2020-01-01,,false,", "rate_kind standard")]
    [InlineData("0804,vat,mfn,,,13,,,2020-01-01,,false,", "must be standard")]
    [InlineData("0804,duty,conventional,,PK,5,,,2020-01-01,,true,", "needs its agreement")]
    [InlineData("0804,duty,special,LDC,,0,,,2020-01-01,,true,", "listed origins")]
    [InlineData("0804,duty,mfn,,,,,,2020-01-01,,false,", "neither")]
    [InlineData("0804,duty,mfn,,,,2,,2020-01-01,,false,", "specific_unit")]
    [InlineData("0804,consumption_tax,standard,,,100,,,2020-01-01,,false,", "no base")]
    [InlineData("0804,duty,mfn,,,15,,,2020-13-01,,false,", "valid_from")]
    [InlineData("0804,duty,mfn,,,15,,,2020-02-01,2020-01-01,false,", "before valid_from")]
    [InlineData("0804,duty,mfn,,,15,,,2020-01-01,,maybe,", "certificate_required")]
    [InlineData("0804,duty,mfn,,pk,15,,,2020-01-01,,false,", "origin 'pk'")]
    public void Bad_rows_are_refused_with_their_line_and_reason(string row, string reason)
    {
        var e = Assert.Throws<SilkgateException>(() => TariffScheduleParser.Parse(Rows([row]), "s.csv"));
        Assert.Contains("s.csv:2:", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compiled_codes_are_cached_and_group_lines_longest_prefix_first()
    {
        var a = Schedule.Compile("0804100000");
        Assert.Same(a, Schedule.Compile("0804100000"));
        var mfn = a.Duty.Single(g => g.Kind == RateKind.Mfn);
        Assert.Equal(["080410", "0804"], mfn.Lines.Select(l => l.HsCode));
    }
}
