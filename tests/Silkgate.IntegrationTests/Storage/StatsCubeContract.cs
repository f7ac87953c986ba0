using System.Globalization;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.IntegrationTests.Support;
using Silkgate.Risk;
using Silkgate.Statistics;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Import;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Statistics;
using Silkgate.Tariff;

namespace Silkgate.IntegrationTests.Storage;

/// <summary>
/// The monthly statistics cube on real SQLite and PostgreSQL: kept equal to a full recompute through every way
/// released items come and go, answering exactly what the item scan answers, and the conventions of DESIGN.md §9.
/// </summary>
public abstract class StatsCubeContract(ITestDatabases databases)
{
    private static readonly Actor Declarant = Actor.Declarant("E100");
    private static readonly Actor Officer = Actor.Officer("wang");

    private static readonly string[] Hs = ["2601110000", "0813100000", "0804100000", "2701120000", "6204620000", "0813200000"];
    private static readonly string[] Partners = ["KG", "KZ", "PK", "TJ", "UZ", "RU", "ZZ"];
    private static readonly (string Port, string Mode, bool Zone, bool Ecommerce)[] Channels =
    [
        ("KHUNJERAB", "0110", false, false), ("IRKESHTAM", "0110", false, false), ("KASHGAR_AIRPORT", "9610", false, true),
        ("KARASU", "1210", true, false), ("TORUGART", "4019", false, false),
    ];

    private sealed class GreenScorer : IRiskScorer
    {
        public string Name => "green";

        public RiskScore Score(RiskInput input) => new(0m, []);
    }

    private Database NewDatabase(params string[] extraGroups)
    {
        var db = databases.Create();
        var store = new ReferenceStore(db);
        store.EnsureLoaded();
        var folder = Repo.TempFolder();
        var settings = Path.Combine(folder, "settings.csv");
        File.WriteAllText(settings, "name,value,note\nred_share,0.05,\nyellow_share,0.10,\nblue_share,0.05,\nrandom_share,0,\n");
        store.Import("lane-settings", settings);
        if (extraGroups.Length > 0)
        {
            var groups = Path.Combine(folder, "groups.csv");
            File.WriteAllText(groups, File.ReadAllText(Repo.Path("data", "reference", "partner-groups.csv")).TrimEnd('\n') + "\n" + string.Join("\n", extraGroups) + "\n");
            store.Import("partner-groups", groups);
        }
        return db;
    }

    /// <summary>A test group whose memberships start and end inside months (and one that covers whole months).</summary>
    private static readonly string[] MidMonthGroup =
    [
        "MID,KZ,2023-03-15,,test: joins mid-month",
        "MID,PK,2023-01-01,2023-04-20,test: leaves mid-month",
        "MID,TJ,2023-02-01,2023-05-31,test: whole months",
        "MID,KG,2023-06-10,2023-06-20,test: joins and leaves within a month",
    ];

    private static Declaration Released(string id, DateOnly? release, Flow flow, (string Port, string Mode, bool Zone, bool Ecommerce) channel,
        params (int No, string Hs, string Partner, decimal Value, decimal Kg)[] items) => new()
        {
            EnterpriseId = "E" + (id.Length % 3).ToString(CultureInfo.InvariantCulture),
            Source = "bulk",
            ExternalId = id,
            Flow = flow,
            State = release is null ? DeclarationState.Lodged : DeclarationState.Released,
            DeclarationDate = (release ?? new DateOnly(2023, 1, 1)).AddDays(-2),
            ReleaseDate = release,
            Port = channel.Port,
            TradeMode = channel.Mode,
            Currency = "CNY",
            InZone = channel.Zone,
            Ecommerce = channel.Ecommerce,
            Items = items.Select(i => new DeclarationItem
            {
                ItemNo = i.No, HsCode = i.Hs, PartnerCountry = i.Partner, NetMassKg = i.Kg, ValueOriginal = i.Value, StatisticalValueCny = i.Value,
            }).ToList(),
        };

