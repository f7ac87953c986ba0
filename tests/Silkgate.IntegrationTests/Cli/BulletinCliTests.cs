using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Silkgate.Cli.Reports;
using Silkgate.Common;
using Silkgate.IntegrationTests.Support;
using Silkgate.Statistics;
using Silkgate.Storage;
using Silkgate.Storage.Reference;
using StoredBulletin = Silkgate.Storage.Statistics.Bulletin;

namespace Silkgate.IntegrationTests.Cli;

/// <summary>`silkgate bulletin` end to end on a small SQLite store: files, figures equal to `stats query`, links, charts.</summary>
public sealed partial class BulletinCliTests
{
    /// <summary>The sample rows plus larger trade (so that the headline is in billions / 亿元) and a base year.</summary>
    private static readonly string[] Rows =
    [
        .. SampleFiles.GoodRows,
        "D4,E300,import,2023-03-01,2023-03-02,TORUGART,0110,CNY,0,0,1,2601110000,KZ,1000000,kg,1000000,150000000",
        "D5,E300,export,2023-05-03,2023-05-04,IRKESHTAM,0110,CNY,0,0,1,6204620000,KG,5000,unit,2000,2500000",
        "D6,E300,import,2022-05-03,2022-05-04,TORUGART,0110,CNY,0,0,1,2601110000,KZ,500000,kg,500000,60000000",
        "D7,E300,import,2021-04-06,2021-04-07,TORUGART,0110,CNY,0,0,1,2601110000,KZ,100000,kg,100000,20000000",
    ];

    private static readonly string[] ChartFiles = ["trade-by-port-month", "partner-group-shares", "yoy-growth-by-month", "top-partners", "cargo-tonnes-by-port"];

    private static string NewStore()
    {
        var folder = Repo.TempFolder();
        var db = Path.Combine(folder, "silkgate.db");
        var (csv, mapping) = SampleFiles.Write(folder, Rows);
        var import = CliRunner.Run("import", "declarations", csv, "--mapping", mapping, "--strict", "--db", db);
        Assert.True(import.ExitCode == 0, import.Error);
        return db;
    }

    private static decimal StatsValue(string db, params string[] args)
    {
        var run = CliRunner.Run(["stats", "query", .. args, "--db", db]);
        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("value", lines[0]);
        return decimal.Parse(lines[1], CultureInfo.InvariantCulture);
    }

