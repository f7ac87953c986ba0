using System.Globalization;
using Silkgate.Common;
using Silkgate.Reference;

namespace Silkgate.Statistics;

/// <summary>
/// Computes a bulletin's figures from statistics queries (the <c>run</c> function answers a <see cref="StatsQuery"/>,
/// e.g. StatsQueryRunner.Run): the headline total with imports, exports and year-on-year growth; the multiple of the
/// base year (the earliest year with trade, same months); trading partners then and now; CA5 and BRI trade; the
/// bonded zone and its cross-border e-commerce; top ports, partners, HS chapters and headings; the tariff-preference
/// saving; and the data of the charts. Every figure keeps the query behind it. No I/O.
/// </summary>
public static class BulletinFigures
{
    /// <summary>The first month a base-year search looks at.</summary>
    public static readonly YearMonth Epoch = new(1990, 1);

    public const int TopPortCount = 3;
    public const int TopPartnerCount = 5;
    public const int TopChapterCount = 5;
    public const int TopHeadingCount = 3;
    public const int ChartPartnerCount = 10;
    public const int ChartPortCount = 8;

    /// <param name="firstMonthWithTrade">
    /// A quicker answer to "the first month with trade" than the query of trade by year since <see cref="Epoch"/>
    /// (which it must equal); without it the query is run.
    /// </param>
    public static BulletinModel Compute(Func<StatsQuery, IReadOnlyList<StatsRow>> run, ReferenceData reference, YearMonth from, YearMonth to, PreferenceTotals preferences,
        Func<YearMonth?>? firstMonthWithTrade = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(preferences);
        if (to < from)
            throw new SilkgateException("SG-STAT-006", $"--to {to} is before --from {from}.");
        if (to.Index - from.Index >= 12)
            throw new SilkgateException("SG-BUL-002", $"A bulletin covers at most 12 months (compared with the same months of the previous year); {from}..{to} is {to.Index - from.Index + 1}.");
        if (from < Epoch)
            throw new SilkgateException("SG-BUL-002", $"A bulletin starts in {Epoch} or later; --from {from} is before.");

        var b = new Builder(run);
        var prevFrom = from.AddMonths(-12);
        var prevTo = to.AddMonths(-12);
        StatsQuery Q(StatsMeasure m, YearMonth f, YearMonth t, StatsScope? scope = null, StatsFlow flow = StatsFlow.Total, params StatsDimension[] by) =>
            new(m, by, f, t, scope ?? StatsScope.Prefecture, flow, "CNY");

        // Headline: total, imports, exports, each with the same period of the previous year.
        var total = b.LevelWithGrowth("total", N("Total import and export value", "进出口总值"), Q(StatsMeasure.TradeValue, from, to), Q(StatsMeasure.TradeValue, prevFrom, prevTo), FigureUnit.Cny);
        b.Level("declarations", N("Declarations released", "放行报关单数"), Q(StatsMeasure.DeclarationCount, from, to), FigureUnit.Count);
        b.LevelWithGrowth("import", N("Imports", "进口"), Q(StatsMeasure.TradeValue, from, to, flow: StatsFlow.Import), Q(StatsMeasure.TradeValue, prevFrom, prevTo, flow: StatsFlow.Import), FigureUnit.Cny);
        b.LevelWithGrowth("export", N("Exports", "出口"), Q(StatsMeasure.TradeValue, from, to, flow: StatsFlow.Export), Q(StatsMeasure.TradeValue, prevFrom, prevTo, flow: StatsFlow.Export), FigureUnit.Cny);

        // The multiple of the base year: the earliest year with trade, over the same months.
        var years = Q(StatsMeasure.TradeValue, Epoch, to, by: StatsDimension.Year);
        // The store knows the first month with trade at once; without it, or before the epoch, the query decides.
        var known = firstMonthWithTrade is not null;
        var first = firstMonthWithTrade?.Invoke();
        var firstYear = known && first is null ? int.MaxValue
            : first is { } f && f >= Epoch ? (f <= to ? f.Year : int.MaxValue)
            : run(years).Where(r => r.Value != 0m).Select(r => int.Parse(r.Keys[0], CultureInfo.InvariantCulture)).DefaultIfEmpty(int.MaxValue).Min();
        int? baseYear = firstYear < from.Year ? firstYear : null;
        if (baseYear is { } by0)
        {
            var shift = -12 * (from.Year - by0);
            var baseQuery = Q(StatsMeasure.TradeValue, from.AddMonths(shift), to.AddMonths(shift));
            var baseTotal = b.Level("base_total", N($"Total import and export value in the same months of the base year {by0}", $"基年{by0}年同期进出口总值"), baseQuery, FigureUnit.Cny,
                derivation: N($"base year {by0} = the earliest year with trade: `{BulletinMarkdown.CommandLine("query", years)}`", $"基年{by0}年为最早有贸易数据的年份：`{BulletinMarkdown.CommandLine("query", years)}`"));
            b.Add("times_base", N($"Total as a multiple of the base year {by0}", $"进出口总值为基年{by0}年的倍数"), BulletinWording.Ratio(total.Value!.Value, baseTotal.Value!.Value), FigureUnit.Ratio,
                total.Query, baseQuery: baseQuery, derivation: N("value / base (\"R times that of the base year\"; not ratio − 1)", "本期值 / 基期值（“是基年的R倍”，不是比值 − 1）"));
        }

        b.Level("partners", N("Trading partners (countries with non-zero trade)", "贸易伙伴数量（有进出口的国家和地区）"), Q(StatsMeasure.PartnerCount, from, to), FigureUnit.Count);
        b.Level("partners_prev", N("Trading partners, same period of the previous year", "上年同期贸易伙伴数量"), Q(StatsMeasure.PartnerCount, prevFrom, prevTo), FigureUnit.Count);

        foreach (var (group, label) in new[] { ("CA5", N("Trade with the five Central Asian countries", "对中亚五国进出口")), ("BRI", N("Trade with Belt and Road partner countries", "对共建“一带一路”国家进出口")) })
        {
            if (!reference.Groups.Exists(group))
                continue;
            var scope = new StatsScope(ScopeKind.Group, group);
            var key = group.ToLowerInvariant();
            var level = b.LevelWithGrowth(key, label, Q(StatsMeasure.TradeValue, from, to, scope), Q(StatsMeasure.TradeValue, prevFrom, prevTo, scope), FigureUnit.Cny);
            b.Add(key + "_share", N(label.En + ", share of the total", label.Zh + "占进出口总值的比重"), BulletinWording.Ratio(level.Value!.Value, total.Value!.Value), FigureUnit.Share, level.Query,
                baseQuery: total.Query, derivation: N("value / total", "本项值 / 进出口总值"));
        }

        var zone = new StatsScope(ScopeKind.Zone, null);
        b.LevelWithGrowth("zone", N("Comprehensive bonded zone import and export value", "综合保税区进出口值"), Q(StatsMeasure.TradeValue, from, to, zone), Q(StatsMeasure.TradeValue, prevFrom, prevTo, zone), FigureUnit.Cny);
        b.LevelWithGrowth("ecommerce", N("Cross-border e-commerce value in the bonded zone", "综合保税区跨境电商交易额"), Q(StatsMeasure.EcommerceValue, from, to, zone), Q(StatsMeasure.EcommerceValue, prevFrom, prevTo, zone), FigureUnit.Cny);

        // Rankings: one grouped query each; every row shown is a figure of its own.
        LocalName PortName(string code) => reference.Port(code) is { } p ? new LocalName(p.NameEn, p.NameZh) : new LocalName(code, null);
        LocalName CountryName(string code) => reference.Country(code) is { } c ? new LocalName(c.NameEn, c.NameZh) : new LocalName(code, null);
        LocalName HsName(string code) => new(ShortHs(reference.Hs.Find(code)?.Description ?? code), null);
        var ports = b.Ranking("port", Q(StatsMeasure.TradeValue, from, to, by: StatsDimension.Port), total, TopPortCount, PortName);
        var partners = b.Ranking("partner", Q(StatsMeasure.TradeValue, from, to, by: StatsDimension.Partner), total, TopPartnerCount, CountryName, code => code != Country.UnknownCode);
        var chapters = b.Ranking("hs2", Q(StatsMeasure.TradeValue, from, to, by: StatsDimension.Hs2), total, TopChapterCount, HsName);
        var headings = b.Ranking("hs4", Q(StatsMeasure.TradeValue, from, to, by: StatsDimension.Hs4), total, TopHeadingCount, HsName);

        // Tariff preferences, as stored when the released imports were assessed.
        var imports = Q(StatsMeasure.TradeValue, from, to, flow: StatsFlow.Import);
        const string stored = "sum over the released import items (this query's items) assessed at a free-trade-agreement rate (duty_agreement set) of the duty stored at assessment";
        const string storedZh = "对本查询所含已放行进口商品中按自贸协定税率征税（duty_agreement 非空）的商品，汇总申报时计算并存储的关税";
        var byAgreement = preferences.ByAgreement.Count == 0 ? "" : " (" + string.Join("; ", preferences.ByAgreement.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Agreement}: {a.Items}, {a.Saving:0.00} CNY"))) + ")";
        b.Add("pref_saving", N("Duty saved through free-trade-agreement rates", "自贸协定项下关税优惠"), preferences.Saving, FigureUnit.Cny, imports,
            derivation: N($"{stored}: duty at the MFN rate − duty at the agreement rate{byAgreement}", $"{storedZh}：按最惠国税率计的关税 − 按协定税率计的关税{byAgreement}"));
        b.Add("pref_mfn", N("Duty at MFN rates on those items", "上述商品按最惠国税率计的关税"), preferences.DutyAtMfn, FigureUnit.Cny, imports,
            derivation: N(stored + ": duty at the MFN rate", storedZh + "：按最惠国税率计"));
        b.Add("pref_paid", N("Duty paid on those items", "上述商品实征关税"), preferences.DutyPaid, FigureUnit.Cny, imports,
            derivation: N(stored + ": duty at the agreement rate", storedZh + "：按协定税率计"));
        b.Add("pref_items", N("Released import items assessed at an agreement rate", "按协定税率征税的已放行进口商品项数"), preferences.Items, FigureUnit.Count, imports,
            derivation: N("count of those items", "上述商品项数"));
        b.Add("pref_unassessed", N("Released import items without a tariff assessment (imported from external data)", "未经税费计算的已放行进口商品项数（外部数据导入）"), preferences.UnassessedItems, FigureUnit.Count, imports,
            derivation: N("count of released import items with no stored duty (bulk-imported, not lodged through `declare lodge`)", "没有存储关税的已放行进口商品项数（批量导入，未经 `declare lodge` 申报）"));

