using System.Data.Common;
using System.Globalization;
using Silkgate.Common;
using Silkgate.Ports;
using Silkgate.Reference;
using Silkgate.Declarations;
using Silkgate.Risk;
using Silkgate.Tariff;

namespace Silkgate.Storage.Reference;

/// <summary>
/// Reference data in the store. The shipped files (embedded in this assembly from data/) are loaded on first use
/// and reloaded when a newer shipped version arrives; each kind records its version (SHA-256 of its file), row
/// count and source in reference_dataset. A kind that a user imported from a file of their own is never
/// overwritten by the shipped copy.
/// </summary>
public sealed class ReferenceStore(Database db)
{
    public const string ShippedSource = "shipped";

    /// <summary>The kinds that <c>import reference KIND FILE</c> accepts, with the shipped file of each.</summary>
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["countries"] = "data/reference/country-codes.csv",
        ["currencies"] = "data/reference/currency-codes.csv",
        ["hs-sections"] = "data/reference/hs-sections.csv",
        ["hs"] = "data/reference/hs2022.csv",
        ["ports"] = "data/reference/ports.csv",
        ["port-calendar"] = "data/reference/port-calendar.csv",
        ["locodes"] = "data/reference/unlocode-subset.csv",
        ["partner-groups"] = "data/reference/partner-groups.csv",
        ["trade-modes"] = "data/reference/trade-modes.csv",
        ["rates"] = "data/rates/customs-rates-sample.csv",
        ["tariff-schedule"] = "data/tariff/schedule-illustrative.csv",
        ["tariff-policy"] = "data/tariff/policy.csv",
        ["trade-mode-ports"] = "data/reference/trade-mode-ports.csv",
        ["risk-rules"] = "data/risk/rules.csv",
        ["lane-settings"] = "data/risk/settings.csv",
        ["value-bounds"] = "data/risk/value-bounds.csv",
    };

    public static string ReadShipped(string resource)
    {
        using var stream = typeof(ReferenceStore).Assembly.GetManifestResourceStream(resource)
            ?? throw new SilkgateException("SG-REF-002", $"The shipped reference file {resource} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Migrates the schema and loads every shipped kind that is missing or older. Returns the kinds loaded.</summary>
    public IReadOnlyList<string> EnsureLoaded()
    {
        db.Migrate();
        using var conn = db.OpenConnection();
        var current = Sql.Query(conn, null, "SELECT kind, version, source FROM reference_dataset", r => (Kind: r.GetString(0), Version: r.GetString(1), Source: r.GetString(2)))
            .ToDictionary(x => x.Kind);
        var loaded = new List<string>();
        foreach (var (kind, resource) in Kinds)
        {
            var content = ReadShipped(resource);
            var version = CsvFiles.Sha256(content);
            if (current.TryGetValue(kind, out var have) && (have.Source != ShippedSource || have.Version == version))
                continue;
            Replace(conn, kind, content, resource, ShippedSource, version);
            loaded.Add(kind);
        }
        return loaded;
    }

    /// <summary>Imports a user's file for one kind, replacing that kind (rates are merged month by month instead).</summary>
    public int Import(string kind, string path)
    {
        if (!Kinds.ContainsKey(kind))
            throw new SilkgateException("SG-REF-003", $"Unknown reference kind '{kind}': expected one of {string.Join(", ", Kinds.Keys)}.");
        if (!File.Exists(path))
            throw new SilkgateException("SG-IO-001", $"File not found: {path}");
        EnsureLoaded();
        var content = File.ReadAllText(path);
        using var conn = db.OpenConnection();
        return Replace(conn, kind, content, Path.GetFileName(path), Path.GetFullPath(path), CsvFiles.Sha256(content));
    }

    private int Replace(DbConnection conn, string kind, string content, string fileName, string source, string version)
    {
        // Parse everything before touching the store: a bad file changes nothing.
        var rows = Parse(kind, content, fileName);
        using var tx = conn.BeginTransaction();
        var (table, columns) = TableOf(kind);
        if (kind == "rates")
        {
            var months = rows.Select(r => (r[0], r[1])).ToList();
            foreach (var (month, currency) in months)
                Sql.Exec(conn, tx, "DELETE FROM exchange_rate WHERE month = @p0 AND currency = @p1", month, currency);
        }
        else
        {
            Sql.Exec(conn, tx, $"DELETE FROM {table}");
        }
        var count = Sql.InsertMany(conn, tx, table, columns, rows);
        Sql.Exec(conn, tx, "DELETE FROM reference_dataset WHERE kind = @p0", kind);
        var total = kind == "rates" ? Sql.Scalar<long>(conn, tx, "SELECT count(*) FROM exchange_rate") : count;
        Sql.Exec(conn, tx, "INSERT INTO reference_dataset (kind, version, row_count, source, loaded_at) VALUES (@p0, @p1, @p2, @p3, @p4)",
            kind, version, (int)total, source, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        tx.Commit();
        return count;
    }

    private static (string Table, string[] Columns) TableOf(string kind) => kind switch
    {
        "countries" => ("country", ["alpha2", "alpha3", "numeric_code", "name_en", "name_zh", "least_developed"]),
        "currencies" => ("currency", ["code", "numeric_code", "name", "minor_unit"]),
        "hs-sections" => ("hs_section", ["numeral", "name"]),
        "hs" => ("hs_code", ["code", "level", "section", "parent", "description"]),
        "ports" => ("port", ["code", "name_en", "name_zh", "kind", "neighbour_country", "neighbour_place", "unlocode", "lat", "lon", "notes"]),
        "port-calendar" => ("port_calendar", ["port", "seq", "rule", "date_from", "date_to", "weekdays", "reason"]),
        "locodes" => ("locode", ["code", "country", "location", "name", "subdivision", "status", "function", "lat", "lon", "geocoded"]),
        "partner-groups" => ("partner_group", ["group_code", "country", "valid_from", "valid_to", "source"]),
        "trade-modes" => ("trade_mode", ["code", "name_en", "name_zh", "category", "ecommerce", "in_zone"]),
        "rates" => ("exchange_rate", ["month", "currency", "cny_per_unit"]),
        "tariff-schedule" => ("tariff_line", ["line_no", "hs_code", "measure", "rate_kind", "agreement", "origins", "ad_valorem_pct", "specific_amount", "specific_unit", "valid_from", "valid_to", "certificate_required", "note"]),
        "tariff-policy" => ("tariff_policy", ["name", "valid_from", "value", "source"]),
        "trade-mode-ports" => ("trade_mode_port", ["trade_mode", "port", "note"]),
        "risk-rules" => ("risk_rule", ["rule_id", "description", "lane", "origin", "hs_prefix", "declarant", "preference_claimed", "value_per_kg_below_min_share", "min_discrepancies", "valid_from", "valid_to"]),
        "lane-settings" => ("lane_setting", ["name", "value", "note"]),
        "value-bounds" => ("value_bounds", ["heading", "min_cny_per_kg", "max_cny_per_kg", "note"]),
        _ => throw new SilkgateException("SG-REF-003", $"Unknown reference kind '{kind}'."),
    };

    private static List<object?[]> Parse(string kind, string content, string file)
    {
        using var reader = new StringReader(content);
        switch (kind)
        {
            case "countries":
                return ReferenceParsers.Countries(reader, file).Select(c => new object?[] { c.Alpha2, c.Alpha3, c.Numeric, c.NameEn, c.NameZh, c.IsLeastDeveloped }).ToList();
            case "currencies":
                return ReferenceParsers.Currencies(reader, file).Select(c => new object?[] { c.Code, c.Numeric, c.Name, c.MinorUnit }).ToList();
            case "hs-sections":
                return ReferenceParsers.HsSections(reader, file).Select(s => new object?[] { s.Numeral, s.Name }).ToList();
            case "hs":
                return ReferenceParsers.Hs(reader, file).Select(h => new object?[] { h.Code, h.Level, h.Section, h.Parent, h.Description }).ToList();
            case "ports":
                return ReferenceParsers.Ports(reader, file).Select(p => new object?[] { p.Code, p.NameEn, p.NameZh, p.Kind, p.NeighbourCountry, p.NeighbourPlace, p.UnLocode, p.Latitude, p.Longitude, p.Notes }).ToList();
            case "port-calendar":
            {
                // Validate through the domain parser, store the CSV text as it is.
                using var check = new StringReader(content);
                ReferenceParsers.PortCalendar(check, file);
                return CsvFiles.Read(reader, file, "port", "rule", "from", "to", "weekdays", "reason")
                    .Select((r, i) => new object?[] { r.Required("port"), i + 1, r.Required("rule"), r.Optional("from"), r.Optional("to"), r.Optional("weekdays"), r.Required("reason") })
                    .ToList();
            }
            case "locodes":
            {
                var fixes = ShippedPortCoordinates();
                return LocodeCleaner.Clean(ReferenceParsers.Locodes(reader, file), fixes)
                    .Select(l => new object?[] { l.Code, l.Country, l.Location, l.Name, l.Subdivision, l.Status, l.Function, l.Latitude, l.Longitude, l.Geocoded })
                    .ToList();
            }
            case "partner-groups":
                return ReferenceParsers.PartnerGroups(reader, file).Select(g => new object?[] { g.Group, g.Country, g.ValidFrom, g.ValidTo, g.Source }).ToList();
            case "trade-modes":
                return ReferenceParsers.TradeModes(reader, file).Select(t => new object?[] { t.Code, t.NameEn, t.NameZh, t.Category, t.Ecommerce, t.InZone }).ToList();
            case "rates":
                return ReferenceParsers.Rates(reader, file).Select(r => new object?[] { r.Month.Key, r.Currency, r.CnyPerUnit }).ToList();
            case "tariff-schedule":
                return ReferenceParsers.TariffSchedule(reader, file).Select(l => new object?[]
                {
                    l.LineNo, l.HsCode, TariffLine.MeasureName(l.Measure), TariffLine.KindName(l.Kind), l.Agreement,
                    string.Join(' ', l.Origins.Order(StringComparer.Ordinal)), l.AdValoremPct, l.SpecificAmount, l.SpecificUnit,
                    l.ValidFrom, l.ValidTo, l.CertificateRequired, l.Note,
                }).ToList();
            case "trade-mode-ports":
                return CsvFiles.Read(reader, file, "trade_mode", "port", "note")
                    .Select(r => new object?[] { r.Required("trade_mode"), r.Required("port"), r.Optional("note") }).ToList();
            case "risk-rules":
                return RiskParsers.Rules(reader, file).Select(x => new object?[]
                {
                    x.Id, x.Description, x.Lane.ToString().ToLowerInvariant(), x.Origin, x.HsPrefix, x.Declarant,
                    x.PreferenceClaimed is { } p ? (p ? "true" : "false") : null, x.ValuePerKgBelowMinShare, x.MinDiscrepancies, x.ValidFrom, x.ValidTo,
                }).ToList();
            case "lane-settings":
                RiskParsers.Settings(CsvFiles.Read(new StringReader(content), file, "name", "value", "note").Select(r => (r.Required("name"), r.Required("value"))), file);
                return CsvFiles.Read(reader, file, "name", "value", "note")
                    .Select(r => new object?[] { r.Required("name"), CsvFiles.ParseDecimal(r.Required("value"), file, r.Line, "value"), r.Optional("note") }).ToList();
            case "value-bounds":
                return CsvFiles.Read(reader, file, "heading", "min_cny_per_kg", "max_cny_per_kg", "note")
                    .Select(r => new object?[] { r.Required("heading"), CsvFiles.ParseDecimal(r.Required("min_cny_per_kg"), file, r.Line, "min_cny_per_kg"), CsvFiles.ParseDecimal(r.Required("max_cny_per_kg"), file, r.Line, "max_cny_per_kg"), r.Optional("note") }).ToList();
            case "tariff-policy":
                return ReferenceParsers.TariffPolicy(reader, file).Values.Select(v => new object?[] { v.Name, v.ValidFrom, v.Value, v.Source }).ToList();
            default:
                throw new SilkgateException("SG-REF-003", $"Unknown reference kind '{kind}'.");
        }
    }

    /// <summary>The ports file has surveyed coordinates; they replace the wrong geocoded ones of the LOCODE copy (e.g. CNKLS).</summary>
    private static Dictionary<string, (decimal, decimal)> ShippedPortCoordinates()
    {
        using var reader = new StringReader(ReadShipped(Kinds["ports"]));
        return ReferenceParsers.Ports(reader, "ports.csv")
            .Where(p => p.UnLocode is not null && p.Latitude is not null && p.Longitude is not null)
            .ToDictionary(p => p.UnLocode!, p => (p.Latitude!.Value, p.Longitude!.Value));
    }

    /// <summary>Reads the whole reference snapshot that domain services work with.</summary>
    public ReferenceData Load()
    {
        using var conn = db.OpenConnection();
        var countries = Sql.Query(conn, null, "SELECT alpha2, alpha3, numeric_code, name_en, name_zh, least_developed FROM country",
            r => new Country(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.NullableString(4), r.GetBoolean(5))).ToList();
        var currencies = Sql.Query(conn, null, "SELECT code, numeric_code, name, minor_unit FROM currency",
            r => new Currency(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3))).ToList();
        var hs = new HsNomenclature(
            Sql.Query(conn, null, "SELECT code, level, section, parent, description FROM hs_code",
                r => new HsEntry(r.GetString(0), r.GetInt32(1), r.GetString(2), r.NullableString(3), r.GetString(4))).ToList(),
            Sql.Query(conn, null, "SELECT numeral, name FROM hs_section", r => new HsSection(r.GetString(0), r.GetString(1))).ToList());
        var ports = Sql.Query(conn, null, "SELECT code, name_en, name_zh, kind, neighbour_country, neighbour_place, unlocode, lat, lon, notes FROM port",
            r => new Port(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.NullableString(4), r.NullableString(5), r.NullableString(6), r.NullableDecimal(7), r.NullableDecimal(8), r.NullableString(9))).ToList();
        var calendar = Sql.Query(conn, null, "SELECT port, rule, date_from, date_to, weekdays, reason FROM port_calendar ORDER BY port, seq",
            r => CalendarRule.Parse(r.GetString(0), r.GetString(1), r.NullableString(2), r.NullableString(3), r.NullableString(4), r.GetString(5))).ToList();
        var groups = Sql.Query(conn, null, "SELECT group_code, country, valid_from, valid_to, source FROM partner_group",
            r => new PartnerGroupMembership(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.NullableDate(3), r.GetString(4))).ToList();
        var modes = Sql.Query(conn, null, "SELECT code, name_en, name_zh, category, ecommerce, in_zone FROM trade_mode",
            r => new TradeMode(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), r.GetBoolean(5))).ToList();
        var rates = Sql.Query(conn, null, "SELECT month, currency, cny_per_unit FROM exchange_rate",
            r => new ExchangeRate(YearMonth.FromKey(r.GetInt32(0)), r.GetString(1), r.GetDecimal(2))).ToList();
        return new ReferenceData(countries, currencies, hs, ports, calendar, new PartnerGroups(groups), modes, new ExchangeRateTable(rates));
    }

    /// <summary>The stored tariff schedule, with its look-ups compiled.</summary>
    public TariffSchedule LoadSchedule()
    {
        using var conn = db.OpenConnection();
        var rows = Sql.Query(conn, null,
            "SELECT line_no, hs_code, measure, rate_kind, agreement, origins, ad_valorem_pct, specific_amount, specific_unit, valid_from, valid_to, certificate_required, note FROM tariff_line ORDER BY line_no",
            r => new TariffRow(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3), r.NullableString(4) ?? "", r.GetString(5),
                Text(r.NullableDecimal(6)), Text(r.NullableDecimal(7)), r.NullableString(8) ?? "",
                r.GetFieldValue<DateOnly>(9).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                r.NullableDate(10)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                r.GetBoolean(11) ? "true" : "false", r.NullableString(12) ?? "")).ToList();
        return new TariffSchedule(TariffScheduleParser.Parse(rows, "stored schedule"));
    }

    public TariffPolicySet LoadPolicy()
    {
        using var conn = db.OpenConnection();
        return new TariffPolicySet(Sql.Query(conn, null, "SELECT name, value, valid_from, source FROM tariff_policy",
            r => new PolicyValue(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetString(3))).ToList());
    }

    /// <summary>Everything lodging needs besides the reference snapshot: tariff, policy, validation and risk data.</summary>
    public LodgingData LoadLodgingData()
    {
        using var conn = db.OpenConnection();
        var tradeModePorts = Sql.Query(conn, null, "SELECT trade_mode, port FROM trade_mode_port", r => (r.GetString(0), r.GetString(1))).ToList()
            .GroupBy(x => x.Item1).Select(g => new TradeModePorts(g.Key, g.Select(x => x.Item2).ToHashSet(StringComparer.Ordinal))).ToList();
        var bounds = Sql.Query(conn, null, "SELECT heading, min_cny_per_kg, max_cny_per_kg FROM value_bounds", r => new ValueBounds(r.GetString(0), r.GetDecimal(1), r.GetDecimal(2))).ToList();
        var rules = Sql.Query(conn, null, "SELECT rule_id, description, lane, origin, hs_prefix, declarant, preference_claimed, value_per_kg_below_min_share, min_discrepancies, valid_from, valid_to FROM risk_rule ORDER BY rule_id",
            r => new RiskRule(r.GetString(0), r.GetString(1), RiskParsers.ParseLane(r.GetString(2), "stored"), r.NullableString(3), r.NullableString(4), r.NullableString(5),
                r.NullableString(6) is { } p ? p == "true" : null, r.NullableDecimal(7), r.IsDBNull(8) ? null : r.GetInt32(8), r.GetFieldValue<DateOnly>(9), r.NullableDate(10))).ToList();
        var settings = RiskParsers.Settings(Sql.Query(conn, null, "SELECT name, value FROM lane_setting", r => (r.GetString(0), Decimals.Normalize(r.GetDecimal(1)).ToString(CultureInfo.InvariantCulture))).ToList(), "stored");
        return new LodgingData(LoadSchedule(), LoadPolicy(), tradeModePorts, bounds, rules, settings);
    }

    private static string Text(decimal? d) => d is { } v ? Decimals.Normalize(v).ToString(CultureInfo.InvariantCulture) : "";

    /// <summary>What is loaded: kind, version, rows, source, time.</summary>
    public IReadOnlyList<(string Kind, string Version, int Rows, string Source, string LoadedAt)> Datasets()
    {
        using var conn = db.OpenConnection();
        return Sql.Query(conn, null, "SELECT kind, version, row_count, source, loaded_at FROM reference_dataset ORDER BY kind",
            r => (r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetString(4))).ToList();
    }
}

/// <summary>The tariff, policy, validation and risk data that lodging uses, read once.</summary>
public sealed record LodgingData(
    TariffSchedule Schedule,
    TariffPolicySet Policy,
    IReadOnlyList<TradeModePorts> TradeModePorts,
    IReadOnlyList<ValueBounds> ValueBounds,
    IReadOnlyList<RiskRule> RiskRules,
    LaneSettings LaneSettings);
