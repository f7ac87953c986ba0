using System.Text;

namespace Silkgate.Statistics;

/// <summary>
/// The bulletin's language strings: one table, one row per phrase, English and Chinese side by side. Templates name
/// their holes ({total}, {growth}, ...); <see cref="Fill"/> puts the worded figures in.
/// </summary>
public static class BulletinText
{
    public static readonly IReadOnlyDictionary<string, (string En, string Zh)> Table = new Dictionary<string, (string En, string Zh)>(StringComparer.Ordinal)
    {
        ["title"] = ("Kashgar foreign trade bulletin: {period}", "喀什地区对外贸易统计快讯：{period}"),
        ["source"] = (
            "Source: [Silkgate statistics of released customs declarations]({explain}), statistical value in CNY (imports CIF by country of origin, exports FOB by country of destination) by release date; every figure links to the query behind it.",
            "数据来源：[Silkgate 已放行报关单统计]({explain})，统计价值以人民币计（进口按原产国、CIF价格，出口按最终目的国、FOB价格），按放行日期统计；每个数字均链接至其统计查询。"),
        ["h_overview"] = ("Overview", "总体情况"),
        ["h_partners"] = ("Trading partners", "贸易伙伴"),
        ["h_zone"] = ("Comprehensive bonded zone and cross-border e-commerce", "综合保税区与跨境电商"),
        ["h_structure"] = ("Ports, partners and commodities", "口岸、贸易伙伴与商品"),
        ["h_preferences"] = ("Tariff preferences", "关税优惠"),
        ["h_charts"] = ("Charts", "图表"),
        ["empty_note"] = (
            "[Note]({link}): no customs declaration was released in this period, so every figure below is 0.",
            "[说明]({link})：本期没有放行的报关单，以下各项数字均为0。"),
        ["headline"] = (
            "{period}, the total import and export value of the Kashgar region was {total}, {growth}.",
            "{period}，喀什地区进出口总值{total}，{growth}。"),
        ["flows"] = (
            "Of this, imports were {import}, {import_growth}; exports were {export}, {export_growth}.",
            "其中，进口{import}，{import_growth}；出口{export}，{export_growth}。"),
        ["times_base"] = (
            "The total is {times} ({base} in the same months of {year}).",
            "进出口总值{times}（{year}年同期为{base}）。"),
        ["partners_up"] = (
            "The number of trading partners rose from {prev} in the same period of the previous year to {now}.",
            "贸易伙伴数量由上年同期的{prev}个增至{now}个。"),
        ["partners_down"] = (
            "The number of trading partners fell from {prev} in the same period of the previous year to {now}.",
            "贸易伙伴数量由上年同期的{prev}个减至{now}个。"),
        ["partners_same"] = (
            "The number of trading partners was {now}, the same as in the same period of the previous year ({prev}).",
            "贸易伙伴数量为{now}个，与上年同期（{prev}个）持平。"),
        ["ca5"] = (
            "Trade with the five Central Asian countries amounted to {value}, {growth}{share}.",
            "对中亚五国进出口{value}，{growth}{share}。"),
        ["bri"] = (
            "Trade with Belt and Road partner countries reached {value}, {growth}{share}.",
            "对共建“一带一路”国家进出口{value}，{growth}{share}。"),
        ["share_of_total"] = (", accounting for {share} of the total", "，占进出口总值的{share}"),
        ["zone"] = (
            "The Kashgar comprehensive bonded zone's import and export value was {value}, {growth}.",
            "喀什综合保税区进出口{value}，{growth}。"),
        ["ecommerce"] = (
            "Cross-border e-commerce in the zone reached {value}, {growth}.",
            "综合保税区跨境电商交易额{value}，{growth}。"),
        ["ports"] = ("By port, {list}.", "分口岸看，{list}。"),
        ["port_item"] = ("{name} handled {value} ({share} of the total)", "{name}进出口{value}，占{share}"),
        ["top_partners"] = ("The largest trading partners were {list}.", "主要贸易伙伴为{list}。"),
        ["partner_item"] = ("{name} ({value}, {share})", "{name}（{value}，占{share}）"),
        ["chapters"] = ("By commodity, the leading HS chapters were {list}.", "分商品看，主要商品章为{list}。"),
        ["chapter_item"] = ("chapter {code}, {name} ({value}, {share})", "第{code}章 {name}（{value}，占{share}）"),
        ["headings"] = ("The leading HS headings were {list}.", "主要税目为{list}。"),
        ["heading_item"] = ("{code} {name} ({value}, {share})", "{code} {name}（{value}，占{share}）"),
        ["none_ranked"] = ("By port, partner and commodity there is [nothing to rank]({link}) in this period.", "本期口岸、贸易伙伴和商品[无数据可排序]({link})。"),
        ["preferences"] = (
            "Preferential duty rates under free trade agreements saved importers {saving} of customs duty on {items} released import items (duty at MFN rates {mfn}, duty paid {paid}).",
            "自贸协定项下进口享受关税优惠{saving}，涉及已放行进口商品{items}项（按最惠国税率应征{mfn}，实征{paid}）。"),
        ["preferences_none"] = (
            "No released import item in the period was assessed at a free-trade-agreement rate, so [the preference saving is 0]({link}).",
            "本期已放行进口商品中没有按自贸协定税率征税的商品，[关税优惠为0]({link})。"),
        ["preferences_unassessed"] = (
            "{count} released import items came from external data without a tariff assessment and are not counted.",
            "另有{count}项已放行进口商品来自外部数据、未经税费计算，未计入。"),
        ["list_sep"] = ("; ", "；"),
        ["list_sep_short"] = (", ", "、"),
        ["charts_english"] = (
            "[Note]({link}): no font with Chinese characters was found, so the charts are labelled in English.",
            "[注]({link})：未找到中文字体（如 fonts-noto-cjk），图表标签为英文。"),
        ["chart_caption"] = ("Figure {n}: {title} ([query]({link})).", "图{n}：{title}（[查询]({link})）。"),
        ["explain_title"] = ("Bulletin figures and their queries: {period}", "快讯数字及其统计查询：{period}"),
        ["explain_intro"] = (
            "Each entry gives a figure of the bulletin, its value, and the exact commands that compute it (`stats query`) and list the declarations behind it (`stats explain`).",
            "每一条列出快讯中的一个数字、其数值，以及计算它的命令（`stats query`）和列出其所依据报关单的命令（`stats explain`）。"),
        ["explain_value"] = ("Figure", "数值"),
        ["explain_row"] = ("Row", "行"),
        ["explain_base"] = ("Base", "基期"),
        ["explain_how"] = ("Derivation", "计算方法"),
        ["n_a"] = ("n/a", "n/a"),
    };

    public static string Get(string key, BulletinLanguage lang)
    {
        var row = Table.TryGetValue(key, out var r) ? r : throw new KeyNotFoundException($"No bulletin text '{key}'.");
        return lang == BulletinLanguage.Zh ? row.Zh : row.En;
    }

    /// <summary>The template <paramref name="key"/> with each {name} replaced by its value.</summary>
    public static string Fill(string key, BulletinLanguage lang, params (string Name, string Value)[] holes)
    {
        var text = new StringBuilder(Get(key, lang));
        foreach (var (name, value) in holes)
            text.Replace("{" + name + "}", value);
        return text.ToString();
    }

    public static BulletinLanguage ParseLanguage(string? text) => (text ?? "en") switch
    {
        "en" => BulletinLanguage.En,
        "zh" => BulletinLanguage.Zh,
        _ => throw new Common.SilkgateException("SG-BUL-001", $"Unknown bulletin language '{text}': expected en or zh."),
    };
}
