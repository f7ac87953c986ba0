using System.Globalization;
using Silkgate.Common;
using Silkgate.Ports;
using Silkgate.Reference;
using Silkgate.Tariff;

namespace Silkgate.Storage.Reference;

/// <summary>Turns the reference CSV files (data/README.md describes each) into domain records, validating as it goes.</summary>
public static class ReferenceParsers
{
    public static List<Country> Countries(TextReader reader, string file)
    {
        var list = new List<Country>();
        foreach (var row in CsvFiles.Read(reader, file, "ISO3166-1-Alpha-2", "ISO3166-1-Alpha-3", "ISO3166-1-numeric"))
        {
            var alpha2 = row.Required("ISO3166-1-Alpha-2");
            var numeric = row.Required("ISO3166-1-numeric");
            list.Add(new Country(
                alpha2,
                row.Required("ISO3166-1-Alpha-3"),
                numeric.PadLeft(3, '0'),
                DisplayName(row) ?? alpha2,
                row.Optional("official_name_cn") ?? row.Optional("UNTERM Chinese Short"),
                row["Least Developed Countries (LDC)"] == "x"));
        }
        if (list.All(c => c.Alpha2 != Country.UnknownCode))
            list.Add(Country.Unknown);
        return list;
    }

    /// <summary>The CLDR short name ("Kyrgyzstan"), unless it is an abbreviation ("US", "UK"): then the official name.</summary>
    private static string? DisplayName(CsvRow row) =>
        row.Optional("CLDR display name") is { Length: > 3 } cldr ? cldr : row.Optional("official_name_en") ?? row.Optional("CLDR display name");