    [Fact]
    public void The_bulletin_writes_its_files_with_the_headline_of_stats_query_and_every_sentence_linked()
    {
        var db = NewStore();
        var outDir = Path.Combine(Repo.TempFolder(), "out");
        var run = CliRunner.Run("bulletin", "--from", "2023-01", "--to", "2023-07", "--out", outDir, "--db", db);
        Assert.True(run.ExitCode == 0, run.Error);

        foreach (var file in new[] { "bulletin.md", "bulletin.html", "explain.md", "explain.html" }.Concat(ChartFiles.SelectMany(c => new[] { c + ".png", c + ".svg" })))
            Assert.True(File.Exists(Path.Combine(outDir, file)), file + " was not written");

        var total = StatsValue(db, "--measure", "trade_value", "--from", "2023-01", "--to", "2023-07");
        Assert.True(total > 100_000_000m);
        var md = File.ReadAllText(Path.Combine(outDir, "bulletin.md"));
        Assert.Contains($"the total import and export value of the Kashgar region was [{BulletinWording.Cny(total, BulletinLanguage.En)}](explain.md#f01)", md, StringComparison.Ordinal);
        var explain = File.ReadAllText(Path.Combine(outDir, "explain.md"));
        Assert.Contains($"({total.ToString("#,0.00", CultureInfo.InvariantCulture)} CNY)", explain, StringComparison.Ordinal);
        var ca5 = StatsValue(db, "--measure", "trade_value", "--scope", "group:CA5", "--from", "2023-01", "--to", "2023-07");
        Assert.Contains($"Central Asian countries amounted to [{BulletinWording.Cny(ca5, BulletinLanguage.En)}]", md, StringComparison.Ordinal);
        var partnersBefore = StatsValue(db, "--measure", "partner_count", "--from", "2022-01", "--to", "2022-07");
        var partnersNow = StatsValue(db, "--measure", "partner_count", "--from", "2023-01", "--to", "2023-07");
        Assert.Contains($"from [{partnersBefore:0}](explain.md#", md, StringComparison.Ordinal);
        Assert.Contains($"to [{partnersNow:0}](explain.md#", md, StringComparison.Ordinal);
        Assert.Contains("times that of 2021](explain.md#", md, StringComparison.Ordinal);

        AssertEverySentenceLinks(md, zh: false);
        // Every link goes to an entry that exists, and every entry's stats query runs.
        foreach (var anchor in Anchor().Matches(md).Select(m => m.Groups[1].Value).Distinct())
            Assert.Contains($"<a id=\"{anchor}\"></a>", explain, StringComparison.Ordinal);
        var queries = QueryLine().Matches(explain).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(queries.Count > 20);
        Assert.All(queries.Take(12), q => Assert.Equal(0, CliRunner.Run([.. q.Split(' ').Skip(1), "--db", db]).ExitCode));
        Assert.Contains("`silkgate stats explain --measure trade_value --from 2023-01 --to 2023-07 --scope group:CA5`", explain, StringComparison.Ordinal);

        var html = File.ReadAllText(Path.Combine(outDir, "bulletin.html"));
        Assert.Contains("<a href=\"explain.html#f01\">", html, StringComparison.Ordinal);
        Assert.Contains("<img src=\"trade-by-port-month.png\"", html, StringComparison.Ordinal);
        Assert.Contains("<a id=\"f01\"></a>", File.ReadAllText(Path.Combine(outDir, "explain.html")), StringComparison.Ordinal);
        AssertCharts(outDir);
    }

    [Fact]
    public void A_chinese_bulletin_is_in_yi_yuan_with_chinese_names()
    {
        var db = NewStore();
        var outDir = Path.Combine(Repo.TempFolder(), "zh");
        var run = CliRunner.Run("bulletin", "--from", "2023-01", "--to", "2023-07", "--lang", "zh", "--out", outDir, "--db", db);
        Assert.True(run.ExitCode == 0, run.Error);
        var total = StatsValue(db, "--measure", "trade_value", "--from", "2023-01", "--to", "2023-07");
        var md = File.ReadAllText(Path.Combine(outDir, "bulletin.md"));
        var headline = BulletinWording.Cny(total, BulletinLanguage.Zh);
        Assert.EndsWith("亿元", headline, StringComparison.Ordinal);
        Assert.Contains($"2023年1—7月，喀什地区进出口总值[{headline}](explain.md#f01)", md, StringComparison.Ordinal);
        Assert.Contains("吐尔尕特口岸进出口", md, StringComparison.Ordinal);
        Assert.Contains("哈萨克斯坦", md, StringComparison.Ordinal);
        Assert.Contains("### F01 进出口总值", File.ReadAllText(Path.Combine(outDir, "explain.md")), StringComparison.Ordinal);
        AssertEverySentenceLinks(md, zh: true);
        AssertCharts(outDir);
    }

    [Fact]
    public void Without_a_cjk_font_chinese_charts_fall_back_to_english_labels()
    {
        var db = NewStore();
        var database = Database.Resolve(db);
        var store = new ReferenceStore(database);
        var model = StoredBulletin.Compute(database, store.Load(), new YearMonth(2023, 1), new YearMonth(2023, 7));
        var outDir = Path.Combine(Repo.TempFolder(), "nofont");
        var files = BulletinWriter.Write(model, BulletinLanguage.Zh, outDir, cjkFont: null, detectFont: false);
        Assert.Equal(BulletinLanguage.En, files.Charts.LabelLanguage);
        Assert.Null(files.Charts.Font);
        Assert.Contains("图表标签为英文", File.ReadAllText(files.Markdown), StringComparison.Ordinal);
        Assert.Equal(10, files.Charts.Paths.Count);
        AssertCharts(outDir);
    }

    [Fact]
    public void The_preference_saving_is_the_duty_stored_at_assessment_and_matches_the_tariff_engine()
    {
        var folder = Repo.TempFolder();
        var db = Path.Combine(folder, "p.db");
        const string items = """
            [{"hs_code":"0804100000","description":"dates","origin":"PK","value":200000,"quantity":20000,"unit":"kg","net_mass_kg":20000,"preference":"CPFTA","certificate_of_origin":"CO-9"},
             {"hs_code":"0813100000","description":"dried apricots","origin":"PK","value":100000,"quantity":10000,"unit":"kg","net_mass_kg":10000,"preference":"CPFTA","certificate_of_origin":"CO-9"}]
            """;
        var declaration = Path.Combine(folder, "d.json");
        File.WriteAllText(declaration, $$"""{"declarant":"E100","partner":"PK","transport_mode":"road","flow":"import","date":"2023-06-05","port":"KHUNJERAB","trade_mode":"0110","currency":"CNY","items":{{items}}}""");
        var lodged = CliRunner.Run("declare", "lodge", declaration, "--format", "json", "--db", db);
        Assert.True(lodged.ExitCode == 0, lodged.Error);
        var doc = JsonDocument.Parse(lodged.Out).RootElement;
        var id = doc.GetProperty("declaration_id").GetString()!;
        if (doc.GetProperty("state").GetString() == "under_control")
            Assert.Equal(0, CliRunner.Run("declare", "inspect", id, "--result", "no_discrepancy", "--as", "officer:li", "--db", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("declare", "pay", id, "--db", db).ExitCode);
        var released = CliRunner.Run("declare", "release", id, "--as", "officer:li", "--db", db);
        Assert.True(released.ExitCode == 0, released.Error);
        var month = YearMonth.Of(DateOnly.Parse(Regex.Match(released.Out, @"released on (\d{4}-\d{2}-\d{2})").Groups[1].Value, CultureInfo.InvariantCulture)).ToString();

        // The tariff engine over the same items, independently: duty saved against MFN.
        var again = Path.Combine(folder, "again.json");
        File.WriteAllText(again, $$"""[{"flow":"import","date":"2023-06-05","port":"KHUNJERAB","trade_mode":"0110","currency":"CNY","items":{{items}}}]""");
        var engine = CliRunner.Run("tariff", "preferences", again, "--format", "csv", "--db", db);
        Assert.True(engine.ExitCode == 0, engine.Error);
        var saving = decimal.Parse(engine.Out.Split('\n').Single(l => l.StartsWith("saving,CPFTA,", StringComparison.Ordinal)).Split(',')[^1], CultureInfo.InvariantCulture);
        Assert.True(saving > 0m);

        var database = Database.Resolve(db);
        var model = StoredBulletin.Compute(database, new ReferenceStore(database).Load(), YearMonth.Parse(month), YearMonth.Parse(month));
        Assert.Equal(saving, model.Preferences.Saving);
        Assert.Equal(2, model.Preferences.Items);
        Assert.Equal(0, model.Preferences.UnassessedItems);
        Assert.Equal("CPFTA", Assert.Single(model.Preferences.ByAgreement).Agreement);

        var outDir = Path.Combine(folder, "out");
        Assert.Equal(0, CliRunner.Run("bulletin", "--from", month, "--to", month, "--out", outDir, "--db", db).ExitCode);
        var md = File.ReadAllText(Path.Combine(outDir, "bulletin.md"));
        Assert.Contains($"saved importers [{BulletinWording.Cny(saving, BulletinLanguage.En)}](explain.md#", md, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_period_writes_a_bulletin_of_zeros_with_a_note()
    {
        var db = NewStore();
        var outDir = Path.Combine(Repo.TempFolder(), "empty");
        var run = CliRunner.Run("bulletin", "--from", "2019-01", "--to", "2019-03", "--out", outDir, "--db", db);
        Assert.True(run.ExitCode == 0, run.Error);
        var md = File.ReadAllText(Path.Combine(outDir, "bulletin.md"));
        Assert.Contains("every figure below is 0", md, StringComparison.Ordinal);
        Assert.Contains("[0.00 billion yuan](explain.md#f01), [year-on-year growth n/a", md, StringComparison.Ordinal);
        AssertEverySentenceLinks(md, zh: false);
        AssertCharts(outDir);
    }

    [Theory]
    [InlineData("SG-BUL-002", "--from", "2022-01", "--to", "2023-06")]
    [InlineData("SG-STAT-006", "--from", "2023-06", "--to", "2023-01")]
    [InlineData("SG-ARG-001", "--from", "2023-6", "--to", "2023-07")]
    public void Bad_periods_are_refused_with_codes(string code, params string[] args)
    {
        var run = CliRunner.Run(["bulletin", .. args, "--out", Path.Combine(Repo.TempFolder(), "x"), "--db", Path.Combine(Repo.TempFolder(), "b.db")]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error " + code, run.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, CliRunner.Run("bulletin", "--from", "2023-01", "--to", "2023-02", "--lang", "fr").ExitCode);
    }

    private static void AssertCharts(string outDir)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        foreach (var chart in ChartFiles)
        {
            var png = File.ReadAllBytes(Path.Combine(outDir, chart + ".png"));
            Assert.True(png.Length > 1000, chart + ".png is too small");
            Assert.Equal(signature, png[..8]);
            var svg = XDocument.Load(Path.Combine(outDir, chart + ".svg"));
            Assert.Equal("svg", svg.Root!.Name.LocalName);
        }
    }

    /// <summary>Every sentence of every paragraph (not headings or images) carries a link into explain.md.</summary>
    private static void AssertEverySentenceLinks(string markdown, bool zh)
    {
        var sentences = markdown.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith('!'))
            .SelectMany(l => zh ? l.Split('。', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : SentenceEnd().Split(l))
            .Where(s => s.Length > 0)
            .ToList();
        Assert.True(sentences.Count > 10);
        Assert.All(sentences, s => Assert.Contains("](explain.md", s, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"(?<=\.)\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\]\(explain\.md#([a-z0-9]+)\)")]
    private static partial Regex Anchor();

    [GeneratedRegex(@"stats query: `(silkgate stats query [^`]+)`")]
    private static partial Regex QueryLine();
}