        var charts = Charts(run, reference, from, to, prevFrom, prevTo, total.Value!.Value, PortName, CountryName, Q);
        return new BulletinModel(from, to, prevFrom, prevTo, baseYear, b.Figures, ports, partners, chapters, headings, preferences, charts);
    }

    private static List<ChartData> Charts(Func<StatsQuery, IReadOnlyList<StatsRow>> run, ReferenceData reference, YearMonth from, YearMonth to, YearMonth prevFrom, YearMonth prevTo,
        decimal total, Func<string, LocalName> portName, Func<string, LocalName> countryName,
        Func<StatsMeasure, YearMonth, YearMonth, StatsScope?, StatsFlow, StatsDimension[], StatsQuery> q)
    {
        var months = Enumerable.Range(0, to.Index - from.Index + 1).Select(from.AddMonths).ToList();
        var monthNames = months.Select(m => new LocalName(m.ToString(), $"{m.Year}年{m.Month}月")).ToList();
        var charts = new List<ChartData>();

        var byMonthPort = q(StatsMeasure.TradeValue, from, to, null, StatsFlow.Total, [StatsDimension.Month, StatsDimension.Port]);
        var rows = run(byMonthPort);
        // The largest ports each as a series (Kashgar has five), the rest together.
        var portCodes = rows.GroupBy(r => r.Keys[1]).OrderByDescending(g => g.Sum(r => r.Value)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).ToList();
        var shown = portCodes.Take(portCodes.Count > ChartPortCount ? ChartPortCount - 1 : ChartPortCount).ToHashSet(StringComparer.Ordinal);
        var series = portCodes.Where(shown.Contains).Select(code => new ChartSeries(code, portName(code),
            months.Select(m => (double?)(double)rows.Where(r => r.Keys[0] == m.ToString() && r.Keys[1] == code).Sum(r => r.Value)).ToList())).ToList();
        if (shown.Count < portCodes.Count)
            series.Add(new ChartSeries("OTHER", new LocalName("Other ports", "其他口岸"),
                months.Select(m => (double?)(double)rows.Where(r => r.Keys[0] == m.ToString() && !shown.Contains(r.Keys[1])).Sum(r => r.Value)).ToList()));
        charts.Add(new ChartData("C01", ChartKind.PortByMonth, "trade-by-port-month", new LocalName("Monthly trade value by port", "分口岸月度进出口值"), ChartUnit.Cny,
            monthNames, series, byMonthPort));

        var hasCa5 = reference.Groups.Exists("CA5");
        var hasBri = reference.Groups.Exists("BRI");
        var ca5Query = q(StatsMeasure.TradeValue, from, to, new StatsScope(ScopeKind.Group, "CA5"), StatsFlow.Total, [StatsDimension.Partner]);
        var briQuery = q(StatsMeasure.TradeValue, from, to, new StatsScope(ScopeKind.Group, "BRI"), StatsFlow.Total, [StatsDimension.Partner]);
        var ca5Rows = hasCa5 ? run(ca5Query) : [];
        var briRows = hasBri ? run(briQuery) : [];
        var ca5Partners = ca5Rows.Select(r => r.Keys[0]).ToHashSet(StringComparer.Ordinal);
        var ca5 = ca5Rows.Sum(r => r.Value);
        var otherBri = briRows.Where(r => !ca5Partners.Contains(r.Keys[0])).Sum(r => r.Value);
        charts.Add(new ChartData("C02", ChartKind.GroupShares, "partner-group-shares", new LocalName("Shares of partner groups in trade value", "贸易伙伴组别占比"), ChartUnit.Cny,
            [new LocalName("Central Asia-5", "中亚五国"), new LocalName("Other Belt and Road partners", "其他共建“一带一路”国家"), new LocalName("Rest of the world", "其他国家和地区")],
            [new ChartSeries("value", new LocalName("Trade value", "进出口值"), [(double)ca5, (double)otherBri, (double)(total - ca5 - otherBri)])],
            briQuery, ca5Query));

        var byMonth = q(StatsMeasure.TradeValue, from, to, null, StatsFlow.Total, [StatsDimension.Month]);
        var byMonthPrev = q(StatsMeasure.TradeValue, prevFrom, prevTo, null, StatsFlow.Total, [StatsDimension.Month]);
        var now = run(byMonth).ToDictionary(r => r.Keys[0], r => r.Value, StringComparer.Ordinal);
        var then = run(byMonthPrev).ToDictionary(r => r.Keys[0], r => r.Value, StringComparer.Ordinal);
        var growth = months.Select(m => BulletinWording.GrowthPercent(BulletinWording.Ratio(now.GetValueOrDefault(m.ToString()), then.GetValueOrDefault(m.AddMonths(-12).ToString()))) is { } g ? (double?)(double)g : null).ToList();
        charts.Add(new ChartData("C03", ChartKind.YoyByMonth, "yoy-growth-by-month", new LocalName("Year-on-year growth of trade value by month (n/a months omitted)", "月度进出口值同比增速（无上年同期数据的月份不显示）"), ChartUnit.Percent,
            monthNames, [new ChartSeries("yoy", new LocalName("Year-on-year growth", "同比增速"), growth)], byMonth, byMonthPrev));

        var byPartner = q(StatsMeasure.TradeValue, from, to, null, StatsFlow.Total, [StatsDimension.Partner]);
        var top = run(byPartner).Where(r => r.Keys[0] != Country.UnknownCode && r.Value != 0m).OrderByDescending(r => r.Value).ThenBy(r => r.Keys[0], StringComparer.Ordinal).Take(ChartPartnerCount).ToList();
        charts.Add(new ChartData("C04", ChartKind.TopPartners, "top-partners", new LocalName("Top trading partners by trade value", "主要贸易伙伴进出口值"), ChartUnit.Cny,
            top.Select(r => countryName(r.Keys[0])).ToList(), [new ChartSeries("value", new LocalName("Trade value", "进出口值"), top.Select(r => (double?)(double)r.Value).ToList())], byPartner));

        var massByPort = q(StatsMeasure.CargoMass, from, to, null, StatsFlow.Total, [StatsDimension.Port]);
        var mass = run(massByPort).OrderByDescending(r => r.Value).ThenBy(r => r.Keys[0], StringComparer.Ordinal).Take(ChartPortCount).ToList();
        charts.Add(new ChartData("C05", ChartKind.TonnesByPort, "cargo-tonnes-by-port", new LocalName("Cargo by port (tonnes; largest ports)", "分口岸货运量（吨，主要口岸）"), ChartUnit.Tonnes,
            mass.Select(r => portName(r.Keys[0])).ToList(), [new ChartSeries("tonnes", new LocalName("Cargo", "货运量"), mass.Select(r => (double?)(double)(r.Value / 1000m)).ToList())], massByPort));
        return charts;
    }

    private static LocalName N(string en, string? zh) => new(en, zh);

    /// <summary>An HS description up to its first semicolon: "Mineral fuels, mineral oils and products of their distillation".</summary>
    public static string ShortHs(string description)
    {
        var cut = description.IndexOf(';', StringComparison.Ordinal);
        return (cut > 0 ? description[..cut] : description).Trim();
    }

    /// <summary>Gives figures their ids (F01, F02, ...) in the order computed.</summary>
    private sealed class Builder(Func<StatsQuery, IReadOnlyList<StatsRow>> run)
    {
        public List<BulletinFigure> Figures { get; } = [];

        private int _next = 1;

        private string NextId() => $"F{_next++:D2}";

        public BulletinFigure Add(string key, LocalName label, decimal? value, FigureUnit unit, StatsQuery query, string? row = null, StatsQuery? baseQuery = null, string? baseRow = null, LocalName? derivation = null, bool keep = true)
        {
            var f = new BulletinFigure(NextId(), key, label, value, unit, query, row, baseQuery, baseRow, derivation);
            if (keep)
                Figures.Add(f);
            return f;
        }

        public BulletinFigure Level(string key, LocalName label, StatsQuery query, FigureUnit unit, LocalName? derivation = null)
        {
            var rows = run(query);
            return Add(key, label, rows.Count == 0 ? 0m : rows[0].Value, unit, query, derivation: derivation);
        }

        /// <summary>The level, the level of the same period of the previous year (key_prev) and the year-on-year ratio (key_yoy).</summary>
        public BulletinFigure LevelWithGrowth(string key, LocalName label, StatsQuery query, StatsQuery previous, FigureUnit unit)
        {
            var now = Level(key, label, query, unit);
            var then = Level(key + "_prev", N(label.En + ", same period of the previous year", "上年同期" + label.Zh), previous, unit);
            Add(key + "_yoy", N(label.En + ", year-on-year growth", label.Zh + "同比增速"), BulletinWording.Ratio(now.Value!.Value, then.Value!.Value), FigureUnit.Ratio, query,
                baseQuery: previous, derivation: N("value / base − 1, in percent (\"an increase of N times\" = value / base − 1 from 300 % on); n/a when the base is 0", "本期值 / 上年同期值 − 1，以百分比表示（增长300%及以上时表示为“增长N倍”，N = 比值 − 1）；上年同期为零时为 n/a"));
            return now;
        }

        public List<RankedItem> Ranking(string dim, StatsQuery query, BulletinFigure total, int count, Func<string, LocalName> name, Func<string, bool>? include = null)
        {
            var rows = run(query).Where(r => r.Value != 0m && (include is null || include(r.Keys[0])))
                .OrderByDescending(r => r.Value).ThenBy(r => r.Keys[0], StringComparer.Ordinal).Take(count).ToList();
            return rows.Select(r =>
            {
                var label = $"{dim} {r.Keys[0]}";
                var value = Add($"{dim}:{r.Keys[0]}", N("Trade value, " + label, "进出口值，" + label), r.Value, FigureUnit.Cny, query, row: r.Keys[0], keep: false);
                var share = Add($"{dim}:{r.Keys[0]}_share", N("Share of the total, " + label, "占进出口总值的比重，" + label), BulletinWording.Ratio(r.Value, total.Value!.Value), FigureUnit.Share, query,
                    row: r.Keys[0], baseQuery: total.Query, derivation: N("row value / total", "该行值 / 进出口总值"), keep: false);
                return new RankedItem(r.Keys[0], name(r.Keys[0]), value, share);
            }).ToList();
        }
    }
}