    /// <summary>Current ISO 4217 codes only (rows without a withdrawal date); one row per code.</summary>
    public static List<Currency> Currencies(TextReader reader, string file)
    {
        var byCode = new Dictionary<string, Currency>(StringComparer.Ordinal);
        foreach (var row in CsvFiles.Read(reader, file, "AlphabeticCode", "NumericCode", "MinorUnit", "WithdrawalDate", "Currency"))
        {
            if (row.Optional("WithdrawalDate") is not null || row.Optional("AlphabeticCode") is not { } code)
                continue;
            var minor = int.TryParse(row["MinorUnit"], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
            byCode.TryAdd(code, new Currency(code, row["NumericCode"].Trim(), row.Required("Currency"), minor));
        }
        return byCode.Values.ToList();
    }

    /// <summary>HS 2022 chapters, headings and subheadings; the UN Comtrade TOTAL row is dropped.</summary>
    public static List<HsEntry> Hs(TextReader reader, string file)
    {
        var list = new List<HsEntry>();
        foreach (var row in CsvFiles.Read(reader, file, "section", "hscode", "description", "parent", "level"))
        {
            var code = row.Required("hscode");
            if (code == "TOTAL")
                continue;
            var level = int.Parse(row.Required("level"), CultureInfo.InvariantCulture);
            if (level is not (2 or 4 or 6) || code.Length != level || !code.All(char.IsAsciiDigit))
                throw new SilkgateException("SG-REF-001", $"{file}:{row.Line}: '{code}' is not an HS code of level {level}.");
            var parent = row.Optional("parent");
            list.Add(new HsEntry(code, level, row.Required("section"), parent == "TOTAL" ? null : parent, row.Required("description")));
        }
        return list;
    }

    public static List<HsSection> HsSections(TextReader reader, string file) =>
        CsvFiles.Read(reader, file, "section", "name").Select(r => new HsSection(r.Required("section"), r.Required("name"))).ToList();

    public static List<RawLocodeRow> Locodes(TextReader reader, string file) =>
        CsvFiles.Read(reader, file, "country", "location", "name", "nameWoDiacritics", "subdivision", "status", "function", "iata", "lat", "lon", "geocoded")
            .Select(r => new RawLocodeRow(r["country"], r["location"], r["name"], r["nameWoDiacritics"], r["subdivision"], r["status"], r["function"], r["iata"], r["lat"], r["lon"], r["geocoded"]))
            .ToList();

    public static List<Port> Ports(TextReader reader, string file) =>
        CsvFiles.Read(reader, file, "code", "name_en", "name_zh", "kind", "neighbour_country", "neighbour_place", "unlocode", "lat", "lon", "notes")
            .Select(r => new Port(
                r.Required("code"), r.Required("name_en"), r.Required("name_zh"), r.Required("kind"),
                r.Optional("neighbour_country"), r.Optional("neighbour_place"), r.Optional("unlocode"),
                r.Optional("lat") is { } lat ? CsvFiles.ParseDecimal(lat, file, r.Line, "lat") : null,
                r.Optional("lon") is { } lon ? CsvFiles.ParseDecimal(lon, file, r.Line, "lon") : null,
                r.Optional("notes")))
            .ToList();

    public static List<CalendarRule> PortCalendar(TextReader reader, string file) =>
        CsvFiles.Read(reader, file, "port", "rule", "from", "to", "weekdays", "reason")
            .Select(r => CalendarRule.Parse(r.Required("port"), r.Required("rule"), r.Optional("from"), r.Optional("to"), r.Optional("weekdays"), r.Required("reason")))
            .ToList();

    public static List<PartnerGroupMembership> PartnerGroups(TextReader reader, string file) =>
        CsvFiles.Read(reader, file, "group", "country", "valid_from", "valid_to", "source")
            .Select(r => new PartnerGroupMembership(
                r.Required("group"), r.Required("country"),
                CsvFiles.ParseDate(r.Required("valid_from"), file, r.Line, "valid_from"),
                r.Optional("valid_to") is { } to ? CsvFiles.ParseDate(to, file, r.Line, "valid_to") : null,
                r.Optional("source") ?? ""))
            .ToList();

    public static List<TradeMode> TradeModes(TextReader reader, string file) =>
        CsvFiles.Read(reader, file, "code", "name_en", "name_zh", "category", "ecommerce", "in_zone")
            .Select(r => new TradeMode(r.Required("code"), r.Required("name_en"), r.Required("name_zh"), r.Required("category"),
                ParseBool(r.Required("ecommerce"), file, r.Line), ParseBool(r.Required("in_zone"), file, r.Line)))
            .ToList();

    /// <summary>Monthly customs rates, header <c>month,currency,cny_per_unit</c>; every bad row is reported with its line.</summary>
    public static List<ExchangeRate> Rates(TextReader reader, string file)
    {
        var list = new List<ExchangeRate>();
        var errors = new List<string>();
        var seen = new HashSet<(YearMonth, string)>();
        foreach (var row in CsvFiles.Read(reader, file, "month", "currency", "cny_per_unit"))
        {
            if (row.Fields.Count != 3)
            {
                errors.Add($"{file}:{row.Line}: expected 3 columns, found {row.Fields.Count}");
                continue;
            }
            if (!YearMonth.TryParse(row["month"].Trim(), out var month))
            {
                errors.Add($"{file}:{row.Line}: month '{row["month"]}' is not YYYY-MM");
                continue;
            }
            var currency = row["currency"].Trim();
            if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
            {
                errors.Add($"{file}:{row.Line}: currency '{currency}' is not an ISO 4217 code");
                continue;
            }
            if (!decimal.TryParse(row["cny_per_unit"].Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) || rate <= 0)
            {
                errors.Add($"{file}:{row.Line}: cny_per_unit '{row["cny_per_unit"]}' is not a positive number");
                continue;
            }
            if (!seen.Add((month, currency)))
            {
                errors.Add($"{file}:{row.Line}: {currency} {month} appears twice");
                continue;
            }
            list.Add(new ExchangeRate(month, currency, rate));
        }
        if (errors.Count > 0)
            throw new SilkgateException("SG-RATE-002", $"{errors.Count} bad row(s), nothing imported:\n  " + string.Join("\n  ", errors.Take(50)));
        return list;
    }

    /// <summary>A tariff schedule in the interchange format (docs/tariff.md): every problem refused with its line.</summary>
    public static IReadOnlyList<TariffLine> TariffSchedule(TextReader reader, string file)
    {
        var columns = TariffScheduleParser.Columns.Split(',');
        var rows = new List<TariffRow>();
        foreach (var r in CsvFiles.Read(reader, file, columns))
        {
            if (r.Fields.Count != r.HeaderCount)
                throw new SilkgateException("SG-TAR-001", $"{file}:{r.Line}: expected {r.HeaderCount} columns, found {r.Fields.Count}; nothing imported.");
            rows.Add(new TariffRow(r.Line, r["hs_code"], r["measure"], r["rate_kind"], r["agreement"], r["origins"], r["ad_valorem_pct"],
                r["specific_amount"], r["specific_unit"], r["valid_from"], r["valid_to"], r["certificate_required"], r["note"]));
        }
        return TariffScheduleParser.Parse(rows, file);
    }

    public static TariffPolicySet TariffPolicy(TextReader reader, string file)
    {
        var values = CsvFiles.Read(reader, file, "name", "value", "valid_from", "source")
            .Select(r => new PolicyValue(r.Required("name"), r.Required("value"), CsvFiles.ParseDate(r.Required("valid_from"), file, r.Line, "valid_from"), r.Optional("source") ?? ""))
            .ToList();
        var unknown = values.Where(v => !TariffPolicySet.Names.Contains(v.Name)).Select(v => v.Name).Distinct().ToList();
        if (unknown.Count > 0)
            throw new SilkgateException("SG-TAR-020", $"{file}: unknown policy name(s) {string.Join(", ", unknown)}; known: {string.Join(", ", TariffPolicySet.Names)}.");
        return new TariffPolicySet(values);
    }

    private static bool ParseBool(string text, string file, int line) => text switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new SilkgateException("SG-CSV-006", $"{file}:{line}: '{text}' is not true or false."),
    };
}
