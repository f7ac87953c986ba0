using Silkgate.Common;

namespace Silkgate.Statistics;

/// <summary>The language a bulletin is written in.</summary>
public enum BulletinLanguage
{
    En,
    Zh,
}

/// <summary>What a figure's value is: an amount in CNY, a count, a mass in tonnes, a ratio (current / base) or a share (part / whole).</summary>
public enum FigureUnit
{
    Cny,
    Count,
    Tonnes,
    Ratio,
    Share,
}

/// <summary>A name in both bulletin languages; <see cref="Zh"/> falls back to the English name when reference data has none.</summary>
public sealed record LocalName(string En, string? Zh)
{
    public string In(BulletinLanguage lang) => lang == BulletinLanguage.Zh && !string.IsNullOrEmpty(Zh) ? Zh : En;
}

/// <summary>
/// One figure of a bulletin: its id (F01, F02, ... — the anchor of its drill-down entry), its value (null = n/a: a ratio
/// against an empty base), and the statistics query behind it. Ratios and shares also carry the query of their base
/// (the same period of the previous year, the base year, or the whole); <see cref="Row"/> names the row of a
/// grouped query (e.g. the port) when the figure is one row of it.
/// </summary>
public sealed record BulletinFigure(
    string Id,
    string Key,
    LocalName Label,
    decimal? Value,
    FigureUnit Unit,
    StatsQuery Query,
    string? Row = null,
    StatsQuery? BaseQuery = null,
    string? BaseRow = null,
    LocalName? Derivation = null);

/// <summary>One entry of a ranking (top ports, partners, HS chapters or headings): its value and its share of the total.</summary>
public sealed record RankedItem(string Code, LocalName Name, BulletinFigure Value, BulletinFigure Share);

/// <summary>Duty forgone through free-trade-agreement rates on released imports, as stored when their taxes were assessed.</summary>
public sealed record PreferenceTotals(int Items, decimal DutyPaid, decimal DutyAtMfn, int UnassessedItems, IReadOnlyList<AgreementSaving> ByAgreement)
{
    public static readonly PreferenceTotals None = new(0, 0m, 0m, 0, []);

    public decimal Saving => DutyAtMfn - DutyPaid;
}

/// <summary>The saving under one agreement.</summary>
public sealed record AgreementSaving(string Agreement, int Items, decimal DutyPaid, decimal DutyAtMfn)
{
    public decimal Saving => DutyAtMfn - DutyPaid;
}

/// <summary>The kinds of chart a bulletin carries.</summary>
public enum ChartKind
{
    /// <summary>Monthly trade value by port (stacked bars).</summary>
    PortByMonth,

    /// <summary>Shares of CA5, other BRI partners and the rest (pie).</summary>
    GroupShares,

    /// <summary>Year-on-year growth by month in percent (bars; n/a months omitted).</summary>
    YoyByMonth,

    /// <summary>Top partners by trade value (horizontal bars).</summary>
    TopPartners,

    /// <summary>Cargo mass in tonnes by port (bars).</summary>
    TonnesByPort,
}

/// <summary>What a chart's values are: CNY (drawn in billions of yuan, or 亿元), percent, or tonnes.</summary>
public enum ChartUnit
{
    Cny,
    Percent,
    Tonnes,
}

/// <summary>One series of a chart: a name and one value per category (null = no value, e.g. growth n/a).</summary>
public sealed record ChartSeries(string Code, LocalName Name, IReadOnlyList<double?> Values);

/// <summary>The data of one chart, with the query it was drawn from (and the base query for growth).</summary>
public sealed record ChartData(
    string Id,
    ChartKind Kind,
    string File,
    LocalName Title,
    ChartUnit Unit,
    IReadOnlyList<LocalName> Categories,
    IReadOnlyList<ChartSeries> Series,
    StatsQuery Query,
    StatsQuery? BaseQuery = null);

/// <summary>
/// Everything a bulletin says, computed and not yet rendered: the figures (each with its id and the query behind it),
/// the rankings, the tariff-preference totals and the chart data. BulletinMarkdown renders it.
/// </summary>
public sealed record BulletinModel(
    YearMonth From,
    YearMonth To,
    YearMonth PreviousFrom,
    YearMonth PreviousTo,
    int? BaseYear,
    IReadOnlyList<BulletinFigure> Figures,
    IReadOnlyList<RankedItem> TopPorts,
    IReadOnlyList<RankedItem> TopPartners,
    IReadOnlyList<RankedItem> TopChapters,
    IReadOnlyList<RankedItem> TopHeadings,
    PreferenceTotals Preferences,
    IReadOnlyList<ChartData> Charts)
{
    /// <summary>True when no declaration was released in the period: every level is 0 and the bulletin says so.</summary>
    public bool Empty => Figure("total").Value == 0m && Figure("declarations").Value == 0m;

    public BulletinFigure Figure(string key) =>
        Figures.FirstOrDefault(f => f.Key == key) ?? throw new KeyNotFoundException($"No bulletin figure '{key}'.");

    public BulletinFigure? TryFigure(string key) => Figures.FirstOrDefault(f => f.Key == key);

    /// <summary>Every figure a reader can follow, including ranking rows, in id order.</summary>
    public IEnumerable<BulletinFigure> AllFigures => Figures
        .Concat(new[] { TopPorts, TopPartners, TopChapters, TopHeadings }.SelectMany(r => r).SelectMany(r => new[] { r.Value, r.Share }))
        .OrderBy(f => f.Id, StringComparer.Ordinal);
}
