using System.Globalization;
using System.Text;

namespace Silkgate.Statistics;

/// <summary>
/// Renders a <see cref="BulletinModel"/> as Markdown in the style of a customs statistical release, every sentence
/// linking to the drill-down entry of its figures (<c>explain.md#f01</c>); and renders that drill-down page: each
/// figure with its value and the exact <c>silkgate stats query</c> and <c>silkgate stats explain</c> commands.
/// </summary>
public static class BulletinMarkdown
{
    /// <summary>The anchor of a figure or chart in the drill-down page: "f01", "c02".</summary>
    public static string Anchor(string id) => id.ToLowerInvariant();

    /// <summary>
    /// The command line of a statistics query: "silkgate stats {verb} --measure M --from F --to T [--scope S] [--flow F] [--by D,...]".
    /// </summary>
    public static string CommandLine(string verb, StatsQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var text = new StringBuilder($"silkgate stats {verb} --measure {StatsQuery.MeasureNames.First(kv => kv.Value == q.Measure).Key} --from {q.From} --to {q.To}");
        if (q.Scope.Kind != ScopeKind.Prefecture)
            text.Append(" --scope ").Append(q.Scope);
        if (q.Flow != StatsFlow.Total)
            text.Append(" --flow ").Append(q.Flow.ToString().ToLowerInvariant());
        if (q.Dimensions.Count > 0)
            text.Append(" --by ").Append(string.Join(",", q.Dimensions.Select(StatsQuery.NameOf)));
        if (q.Currency != "CNY")
            text.Append(" --currency ").Append(q.Currency);
        return text.ToString();
    }

    /// <summary>A figure as the bulletin words it (without its link).</summary>
    public static string Word(BulletinFigure f, BulletinLanguage lang) => f.Unit switch
    {
        FigureUnit.Cny => BulletinWording.Cny(f.Value ?? 0m, lang),
        FigureUnit.Count => BulletinWording.Count(f.Value ?? 0m),
        FigureUnit.Tonnes => BulletinWording.Tonnes(f.Value ?? 0m, lang),
        FigureUnit.Share => f.Value is { } s ? BulletinWording.Percent(s) : BulletinWording.NotAvailable,
        _ => BulletinWording.Growth(f.Value, lang),
    };

    /// <summary>
    /// The bulletin in Markdown. Links go to <paramref name="explainFile"/> (explain.md, or explain.html for the HTML
    /// page); charts are embedded as {file}.png. <paramref name="chartLabelsInEnglish"/> adds a note when a Chinese
    /// bulletin's charts had to fall back to English labels (no CJK font).
    /// </summary>
    public static string Render(BulletinModel model, BulletinLanguage lang, string explainFile = "explain.md", bool chartLabelsInEnglish = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        string L(string id) => $"{explainFile}#{Anchor(id)}";
        string Link(string text, BulletinFigure f) => $"[{text}]({L(f.Id)})";
        string W(BulletinFigure f) => Link(Word(f, lang), f);
        string T(string key, params (string, string)[] holes) => BulletinText.Fill(key, lang, holes);
        var fig = model.Figure;
        var md = new StringBuilder();
        var period = BulletinWording.Period(model.From, model.To, lang);

        md.Append("# ").AppendLine(T("title", ("period", BulletinWording.PeriodTitle(model.From, model.To, lang)))).AppendLine();
        md.AppendLine(T("source", ("explain", explainFile))).AppendLine();
        if (model.Empty)
            md.AppendLine(T("empty_note", ("link", L(fig("total").Id)))).AppendLine();

        md.Append("## ").AppendLine(T("h_overview")).AppendLine();
        var overview = new List<string>
        {
            T("headline", ("period", period), ("total", W(fig("total"))), ("growth", W(fig("total_yoy")))),
            T("flows", ("import", W(fig("import"))), ("import_growth", W(fig("import_yoy"))), ("export", W(fig("export"))), ("export_growth", W(fig("export_yoy")))),
        };
        if (model.BaseYear is { } year && model.TryFigure("times_base") is { } times)
            overview.Add(T("times_base", ("times", Link(BulletinWording.TimesBase(times.Value, year, lang), times)), ("base", W(fig("base_total"))), ("year", year.ToString(CultureInfo.InvariantCulture))));
        Paragraph(md, overview, lang);

        md.Append("## ").AppendLine(T("h_partners")).AppendLine();
        var partners = new List<string>();
        var now = fig("partners");
        var prev = fig("partners_prev");
        var partnerKey = now.Value > prev.Value ? "partners_up" : now.Value < prev.Value ? "partners_down" : "partners_same";
        partners.Add(T(partnerKey, ("now", W(now)), ("prev", W(prev))));
        foreach (var group in new[] { "ca5", "bri" })
        {
            if (model.TryFigure(group) is not { } level)
                continue;
            var share = fig(group + "_share");
            partners.Add(T(group, ("value", W(level)), ("growth", W(fig(group + "_yoy"))),
                ("share", share.Value is null ? "" : T("share_of_total", ("share", W(share))))));
        }
        Paragraph(md, partners, lang);

        md.Append("## ").AppendLine(T("h_zone")).AppendLine();
        Paragraph(md, [
            T("zone", ("value", W(fig("zone"))), ("growth", W(fig("zone_yoy")))),
            T("ecommerce", ("value", W(fig("ecommerce"))), ("growth", W(fig("ecommerce_yoy")))),
        ], lang);

        md.Append("## ").AppendLine(T("h_structure")).AppendLine();
        var structure = new List<string>();
        string Items(IReadOnlyList<RankedItem> items, string itemKey, string sepKey, Func<RankedItem, string>? code = null) =>
            string.Join(T(sepKey), items.Select(i => T(itemKey, ("name", i.Name.In(lang)), ("code", code?.Invoke(i) ?? i.Code), ("value", W(i.Value)), ("share", W(i.Share)))));
        if (model.TopPorts.Count > 0)
            structure.Add(T("ports", ("list", Items(model.TopPorts, "port_item", "list_sep"))));
        if (model.TopPartners.Count > 0)
            structure.Add(T("top_partners", ("list", Items(model.TopPartners, "partner_item", "list_sep_short"))));
        if (model.TopChapters.Count > 0)
            structure.Add(T("chapters", ("list", Items(model.TopChapters, "chapter_item", "list_sep"))));
        if (model.TopHeadings.Count > 0)
            structure.Add(T("headings", ("list", Items(model.TopHeadings, "heading_item", "list_sep"))));
        if (structure.Count == 0)
            structure.Add(T("none_ranked", ("link", L(fig("total").Id))));
        Paragraph(md, structure, lang);

        md.Append("## ").AppendLine(T("h_preferences")).AppendLine();
        var prefs = new List<string>();
        prefs.Add(model.Preferences.Items > 0
            ? T("preferences", ("saving", W(fig("pref_saving"))), ("items", W(fig("pref_items"))), ("mfn", W(fig("pref_mfn"))), ("paid", W(fig("pref_paid"))))
            : T("preferences_none", ("link", L(fig("pref_saving").Id))));
        if (model.Preferences.UnassessedItems > 0)
            prefs.Add(T("preferences_unassessed", ("count", W(fig("pref_unassessed")))));
        Paragraph(md, prefs, lang);

        md.Append("## ").AppendLine(T("h_charts")).AppendLine();
        if (chartLabelsInEnglish && lang == BulletinLanguage.Zh && model.Charts.Count > 0)
            md.AppendLine(T("charts_english", ("link", L(model.Charts[0].Id)))).AppendLine();
        var n = 1;
        foreach (var chart in model.Charts)
        {
            md.Append("![").Append(chart.Title.In(lang)).Append("](").Append(chart.File).AppendLine(".png)").AppendLine();
            md.AppendLine(T("chart_caption", ("n", (n++).ToString(CultureInfo.InvariantCulture)), ("title", chart.Title.In(lang)), ("link", L(chart.Id)))).AppendLine();
        }
        return md.ToString();
    }

