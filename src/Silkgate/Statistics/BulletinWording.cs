using System.Globalization;
using Silkgate.Common;

namespace Silkgate.Statistics;

/// <summary>
/// How a bulletin words its numbers (DESIGN.md §9), in English and Chinese:
/// amounts in billions of yuan with two decimals (亿元 with one decimal in Chinese; millions / 万元 below that);
/// growth in percent with one decimal, or as "an increase of N times" (增长N倍, N = ratio − 1) once the value has
/// more than quadrupled (growth of 300 % or more); a multiple of a base year as "R times that of YYYY"
/// (是YYYY年的R倍, R = ratio, never ratio − 1); growth against an empty base as "n/a".
/// </summary>
public static class BulletinWording
{
    /// <summary>From this increase (ratio − 1) on, growth is worded as "an increase of N times" rather than a percentage.</summary>
    public const decimal IncreaseTimesFrom = 3m;

    public const string NotAvailable = "n/a";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static decimal Round(decimal value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    /// <summary>
    /// An amount in CNY: "49.31 billion yuan" / "493.1亿元" (from 0.1 billion / 1亿); below that "12.35 million yuan" /
    /// "1234.57万元" (from 1 million / 1万), then "50,000.00 yuan" / "5000.00元". 0 is "0.00 billion yuan" / "0.0亿元".
    /// </summary>
    public static string Cny(decimal yuan, BulletinLanguage lang)
    {
        var abs = Math.Abs(yuan);
        if (lang == BulletinLanguage.Zh)
        {
            if (yuan == 0m || Round(abs / 100_000_000m, 1) >= 1m)
                return Round(yuan / 100_000_000m, 1).ToString("0.0", Inv) + "亿元";
            if (Round(abs / 10_000m, 2) >= 1m)
                return Round(yuan / 10_000m, 2).ToString("0.00", Inv) + "万元";
            return Round(yuan, 2).ToString("0.00", Inv) + "元";
        }
        if (yuan == 0m || Round(abs / 1_000_000_000m, 2) >= 0.1m)
            return Round(yuan / 1_000_000_000m, 2).ToString("0.00", Inv) + " billion yuan";
        if (Round(abs / 1_000_000m, 2) >= 1m)
            return Round(yuan / 1_000_000m, 2).ToString("0.00", Inv) + " million yuan";
        return Round(yuan, 2).ToString("#,0.00", Inv) + " yuan";
    }

    /// <summary>A percentage with one decimal: 0.7801 → "78.0%".</summary>
    public static string Percent(decimal fraction) => Round(fraction * 100m, 1).ToString("0.0", Inv) + "%";

    /// <summary>A whole count: "116".</summary>
    public static string Count(decimal count) => Round(count, 0).ToString("0", Inv);

    /// <summary>A mass given in kg, in tonnes: "12,345 tonnes" / "1.23万吨".</summary>
    public static string Tonnes(decimal kg, BulletinLanguage lang)
    {
        var t = kg / 1000m;
        if (lang == BulletinLanguage.Zh)
            return Round(Math.Abs(t) / 10_000m, 2) >= 1m ? Round(t / 10_000m, 2).ToString("0.00", Inv) + "万吨" : Round(t, 0).ToString("0", Inv) + "吨";
        return Round(t, 0).ToString("#,0", Inv) + " tonnes";
    }

    /// <summary>The ratio of a value to its base, or null (n/a) when the base is 0.</summary>
    public static decimal? Ratio(decimal value, decimal baseValue) => baseValue == 0m ? null : value / baseValue;

    /// <summary>
    /// Year-on-year growth from ratio = value / base: "an increase of 89.7% year on year" (同比增长89.7%), "a decrease
    /// of 12.3%" (同比下降12.3%), "an increase of 7.62 times" (同比增长7.62倍, ratio − 1 = 7.62) from an increase of
    /// <see cref="IncreaseTimesFrom"/> on, and "n/a" when there is no base.
    /// </summary>
    public static string Growth(decimal? ratio, BulletinLanguage lang)
    {
        var zh = lang == BulletinLanguage.Zh;
        if (ratio is not { } r)
            return zh ? "同比增速" + NotAvailable + "（上年同期为零）" : "year-on-year growth " + NotAvailable + " (nothing in the same period of the previous year)";
        var increase = r - 1m;
        if (increase >= IncreaseTimesFrom)
        {
            var times = Round(increase, 2).ToString("0.00", Inv);
            return zh ? $"同比增长{times}倍" : $"an increase of {times} times year on year";
        }
        var pct = Round(increase * 100m, 1);
        if (pct == 0m)
            return zh ? "与上年同期持平" : "unchanged year on year";
        var text = Math.Abs(pct).ToString("0.0", Inv) + "%";
        return pct > 0m
            ? zh ? "同比增长" + text : $"an increase of {text} year on year"
            : zh ? "同比下降" + text : $"a decrease of {text} year on year";
    }

    /// <summary>Growth as a number for charts: percent with one decimal, or null when there is no base.</summary>
    public static decimal? GrowthPercent(decimal? ratio) => ratio is { } r ? Round((r - 1m) * 100m, 1) : null;

    /// <summary>A multiple of a base year: "3.96 times that of 2013" / "是2013年的3.96倍" (the ratio itself).</summary>
    public static string TimesBase(decimal? ratio, int baseYear, BulletinLanguage lang)
    {
        var zh = lang == BulletinLanguage.Zh;
        if (ratio is not { } r)
            return zh ? $"与{baseYear}年相比增速{NotAvailable}（{baseYear}年同期为零）" : $"{NotAvailable} as a multiple of {baseYear} (nothing in the same months of {baseYear})";
        var times = Round(r, 2).ToString("0.00", Inv);
        return zh ? $"是{baseYear}年的{times}倍" : $"{times} times that of {baseYear}";
    }

    /// <summary>
    /// The period as customs releases name it: "In 2022" (2022年), "In July 2023" (2023年7月), "In the first seven
    /// months of 2023" (2023年1—7月), "In the first half of 2023" (2023年上半年), "From March to July 2023"
    /// (2023年3—7月), "From November 2022 to February 2023" (2022年11月至2023年2月).
    /// </summary>
    public static string Period(YearMonth from, YearMonth to, BulletinLanguage lang)
    {
        var zh = lang == BulletinLanguage.Zh;
        if (from == to)
            return zh ? $"{from.Year}年{from.Month}月" : $"In {MonthName(from.Month)} {from.Year}";
        if (from.Year != to.Year)
            return zh ? $"{from.Year}年{from.Month}月至{to.Year}年{to.Month}月" : $"From {MonthName(from.Month)} {from.Year} to {MonthName(to.Month)} {to.Year}";
        if (from.Month == 1 && to.Month == 12)
            return zh ? $"{from.Year}年" : $"In {from.Year}";
        if (from.Month == 1)
        {
            if (zh)
                return to.Month switch
                {
                    3 => $"{from.Year}年一季度",
                    6 => $"{from.Year}年上半年",
                    9 => $"{from.Year}年前三季度",
                    _ => $"{from.Year}年1—{to.Month}月",
                };
            return to.Month switch
            {
                3 => $"In the first quarter of {from.Year}",
                6 => $"In the first half of {from.Year}",
                9 => $"In the first three quarters of {from.Year}",
                _ => $"In the first {Numbers[to.Month]} months of {from.Year}",
            };
        }
        return zh ? $"{from.Year}年{from.Month}—{to.Month}月" : $"From {MonthName(from.Month)} to {MonthName(to.Month)} {from.Year}";
    }

    /// <summary>The period as a title: the phrase without its leading "In"/"From".</summary>
    public static string PeriodTitle(YearMonth from, YearMonth to, BulletinLanguage lang)
    {
        var p = Period(from, to, lang);
        if (lang == BulletinLanguage.Zh)
            return p;
        return p.StartsWith("In ", StringComparison.Ordinal) ? char.ToUpperInvariant(p[3]) + p[4..] : p;
    }

    private static readonly string[] Numbers = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

    private static string MonthName(int month) => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(month);
}
