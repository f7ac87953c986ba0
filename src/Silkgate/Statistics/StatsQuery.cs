using Silkgate.Common;

namespace Silkgate.Statistics;

public enum StatsMeasure
{
    TradeValue,
    DeclarationCount,
    ItemCount,
    PartnerCount,
    CargoMass,

    /// <summary>Statistical value of cross-border e-commerce items only.</summary>
    EcommerceValue,
}

public enum StatsDimension
{
    Month,
    Quarter,
    Year,
    Partner,
    Group,
    Port,
    Hs2,
    Hs4,
    TradeMode,
    Flow,
}

public enum StatsFlow
{
    Total,
    Import,
    Export,
}

public enum ScopeKind
{
    Prefecture,
    Zone,
    Group,
    Port,
}

/// <summary>What a figure covers: the whole prefecture, the bonded zone, a partner group or one port.</summary>
public sealed record StatsScope(ScopeKind Kind, string? Name)
{
    public static readonly StatsScope Prefecture = new(ScopeKind.Prefecture, null);

    public static StatsScope Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "prefecture")
            return Prefecture;
        if (text == "zone")
            return new StatsScope(ScopeKind.Zone, null);
        if (text.StartsWith("group:", StringComparison.Ordinal) && text.Length > 6)
            return new StatsScope(ScopeKind.Group, text[6..]);
        if (text.StartsWith("port:", StringComparison.Ordinal) && text.Length > 5)
            return new StatsScope(ScopeKind.Port, text[5..]);
        throw new SilkgateException("SG-STAT-003", $"Unknown scope '{text}': expected prefecture, zone, group:NAME or port:NAME.");
    }

    public override string ToString() => Kind switch
    {
        ScopeKind.Prefecture => "prefecture",
        ScopeKind.Zone => "zone",
        ScopeKind.Group => "group:" + Name,
        _ => "port:" + Name,
    };
}

/// <summary>
/// A statistics question (DESIGN.md §9): a measure over released items, grouped by dimensions, for inclusive
/// months <see cref="From"/>..<see cref="To"/> of the release date.
/// </summary>
public sealed record StatsQuery(
    StatsMeasure Measure,
    IReadOnlyList<StatsDimension> Dimensions,
    YearMonth From,
    YearMonth To,
    StatsScope Scope,
    StatsFlow Flow,
    string Currency)
{
    public static readonly IReadOnlyDictionary<string, StatsMeasure> MeasureNames = new Dictionary<string, StatsMeasure>
    {
        ["trade_value"] = StatsMeasure.TradeValue,
        ["declaration_count"] = StatsMeasure.DeclarationCount,
        ["item_count"] = StatsMeasure.ItemCount,
        ["partner_count"] = StatsMeasure.PartnerCount,
        ["cargo_mass"] = StatsMeasure.CargoMass,
        ["ecommerce_value"] = StatsMeasure.EcommerceValue,
    };

    public static readonly IReadOnlyDictionary<string, StatsDimension> DimensionNames = new Dictionary<string, StatsDimension>
    {
        ["month"] = StatsDimension.Month,
        ["quarter"] = StatsDimension.Quarter,
        ["year"] = StatsDimension.Year,
        ["partner"] = StatsDimension.Partner,
        ["group"] = StatsDimension.Group,
        ["port"] = StatsDimension.Port,
        ["hs2"] = StatsDimension.Hs2,
        ["hs4"] = StatsDimension.Hs4,
        ["trade_mode"] = StatsDimension.TradeMode,
        ["flow"] = StatsDimension.Flow,
    };

    public static StatsFlow ParseFlow(string? flow) => (flow ?? "total") switch
    {
        "total" => StatsFlow.Total,
        "import" => StatsFlow.Import,
        "export" => StatsFlow.Export,
        _ => throw new SilkgateException("SG-STAT-004", $"Unknown flow '{flow}': expected total, import or export."),
    };

    public static string NameOf(StatsDimension d) => DimensionNames.First(kv => kv.Value == d).Key;

    public static StatsQuery Parse(string measure, string? by, string from, string to, string? scope, string? flow, string? currency)
    {
        if (!MeasureNames.TryGetValue(measure, out var m))
            throw new SilkgateException("SG-STAT-001", $"Unknown measure '{measure}': expected one of {string.Join(", ", MeasureNames.Keys)}.");
        var dims = new List<StatsDimension>();
        foreach (var name in (by ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!DimensionNames.TryGetValue(name, out var d))
                throw new SilkgateException("SG-STAT-002", $"Unknown dimension '{name}': expected a comma list of {string.Join(", ", DimensionNames.Keys)}.");
            if (dims.Contains(d))
                throw new SilkgateException("SG-STAT-002", $"Dimension '{name}' is listed twice.");
            dims.Add(d);
        }
        var f = ParseFlow(flow);
        var cur = currency ?? "CNY";
        if (cur is not ("CNY" or "USD"))
            throw new SilkgateException("SG-STAT-005", $"Unknown currency '{currency}': expected CNY or USD.");
        var fromMonth = YearMonth.Parse(from);
        var toMonth = YearMonth.Parse(to);
        if (toMonth < fromMonth)
            throw new SilkgateException("SG-STAT-006", $"--to {to} is before --from {from}.");
        return new StatsQuery(m, dims, fromMonth, toMonth, StatsScope.Parse(scope), f, cur);
    }
}

/// <summary>One row of a statistics answer: dimension values in the order asked, then the value.</summary>
public sealed record StatsRow(IReadOnlyList<string> Keys, decimal Value);
