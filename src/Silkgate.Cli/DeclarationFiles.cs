using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Silkgate.Cli.Commands;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Tariff;

namespace Silkgate.Cli;

/// <summary>
/// The declaration JSON of `tariff calc` and `declare lodge`: the tariff format plus `declarant`, `partner` (country
/// of consignment for imports, final destination for exports), `transport_mode` and item `description`. A file holds
/// one declaration or an array of them; a bulk file holds one per line (JSON Lines) with an `idempotency_key`.
/// Malformed JSON is reported with its line and column.
/// </summary>
public static class DeclarationFiles
{
    public static TaxableDeclaration ReadDeclaration(string path) => ReadDraft(path).Body;

    public static DeclarationDraft ReadDraft(string path)
    {
        var all = ReadDrafts(path);
        return all.Count == 1 ? all[0] : throw new SilkgateException("SG-TAR-016", $"{Path.GetFileName(path)}: expected one declaration, found {all.Count}.");
    }

    public static IReadOnlyList<TaxableDeclaration> ReadDeclarations(string path) => ReadDrafts(path).Select(d => d.Body).ToList();

    public static IReadOnlyList<DeclarationDraft> ReadDrafts(string path)
    {
        var text = ReadText(path);
        var name = Path.GetFileName(path);
        List<DeclarationJson?> parsed = Parse(name, 0, () => text.TrimStart().StartsWith('[')
            ? JsonSerializer.Deserialize<List<DeclarationJson?>>(text, TaxJson.Options) ?? []
            : [JsonSerializer.Deserialize<DeclarationJson>(text, TaxJson.Options)]);
        if (parsed.Count == 0 || parsed.Any(p => p is null))
            throw new SilkgateException("SG-TAR-017", $"{name}: the file holds no declaration.");
        return parsed.Select(p => ToDraft(p!, name)).ToList();
    }

    /// <summary>JSON Lines, one declaration with its idempotency key per line, read lazily (bulk lodging streams).</summary>
    public static IEnumerable<(DeclarationDraft Draft, string Key)> ReadBulk(string path)
    {
        ReadText(path, checkOnly: true);
        var name = Path.GetFileName(path);
        var lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var json = Parse(name, lineNo - 1, () => JsonSerializer.Deserialize<DeclarationJson>(line, TaxJson.Options))
                ?? throw new SilkgateException("SG-TAR-017", $"{name}:{lineNo}: no declaration.");
            var key = string.IsNullOrWhiteSpace(json.IdempotencyKey)
                ? throw new SilkgateException("SG-DEC-109", $"{name}:{lineNo}: a bulk line needs its idempotency_key.")
                : json.IdempotencyKey;
            yield return (ToDraft(json, $"{name}:{lineNo}"), key);
        }
    }

    private static string ReadText(string path, bool checkOnly = false)
    {
        if (!File.Exists(path))
            throw new SilkgateException("SG-IO-001", $"File not found: {path}");
        return checkOnly ? "" : File.ReadAllText(path);
    }

    private static T Parse<T>(string name, int lineOffset, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (JsonException e)
        {
            throw new SilkgateException("SG-TAR-017", $"{name}: malformed JSON at line {(e.LineNumber ?? 0) + 1 + lineOffset}, column {(e.BytePositionInLine ?? 0) + 1}: {e.Message.Split(" Path:")[0]}", e);
        }
    }

    private static DeclarationDraft ToDraft(DeclarationJson json, string where)
    {
        string Need(string? value, string field) => string.IsNullOrWhiteSpace(value) ? throw new SilkgateException("SG-TAR-016", $"{where}: '{field}' is missing.") : value;
        var flow = Need(json.Flow, "flow") switch
        {
            "import" => Flow.Import,
            "export" => Flow.Export,
            var f => throw new SilkgateException("SG-TAR-016", $"{where}: flow '{f}' is not import or export."),
        };
        var date = DateOnly.TryParseExact(Need(json.Date, "date"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dd)
            ? dd
            : throw new SilkgateException("SG-TAR-016", $"{where}: date '{json.Date}' is not YYYY-MM-DD.");
        var items = (json.Items ?? []).Select((i, n) => new TaxableItem(
            Need(i.HsCode, $"items[{n}].hs_code"), Need(i.Origin, $"items[{n}].origin"),
            i.Value ?? throw new SilkgateException("SG-TAR-016", $"{where}: 'items[{n}].value' is missing."),
            i.Quantity, i.Unit, i.NetMassKg, i.Preference, i.CertificateOfOrigin, i.Description)).ToList();
        var body = new TaxableDeclaration(flow, date, Need(json.Port, "port"), Need(json.TradeMode, "trade_mode"), Need(json.Currency, "currency"),
            json.Freight ?? 0m, json.Insurance ?? 0m, items);
        return new DeclarationDraft(json.Declarant ?? "", json.Partner, json.TransportMode, body);
    }

    private sealed class DeclarationJson
    {
        [JsonPropertyName("idempotency_key")]
        public string? IdempotencyKey { get; set; }

        public string? Declarant { get; set; }

        public string? Partner { get; set; }

        [JsonPropertyName("transport_mode")]
        public string? TransportMode { get; set; }

        public string? Flow { get; set; }

        public string? Date { get; set; }

        public string? Port { get; set; }

        [JsonPropertyName("trade_mode")]
        public string? TradeMode { get; set; }

        public string? Currency { get; set; }

        public decimal? Freight { get; set; }

        public decimal? Insurance { get; set; }

        public List<ItemJson>? Items { get; set; }
    }

    private sealed class ItemJson
    {
        [JsonPropertyName("hs_code")]
        public string? HsCode { get; set; }

        public string? Description { get; set; }

        public string? Origin { get; set; }

        public decimal? Value { get; set; }

        public decimal? Quantity { get; set; }

        public string? Unit { get; set; }

        [JsonPropertyName("net_mass_kg")]
        public decimal? NetMassKg { get; set; }

        public string? Preference { get; set; }

        [JsonPropertyName("certificate_of_origin")]
        public string? CertificateOfOrigin { get; set; }
    }
}
