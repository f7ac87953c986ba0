using System.Text.RegularExpressions;
using Silkgate.Common;
using Silkgate.Ports;
using Silkgate.Reference;
using Silkgate.Statistics;

namespace Silkgate.Tests.Statistics;

/// <summary>The bulletin's wording rules (DESIGN.md §9) and its figures, computed from a fake statistics source.</summary>
public sealed partial class BulletinTests
{
    private const BulletinLanguage En = BulletinLanguage.En;
    private const BulletinLanguage Zh = BulletinLanguage.Zh;

    [Fact]
    public void A_multiple_of_the_base_year_is_the_ratio_itself()
    {
        var ratio = 49.31m / 12.44m; // 3.9638
        Assert.Equal("3.96 times that of 2013", BulletinWording.TimesBase(ratio, 2013, En));
        Assert.Equal("是2013年的3.96倍", BulletinWording.TimesBase(ratio, 2013, Zh));
    }

    [Fact]
    public void An_increase_of_n_times_is_the_ratio_minus_one()
    {
        var ratio = 28.28m / 3.2807m; // 8.62: "an increase of 7.62 times", not "8.62"
        Assert.Equal("an increase of 7.62 times year on year", BulletinWording.Growth(ratio, En));
        Assert.Equal("同比增长7.62倍", BulletinWording.Growth(ratio, Zh));
        Assert.Equal("an increase of 3.00 times year on year", BulletinWording.Growth(4m, En)); // from 300 % on
    }

    [Theory]
    [InlineData(2.345, "an increase of 134.5% year on year", "同比增长134.5%")]
    [InlineData(3.688, "an increase of 268.8% year on year", "同比增长268.8%")]
    [InlineData(0.877, "a decrease of 12.3% year on year", "同比下降12.3%")]
    [InlineData(1.0004, "unchanged year on year", "与上年同期持平")]
    public void Growth_below_300_percent_is_a_percentage_with_one_decimal(double ratio, string en, string zh)
    {
        Assert.Equal(en, BulletinWording.Growth((decimal)ratio, En));
        Assert.Equal(zh, BulletinWording.Growth((decimal)ratio, Zh));
    }

    [Fact]
    public void Growth_against_an_empty_base_is_not_available()
    {
        Assert.Null(BulletinWording.Ratio(5m, 0m));
        Assert.Equal(1.5m, BulletinWording.Ratio(3m, 2m));
        Assert.StartsWith("year-on-year growth n/a", BulletinWording.Growth(null, En), StringComparison.Ordinal);
        Assert.StartsWith("同比增速n/a", BulletinWording.Growth(null, Zh), StringComparison.Ordinal);
        Assert.StartsWith("n/a as a multiple of 2013", BulletinWording.TimesBase(null, 2013, En), StringComparison.Ordinal);
        Assert.Null(BulletinWording.GrowthPercent(null));
    }

    [Theory]
    [InlineData(49_310_000_000, "49.31 billion yuan", "493.1亿元")]
    [InlineData(12_440_000_000, "12.44 billion yuan", "124.4亿元")]
    [InlineData(1_290_000_000, "1.29 billion yuan", "12.9亿元")]
    [InlineData(150_000_000, "0.15 billion yuan", "1.5亿元")]
    [InlineData(12_345_678, "12.35 million yuan", "1234.57万元")]
    [InlineData(50_000, "50,000.00 yuan", "5.00万元")]
    [InlineData(1_234.5, "1,234.50 yuan", "1234.50元")]
    [InlineData(0, "0.00 billion yuan", "0.0亿元")]
    public void Amounts_are_billions_with_two_decimals_and_yi_yuan_with_one(double yuan, string en, string zh)
    {
        Assert.Equal(en, BulletinWording.Cny((decimal)yuan, En));
        Assert.Equal(zh, BulletinWording.Cny((decimal)yuan, Zh));
    }

    [Fact]
    public void Ten_thousand_yuan_below_one_yi_round_up_into_yi()
    {
        Assert.Equal("1.0亿元", BulletinWording.Cny(99_999_999m, Zh)); // not 10000.00万元
        Assert.Equal("0.10 billion yuan", BulletinWording.Cny(99_999_999m, En));
    }

