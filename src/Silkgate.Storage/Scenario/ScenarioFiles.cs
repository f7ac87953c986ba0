using System.Globalization;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Reference;
using Silkgate.Scenario;
using Silkgate.Storage.Reference;

namespace Silkgate.Storage.Scenario;

/// <summary>Reads the scenario's shape files (data/scenario): the commodities it trades and its named partners.</summary>
public static class ScenarioFiles
{
    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "data", "scenario");

    public static IReadOnlyList<ScenarioCommodity> Commodities(string path, HsNomenclature hs) =>
        CsvFiles.ReadFile(path, (reader, file) => CsvFiles.Read(reader, file, "flow", "hs6", "description", "channel", "weight", "cny_per_kg_min", "cny_per_kg_max", "ports", "partners", "from")
            .Select(r =>
            {
                var hs6 = r.Required("hs6");
                if (hs.Find(hs6) is not { Level: 6 })
                    throw new SilkgateException("SG-SCN-003", $"{file}:{r.Line}: hs6 '{hs6}' is not an HS 2022 subheading.");
                var min = CsvFiles.ParseDecimal(r.Required("cny_per_kg_min"), file, r.Line, "cny_per_kg_min");
                var max = CsvFiles.ParseDecimal(r.Required("cny_per_kg_max"), file, r.Line, "cny_per_kg_max");
                if (min <= 0 || max < min)
                    throw new SilkgateException("SG-SCN-003", $"{file}:{r.Line}: cny_per_kg_min..max must be positive and ordered.");
                return new ScenarioCommodity(
                    ParseFlow(r.Required("flow"), file, r.Line),
                    hs6,
                    r.Required("description"),
                    ParseChannel(r.Required("channel"), file, r.Line),
                    (double)CsvFiles.ParseDecimal(r.Required("weight"), file, r.Line, "weight"),
                    min,
                    max,
                    Words(r.Optional("ports")),
                    Words(r.Optional("partners")),
                    r.Optional("from") is { } f ? YearMonth.Parse(f) : null);
            })
            .ToList());

    public static IReadOnlyList<ScenarioPartner> Partners(string path, ReferenceData reference) =>
        CsvFiles.ReadFile(path, (reader, file) => CsvFiles.Read(reader, file, "country", "weight", "ports", "import_share", "channels")
            .Select(r =>
            {
                var country = r.Required("country");
                if (reference.Country(country) is null)
                    throw new SilkgateException("SG-SCN-003", $"{file}:{r.Line}: unknown country '{country}'.");
                var ports = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var route in Words(r.Required("ports")))
                {
                    var parts = route.Split(':');
                    if (parts.Length != 2 || reference.Port(parts[0]) is null || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var share))
                        throw new SilkgateException("SG-SCN-003", $"{file}:{r.Line}: ports must list PORT:share pairs of known ports, not '{route}'.");
                    ports[parts[0]] = share;
                }
                return new ScenarioPartner(
                    country,
                    (double)CsvFiles.ParseDecimal(r.Required("weight"), file, r.Line, "weight"),
                    ports,
                    (double)CsvFiles.ParseDecimal(r.Required("import_share"), file, r.Line, "import_share"),
                    Words(r.Required("channels")).Select(c => ParseChannel(c, file, r.Line)).ToHashSet());
            })
            .ToList());

    private static HashSet<string> Words(string? text) =>
        (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    private static Flow ParseFlow(string text, string file, int line) => text switch
    {
        "import" => Flow.Import,
        "export" => Flow.Export,
        _ => throw new SilkgateException("SG-SCN-003", $"{file}:{line}: flow must be import or export, not '{text}'."),
    };

    private static Channel ParseChannel(string text, string file, int line) => text switch
    {
        "general" => Channel.General,
        "zone" => Channel.Zone,
        "ecommerce" => Channel.Ecommerce,
        _ => throw new SilkgateException("SG-SCN-003", $"{file}:{line}: channel must be general, zone or ecommerce, not '{text}'."),
    };
}