    internal static Declaration RandomDeclaration(Random rng, string id, bool released = true)
    {
        var release = new DateOnly(2023, 1, 1).AddDays(rng.Next(0, 200));
        var n = rng.Next(1, 5);
        var numbers = Enumerable.Range(1, 9).OrderBy(_ => rng.Next()).Take(n).ToArray(); // item numbers in any order, with gaps
        var items = numbers.Select(no => (no, Hs[rng.Next(Hs.Length)], Partners[rng.Next(Partners.Length)],
            rng.Next(5) == 0 ? 0m : rng.Next(1, 5_000_000) / 100m, rng.Next(1, 900_000) / 1000m)).ToArray();
        return Released(id, released ? release : null, rng.Next(3) == 0 ? Flow.Export : Flow.Import, Channels[rng.Next(Channels.Length)], items);
    }

    private static void Write(Database db, IReadOnlyList<Declaration> batch)
    {
        using var conn = db.OpenConnection();
        new DeclarationWriter(TimeProvider.System).WriteBatch(conn, batch);
    }

    private static long CellsDiffering(Database db) => CubeMaintainer.Recompute(db).CellsDiffering;

    /// <summary>Months whose pack (stats_rollup_pack) is not exactly the roll-up's cells of the month.</summary>
    private static int PacksDiffering(Database db)
    {
        using var conn = db.OpenConnection();
        var packs = Sql.Query(conn, null, "SELECT release_month, cells FROM stats_rollup_pack", r => (r.GetInt32(0), (byte[])r.GetValue(1))).ToList();
        return packs.Count(p => !RollupPacks.Decode(p.Item1, p.Item2).SequenceEqual(CubeMaintainer.ReadRollup(conn, p.Item1, p.Item1)));
    }

    private static long PackCount(Database db)
    {
        using var conn = db.OpenConnection();
        return Sql.Scalar<long>(conn, null, "SELECT count(*) FROM stats_rollup_pack");
    }

    private static DeclarationDraft Draft(Random rng, Flow flow)
    {
        var items = Enumerable.Range(0, rng.Next(1, 4))
            .Select(_ => new TaxableItem(Hs[rng.Next(4)], Partners[rng.Next(5)], rng.Next(100, 50_000), 100m, "kg", rng.Next(10, 5_000)))
            .ToList();
        return flow == Flow.Import
            ? new DeclarationDraft("E100", "PK", "road", new TaxableDeclaration(Flow.Import, new DateOnly(2023, 6, 5), "KASHGAR_AIRPORT", "0110", "CNY", 10m, 1m, items))
            : new DeclarationDraft("E100", Partners[rng.Next(5)], "road", new TaxableDeclaration(Flow.Export, new DateOnly(2023, 6, 5), "KARASU", "0110", "CNY", 10m, 1m, items));
    }

    /// <summary>Takes a lodged declaration through control and payment to release.</summary>
    private static void ReleaseIt(DeclarationService s, string id)
    {
        var d = s.Show(id, Officer);
        if (d.State == DeclarationState.UnderControl)
            d = s.Inspect(id, new InspectionResult(InspectionOutcome.NoDiscrepancy, new Dictionary<int, decimal>(), 0m, null), Officer);
        if (d.State == DeclarationState.Assessed && (d.TaxTotalCny ?? 0m) > 0m)
            s.Pay(id, guarantee: false, Declarant);
        s.Release(id, Officer);
    }