    [Theory]
    [InlineData(2022, 1, 2022, 12, "In 2022", "2022年")]
    [InlineData(2023, 1, 2023, 7, "In the first seven months of 2023", "2023年1—7月")]
    [InlineData(2023, 1, 2023, 9, "In the first three quarters of 2023", "2023年前三季度")]
    [InlineData(2023, 7, 2023, 7, "In July 2023", "2023年7月")]
    [InlineData(2023, 3, 2023, 7, "From March to July 2023", "2023年3—7月")]
    [InlineData(2022, 11, 2023, 2, "From November 2022 to February 2023", "2022年11月至2023年2月")]
    public void Periods_are_named_as_customs_releases_name_them(int y1, int m1, int y2, int m2, string en, string zh)
    {
        Assert.Equal(en, BulletinWording.Period(new YearMonth(y1, m1), new YearMonth(y2, m2), En));
        Assert.Equal(zh, BulletinWording.Period(new YearMonth(y1, m1), new YearMonth(y2, m2), Zh));
    }

    [Fact]
    public void An_empty_period_gives_figures_of_0_with_a_note()
    {
        var model = BulletinFigures.Compute(_ => [], Reference, new YearMonth(2023, 1), new YearMonth(2023, 7), PreferenceTotals.None);
        Assert.True(model.Empty);
        Assert.Equal(0m, model.Figure("total").Value);
        Assert.Null(model.Figure("total_yoy").Value);
        Assert.Null(model.BaseYear);
        Assert.Empty(model.TopPorts);

        var en = BulletinMarkdown.Render(model, En);
        Assert.Contains("no customs declaration was released in this period, so every figure below is 0", en, StringComparison.Ordinal);
        Assert.Contains("was [0.00 billion yuan](explain.md#f01), [year-on-year growth n/a", en, StringComparison.Ordinal);
        AssertEverySentenceLinks(en, En);
        var zh = BulletinMarkdown.Render(model, Zh);
        Assert.Contains("本期没有放行的报关单，以下各项数字均为0", zh, StringComparison.Ordinal);
        Assert.Contains("进出口总值[0.0亿元](explain.md#f01)", zh, StringComparison.Ordinal);
        AssertEverySentenceLinks(zh, Zh);
    }

    [Fact]
    public void The_published_figures_are_worded_as_published()
    {
        var model = BulletinFigures.Compute(Published, Reference, new YearMonth(2022, 1), new YearMonth(2022, 12), PreferenceTotals.None);
        Assert.False(model.Empty);
        Assert.Equal(2013, model.BaseYear);

        var en = BulletinMarkdown.Render(model, En);
        Assert.Contains("In 2022, the total import and export value of the Kashgar region was [49.31 billion yuan](explain.md#f01)", en, StringComparison.Ordinal);
        Assert.Contains("[3.96 times that of 2013]", en, StringComparison.Ordinal);
        Assert.Contains("value was [28.28 billion yuan]", en, StringComparison.Ordinal);
        Assert.Contains("[an increase of 7.62 times year on year]", en, StringComparison.Ordinal);
        Assert.Contains("e-commerce in the zone reached [1.29 billion yuan]", en, StringComparison.Ordinal);
        Assert.Contains("[an increase of 268.8% year on year]", en, StringComparison.Ordinal);
        Assert.Contains("rose from [91](explain.md#", en, StringComparison.Ordinal);
        AssertEverySentenceLinks(en, En);

        var zh = BulletinMarkdown.Render(model, Zh);
        Assert.Contains("2022年，喀什地区进出口总值[493.1亿元](explain.md#f01)", zh, StringComparison.Ordinal);
        Assert.Contains("[是2013年的3.96倍]", zh, StringComparison.Ordinal);
        Assert.Contains("喀什综合保税区进出口[282.8亿元]", zh, StringComparison.Ordinal);
        Assert.Contains("[同比增长7.62倍]", zh, StringComparison.Ordinal);
        Assert.Contains("[同比增长268.8%]", zh, StringComparison.Ordinal);
        AssertEverySentenceLinks(zh, Zh);
    }

    [Fact]
    public void Every_figure_keeps_the_exact_query_behind_it()
    {
        var model = BulletinFigures.Compute(Published, Reference, new YearMonth(2022, 1), new YearMonth(2022, 12), PreferenceTotals.None);
        var zone = model.Figure("zone_yoy");
        Assert.Equal("silkgate stats explain --measure trade_value --from 2022-01 --to 2022-12 --scope zone", BulletinMarkdown.CommandLine("explain", zone.Query));
        Assert.Equal("silkgate stats query --measure trade_value --from 2021-01 --to 2021-12 --scope zone", BulletinMarkdown.CommandLine("query", zone.BaseQuery!));
        var explain = BulletinMarkdown.RenderExplain(model, En);
        foreach (var id in model.AllFigures.Select(f => f.Id).Concat(model.Charts.Select(c => c.Id)))
            Assert.Contains($"<a id=\"{BulletinMarkdown.Anchor(id)}\"></a>", explain, StringComparison.Ordinal);
        Assert.Contains("`silkgate stats explain --measure ecommerce_value --from 2022-01 --to 2022-12 --scope zone`", explain, StringComparison.Ordinal);
        Assert.Equal(model.AllFigures.Count(), model.AllFigures.Select(f => f.Id).Distinct().Count());
    }

