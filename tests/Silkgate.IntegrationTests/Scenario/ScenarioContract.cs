using System.Globalization;
using Silkgate.Common;
using Silkgate.IntegrationTests.Support;
using Silkgate.Scenario;
using Silkgate.Storage;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Scenario;
using Silkgate.Storage.Statistics;

namespace Silkgate.IntegrationTests.Scenario;

/// <summary>
/// The calibrated scenario (issue #7), run for real on SQLite and on PostgreSQL: what it generates must reproduce
/// every figure of a targets file through the same statistics `stats verify` uses, at the published precision.
/// Tests run at a small scale (fewer items); the calibration does not depend on the scale.
/// </summary>
public abstract class ScenarioContract(ITestDatabases databases)
{
    private const double TestScale = 0.01;

    private static TimeProvider Clock { get; } = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));

    private static string KashgarTargets => Repo.Path("data", "published", "kashgar-public.csv");

    private static string HandmadeTargets => Repo.Path("tests", "Silkgate.IntegrationTests", "Scenario", "handmade-targets.csv");

    private static (ScenarioPlan Plan, ScenarioReport Report, IReadOnlyList<TargetCheck> Checks) Run(Database db, string targetsFile, double scale = TestScale, int? seed = null)
    {
        var targets = CsvFiles.ReadFile(targetsFile, TargetVerifier.Read);
        var loader = new ScenarioLoader(db, Clock);
        var settings = new ScenarioSettings { Scale = scale };
        if (seed is { } s)
            settings = settings with { Seed = s };
        var run = loader.Prepare(targets, settings, Repo.Path("data", "scenario"));
        var report = loader.Store(run);
        Assert.Empty(run.Clearance.Refused);
        var plan = run.Plan;
        var checks = TargetVerifier.Verify(targets, new StatsQueryRunner(db), new ReferenceStore(db).Load());
        return (plan, report, checks);
    }

    private static void AssertAllMatch(IReadOnlyList<TargetCheck> checks)
    {
        var failed = checks.Where(c => !c.Matches).Select(c => $"{c.Target.Id}: published {c.Target.Value}, computed {c.Computed} {c.Problem}").ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
    }

    [Fact]
    public void Scenario_reproduces_every_figure_of_kashgar_public()
    {
        var db = databases.Create();
        var (plan, report, checks) = Run(db, KashgarTargets);
        Assert.Empty(plan.Problems);
        Assert.Equal(16, checks.Count);
        AssertAllMatch(checks);
        Assert.Equal(new YearMonth(2013, 1), plan.Months[0]);
        Assert.Equal(new YearMonth(2023, 12), plan.Months[^1]);
        Assert.Equal(report.Declarations, report.Stored);

        // Clearance is stored as lodging stores it: every declaration has its lane; imports their taxes; preference claims their saving.
        using var conn = db.OpenConnection();
        Assert.Equal(0L, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration WHERE lane IS NULL"));
        Assert.Equal(0L, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration_item WHERE flow = 'import' AND duty_fen IS NULL"));
        var preferences = Bulletin.PreferenceTotals(db, new YearMonth(2023, 1), new YearMonth(2023, 9));
        Assert.Equal(0, preferences.UnassessedItems);
        Assert.True(preferences.Saving > 0m, "imports from Pakistan and Afghanistan claim CPFTA and LDC rates");
    }

    [Fact]
    public void Scenario_reproduces_a_handmade_targets_file_with_other_years_ports_groups_and_cargo_mass()
    {
        var (plan, _, checks) = Run(databases.Create(), HandmadeTargets);
        Assert.Empty(plan.Problems);
        Assert.Equal(11, checks.Count);
        AssertAllMatch(checks);
        Assert.Equal(new YearMonth(2016, 1), plan.Months[0]);
        Assert.Equal(new YearMonth(2019, 12), plan.Months[^1]);
    }

    [Fact]
    public void Scenario_reports_a_group_larger_than_the_total_instead_of_ignoring_it()
    {
        var folder = Repo.TempFolder();
        var file = Path.Combine(folder, "inconsistent.csv");
        File.WriteAllLines(file,
        [
            "id,measure,scope,flow,period_from,period_to,relation,base_from,base_to,value,unit,decimals,statement",
            "T1,trade_value,prefecture,total,2020-01,2020-12,level,,,10.00,CNY_bn,2,total",
            "T2,trade_value,group:CA5,total,2020-01,2020-12,level,,,12.00,CNY_bn,2,a group larger than the total",
            "T3,item_count,prefecture,total,2020-01,2020-12,level,,,5,count,0,not something the generator calibrates",
        ]);
        var (plan, _, checks) = Run(databases.Create(), file);
        var problem = Assert.Single(plan.Problems, p => p.TargetId == "T2");
        Assert.Contains("larger than T1", problem.Reason, StringComparison.Ordinal);
        Assert.Contains(plan.Problems, p => p.TargetId == "T3" && p.Reason.Contains("not calibrated", StringComparison.Ordinal));
        Assert.True(checks.Single(c => c.Target.Id == "T1").Matches);
        Assert.False(checks.Single(c => c.Target.Id == "T2").Matches);
    }

    [Fact]
    public void Scenario_is_deterministic_for_a_seed_and_storing_it_again_adds_nothing()
    {
        var db = databases.Create();
        var first = Run(db, HandmadeTargets, seed: 7);
        var again = Run(db, HandmadeTargets, seed: 7);
        Assert.Equal(first.Report.Declarations, again.Report.Declarations);
        Assert.Equal(first.Report.Items, again.Report.Items);
        Assert.Equal(0, again.Report.Stored);
        using var conn = db.OpenConnection();
        Assert.Equal(first.Report.Items, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration_item"));
    }

    [Fact]
    public void Scenario_refuses_a_second_scenario_in_the_same_store_and_stores_nothing()
    {
        var db = databases.Create();
        var first = Run(db, HandmadeTargets, seed: 7);
        var e = Assert.Throws<SilkgateException>(() => Run(db, HandmadeTargets, seed: 8));
        Assert.Equal("SG-SCN-005", e.Code);
        using var conn = db.OpenConnection();
        Assert.Equal(first.Report.Items, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration_item"));
    }

    [Fact]
    public void Scenario_carries_at_least_ten_thousand_items_a_month_in_its_last_two_years_at_full_scale()
    {
        var targets = CsvFiles.ReadFile(KashgarTargets, TargetVerifier.Read);
        var (plan, generator, _) = new ScenarioLoader(databases.Create(), Clock).Prepare(targets, new ScenarioSettings(), Repo.Path("data", "scenario"));
        var items = Enumerable.Range(0, plan.Months.Length).Select(m => (Month: plan.Months[m], Items: generator.PlannedItems(m))).ToList();
        Assert.All(items.Where(x => x.Month.Year >= 2022), x => Assert.True(x.Items >= 10_000, $"{x.Month}: {x.Items}"));
        Assert.True(items.Where(x => x.Month.Year == 2013).Average(x => x.Items) < items.Where(x => x.Month.Year == 2023).Average(x => x.Items));
    }

    [Fact]
    public void Scenario_respects_port_calendars_item_caps_and_values_per_kg()
    {
        var db = databases.Create();
        Run(db, KashgarTargets);
        var reference = new ReferenceStore(db).Load();
        using var conn = db.OpenConnection();

        // Every release on a day its port is open.
        var crossings = Sql.Query(conn, null, "SELECT DISTINCT port, release_date FROM declaration_item", r => (r.GetString(0), r.GetFieldValue<DateOnly>(1))).ToList();
        Assert.NotEmpty(crossings);
        Assert.All(crossings, x => Assert.True(reference.CalendarOf(x.Item1).IsOpen(x.Item2), $"{x.Item1} is closed on {x.Item2}"));
        Assert.DoesNotContain(crossings, x => x.Item1 == "KHUNJERAB" && x.Item2.Month is 1 or 2 or 3 && x.Item2.Year < 2023);

        // No single item above 1 % of its year's trade.
        var years = Sql.Query(conn, null, "SELECT release_month / 100, sum(statistical_value_fen), max(statistical_value_fen) FROM declaration_item GROUP BY release_month / 100",
            r => (Year: Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), Total: r.GetInt64(1), Max: r.GetInt64(2))).ToList();
        Assert.Equal(11, years.Count);
        Assert.All(years, y => Assert.True(y.Max * 100 <= y.Total, $"{y.Year}: an item of {y.Max} fen in {y.Total}"));

        // Values per kg within each commodity's plausible band (no cargo-mass target here, so nothing rescales them).
        var commodities = ScenarioFiles.Commodities(Repo.Path("data", "scenario", "commodities.csv"), reference.Hs)
            .GroupBy(c => c.Hs6).ToDictionary(g => g.Key, g => (Min: g.Min(c => c.MinCnyPerKg), Max: g.Max(c => c.MaxCnyPerKg)));
        var perKg = Sql.Query(conn, null, "SELECT hs_code, statistical_value_fen, net_mass_g FROM declaration_item WHERE net_mass_g > 1000",
            r => (Hs: r.GetString(0), PerKg: r.GetInt64(1) * 10m / r.GetInt64(2))).ToList();
        Assert.All(perKg.GroupBy(x => x.Hs), g =>
        {
            var band = commodities[g.Key];
            Assert.InRange(g.Min(x => x.PerKg), band.Min * 0.95m, band.Max);
            Assert.InRange(g.Max(x => x.PerKg), band.Min, band.Max * 1.05m);
        });

        // The five Central Asian countries and Pakistan lead the partners.
        var top = Sql.Query(conn, null, "SELECT partner_country FROM declaration_item GROUP BY partner_country ORDER BY sum(statistical_value_fen) DESC LIMIT 6", r => r.GetString(0)).ToHashSet();
        Assert.Superset(new HashSet<string> { "KG", "KZ", "UZ", "TJ" }, top);
    }
}

public sealed class SqliteScenarioTests(SqliteDatabases databases) : ScenarioContract(databases), IClassFixture<SqliteDatabases>;

public sealed class PostgresScenarioTests(PostgresDatabases databases) : ScenarioContract(databases), IClassFixture<PostgresDatabases>;
