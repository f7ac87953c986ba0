using Silkgate.Common;
using Silkgate.Ports;

namespace Silkgate.Tests.Ports;

public sealed class PortCalendarTests
{
    private static readonly CalendarRule[] Rules =
    [
        CalendarRule.Parse("KHUNJERAB", "season", "04-01", "11-30", null, "bilateral agreement: open 1 Apr - 30 Nov"),
        CalendarRule.Parse("KHUNJERAB", "closed", "2020-02-01", "2023-04-02", null, "COVID-19"),
        CalendarRule.Parse("KHUNJERAB", "open", "2024-01-02", "2024-01-16", null, "temporary winter opening for TIR"),
        CalendarRule.Parse("IRKESHTAM", "weekly_closed", null, null, "Sat Sun", "weekend"),
        CalendarRule.Parse("IRKESHTAM", "closed", "2023-10-01", "2023-10-07", null, "National Day"),
    ];

    private static PortCalendar Calendar(string port) => new(port, Rules);

    [Fact]
    public void Outside_its_season_a_port_is_closed_with_the_season_as_reason()
    {
        var status = Calendar("KHUNJERAB").StatusOn(new DateOnly(2019, 12, 15));
        Assert.False(status.IsOpen);
        Assert.Contains("1 Apr - 30 Nov", status.Reason);
        Assert.True(Calendar("KHUNJERAB").IsOpen(new DateOnly(2019, 6, 15)));
    }

    [Fact]
    public void A_dated_closure_closes_the_port_inside_its_season() =>
        Assert.Equal("COVID-19", Calendar("KHUNJERAB").StatusOn(new DateOnly(2021, 7, 1)).Reason);

    [Fact]
    public void An_exceptional_opening_overrides_the_season()
    {
        Assert.True(Calendar("KHUNJERAB").IsOpen(new DateOnly(2024, 1, 10)));
        Assert.False(Calendar("KHUNJERAB").IsOpen(new DateOnly(2024, 1, 17)));
    }

    [Fact]
    public void Weekly_closing_days_close_the_port()
    {
        Assert.False(Calendar("IRKESHTAM").IsOpen(new DateOnly(2023, 6, 3))); // Saturday
        Assert.True(Calendar("IRKESHTAM").IsOpen(new DateOnly(2023, 6, 5))); // Monday
        Assert.Equal("National Day", Calendar("IRKESHTAM").StatusOn(new DateOnly(2023, 10, 4)).Reason);
    }

    [Fact]
    public void A_port_without_rules_is_open_every_day() =>
        Assert.True(Calendar("KASHGAR_AIRPORT").IsOpen(new DateOnly(2023, 1, 1)));

    [Fact]
    public void A_season_may_wrap_the_year_end()
    {
        var winter = new PortCalendar("X", [CalendarRule.Parse("X", "season", "11-01", "03-31", null, "winter road")]);
        Assert.True(winter.IsOpen(new DateOnly(2023, 1, 15)));
        Assert.False(winter.IsOpen(new DateOnly(2023, 7, 15)));
    }

    [Theory]
    [InlineData("monthly", "2023-01-01", "2023-01-02", null, "SG-REF-010")]
    [InlineData("weekly_closed", null, null, "", "SG-REF-011")]
    [InlineData("closed", "2023-01-01", null, null, "SG-REF-012")]
    [InlineData("closed", "2023-02-01", "2023-01-01", null, "SG-REF-013")]
    [InlineData("season", "13-01", "11-30", null, "SG-REF-014")]
    [InlineData("open", "2023-1-1", "2023-01-02", null, "SG-REF-015")]
    [InlineData("weekly_closed", null, null, "Saturday", "SG-REF-016")]
    public void Bad_calendar_rows_are_refused_with_a_code(string rule, string? from, string? to, string? weekdays, string code)
    {
        var e = Assert.Throws<SilkgateException>(() => CalendarRule.Parse("X", rule, from, to, weekdays, "r"));
        Assert.Equal(code, e.Code);
    }
}
