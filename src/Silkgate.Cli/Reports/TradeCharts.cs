using ScottPlot;
using Silkgate.Statistics;
using SkiaSharp;

namespace Silkgate.Cli.Reports;

/// <summary>The chart files written, and the language their labels ended up in.</summary>
public sealed record ChartFiles(IReadOnlyList<string> Paths, BulletinLanguage LabelLanguage, string? Font);

/// <summary>
/// Draws a bulletin's charts (ScottPlot) as PNG and SVG: monthly trade by port (stacked bars), partner-group shares
/// (pie), year-on-year growth by month (bars, n/a months omitted), top partners (horizontal bars) and cargo tonnes by
/// port (bars). Chinese labels need a CJK font (Debian: fonts-noto-cjk); without one the labels fall back to English.
/// </summary>
public static class TradeCharts
{
    public const int Width = 900;
    public const int Height = 500;

    /// <summary>The family of an installed font that has Chinese glyphs, or null.</summary>
    public static string? FindCjkFont()
    {
        foreach (var family in new[] { "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei" })
        {
            using var exact = SKFontManager.Default.MatchFamily(family);
            if (exact is not null && exact.ContainsGlyphs("中国"))
                return exact.FamilyName;
        }
        using var any = SKFontManager.Default.MatchCharacter('中');
        return any is not null && any.ContainsGlyphs("中国") ? any.FamilyName : null;
    }

    /// <summary>
    /// Writes every chart of the model into <paramref name="outDir"/> as {file}.png and {file}.svg. With
    /// <paramref name="lang"/> zh, labels are Chinese when <paramref name="cjkFont"/> (default: <see cref="FindCjkFont"/>)
    /// names a font; otherwise English.
    /// </summary>
    public static ChartFiles WriteAll(BulletinModel model, BulletinLanguage lang, string outDir, string? cjkFont = null, bool detectFont = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(outDir);
        var font = lang == BulletinLanguage.Zh ? cjkFont ?? (detectFont ? FindCjkFont() : null) : null;
        var labels = lang == BulletinLanguage.Zh && font is not null ? BulletinLanguage.Zh : BulletinLanguage.En;
        var paths = new List<string>();
        foreach (var chart in model.Charts)
        {
            var plot = Draw(chart, labels);
            if (font is not null)
            {
                plot.Font.Set(font);
                plot.Legend.FontName = font;
            }
            var png = Path.Combine(outDir, chart.File + ".png");
            var svg = Path.Combine(outDir, chart.File + ".svg");
            plot.SavePng(png, Width, Height);
            plot.SaveSvg(svg, Width, Height);
            paths.Add(png);
            paths.Add(svg);
        }
        return new ChartFiles(paths, labels, font);
    }