    [Fact]
    public void The_maintained_cube_equals_a_full_recompute_after_random_releases_amendments_and_cancellations()
    {
        var db = NewDatabase();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2023, 6, 7, 2, 0, 0, TimeSpan.Zero));
        var s = new DeclarationService(db, clock, new GreenScorer());
        var rng = new Random(20231107);
        var pending = new List<string>();
        var released = new List<string>();
        var bulk = 0;
        var counts = new int[8];
        for (var step = 0; step < 80; step++)
        {
            var op = rng.Next(8);
            switch (op)
            {
                case 0:
                    pending.Add(s.Lodge(Draft(rng, rng.Next(3) == 0 ? Flow.Export : Flow.Import), null, Declarant).Declaration.DeclarationId);
                    break;
                case 1 when pending.Count > 0:
                    var amend = pending[rng.Next(pending.Count)];
                    s.Amend(amend, Draft(rng, Flow.Import), Declarant);
                    break;
                case 2 when pending.Count > 0:
                    var release = pending[rng.Next(pending.Count)];
                    ReleaseIt(s, release);
                    pending.Remove(release);
                    released.Add(release);
                    break;
                case 3 when released.Count > 0:
                    var cancel = released[rng.Next(released.Count)];
                    s.Cancel(cancel, "withdrawn in the test", Officer);
                    released.Remove(cancel);
                    break;
                case 4:
                    Write(db, Enumerable.Range(0, rng.Next(1, 8)).Select(_ => RandomDeclaration(rng, "B" + (bulk++).ToString(CultureInfo.InvariantCulture), rng.Next(6) > 0)).ToList());
                    break;
                case 5:
                    clock.Advance(TimeSpan.FromDays(rng.Next(1, 25)));
                    break;
                case 6 when released.Count > 0:
                    var audit = released[rng.Next(released.Count)];
                    s.StartAudit(audit, null, Officer);
                    s.CloseAudit(audit, null, Officer);
                    break;
                case 7:
                    // A bulletin's read: writes the packs of the months it finds without one.
                    var first = new YearMonth(2023, rng.Next(1, 8));
                    new StatsQueryRunner(db).Preload(first, first.AddMonths(rng.Next(0, 6)));
                    break;
                default:
                    continue;
            }
            counts[op]++;
            if (step % 20 == 19)
            {
                Assert.Equal(0, PacksDiffering(db));
                Assert.Equal(0, CellsDiffering(db));
            }
        }
        Assert.All(counts.Take(5), c => Assert.True(c > 0, "every kind of change happened: " + string.Join(",", counts)));
        Assert.Equal(0, CellsDiffering(db));
        using var conn = db.OpenConnection();
        Assert.True(Sql.Scalar<long>(conn, null, "SELECT count(*) FROM stats_cube") > 10);
        var releasedItems = Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration_item WHERE release_month IS NOT NULL");
        Assert.Equal(releasedItems, Sql.Scalar<long>(conn, null, "SELECT sum(items) FROM stats_cube"));
        Assert.Equal(releasedItems, CubeMaintainer.ReadRollup(conn, null).Values.Sum(m => m.Items));
        Assert.Equal(releasedItems, CubeMaintainer.ReadHeadings(conn, null).Values.Sum(m => m.Items));
        // The recompute (month by month, in memory) agrees with the cube's one-statement SQL definition.
        Assert.Equal(Rows(conn, CubeMaintainer.RecomputeSql[CubeMaintainer.RecomputeSql.IndexOf("SELECT", StringComparison.Ordinal)..]),
            Rows(conn, $"SELECT {CubeMaintainer.KeyColumns}, {CubeMaintainer.MeasureColumns} FROM stats_cube"));
    }

    private static List<string> Rows(System.Data.Common.DbConnection conn, string sql) =>
        Sql.Query(conn, null, sql, r => string.Join("|", Enumerable.Range(0, r.FieldCount).Select(n => Convert.ToString(r.GetValue(n), CultureInfo.InvariantCulture))))
            .Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void The_cube_answers_every_measure_dimension_and_scope_as_the_item_scan_does()
    {
        var db = NewDatabase(MidMonthGroup);
        var rng = new Random(7);
        Write(db, Enumerable.Range(0, 400).Select(n => RandomDeclaration(rng, "C" + n.ToString(CultureInfo.InvariantCulture), n % 20 != 0)).ToList());
        var reference = new ReferenceStore(db).Load();
        var cube = new StatsQueryRunner(db);
        var items = new StatsQueryRunner(db) { FromItems = true };
        // The bulletin's way: the roll-up's cells of the months read once, answers summed in memory.
        var preloaded = new StatsQueryRunner(db);
        preloaded.Preload(new YearMonth(2022, 12), new YearMonth(2023, 7));
        // The first preload wrote the packs of the eight months (an empty one for 2022-12); the second reads them.
        Assert.Equal(8, PackCount(db));
        Assert.Equal(0, PacksDiffering(db));
        var fromPacks = new StatsQueryRunner(db);
        fromPacks.Preload(new YearMonth(2022, 12), new YearMonth(2023, 7));
        string[] combos =
        [
            "", "month", "quarter", "year", "partner", "group", "port", "hs2", "hs4", "trade_mode", "flow", "partner,month", "group,partner", "group,month",
            "port,hs4", "year,hs2,flow", "flow,quarter,partner", "group,partner,month,flow",
        ];
        string[] scopes = ["prefecture", "zone", "group:CA5", "group:MID", "group:BRI", "port:KHUNJERAB", "port:KASHGAR_AIRPORT"];
        var sources = new Dictionary<StatsSource, int>();
        var compared = 0;
        foreach (var measure in StatsQuery.MeasureNames.Keys)
        {
            foreach (var by in combos)
            {
                foreach (var scope in scopes)
                {
                    var flow = new[] { "total", "import", "export" }[rng.Next(3)];
                    foreach (var currency in measure is "trade_value" or "ecommerce_value" ? new[] { "CNY", "USD" } : ["CNY"])
                    {
                        var q = StatsQuery.Parse(measure, by, "2023-01", "2023-07", scope, flow, currency);
                        var expected = items.Run(q, reference);
                        var actual = cube.Run(q, reference);
                        sources[cube.LastSource] = sources.GetValueOrDefault(cube.LastSource) + 1;
                        Assert.True(expected.Select(r => (string.Join(",", r.Keys), r.Value)).SequenceEqual(actual.Select(r => (string.Join(",", r.Keys), r.Value))),
                            $"{measure} by [{by}] {scope} {flow} {currency}: items {Show(expected)} cube {Show(actual)}");
                        var inMemory = preloaded.Run(q, reference);
                        Assert.True(expected.Select(r => (string.Join(",", r.Keys), r.Value)).SequenceEqual(inMemory.Select(r => (string.Join(",", r.Keys), r.Value))),
                            $"{measure} by [{by}] {scope} {flow} {currency}: items {Show(expected)} preloaded roll-up {Show(inMemory)}");
                        var packed = fromPacks.Run(q, reference);
                        Assert.True(expected.Select(r => (string.Join(",", r.Keys), r.Value)).SequenceEqual(packed.Select(r => (string.Join(",", r.Keys), r.Value))),
                            $"{measure} by [{by}] {scope} {flow} {currency}: items {Show(expected)} roll-up packs {Show(packed)}");
                        compared++;
                    }
                }
            }
        }
        // The base year's look-up: the first month with trade, from the roll-up as from the items and the years query.
        var years = items.Run(StatsQuery.Parse("trade_value", "year", "1990-01", "2023-12", null, null, null), reference);
        Assert.Equal(years.First(r => r.Value != 0m).Keys[0], cube.FirstMonthWithTrade()?.Year.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(items.FirstMonthWithTrade(), cube.FirstMonthWithTrade());
        Assert.True(sources[StatsSource.Cube] > 500, $"{sources[StatsSource.Cube]} answers from the cube alone");
        Assert.True(sources[StatsSource.CubeAndItems] > 100, $"{sources.GetValueOrDefault(StatsSource.CubeAndItems)} answers from the cube and boundary months");
        Assert.True(sources[StatsSource.Items] > 10, "declaration_count by HS or group without partner falls back to the items");
        Assert.True(compared > 900);
    }

    [Fact]
    public void A_months_pack_is_deleted_with_the_change_to_its_roll_up_and_written_again_by_the_next_read()
    {
        var db = NewDatabase();
        var rng = new Random(11);
        Write(db, Enumerable.Range(0, 60).Select(n => RandomDeclaration(rng, "P" + n.ToString(CultureInfo.InvariantCulture))).ToList());
        new StatsQueryRunner(db).Preload(new YearMonth(2023, 1), new YearMonth(2023, 7));
        Assert.Equal(7, PackCount(db));

        // A release in March: March's pack goes in the same transaction, the others stay.
        Write(db, [Released("P-march", new DateOnly(2023, 3, 9), Flow.Import, Channels[0], (1, Hs[0], "KG", 1234.56m, 10m))]);
        using (var conn = db.OpenConnection())
            Assert.Equal([202301, 202302, 202304, 202305, 202306, 202307], Sql.Query(conn, null, "SELECT release_month FROM stats_rollup_pack ORDER BY release_month", r => r.GetInt32(0)).ToList());
        var reference = new ReferenceStore(db).Load();
        var q = StatsQuery.Parse("trade_value", "month,partner", "2023-01", "2023-07", null, null, null);
        var preloaded = new StatsQueryRunner(db);
        preloaded.Preload(new YearMonth(2023, 1), new YearMonth(2023, 7));
        Assert.Equal(Pairs(new StatsQueryRunner(db) { FromItems = true }.Run(q, reference)), Pairs(preloaded.Run(q, reference)));
        Assert.Equal(7, PackCount(db));
        Assert.Equal(0, PacksDiffering(db));

        // A full recompute rewrites the roll-up: every pack goes.
        CubeMaintainer.Recompute(db);
        Assert.Equal(0, PackCount(db));
    }

    /// <summary>
    /// Regression: PostgreSQL's staged path for bulk batches (more than 200 cells, one COPY for the three tables)
    /// returned before the packs of its months were deleted, so a bulletin kept the figures from before the batch.
    /// </summary>
    [Fact]
    public void A_bulk_batch_of_many_cells_deletes_the_packs_of_its_months()
    {
        var db = NewDatabase();
        var rng = new Random(13);
        Write(db, Enumerable.Range(0, 40).Select(n => RandomDeclaration(rng, "S" + n.ToString(CultureInfo.InvariantCulture))).ToList());
        new StatsQueryRunner(db).Preload(new YearMonth(2023, 1), new YearMonth(2023, 7));
        Assert.Equal(7, PackCount(db));
        var batch = Enumerable.Range(0, 300).Select(n => RandomDeclaration(rng, "T" + n.ToString(CultureInfo.InvariantCulture))).ToList();
        var cells = new Dictionary<CubeCell, CubeMeasures>();
        foreach (var d in batch)
            CubeMaintainer.Add(cells, d);
        Assert.True(cells.Count > 200, $"{cells.Count} cells: the batch must take the staged path on PostgreSQL");
        Write(db, batch);
        Assert.Equal(0, PackCount(db));
        var reference = new ReferenceStore(db).Load();
        var q = StatsQuery.Parse("trade_value", "month,partner", "2023-01", "2023-07", null, null, null);
        var preloaded = new StatsQueryRunner(db);
        preloaded.Preload(new YearMonth(2023, 1), new YearMonth(2023, 7));
        Assert.Equal(Pairs(new StatsQueryRunner(db) { FromItems = true }.Run(q, reference)), Pairs(preloaded.Run(q, reference)));
    }

    [Fact]
    public void An_import_into_months_the_cube_has_and_months_it_has_not_gives_the_cube_of_its_items()
    {
        var db = NewDatabase();
        var rng = new Random(15);
        Write(db, Enumerable.Range(0, 40).Select(n => RandomDeclaration(rng, "S" + n.ToString(CultureInfo.InvariantCulture))).ToList());
        new StatsQueryRunner(db).Preload(new YearMonth(2023, 1), new YearMonth(2023, 7));
        // Months 2023-01..07 have cells; the same declarations a year later fall in months the cube has nothing for.
        var stored = Enumerable.Range(0, 300).Select(n => RandomDeclaration(rng, "T" + n.ToString(CultureInfo.InvariantCulture))).ToList();
        var later = stored.Select(d => d with { ExternalId = "U" + d.ExternalId, ReleaseDate = d.ReleaseDate!.Value.AddYears(1) }).ToList();
        var cells = new Dictionary<CubeCell, CubeMeasures>();
        foreach (var d in later)
            CubeMaintainer.Add(cells, d);
        Assert.True(cells.Count > 200, $"{cells.Count} cells: the new months must take the COPY path on PostgreSQL");
        using (var conn = db.OpenConnection())
        using (var import = new ImportWriter(new DeclarationWriter(TimeProvider.System), conn))
        {
            import.Write(stored[..150]);
            import.Write([.. later, .. stored[150..]]);
            Assert.Equal(600, import.Complete());
        }
        Assert.Equal(0, CellsDiffering(db));
        Assert.Equal(0, PacksDiffering(db));
        var (cube, items) = Both(db, "item_count", "", "2024-01", "2024-12");
        Assert.Equal(items, cube);
        Assert.Equal(later.Sum(d => d.Items.Count), cube);
    }

    [Fact]
    public void A_read_writes_no_pack_and_does_not_wait_while_a_writer_holds_the_roll_up()
    {
        var db = NewDatabase();
        var rng = new Random(12);
        Write(db, Enumerable.Range(0, 40).Select(n => RandomDeclaration(rng, "W" + n.ToString(CultureInfo.InvariantCulture))).ToList());
        var reference = new ReferenceStore(db).Load();
        var q = StatsQuery.Parse("trade_value", "month", "2023-01", "2023-07", null, null, null);
        var expected = Pairs(new StatsQueryRunner(db) { FromItems = true }.Run(q, reference));
        using (var writer = db.OpenConnection())
        using (var tx = writer.BeginTransaction())
        {
            // SQLite: the write lock (BEGIN IMMEDIATE); PostgreSQL: the lock a writer of the roll-up takes.
            if (!db.IsSqlite)
                Sql.Exec(writer, tx, "LOCK TABLE stats_rollup IN ROW EXCLUSIVE MODE");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var reader = new StatsQueryRunner(db);
            reader.Preload(new YearMonth(2023, 1), new YearMonth(2023, 7));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"the read waited {watch.Elapsed}");
            Assert.Equal(expected, Pairs(reader.Run(q, reference)));
            Assert.Equal(0, PackCount(db));
        }
        new StatsQueryRunner(db).Preload(new YearMonth(2023, 1), new YearMonth(2023, 7));
        Assert.Equal(7, PackCount(db));
    }

    private static List<(string, decimal)> Pairs(IReadOnlyList<StatsRow> rows) => rows.Select(r => (string.Join(",", r.Keys), r.Value)).ToList();

    private static string Show(IReadOnlyList<StatsRow> rows) => string.Join("; ", rows.Take(8).Select(r => string.Join(",", r.Keys) + "=" + r.Value.ToString(CultureInfo.InvariantCulture)));

    private static (decimal Cube, decimal Items) Both(Database db, string measure, string by, string from, string to, string? scope = null, string? flow = null, int row = 0)
    {
        var reference = new ReferenceStore(db).Load();
        var q = StatsQuery.Parse(measure, by, from, to, scope, flow, null);
        return (new StatsQueryRunner(db).Run(q, reference)[row].Value, new StatsQueryRunner(db) { FromItems = true }.Run(q, reference)[row].Value);
    }

    [Fact]
    public void Imports_count_under_the_country_of_origin_and_exports_under_the_country_of_final_destination()
    {
        var db = NewDatabase();
        var s = new DeclarationService(db, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2023, 6, 7, 2, 0, 0, TimeSpan.Zero)), new GreenScorer());
        // Consigned from Pakistan, originating in Kyrgyzstan; made in China, finally destined for Tajikistan.
        var import = new DeclarationDraft("E100", "PK", "road", new TaxableDeclaration(Flow.Import, new DateOnly(2023, 6, 5), "KASHGAR_AIRPORT", "0110", "CNY", 0m, 0m,
            [new TaxableItem("2601110000", "KG", 1000m, 1000m, "kg", 1000m)]));
        var export = new DeclarationDraft("E100", "TJ", "road", new TaxableDeclaration(Flow.Export, new DateOnly(2023, 6, 5), "KARASU", "0110", "CNY", 0m, 0m,
            [new TaxableItem("6204620000", "CN", 2000m, 10m, "unit", 10m)]));
        foreach (var draft in new[] { import, export })
            ReleaseIt(s, s.Lodge(draft, null, Declarant).Declaration.DeclarationId);
        var reference = new ReferenceStore(db).Load();
        var runner = new StatsQueryRunner(db);
        var rows = runner.Run(StatsQuery.Parse("trade_value", "partner,flow", "2023-06", "2023-06", null, null, null), reference);
        Assert.Equal(StatsSource.Cube, runner.LastSource);
        Assert.Equal([("KG", "import", 1000m), ("TJ", "export", 2000m)], rows.Select(r => (r.Keys[0], r.Keys[1], r.Value)));
    }

    [Fact]
    public void Statistical_value_is_CIF_for_imports_and_FOB_for_exports()
    {
        var db = NewDatabase();
        var (csv, mapping) = SampleFiles.Write(Repo.TempFolder(),
        [
            "V1,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,CNY,100,10,1,2701120000,KG,1000,kg,1000,1000",
            "V2,E100,export,2023-06-05,2023-06-07,KARASU,0110,CNY,50,5,1,6204620000,TJ,10,unit,10,45000",
        ]);
        Assert.Equal(2, new DeclarationImporter(db, TimeProvider.System).Import(csv, ColumnMapping.Load(mapping), strict: true).Imported);
        Assert.Equal((1110m, 1110m), Both(db, "trade_value", "", "2023-06", "2023-06", flow: "import")); // value + freight + insurance
        Assert.Equal((45000m, 45000m), Both(db, "trade_value", "", "2023-06", "2023-06", flow: "export")); // free on board: no freight, no insurance
    }

    [Fact]
    public void A_partner_trading_in_one_month_of_the_period_counts_once_and_a_zero_value_partner_not_at_all()
    {
        var db = NewDatabase();
        var road = Channels[0];
        Write(db,
        [
            Released("P1", new DateOnly(2023, 1, 10), Flow.Import, road, (1, Hs[0], "KG", 100m, 1m), (2, Hs[1], "KZ", 50m, 1m)),
            Released("P2", new DateOnly(2023, 1, 20), Flow.Export, road, (1, Hs[0], "KG", 10m, 1m)),
            Released("P3", new DateOnly(2023, 2, 10), Flow.Import, road, (1, Hs[0], "PK", 0m, 5m), (2, Hs[1], "ZZ", 70m, 1m)),
            Released("P4", new DateOnly(2023, 3, 10), Flow.Import, road, (1, Hs[0], "KZ", 30m, 1m)),
        ]);
        Assert.Equal((2m, 2m), Both(db, "partner_count", "", "2023-01", "2023-03")); // KG, KZ; not PK (zero value), not ZZ (unknown)
        var reference = new ReferenceStore(db).Load();
        var q = StatsQuery.Parse("partner_count", "month", "2023-01", "2023-03", null, null, null);
        Assert.Equal([2m, 0m, 1m], new StatsQueryRunner(db).Run(q, reference).Select(r => r.Value));
        Assert.Equal([2m, 0m, 1m], new StatsQueryRunner(db) { FromItems = true }.Run(q, reference).Select(r => r.Value));
    }

    [Fact]
    public void An_item_released_the_day_before_its_partner_joins_a_group_does_not_count_for_the_group()
    {
        var db = NewDatabase(MidMonthGroup); // KZ joins MID on 2023-03-15
        var road = Channels[0];
        Write(db,
        [
            Released("G1", new DateOnly(2023, 3, 14), Flow.Import, road, (1, Hs[0], "KZ", 100m, 1m)),
            Released("G2", new DateOnly(2023, 3, 15), Flow.Import, road, (1, Hs[0], "KZ", 250m, 1m)),
            Released("G3", new DateOnly(2023, 4, 2), Flow.Import, road, (1, Hs[0], "KZ", 7m, 1m)),
        ]);
        Assert.Equal((350m, 350m), Both(db, "trade_value", "", "2023-03", "2023-03"));
        Assert.Equal((250m, 250m), Both(db, "trade_value", "", "2023-03", "2023-03", scope: "group:MID"));
        Assert.Equal((257m, 257m), Both(db, "trade_value", "", "2023-01", "2023-12", scope: "group:MID"));
        var runner = new StatsQueryRunner(db);
        runner.Run(StatsQuery.Parse("trade_value", "", "2023-01", "2023-12", "group:MID", null, null), new ReferenceStore(db).Load());
        Assert.Equal(StatsSource.CubeAndItems, runner.LastSource);
    }

    [Fact]
    public void The_declarations_stats_explain_lists_add_up_to_the_figure_of_stats_query()
    {
        var db = NewDatabase(MidMonthGroup);
        var rng = new Random(11);
        Write(db, Enumerable.Range(0, 150).Select(n => RandomDeclaration(rng, "X" + n.ToString(CultureInfo.InvariantCulture))).ToList());
        var dbArg = db.IsSqlite ? db.Display : db.ConnectionString;
        string[][] cases =
        [
            ["trade_value", "", "prefecture", "CNY"], ["trade_value", "partner,month", "prefecture", "USD"], ["trade_value", "", "group:MID", "USD"],
            ["cargo_mass", "port", "prefecture", "CNY"], ["item_count", "hs4", "zone", "CNY"], ["declaration_count", "partner", "group:CA5", "CNY"],
            ["partner_count", "quarter", "prefecture", "CNY"], ["ecommerce_value", "month", "prefecture", "USD"], ["declaration_count", "group", "prefecture", "CNY"],
        ];
        foreach (var c in cases)
        {
            string[] common = ["--measure", c[0], "--by", c[1], "--from", "2023-01", "--to", "2023-07", "--scope", c[2], "--currency", c[3], "--db", dbArg];
            var query = CliRunner.Run(["stats", "query", .. common]);
            Assert.True(query.ExitCode == 0, query.Error);
            var explain = CliRunner.Run(["stats", "explain", .. common, "--limit", "1000000"]);
            Assert.True(explain.ExitCode == 0, explain.Error);
            decimal SumOfLast(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Sum(l => decimal.Parse(l[(l.LastIndexOf(',') + 1)..], CultureInfo.InvariantCulture));
            var figure = SumOfLast(query.Out);
            Assert.True(figure > 0, string.Join(" ", c));
            Assert.Equal(figure, SumOfLast(explain.Out));
            Assert.Contains("(equal", explain.Error, StringComparison.Ordinal);
        }
        var top = CliRunner.Run("stats", "explain", "--measure", "trade_value", "--from", "2023-01", "--to", "2023-07", "--limit", "3", "--db", dbArg);
        var lines = top.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("declaration_id,enterprise_id,release_date,flow,partner_country,port,trade_mode,items,value", lines[0]);
        Assert.Equal(4, lines.Length);
        var values = lines.Skip(1).Select(l => decimal.Parse(l[(l.LastIndexOf(',') + 1)..], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(values.OrderDescending(), values);
    }

    [Fact]
    public void Stats_recompute_rebuilds_the_cube_and_says_whether_it_differed()
    {
        var db = NewDatabase();
        Write(db, Enumerable.Range(0, 20).Select(n => RandomDeclaration(new Random(n), "R" + n.ToString(CultureInfo.InvariantCulture))).ToList());
        var dbArg = db.IsSqlite ? db.Display : db.ConnectionString;
        var same = CliRunner.Run("stats", "recompute", "--db", dbArg);
        Assert.True(same.ExitCode == 0, same.Error);
        Assert.Contains("the maintained cube did not differ", same.Out, StringComparison.Ordinal);
        using (var conn = db.OpenConnection())
            Sql.Exec(conn, null, "UPDATE stats_cube SET value_fen = value_fen + 1 WHERE release_month = (SELECT min(release_month) FROM stats_cube)");
        var fixedUp = CliRunner.Run("stats", "recompute", "--db", dbArg);
        Assert.Matches(@"[1-9]\d* cell\(s\) differed from the maintained cube", fixedUp.Out);
        Assert.Equal(0, CellsDiffering(db));
    }
}

public sealed class SqliteStatsCubeTests(SqliteDatabases databases) : StatsCubeContract(databases), IClassFixture<SqliteDatabases>;

public sealed class PostgresStatsCubeTests(PostgresDatabases databases) : StatsCubeContract(databases), IClassFixture<PostgresDatabases>;
