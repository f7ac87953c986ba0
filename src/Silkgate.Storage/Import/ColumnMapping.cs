using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Silkgate.Common;
using Silkgate.Storage.Reference;

namespace Silkgate.Storage.Import;

/// <summary>
/// How the columns of an external declarations file become Silkgate fields: each target field comes from a
/// column, a template such as "KCS-{Office ID}", or a constant. Shipped mappings live in data/mappings/NAME.json;
/// docs/import-mappings.md lists the target fields.
/// </summary>
public sealed partial class ColumnMapping
{
    public static readonly string[] Targets =
    [
        "external_id", "enterprise_id", "flow", "state", "declaration_date", "release_date", "port", "trade_mode",
        "transport_mode", "header_partner_country", "currency", "freight", "insurance", "in_zone", "ecommerce",
        "item_no", "hs_code", "description", "partner_country", "quantity", "quantity_unit", "net_mass_kg", "value",
        "preference", "certificate_of_origin",
    ];

    private static readonly string[] RequiredTargets =
        ["external_id", "enterprise_id", "flow", "declaration_date", "port", "trade_mode", "currency", "hs_code", "partner_country", "net_mass_kg", "value"];

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>The source name stored with each declaration; with its external id, the idempotency key.</summary>
    [JsonPropertyName("source")]
    public string Source { get; init; } = "";

    /// <summary>True when ports are not Kashgar ports (e.g. offices of another customs administration) and are not checked.</summary>
    [JsonPropertyName("ports_are_external")]
    public bool PortsAreExternal { get; init; }

    [JsonPropertyName("columns")]
    public Dictionary<string, string> Columns { get; init; } = [];

    [JsonPropertyName("templates")]
    public Dictionary<string, string> Templates { get; init; } = [];

    [JsonPropertyName("constants")]
    public Dictionary<string, string> Constants { get; init; } = [];

    /// <summary>A shipped mapping by name, or a mapping JSON file by path.</summary>
    public static ColumnMapping Load(string nameOrFile)
    {
        string json;
        string origin;
        if (File.Exists(nameOrFile))
        {
            json = File.ReadAllText(nameOrFile);
            origin = nameOrFile;
        }
        else if (typeof(ColumnMapping).Assembly.GetManifestResourceNames().Contains($"data/mappings/{nameOrFile}.json"))
        {
            json = ReferenceStore.ReadShipped($"data/mappings/{nameOrFile}.json");
            origin = nameOrFile;
        }
        else
        {
            throw new SilkgateException("SG-MAP-001", $"Unknown mapping '{nameOrFile}': not a file, and not a shipped mapping ({string.Join(", ", ShippedNames())}).");
        }
        ColumnMapping mapping;
        try
        {
            mapping = JsonSerializer.Deserialize<ColumnMapping>(json) ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw new SilkgateException("SG-MAP-002", $"Mapping {origin} is not valid JSON: {e.Message}", e);
        }
        mapping.Validate(origin);
        return mapping;
    }

    public static IEnumerable<string> ShippedNames() =>
        typeof(ColumnMapping).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("data/mappings/", StringComparison.Ordinal))
            .Select(n => Path.GetFileNameWithoutExtension(n));

    private void Validate(string origin)
    {
        if (string.IsNullOrWhiteSpace(Source))
            throw new SilkgateException("SG-MAP-003", $"Mapping {origin}: 'source' is required (it names where the declarations come from).");
        var all = Columns.Keys.Concat(Templates.Keys).Concat(Constants.Keys).ToList();
        var unknown = all.Where(t => !Targets.Contains(t)).ToList();
        if (unknown.Count > 0)
            throw new SilkgateException("SG-MAP-004", $"Mapping {origin}: unknown target field(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Targets)}.");
        var missing = RequiredTargets.Where(t => !all.Contains(t)).ToList();
        if (missing.Count > 0)
            throw new SilkgateException("SG-MAP-005", $"Mapping {origin}: required target field(s) {string.Join(", ", missing)} are not mapped.");
    }

    /// <summary>The source columns the mapping reads: the file's header must have them.</summary>
    public IEnumerable<string> SourceColumns() =>
        Columns.Values.Concat(Templates.Values.SelectMany(t => Placeholder().Matches(t).Select(m => m.Groups[1].Value))).Distinct();

    /// <summary>The source columns one target field reads (none for a constant or an unmapped field).</summary>
    public string[] SourceColumns(string target)
    {
        if (Columns.TryGetValue(target, out var column))
            return [column];
        if (Templates.TryGetValue(target, out var template))
            return [.. Placeholder().Matches(template).Select(m => m.Groups[1].Value).Distinct()];
        return [];
    }

    /// <summary>
    /// A function of a row for one target field: the column's trimmed value (null when empty), the template filled
    /// in, the constant, or null when the field is not mapped. Column positions are looked up once per header, not
    /// on every row: the import calls these some twenty times per row.
    /// </summary>
    public Func<CsvRow, string?> Resolver(string target)
    {
        if (Columns.TryGetValue(target, out var column))
        {
            var position = new ColumnPosition(column);
            return row => row.Field(position.In(row)) is { Length: > 0 } v ? v.Trim() : null;
        }
        if (Templates.TryGetValue(target, out var template))
        {
            // "KCS-{Office ID}" → the literal parts, and the column filled in after each.
            var matches = Placeholder().Matches(template);
            var literals = new string[matches.Count + 1];
            var columns = new ColumnPosition[matches.Count];
            var at = 0;
            for (var i = 0; i < matches.Count; i++)
            {
                literals[i] = template[at..matches[i].Index];
                columns[i] = new ColumnPosition(matches[i].Groups[1].Value);
                at = matches[i].Index + matches[i].Length;
            }
            literals[^1] = template[at..];
            return row =>
            {
                var text = new System.Text.StringBuilder(literals[0]);
                for (var i = 0; i < columns.Length; i++)
                    text.Append(row.Field(columns[i].In(row)).AsSpan().Trim()).Append(literals[i + 1]);
                return text.ToString();
            };
        }
        if (Constants.TryGetValue(target, out var constant))
            return _ => constant;
        return _ => null;
    }

    /// <summary>A column's position in the header of the rows met last (-1 when absent): looked up again only when the header changes.</summary>
    private sealed class ColumnPosition(string column)
    {
        private sealed record Known(IReadOnlyDictionary<string, int> Header, int Index);

        // One reference, replaced whole: a resolver shared between threads never pairs a header with another's index.
        private Known? known;

        public int In(CsvRow row)
        {
            var k = known;
            if (k is null || !ReferenceEquals(k.Header, row.Header))
                known = k = new Known(row.Header, row.Header.TryGetValue(column, out var i) ? i : -1);
            return k.Index;
        }
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex Placeholder();
}
