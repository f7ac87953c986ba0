using System.Globalization;
using Silkgate.Common;
using Silkgate.Risk;

namespace Silkgate.Storage.Reference;

/// <summary>Reads the risk data files (data/risk/README.md).</summary>
public static class RiskParsers
{
    public static Lane ParseLane(string text, string where) => text switch
    {
        "green" => Lane.Green,
        "yellow" => Lane.Yellow,
        "red" => Lane.Red,
        "blue" => Lane.Blue,
        _ => throw new SilkgateException("SG-RISK-101", $"{where}: lane '{text}' is not green, yellow, red or blue."),
    };

    public static List<RiskRule> Rules(TextReader reader, string file) =>
        CsvFiles.Read(reader, file, "rule_id", "description", "lane", "origin", "hs_prefix", "declarant", "preference_claimed", "value_per_kg_below_min_share", "min_discrepancies", "valid_from", "valid_to")
            .Select(r => new RiskRule(
                r.Required("rule_id"), r.Required("description"), ParseLane(r.Required("lane"), $"{file}:{r.Line}"),
                r.Optional("origin"), r.Optional("hs_prefix"), r.Optional("declarant"),
                r.Optional("preference_claimed") switch
                {
                    null => null,
                    "true" => true,
                    "false" => false,
                    var x => throw new SilkgateException("SG-CSV-006", $"{file}:{r.Line}: preference_claimed '{x}' is not true or false."),
                },
                r.Optional("value_per_kg_below_min_share") is { } share ? CsvFiles.ParseDecimal(share, file, r.Line, "value_per_kg_below_min_share") : null,
                r.Optional("min_discrepancies") is { } min ? int.Parse(min, CultureInfo.InvariantCulture) : null,
                CsvFiles.ParseDate(r.Required("valid_from"), file, r.Line, "valid_from"),
                r.Optional("valid_to") is { } to ? CsvFiles.ParseDate(to, file, r.Line, "valid_to") : null))
            .ToList();

    public static LaneSettings Settings(IEnumerable<(string Name, string Value)> values, string file)
    {
        var map = values.ToDictionary(v => v.Name, v => v.Value);
        decimal Get(string name) =>
            map.TryGetValue(name, out var text) && decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1
                ? v
                : throw new SilkgateException("SG-RISK-102", $"{file}: lane setting {name} is missing or not a share between 0 and 1.");
        var s = new LaneSettings(Get("red_share"), Get("yellow_share"), Get("blue_share"), Get("random_share"));
        if (s.RedShare + s.YellowShare + s.BlueShare > 1)
            throw new SilkgateException("SG-RISK-102", $"{file}: the lane shares add up to more than 1.");
        return s;
    }
}
