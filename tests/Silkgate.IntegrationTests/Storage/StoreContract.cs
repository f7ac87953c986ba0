using System.Globalization;
using Silkgate.Common;
using Silkgate.IntegrationTests.Support;
using Silkgate.Statistics;
using Silkgate.Storage;
using Silkgate.Storage.Export;
using Silkgate.Storage.Import;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Statistics;

namespace Silkgate.IntegrationTests.Storage;

/// <summary>
/// The storage contract, run for real on SQLite and on PostgreSQL (see the two subclasses at the bottom):
/// migrations, reference data, import, export and statistics must behave the same on both.
/// </summary>
public abstract class StoreContract(ITestDatabases databases)
{
    protected ITestDatabases Databases { get; } = databases;

    protected static TimeProvider Clock { get; } = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));

    protected static long Count(Database db, string sql)
    {
        using var conn = db.OpenConnection();
        return Sql.Scalar<long>(conn, null, sql);
    }

    private static ImportReport ImportSample(Database db, string folder, IEnumerable<string> rows, bool strict = false, string name = "declarations.csv")
    {
        var (csv, mapping) = SampleFiles.Write(folder, rows, name);
        return new DeclarationImporter(db, Clock).Import(csv, ColumnMapping.Load(mapping), strict);
    }

    private static decimal Query(Database db, string measure, string by, string from, string to, string? scope = null, string? flow = null, string? currency = null, int row = 0)
    {
        var store = new ReferenceStore(db);
        return new StatsQueryRunner(db).Run(StatsQuery.Parse(measure, by, from, to, scope, flow, currency), store.Load())[row].Value;
    }

    [Fact]
    public void Train_file_statistics_through_the_CLI_match_an_independent_SQL_aggregation_of_the_CSV()
    {
        var db = Databases.Create();
        var dbArg = db.IsSqlite ? db.Display : db.ConnectionString;
        var import = CliRunner.Run("import", "declarations", Repo.TrainFile, "--mapping", "kcs-synthetic", "--db", dbArg);
        Assert.True(import.ExitCode == 0, import.Error);

        var expected = IndependentAggregation.ByPartnerMonth(Repo.TrainFile, Repo.RatesFile, Repo.Path("data", "reference", "hs2022.csv"), Repo.Path("data", "reference", "country-codes.csv"));
        Dictionary<(string, string), decimal> Stats(string measure)
        {
            var run = CliRunner.Run("stats", "query", "--measure", measure, "--by", "partner,month", "--from", "2020-01", "--to", "2020-12", "--db", dbArg);
            Assert.True(run.ExitCode == 0, run.Error);
            var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("partner,month,value", lines[0]);
            return lines.Skip(1).Select(l => l.Split(',')).ToDictionary(f => (f[0], f[1]), f => decimal.Parse(f[2], CultureInfo.InvariantCulture));
        }
        var items = Stats("item_count");
        var declarations = Stats("declaration_count");
        var values = Stats("trade_value");
        Assert.Equal(expected.Keys.Order(), items.Keys.Order());
        Assert.True(expected.Count > 500, $"only {expected.Count} partner-months");
        Assert.Equal(37271, expected.Values.Sum(c => c.Items));
        foreach (var (key, cell) in expected)
        {
            Assert.Equal(cell.Items, items[key]);
            Assert.Equal(cell.Declarations, declarations[key]);
            // Floating-point SQL may differ by a fen at a half-fen boundary per item; never more.
            Assert.InRange((double)values[key], cell.ValueCny - (0.011 * cell.Items), cell.ValueCny + (0.011 * cell.Items));
        }
    }

    [Fact]
    public void The_shipped_tariff_schedule_and_policy_round_trip_through_the_store()
    {
        var db = Databases.Create();
        var store = new ReferenceStore(db);
        store.EnsureLoaded();
        using var reader = new StringReader(ReferenceStore.ReadShipped(ReferenceStore.Kinds["tariff-schedule"]));
        var shipped = ReferenceParsers.TariffSchedule(reader, "schedule-illustrative.csv");
        var stored = store.LoadSchedule().Lines;
        Assert.Equal(shipped.Count, stored.Count);
        Assert.Equal(shipped.Select(l => l with { Origins = Silkgate.Tests.Support.Frozen.Empty }), stored.Select(l => l with { Origins = Silkgate.Tests.Support.Frozen.Empty }));
        Assert.Equal(shipped.Select(l => string.Join(' ', l.Origins.Order())), stored.Select(l => string.Join(' ', l.Origins.Order())));
        var policy = store.LoadPolicy();
        Assert.Equal(2000m, policy.On(new DateOnly(2018, 12, 31)).CbecTransactionLimitCny);
        Assert.Equal(5000m, policy.On(new DateOnly(2019, 1, 1)).CbecTransactionLimitCny);
        Assert.Equal(50m, policy.On(new DateOnly(2023, 6, 1)).DeMinimisCny);
    }

    [Fact]
    public void Migrations_are_versioned_and_running_them_again_changes_nothing()
    {
        var db = Databases.Create();
        Assert.Equal(0, db.SchemaVersion());
        db.Migrate();
        db.Migrate();
        Assert.Equal(11, db.SchemaVersion());
        Assert.Equal(0, Count(db, "SELECT count(*) FROM declaration"));
    }

    [Fact]
    public void Shipped_reference_data_loads_on_first_use_with_a_version_per_kind()
    {
        var db = Databases.Create();
        var store = new ReferenceStore(db);
        Assert.Equal(ReferenceStore.Kinds.Count, store.EnsureLoaded().Count);
        Assert.Empty(store.EnsureLoaded());
        var datasets = store.Datasets();
        Assert.All(datasets, d => Assert.Equal(64, d.Version.Length));
        Assert.All(datasets, d => Assert.Equal(ReferenceStore.ShippedSource, d.Source));

        var reference = store.Load();
        Assert.Equal(["IRKESHTAM", "KARASU", "KASHGAR_AIRPORT", "KHUNJERAB", "TORUGART"], reference.Ports.Select(p => p.Code).Order(StringComparer.Ordinal));
        Assert.Equal("Namibia", reference.Country("NA")?.NameEn);
        Assert.Equal("004", reference.Country("AF")?.Numeric);
        Assert.Equal(5612, reference.Hs.ByPrefix("").Count(e => e.Level == 6)); // 5,613 less the UN Comtrade 999999
        Assert.Equal(["KG", "KZ", "TJ", "TM", "UZ"], reference.Groups.All.Where(g => g.Group == "CA5").Select(g => g.Country).Order(StringComparer.Ordinal));
        Assert.False(reference.Groups.IsMember("BRI", "IN", new DateOnly(2023, 1, 1)));
        Assert.True(reference.Groups.IsMember("BRI", "PK", new DateOnly(2023, 1, 1)));
        Assert.True(reference.Rates.TryGetRate(new YearMonth(2013, 1), "KGS", out _));
        Assert.True(reference.Rates.TryGetRate(new YearMonth(2023, 12), "AFN", out _));
        Assert.True(reference.TradeMode("9610")?.Ecommerce);
        Assert.True(reference.TradeMode("1210")?.InZone);
        Assert.False(reference.CalendarOf("KHUNJERAB").IsOpen(new DateOnly(2019, 1, 15)));
    }

    [Fact]
    public void Locode_defects_are_cleaned_when_loaded()
    {
        var db = Databases.Create();
        new ReferenceStore(db).EnsureLoaded();
        using var conn = db.OpenConnection();
        Assert.Equal("Anxi, Quanzhou", Sql.Scalar<string>(conn, null, "SELECT name FROM locode WHERE code = 'CNANX'"));
        Assert.Equal("FJ", Sql.Scalar<string>(conn, null, "SELECT subdivision FROM locode WHERE code = 'CNANX'"));
        Assert.Equal("Lu-hua Shan", Sql.Scalar<string>(conn, null, "SELECT name FROM locode WHERE code = 'CNLUH'"));
        Assert.Equal(0, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM locode WHERE name LIKE '%\uFFFD%' OR name LIKE '\"%'"));
        Assert.Equal(1, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM locode WHERE code = 'INNSA'"));
        using var cmd = Sql.Command(conn, null, "SELECT lat FROM locode WHERE code = 'CNKLS'");
        var lat = Convert.ToDecimal(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        Assert.InRange(lat, 37m, 39.5m); // the copy put Karasu near Horgos (44.2 N)
    }

    [Fact]
    public void Reference_data_a_user_imported_is_kept_over_the_shipped_copy()
    {
        var db = Databases.Create();
        var store = new ReferenceStore(db);
        var file = Path.Combine(Repo.TempFolder(), "modes.csv");
        File.WriteAllText(file, "code,name_en,name_zh,category,ecommerce,in_zone\n0110,General trade,一般贸易,general,false,false\n9610,CBEC retail direct,跨境电商,ecommerce,true,false\n");
        Assert.Equal(2, store.Import("trade-modes", file));
        Assert.Empty(store.EnsureLoaded());
        Assert.Equal(2, Count(db, "SELECT count(*) FROM trade_mode"));
        Assert.Equal(Path.GetFullPath(file), store.Datasets().Single(d => d.Kind == "trade-modes").Source);
    }

    [Fact]
    public void A_bad_reference_file_is_refused_with_its_line_and_changes_nothing()
    {
        var db = Databases.Create();
        var store = new ReferenceStore(db);
        store.EnsureLoaded();
        var before = Count(db, "SELECT count(*) FROM partner_group");
        var file = Path.Combine(Repo.TempFolder(), "groups.csv");
        File.WriteAllText(file, "group,country,valid_from,valid_to,source\nCA5,KZ,1992-01-01,,x\nCA5,KG,1992-13-01,,x\n");
        var e = Assert.Throws<SilkgateException>(() => store.Import("partner-groups", file));
        Assert.Equal("SG-CSV-005", e.Code);
        Assert.Contains("groups.csv:3", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Count(db, "SELECT count(*) FROM partner_group"));
    }

    [Fact]
    public void Rates_import_merges_months_and_refuses_a_bad_file_whole()
    {
        var db = Databases.Create();
        var store = new ReferenceStore(db);
        store.EnsureLoaded();
        var before = Count(db, "SELECT count(*) FROM exchange_rate");
        var folder = Repo.TempFolder();
        var good = Path.Combine(folder, "rates.csv");
        File.WriteAllText(good, "month,currency,cny_per_unit\n2023-06,USD,7.1283\n2024-01,USD,7.1000\n");
        Assert.Equal(2, store.Import("rates", good));
        Assert.Equal(before + 1, Count(db, "SELECT count(*) FROM exchange_rate"));
        Assert.Equal(7.1283m, store.Load().Rates.Rate(new YearMonth(2023, 6), "USD"));

        var bad = Path.Combine(folder, "bad.csv");
        File.WriteAllText(bad, "month,currency,cny_per_unit\n2024-02,USD,7.1\n2024-13,USD,7.1\n2024-03,usd,7.1\n2024-04,EUR,-1\n");
        var e = Assert.Throws<SilkgateException>(() => store.Import("rates", bad));
        Assert.Equal("SG-RATE-002", e.Code);
        Assert.Contains("bad.csv:3", e.Message, StringComparison.Ordinal);
        Assert.Contains("bad.csv:4", e.Message, StringComparison.Ordinal);
        Assert.Contains("bad.csv:5", e.Message, StringComparison.Ordinal);
        Assert.False(store.Load().Rates.TryGetRate(new YearMonth(2024, 2), "USD", out _));
    }

    [Fact]
    public void Import_computes_CIF_statistical_values_in_CNY_and_stores_whole_declarations()
    {
        var db = Databases.Create();
        var report = ImportSample(db, Repo.TempFolder(), SampleFiles.GoodRows);
        Assert.Equal((5, 3, 3, 0), (report.Rows, report.Declarations, report.Imported, report.RejectedDeclarations));
        var usd = new ReferenceStore(db).Load().Rates.Rate(new YearMonth(2023, 6), "USD");
        // D1: 1000 + 3000 USD; freight 120 and insurance 15.50 allocated by value, residue to the largest item.
        var expected = Money.RoundToFen((1000m + 30m + 3.88m) * usd) + Money.RoundToFen((3000m + 90m + 11.62m) * usd);
        Assert.Equal(expected, Query(db, "trade_value", "", "2023-06", "2023-06"));
        Assert.Equal(8000.50m, Query(db, "trade_value", "", "2023-07", "2023-07"));
        Assert.Equal(2, Query(db, "item_count", "", "2023-07", "2023-07"));
        Assert.Equal(20.5m, Query(db, "cargo_mass", "", "2023-06", "2023-06") / 1000m);
    }

    [Fact]
    public void Importing_the_same_file_again_adds_nothing()
    {
        var db = Databases.Create();
        var folder = Repo.TempFolder();
        ImportSample(db, folder, SampleFiles.GoodRows);
        var again = ImportSample(db, folder, SampleFiles.GoodRows);
        Assert.Equal((0L, 3L), (again.Imported, again.AlreadyStored));
        Assert.Equal(3, Count(db, "SELECT count(*) FROM declaration"));
        Assert.Equal(5, Count(db, "SELECT count(*) FROM declaration_item"));
    }

    public static readonly string[] BadRows =
    [
        "B1,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,0,0,1,2701120000,KG,1,kg,1",                // 16 columns
        "B2,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,0,0,1,2701120000,XX,1,kg,1,10",             // unknown country
        "B3,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,0,0,1,8803300000,KG,1,kg,1,10",             // HS 2017-only code in 2023
        "B4,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,0,0,1,2701120000,KG,1,kg,1,-10",            // negative value
        "B5,E100,import,2023-06-31,2023-07-01,IRKESHTAM,0110,USD,0,0,1,2701120000,KG,1,kg,1,10",             // no 31 June
        "B6,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,XYZ,0,0,1,2701120000,KG,1,kg,1,10",             // unknown currency
        "B7,E100,import,2031-06-05,2031-06-07,IRKESHTAM,0110,USD,0,0,1,2701120000,KG,1,kg,1,10",             // no rate for the month
        "B8,E100,import,2023-06-05,2023-06-07,URUMQI,0110,CNY,0,0,1,2701120000,KG,1,kg,1,10",                // not a Kashgar port
    ];

    [Fact]
    public void Strict_import_of_a_file_with_bad_rows_imports_nothing()
    {
        var db = Databases.Create();
        var report = ImportSample(db, Repo.TempFolder(), [.. SampleFiles.GoodRows, .. BadRows], strict: true);
        Assert.True(report.Aborted);
        Assert.Equal(0, report.Imported);
        Assert.Equal(0, Count(db, "SELECT count(*) FROM declaration"));
        Assert.Equal(0, Count(db, "SELECT count(*) FROM declaration_item"));
    }

    [Fact]
    public void Default_import_keeps_the_valid_declarations_and_writes_each_bad_row_with_line_and_reason()
    {
        var db = Databases.Create();
        var folder = Repo.TempFolder();
        var report = ImportSample(db, folder, [.. SampleFiles.GoodRows, .. BadRows]);
        Assert.Equal(3, report.Imported);
        Assert.Equal(BadRows.Length, report.RejectedDeclarations);
        var rejects = File.ReadAllLines(report.RejectsFile!);
        Assert.Equal(Path.Combine(folder, "declarations.csv.rejects.csv"), report.RejectsFile);
        Assert.Equal("file,line,declaration_id,code,reason", rejects[0]);
        string CodeFor(string id) => rejects.Single(l => l.Split(',')[2] == id).Split(',')[3];
        Assert.Equal("SG-IMP-001", CodeFor("B1"));
        Assert.Equal("SG-IMP-003", CodeFor("B2"));
        Assert.Equal("SG-IMP-004", CodeFor("B3"));
        Assert.Equal("SG-IMP-005", CodeFor("B4"));
        Assert.Equal("SG-IMP-002", CodeFor("B5"));
        Assert.Equal("SG-IMP-007", CodeFor("B6"));
        Assert.Equal("SG-IMP-008", CodeFor("B7"));
        Assert.Equal("SG-IMP-012", CodeFor("B8"));
        Assert.StartsWith("declarations.csv,7,B1,", rejects.Single(l => l.Contains(",B1,", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(3, Count(db, "SELECT count(*) FROM declaration"));
    }

    [Fact]
    public void A_declaration_with_one_bad_item_is_not_half_imported()
    {
        var db = Databases.Create();
        var report = ImportSample(db, Repo.TempFolder(),
        [
            "H1,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,0,0,1,2701120000,KG,1,kg,1,10",
            "H1,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,0,0,2,2701120000,KG,1,kg,1,-5",
            "H2,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,0,0,1,2701120000,KG,1,kg,1,10",
            "H2,E100,import,2023-06-06,2023-06-07,IRKESHTAM,0110,USD,0,0,2,2701120000,KG,1,kg,1,10",
            "H3,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,0,0,1,2701120000,KG,1,kg,1,10",
            "H4,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,0,0,1,2701120000,KG,1,kg,1,10",
            "H3,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,0,0,2,2701120000,KG,1,kg,1,10",
        ]);
        Assert.Equal(1, report.Imported); // H4 only; H3 is split in the file, H2 disagrees on its date
        Assert.Contains(report.Rejects, r => r.ExternalId == "H2" && r.Code == "SG-IMP-009");
        Assert.Contains(report.Rejects, r => r.ExternalId == "H3" && r.Code == "SG-IMP-010");
        Assert.Equal(0, Count(db, "SELECT count(*) FROM declaration_item WHERE declaration_id = 'kashgar-test:H1'"));
        Assert.Equal(0, Count(db, "SELECT count(*) FROM declaration WHERE declaration_id = 'kashgar-test:H1'"));
    }

    /// <summary>An importer that takes every file as large enough for a first load (<see cref="DeclarationImporter.KeysAfterRowsFromBytes"/>), or none.</summary>
    private static DeclarationImporter Importer(Database db, bool firstLoad, int batchItems) =>
        new(db, Clock) { BatchItems = batchItems, KeysAfterRowsFromBytes = firstLoad ? 0 : long.MaxValue };

    /// <summary>The declaration tables' own indexes, as the store states them (SQLite's CREATE INDEX statements, PostgreSQL's index definitions), the schema brought up to date first.</summary>
    protected static List<string> DeclarationIndexes(Database db)
    {
        db.Migrate();
        using var conn = db.OpenConnection();
        var sql = db.IsSqlite
            ? "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('declaration', 'declaration_item') ORDER BY 1"
            : "SELECT indexdef FROM pg_indexes WHERE tablename IN ('declaration', 'declaration_item') ORDER BY 1";
        return [.. Sql.Query(conn, null, sql, r => r.GetString(0))];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_declaration_split_after_batches_were_written_is_refused_whole_and_the_rest_stored_once(bool firstLoad)
    {
        // PostgreSQL (and SQLite's first load) reads the file once, betting on no split declaration: D1 comes back
        // after the batches of D1, D2 and D3 were written into the open transaction, which is then rolled back and
        // the import run again.
        var db = Databases.Create();
        var indexes = DeclarationIndexes(db);
        var d1Again = "D1,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,120,15.5,3,2701120000,KG,100,kg,100,50";
        var (csv, mapping) = SampleFiles.Write(Repo.TempFolder(), [.. SampleFiles.GoodRows, d1Again]);
        var report = Importer(db, firstLoad, batchItems: 1).Import(csv, ColumnMapping.Load(mapping), strict: false);
        Assert.Equal(indexes, DeclarationIndexes(db));
        Assert.Equal((6L, 3L, 2L, 1L), (report.Rows, report.Declarations, report.Imported, report.RejectedDeclarations));
        Assert.Equal(3, report.Rejects.Count(r => r.ExternalId == "D1" && r.Code == "SG-IMP-010"));
        Assert.Equal(2, Count(db, "SELECT count(*) FROM declaration"));
        Assert.Equal(0, Count(db, "SELECT count(*) FROM declaration_item WHERE declaration_id = 'kashgar-test:D1'"));
        Assert.Equal(3, Count(db, "SELECT count(*) FROM declaration_item"));
        Assert.Equal(0, CubeMaintainer.Recompute(db).CellsDiffering);
        Assert.Equal(3, Query(db, "item_count", "", "2022-01", "2023-12"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_import_that_fails_midway_leaves_whole_declarations_and_a_cube_equal_to_them(bool firstLoad)
    {
        var db = Databases.Create();
        var indexes = DeclarationIndexes(db);
        var (csv, mapping) = SampleFiles.Write(Repo.TempFolder(), SampleFiles.GoodRows);
        var batches = 0;
        // Batches of D1, D2 and D3; the failure comes after the second batch is written.
        var failure = Assert.Throws<IOException>(() => Importer(db, firstLoad, batchItems: 2).Import(csv, ColumnMapping.Load(mapping), strict: false,
            progress: (_, _) =>
            {
                if (++batches == 2)
                    throw new IOException("disk gone");
            }));
        Assert.Equal("disk gone", failure.Message);
        // SQLite commits each batch, except on a first load; PostgreSQL imports in one transaction. In one
        // transaction nothing of the failed import stays, and the indexes a first load dropped are back.
        var oneTransaction = !db.IsSqlite || firstLoad;
        Assert.Equal(oneTransaction ? 0 : 2, Count(db, "SELECT count(*) FROM declaration"));
        Assert.Equal(indexes, DeclarationIndexes(db));
        Assert.Equal(0, Count(db, "SELECT count(*) FROM declaration d WHERE d.item_count <> (SELECT count(*) FROM declaration_item i WHERE i.declaration_id = d.declaration_id)"));
        Assert.Equal(0, CubeMaintainer.Recompute(db).CellsDiffering);
        // Importing the file again stores what is missing.
        Assert.Equal(oneTransaction ? 3 : 1, Importer(db, firstLoad, batchItems: 2).Import(csv, ColumnMapping.Load(mapping), strict: false).Imported);
        Assert.Equal(indexes, DeclarationIndexes(db));
        Assert.Equal(3, Count(db, "SELECT count(*) FROM declaration"));
        Assert.Equal(0, CubeMaintainer.Recompute(db).CellsDiffering);
    }

    [Fact]
    public void An_import_whose_cube_sums_are_written_in_several_parts_gives_the_cube_of_its_items()
    {
        var db = Databases.Create();
        var (csv, mapping) = SampleFiles.Write(Repo.TempFolder(), SampleFiles.GoodRows);
        var report = new DeclarationImporter(db, Clock) { BatchItems = 2, CubeFlushCells = 1 }.Import(csv, ColumnMapping.Load(mapping), strict: false);
        Assert.Equal(3, report.Imported);
        Assert.Equal(0, CubeMaintainer.Recompute(db).CellsDiffering);
        Assert.Equal(5, Query(db, "item_count", "", "2022-01", "2023-12"));
    }

    [Fact]
    public void Export_lists_released_items_with_the_contract_columns()
    {
        var db = Databases.Create();
        ImportSample(db, Repo.TempFolder(), SampleFiles.GoodRows);
        var csv = new StringWriter();
        Assert.Equal(4, new DeclarationExporter(db).Export(csv, "csv", new YearMonth(2023, 1), new YearMonth(2023, 12)));
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("declaration_id,item_no,release_date,flow,partner_country,port,trade_mode,in_zone,ecommerce,hs_code,net_mass_kg,quantity,currency,value_original,statistical_value_cny", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("kashgar-test:D2,1,2023-07-04,import,PK,KHUNJERAB,0110,false,false,0804100000,2000,2000,CNY,8000.5,8000.50,E200", lines[3], StringComparison.Ordinal);

        var json = new StringWriter();
        Assert.Equal(5, new DeclarationExporter(db).Export(json, "json", null, null));
        using var doc = System.Text.Json.JsonDocument.Parse(json.ToString());
        var export = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("flow").GetString() == "export");
        Assert.Equal("TJ", export.GetProperty("partner_country").GetString());
        Assert.Equal(45000m, export.GetProperty("statistical_value_cny").GetDecimal()); // FOB: freight not added
    }

    [Fact]
    public void Statistics_use_dated_groups_partner_counts_without_unknown_and_USD_month_by_month()
    {
        var db = Databases.Create();
        ImportSample(db, Repo.TempFolder(), SampleFiles.GoodRows);
        var reference = new ReferenceStore(db).Load();
        Assert.Equal(Query(db, "trade_value", "", "2023-06", "2023-06"), Query(db, "trade_value", "", "2023-01", "2023-12", scope: "group:CA5"));
        Assert.Equal(45000m, Query(db, "trade_value", "", "2022-01", "2022-12", scope: "group:CA5", flow: "export"));
        Assert.Equal(3, Query(db, "partner_count", "", "2022-01", "2023-12")); // KG, PK, TJ; ZZ and its zero value do not count
        Assert.Equal(45000m, Query(db, "trade_value", "", "2022-01", "2023-12", scope: "port:KARASU"));
        Assert.Equal(0m, Query(db, "trade_value", "", "2022-01", "2023-12", scope: "zone"));

        var usd = Query(db, "trade_value", "", "2023-06", "2023-07", currency: "USD");
        var expected = Money.RoundToFen((Query(db, "trade_value", "", "2023-06", "2023-06") / reference.Rates.Rate(new YearMonth(2023, 6), "USD")) +
                                        (Query(db, "trade_value", "", "2023-07", "2023-07") / reference.Rates.Rate(new YearMonth(2023, 7), "USD")));
        Assert.Equal(expected, usd);

        var byQuarter = new StatsQueryRunner(db).Run(StatsQuery.Parse("declaration_count", "quarter,flow", "2022-01", "2023-12", null, null, null), reference);
        Assert.Equal([["2022-Q3", "export"], ["2023-Q2", "import"], ["2023-Q3", "import"]], byQuarter.Select(r => r.Keys.ToArray()));
        var e = Assert.Throws<SilkgateException>(() => Query(db, "trade_value", "", "2023-01", "2023-12", scope: "group:EU"));
        Assert.Equal("SG-STAT-007", e.Code);
    }
}

public sealed class SqliteStoreTests(SqliteDatabases databases) : StoreContract(databases), IClassFixture<SqliteDatabases>;

public sealed class PostgresStoreTests(PostgresDatabases databases) : StoreContract(databases), IClassFixture<PostgresDatabases>;
