using System.Globalization;

namespace Silkgate.Common;

/// <summary>A calendar month, the unit of customs rates and statistics periods. Ordered; formats as YYYY-MM.</summary>
public readonly record struct YearMonth(int Year, int Month) : IComparable<YearMonth>
{
    public static YearMonth Of(DateOnly date) => new(date.Year, date.Month);

    /// <summary>Months since year 0: handy for ranges and as a compact storage key.</summary>
    public int Index => (Year * 12) + Month - 1;

    /// <summary>yyyymm as an integer (202306), the form stored beside each item for period filters.</summary>
    public int Key => (Year * 100) + Month;

    public int Quarter => ((Month - 1) / 3) + 1;

    public DateOnly FirstDay => new(Year, Month, 1);

    public DateOnly LastDay => FirstDay.AddMonths(1).AddDays(-1);

    public static YearMonth FromIndex(int index) => new(index / 12, (index % 12) + 1);

    public static YearMonth FromKey(int key) => new(key / 100, key % 100);

    public YearMonth AddMonths(int months) => FromIndex(Index + months);

    public int CompareTo(YearMonth other) => Index.CompareTo(other.Index);

    public static bool operator <(YearMonth a, YearMonth b) => a.Index < b.Index;

    public static bool operator >(YearMonth a, YearMonth b) => a.Index > b.Index;

    public static bool operator <=(YearMonth a, YearMonth b) => a.Index <= b.Index;

    public static bool operator >=(YearMonth a, YearMonth b) => a.Index >= b.Index;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");

    /// <summary>Parses YYYY-MM strictly (the contract of every --from/--to option and the rates CSV).</summary>
    public static bool TryParse(string? text, out YearMonth value)
    {
        value = default;
        if (text is null || text.Length != 7 || text[4] != '-')
            return false;
        if (!int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) ||
            !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month))
            return false;
        if (year < 1900 || year > 9999 || month < 1 || month > 12)
            return false;
        value = new YearMonth(year, month);
        return true;
    }

    public static YearMonth Parse(string text) =>
        TryParse(text, out var value)
            ? value
            : throw new SilkgateException("SG-ARG-001", $"'{text}' is not a month in the form YYYY-MM (e.g. 2023-06).");
}
