using System.Net;
using Markdig;
using Silkgate.Statistics;

namespace Silkgate.Cli.Reports;

/// <summary>The files a bulletin run wrote.</summary>
public sealed record BulletinFiles(string Markdown, string Html, string ExplainMarkdown, string ExplainHtml, ChartFiles Charts)
{
    public IEnumerable<string> All => new[] { Markdown, Html, ExplainMarkdown, ExplainHtml }.Concat(Charts.Paths);
}

/// <summary>
/// Writes a bulletin into a folder: the charts (PNG and SVG, <see cref="TradeCharts"/>), bulletin.md and
/// bulletin.html (Markdig), and the drill-down page explain.md / explain.html that every sentence links to.
/// </summary>
public static class BulletinWriter
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public static BulletinFiles Write(BulletinModel model, BulletinLanguage lang, string outDir, string? cjkFont = null, bool detectFont = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(outDir);
        var charts = TradeCharts.WriteAll(model, lang, outDir, cjkFont, detectFont);
        var english = charts.LabelLanguage != lang;
        var title = BulletinText.Fill("title", lang, ("period", BulletinWording.PeriodTitle(model.From, model.To, lang)));
        var explainTitle = BulletinText.Fill("explain_title", lang, ("period", BulletinWording.PeriodTitle(model.From, model.To, lang)));

        var md = Path.Combine(outDir, "bulletin.md");
        File.WriteAllText(md, BulletinMarkdown.Render(model, lang, "explain.md", english));
        var html = Path.Combine(outDir, "bulletin.html");
        File.WriteAllText(html, Page(title, lang, Markdown.ToHtml(BulletinMarkdown.Render(model, lang, "explain.html", english), Pipeline)));

        var explain = BulletinMarkdown.RenderExplain(model, lang);
        var explainMd = Path.Combine(outDir, "explain.md");
        File.WriteAllText(explainMd, explain);
        var explainHtml = Path.Combine(outDir, "explain.html");
        File.WriteAllText(explainHtml, Page(explainTitle, lang, Markdown.ToHtml(explain, Pipeline)));
        return new BulletinFiles(md, html, explainMd, explainHtml, charts);
    }

    private static string Page(string title, BulletinLanguage lang, string body) => $"""
        <!DOCTYPE html>
        <html lang="{(lang == BulletinLanguage.Zh ? "zh-CN" : "en")}">
        <head>
        <meta charset="utf-8">
        <title>{WebUtility.HtmlEncode(title)}</title>
        <style>
        body {"{"} font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; max-width: 60rem; margin: 2rem auto; line-height: 1.6; padding: 0 1rem; {"}"}
        img {"{"} max-width: 100%; {"}"}
        code {"{"} font-size: 0.9em; {"}"}
        a {"{"} color: #0b5394; text-decoration: none; border-bottom: 1px dotted #0b5394; {"}"}
        </style>
        </head>
        <body>
        {body}
        </body>
        </html>

        """;
}