    private static Plot Draw(ChartData chart, BulletinLanguage lang)
    {
        var plot = new Plot();
        plot.Title(chart.Title.In(lang));
        var max = chart.Series.SelectMany(s => s.Values).Where(v => v.HasValue).Select(v => Math.Abs(v!.Value)).DefaultIfEmpty(0).Max();
        var (scale, unit) = Scale(chart.Unit, max, lang);
        var palette = new ScottPlot.Palettes.Category10();
        var categories = chart.Categories.Select(c => c.In(lang)).ToArray();
        var positions = Enumerable.Range(0, categories.Length).Select(i => (double)i).ToArray();
        var hasData = chart.Series.Any(s => s.Values.Any(v => v is { } x && x != 0));

        switch (chart.Kind)
        {
            case ChartKind.PortByMonth:
            {
                var bars = new List<Bar>();
                var bottoms = new double[categories.Length];
                for (var s = 0; s < chart.Series.Count; s++)
                {
                    var color = palette.GetColor(s);
                    for (var i = 0; i < categories.Length; i++)
                    {
                        var v = (chart.Series[s].Values[i] ?? 0) / scale;
                        bars.Add(new Bar { Position = i, ValueBase = bottoms[i], Value = bottoms[i] + v, FillColor = color });
                        bottoms[i] += v;
                    }
                    plot.Legend.ManualItems.Add(new LegendItem { LabelText = chart.Series[s].Name.In(lang), FillColor = color });
                }
                plot.Add.Bars(bars);
                plot.Axes.Bottom.SetTicks(positions, categories);
                plot.YLabel(unit);
                plot.Axes.Margins(bottom: 0);
                if (chart.Series.Count > 0)
                    plot.ShowLegend(Edge.Right);
                break;
            }
            case ChartKind.GroupShares:
            {
                var values = chart.Series[0].Values.Select(v => Math.Max(0, v ?? 0)).ToArray();
                var sum = values.Sum();
                if (sum > 0)
                {
                    var slices = values.Select((v, i) => new PieSlice
                    {
                        Value = v,
                        FillColor = palette.GetColor(i),
                        Label = v == 0 ? "" : (v / sum).ToString("P1", System.Globalization.CultureInfo.InvariantCulture),
                        LegendText = categories[i],
                    }).ToList();
                    var pie = plot.Add.Pie(slices);
                    pie.SliceLabelDistance = 1.25;
                    plot.ShowLegend(Edge.Right);
                }
                plot.Axes.Frameless();
                plot.HideGrid();
                plot.Title(chart.Title.In(lang));
                break;
            }
            case ChartKind.YoyByMonth:
            {
                var values = chart.Series[0].Values;
                var bars = new List<Bar>();
                for (var i = 0; i < values.Count; i++)
                {
                    if (values[i] is { } v)
                        bars.Add(new Bar { Position = i, Value = v, FillColor = v >= 0 ? palette.GetColor(0) : palette.GetColor(3) });
                }
                plot.Add.Bars(bars);
                plot.Axes.Bottom.SetTicks(positions, categories);
                plot.YLabel(unit);
                plot.Add.HorizontalLine(0, 1, Colors.Black);
                hasData = bars.Count > 0;
                break;
            }
            case ChartKind.TopPartners:
            {
                // Largest at the top: reverse the order on the vertical axis.
                var values = chart.Series[0].Values;
                var bars = values.Select((v, i) => new Bar { Position = values.Count - 1 - i, Value = (v ?? 0) / scale, FillColor = palette.GetColor(0) }).ToList();
                var bp = plot.Add.Bars(bars);
                bp.Horizontal = true;
                plot.Axes.Left.SetTicks(positions.Select(p => values.Count - 1 - p).ToArray(), categories);
                plot.XLabel(unit);
                plot.Axes.Margins(left: 0);
                break;
            }
            default:
            {
                var values = chart.Series[0].Values;
                var bars = values.Select((v, i) => new Bar { Position = i, Value = (v ?? 0) / scale, FillColor = palette.GetColor(i % 10) }).ToList();
                plot.Add.Bars(bars);
                plot.Axes.Bottom.SetTicks(positions, categories);
                plot.YLabel(unit);
                plot.Axes.Margins(bottom: 0);
                break;
            }
        }
        if (!hasData && chart.Kind != ChartKind.GroupShares)
            plot.Axes.SetLimits(-0.5, Math.Max(categories.Length, 1) - 0.5, 0, 1);
        if (!hasData)
            plot.Add.Annotation(lang == BulletinLanguage.Zh ? "本期无数据" : "No data in this period", Alignment.MiddleCenter);
        return plot;
    }

    /// <summary>The divisor and axis label for a chart's values: billions / millions of yuan (亿元 / 万元), percent, tonnes.</summary>
    private static (double Scale, string Label) Scale(ChartUnit unit, double max, BulletinLanguage lang)
    {
        var zh = lang == BulletinLanguage.Zh;
        return unit switch
        {
            ChartUnit.Percent => (1, zh ? "同比增速（%）" : "Year-on-year growth (%)"),
            ChartUnit.Tonnes => (1, zh ? "吨" : "Tonnes"),
            _ when zh => max >= 1e7 ? (1e8, "亿元") : (1e4, "万元"),
            _ => max >= 1e8 ? (1e9, "Billion yuan") : (1e6, "Million yuan"),
        };
    }
}