    [Fact]
    public void A_bulletin_covers_at_most_twelve_months()
    {
        var e = Assert.Throws<SilkgateException>(() => BulletinFigures.Compute(_ => [], Reference, new YearMonth(2022, 1), new YearMonth(2023, 1), PreferenceTotals.None));
        Assert.Equal("SG-BUL-002", e.Code);
        Assert.Equal("SG-BUL-001", Assert.Throws<SilkgateException>(() => BulletinText.ParseLanguage("fr")).Code);
    }

    /// <summary>Every sentence of every paragraph (not headings, images or blank lines) carries a link to its drill-down entry.</summary>
    private static void AssertEverySentenceLinks(string markdown, BulletinLanguage lang)
    {
        var sentences = markdown.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith('!'))
            .SelectMany(l => lang == Zh ? l.Split('。', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : SentenceEnd().Split(l))
            .Where(s => s.Length > 0)
            .ToList();
        Assert.NotEmpty(sentences);
        Assert.All(sentences, s => Assert.Matches(@"\]\(explain\.(md|html)(#[fc]\d+)?\)", s));
    }

    [GeneratedRegex(@"(?<=\.)\s+")]
    private static partial Regex SentenceEnd();

    /// <summary>The published Kashgar figures (data/published/kashgar-public.csv) as a statistics source.</summary>
    private static IReadOnlyList<StatsRow> Published(StatsQuery q)
    {
        if (q.Dimensions.Count > 0)
            return q.Dimensions[0] == StatsDimension.Year
                ? [new StatsRow(["2013"], 12.44e9m), new StatsRow(["2021"], 26e9m), new StatsRow(["2022"], 49.31e9m)]
                : [];
        decimal value = (q.Measure, q.Scope.Kind, q.From.Year) switch
        {
            (StatsMeasure.TradeValue, ScopeKind.Prefecture, 2022) => q.Flow switch { StatsFlow.Total => 49.31e9m, StatsFlow.Import => 20e9m, _ => 29.31e9m },
            (StatsMeasure.TradeValue, ScopeKind.Prefecture, 2021) => q.Flow switch { StatsFlow.Total => 26e9m, StatsFlow.Import => 10e9m, _ => 16e9m },
            (StatsMeasure.TradeValue, ScopeKind.Prefecture, 2013) => 12.44e9m,
            (StatsMeasure.TradeValue, ScopeKind.Zone, 2022) => 28.28e9m,
            (StatsMeasure.TradeValue, ScopeKind.Zone, 2021) => 28.28e9m / 8.62m,
            (StatsMeasure.EcommerceValue, ScopeKind.Zone, 2022) => 1.29e9m,
            (StatsMeasure.EcommerceValue, ScopeKind.Zone, 2021) => 1.29e9m / 3.688m,
            (StatsMeasure.TradeValue, ScopeKind.Group, 2022) => 30e9m,
            (StatsMeasure.TradeValue, ScopeKind.Group, 2021) => 15e9m,
            (StatsMeasure.PartnerCount, _, 2022) => 116m,
            (StatsMeasure.PartnerCount, _, 2021) => 91m,
            (StatsMeasure.DeclarationCount, _, _) => 1000m,
            _ => 0m,
        };
        return [new StatsRow([], value)];
    }

    private static readonly ReferenceData Reference = new(
        [new Country("KZ", "KAZ", "398", "Kazakhstan", "哈萨克斯坦", false), new Country("PK", "PAK", "586", "Pakistan", "巴基斯坦", false)],
        [new Currency("CNY", "156", "Yuan Renminbi", 2)],
        new HsNomenclature([new HsEntry("08", 2, "II", null, "Edible fruit and nuts; peel of citrus fruit or melons")], [new HsSection("II", "Vegetable products")]),
        [new Port("IRKESHTAM", "Irkeshtam", "伊尔克什坦口岸", "road", "KG", null, null, null, null, null)],
        Array.Empty<CalendarRule>(),
        new PartnerGroups([
            new PartnerGroupMembership("CA5", "KZ", new DateOnly(1992, 1, 1), null, "test"),
            new PartnerGroupMembership("BRI", "PK", new DateOnly(2013, 1, 1), null, "test"),
        ]),
        [new TradeMode("0110", "General trade", "一般贸易", "general", false, false)],
        new ExchangeRateTable([]));
}
