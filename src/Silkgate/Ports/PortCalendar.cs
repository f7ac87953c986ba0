using System.Globalization;
using Silkgate.Common;

namespace Silkgate.Ports;

public enum CalendarRuleKind
{
    /// <summary>Annual open season (MM-DD to MM-DD); the port is closed outside it.</summary>
    Season,

    /// <summary>Closed every week on the listed weekdays (optionally between two dates).</summary>
    WeeklyClosed,

    /// <summary>Closed on a date range (holidays, epidemic, weather).</summary>
    Closed,

    /// <summary>An exceptional opening that overrides every closing rule (e.g. a winter TIR window).</summary>
    Open,
}

/// <summary>One row of a port's calendar, as data.</summary>
public sealed record CalendarRule(
    string Port,
    CalendarRuleKind Kind,
    DateOnly? From,
    DateOnly? To,
    (int Month, int Day)? SeasonFrom,
    (int Month, int Day)? SeasonTo,
    IReadOnlySet<DayOfWeek> Weekdays,
    string Reason)
{
    public static CalendarRule Parse(string port, string rule, string? from, string? to, string? weekdays, string reason)
    {
        var kind = rule switch
        {
            "season" => CalendarRuleKind.Season,
            "weekly_closed" => CalendarRuleKind.WeeklyClosed,
            "closed" => CalendarRuleKind.Closed,
            "open" => CalendarRuleKind.Open,
            _ => throw new SilkgateException("SG-REF-010", $"Unknown calendar rule '{rule}' for port {port} (expected season, weekly_closed, closed or open)."),
        };
        if (kind == CalendarRuleKind.Season)
            return new CalendarRule(port, kind, null, null, ParseMonthDay(from, port), ParseMonthDay(to, port), new HashSet<DayOfWeek>(), reason);

        var days = kind == CalendarRuleKind.WeeklyClosed
            ? (weekdays ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(d => ParseWeekday(d, port)).ToHashSet()
            : [];
        if (kind == CalendarRuleKind.WeeklyClosed && days.Count == 0)
            throw new SilkgateException("SG-REF-011", $"Calendar rule weekly_closed for port {port} lists no weekdays.");
        var fromDate = ParseDate(from, port);
        var toDate = ParseDate(to, port);
        if (kind != CalendarRuleKind.WeeklyClosed && (fromDate is null || toDate is null))
            throw new SilkgateException("SG-REF-012", $"Calendar rule {rule} for port {port} needs both from and to dates.");
        if (fromDate > toDate)
            throw new SilkgateException("SG-REF-013", $"Calendar rule {rule} for port {port} ends ({to}) before it starts ({from}).");
        return new CalendarRule(port, kind, fromDate, toDate, null, null, days, reason);
    }

    public bool Covers(DateOnly date) => Kind switch
    {
        CalendarRuleKind.Season => InSeason(date),
        CalendarRuleKind.WeeklyClosed => Weekdays.Contains(date.DayOfWeek) && (From is null || date >= From) && (To is null || date <= To),
        _ => date >= From && date <= To,
    };

    private bool InSeason(DateOnly date)
    {
        var d = (date.Month * 100) + date.Day;
        var start = (SeasonFrom!.Value.Month * 100) + SeasonFrom.Value.Day;
        var end = (SeasonTo!.Value.Month * 100) + SeasonTo.Value.Day;
        // A season may wrap the year end (e.g. 11-01 to 03-31).
        return start <= end ? d >= start && d <= end : d >= start || d <= end;
    }

    private static (int, int) ParseMonthDay(string? text, string port)
    {
        if (text is { Length: 5 } && text[2] == '-' &&
            int.TryParse(text.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m) &&
            int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var d) &&
            m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(2024, m))
            return (m, d);
        throw new SilkgateException("SG-REF-014", $"Calendar season for port {port}: '{text}' is not a MM-DD day.");
    }

    private static DateOnly? ParseDate(string? text, string port)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new SilkgateException("SG-REF-015", $"Calendar rule for port {port}: '{text}' is not a date YYYY-MM-DD.");
    }

    private static DayOfWeek ParseWeekday(string text, string port) => text switch
    {
        "Mon" => DayOfWeek.Monday,
        "Tue" => DayOfWeek.Tuesday,
        "Wed" => DayOfWeek.Wednesday,
        "Thu" => DayOfWeek.Thursday,
        "Fri" => DayOfWeek.Friday,
        "Sat" => DayOfWeek.Saturday,
        "Sun" => DayOfWeek.Sunday,
        _ => throw new SilkgateException("SG-REF-016", $"Calendar rule for port {port}: '{text}' is not a weekday (Mon..Sun)."),
    };
}

/// <summary>Whether a port is open on a day, and if not, why.</summary>
public sealed record PortDayStatus(bool IsOpen, string? Reason);

/// <summary>
/// A port's calendar. Precedence: an exceptional opening wins; then a dated closure; then the weekly closing days;
/// then the open season (a port without a season row is open all year).
/// </summary>
public sealed class PortCalendar(string port, IEnumerable<CalendarRule> rules)
{
    private readonly CalendarRule[] _rules = rules.Where(r => r.Port == port).ToArray();

    public string Port { get; } = port;

    public IReadOnlyList<CalendarRule> Rules => _rules;

    public PortDayStatus StatusOn(DateOnly date)
    {
        var opening = _rules.FirstOrDefault(r => r.Kind == CalendarRuleKind.Open && r.Covers(date));
        if (opening is not null)
            return new PortDayStatus(true, opening.Reason);
        var closure = _rules.FirstOrDefault(r => r.Kind == CalendarRuleKind.Closed && r.Covers(date))
            ?? _rules.FirstOrDefault(r => r.Kind == CalendarRuleKind.WeeklyClosed && r.Covers(date));
        if (closure is not null)
            return new PortDayStatus(false, closure.Reason);
        var seasons = _rules.Where(r => r.Kind == CalendarRuleKind.Season).ToArray();
        if (seasons.Length > 0 && !seasons.Any(s => s.Covers(date)))
            return new PortDayStatus(false, "outside the open season: " + string.Join("; ", seasons.Select(s => s.Reason)));
        return new PortDayStatus(true, null);
    }

    public bool IsOpen(DateOnly date) => StatusOn(date).IsOpen;
}