    /// <summary>The drill-down page: every figure and chart with its value and the commands behind it.</summary>
    public static string RenderExplain(BulletinModel model, BulletinLanguage lang)
    {
        ArgumentNullException.ThrowIfNull(model);
        string T(string key, params (string, string)[] holes) => BulletinText.Fill(key, lang, holes);
        var md = new StringBuilder();
        md.Append("# ").AppendLine(T("explain_title", ("period", BulletinWording.PeriodTitle(model.From, model.To, lang)))).AppendLine();
        md.AppendLine(T("explain_intro")).AppendLine();
        foreach (var f in model.AllFigures)
        {
            md.Append("<a id=\"").Append(Anchor(f.Id)).AppendLine("\"></a>").AppendLine();
            md.Append("### ").Append(f.Id).Append(' ').AppendLine(f.Label.In(lang)).AppendLine();
            md.Append("- ").Append(T("explain_value")).Append(": ")
                .Append(f.Key == "times_base" && model.BaseYear is { } y ? BulletinWording.TimesBase(f.Value, y, lang) : Word(f, lang)).Append(" (").Append(Raw(f)).AppendLine(")");
            if (f.Row is not null)
                md.Append("- ").Append(T("explain_row")).Append(": `").Append(f.Row).AppendLine("`");
            Commands(md, f.Query, "");
            if (f.BaseQuery is not null)
                Commands(md, f.BaseQuery, T("explain_base") + " ");
            if (f.Derivation is not null)
                md.Append("- ").Append(T("explain_how")).Append(": ").AppendLine(f.Derivation.In(lang));
            md.AppendLine();
        }
        foreach (var c in model.Charts)
        {
            md.Append("<a id=\"").Append(Anchor(c.Id)).AppendLine("\"></a>").AppendLine();
            md.Append("### ").Append(c.Id).Append(' ').AppendLine(c.Title.In(lang)).AppendLine();
            md.Append("- ").Append(c.File).Append(".png, ").Append(c.File).AppendLine(".svg");
            Commands(md, c.Query, "");
            if (c.BaseQuery is not null)
                Commands(md, c.BaseQuery, T("explain_base") + " ");
            md.AppendLine();
        }
        return md.ToString();
    }

    private static void Commands(StringBuilder md, StatsQuery q, string prefix)
    {
        md.Append("- ").Append(prefix).Append("stats query: `").Append(CommandLine("query", q)).AppendLine("`");
        md.Append("- ").Append(prefix).Append("stats explain: `").Append(CommandLine("explain", q)).AppendLine("`");
    }

    private static string Raw(BulletinFigure f) => f.Value is not { } v
        ? BulletinWording.NotAvailable
        : f.Unit switch
        {
            FigureUnit.Cny => v.ToString("#,0.00", CultureInfo.InvariantCulture) + " CNY",
            FigureUnit.Tonnes => v.ToString("#,0.###", CultureInfo.InvariantCulture) + " kg",
            FigureUnit.Count => v.ToString("0", CultureInfo.InvariantCulture),
            _ => "ratio " + BulletinWording.Round(v, 6).ToString("0.######", CultureInfo.InvariantCulture),
        };

    /// <summary>Sentences of one paragraph: separated by a space in English, run together in Chinese.</summary>
    private static void Paragraph(StringBuilder md, IEnumerable<string> sentences, BulletinLanguage lang) =>
        md.AppendLine(string.Join(lang == BulletinLanguage.Zh ? "" : " ", sentences)).AppendLine();
}
