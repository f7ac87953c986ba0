using System.Diagnostics;
using Silkgate.IntegrationTests.Support;

namespace Silkgate.IntegrationTests.Cli;

/// <summary>End-to-end through the `silkgate` command: the contract scripts and users rely on.</summary>
public sealed class CliTests
{
    private static string NewDb() => Path.Combine(Repo.TempFolder(), "silkgate.db");

    [Fact]
    public void Help_lists_every_command()
    {
        var help = CliRunner.Run("--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var command in new[] { "demo", "import", "export", "stats", "reference" })
            Assert.Contains(command, help.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("import declarations")]
    [InlineData("import rates")]
    [InlineData("import reference")]
    [InlineData("export declarations")]
    [InlineData("export reference groups")]
    [InlineData("stats query")]
    [InlineData("reference list")]
    [InlineData("reference hs")]
    [InlineData("reference port-status")]
    [InlineData("bulletin")]
    public void Every_command_has_help_that_says_where_the_database_is(string command)
    {
        var help = CliRunner.Run([.. command.Split(' '), "--help"]);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage:", help.Out, StringComparison.Ordinal);
        if (help.Out.Contains("--db", StringComparison.Ordinal))
            Assert.Contains("silkgate.db", help.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_command_or_option_is_refused()
    {
        Assert.NotEqual(0, CliRunner.Run("declare-war").ExitCode);
        Assert.NotEqual(0, CliRunner.Run("stats", "query", "--measure", "trade_value", "--from", "2023-01", "--to", "2023-02", "--colour", "red").ExitCode);
    }

    [Theory]
    [InlineData("SG-ARG-001", "stats", "query", "--measure", "trade_value", "--from", "2023-1", "--to", "2023-02")]
    [InlineData("SG-STAT-002", "stats", "query", "--measure", "trade_value", "--by", "city", "--from", "2023-01", "--to", "2023-02")]
    [InlineData("SG-STAT-003", "stats", "query", "--measure", "trade_value", "--scope", "county", "--from", "2023-01", "--to", "2023-02")]
    [InlineData("SG-STAT-006", "stats", "query", "--measure", "trade_value", "--from", "2023-03", "--to", "2023-02")]
    [InlineData("SG-IO-001", "import", "declarations", "/nonexistent/file.csv", "--mapping", "kcs-synthetic")]
    [InlineData("SG-MAP-001", "import", "declarations", "/nonexistent/file.csv", "--mapping", "no-such-mapping")]
    [InlineData("SG-IO-001", "import", "rates", "/nonexistent/rates.csv")]
    [InlineData("SG-PORT-001", "reference", "port-status", "URUMQI", "2023-06-01")]
    public void Bad_input_gets_a_coded_message_and_a_non_zero_exit(string code, params string[] args)
    {
        var result = CliRunner.Run([.. args, "--db", NewDb()]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error " + code, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_strict_import_with_a_bad_row_exits_non_zero_and_stores_nothing()
    {
        var folder = Repo.TempFolder();
        var db = NewDb();
        var (csv, mapping) = SampleFiles.Write(folder, [.. SampleFiles.GoodRows, "X1,E1,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,0,0,1,2701120000,QQ,1,kg,1,10"]);
        var strict = CliRunner.Run("import", "declarations", csv, "--mapping", mapping, "--strict", "--db", db);
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("SG-IMP-003", strict.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", strict.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(csv + ".rejects.csv"));
        var export = CliRunner.Run("export", "declarations", "--format", "csv", "--db", db);
        Assert.Single(export.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // the header only

        var lenient = CliRunner.Run("import", "declarations", csv, "--mapping", mapping, "--db", db);
        Assert.Equal(0, lenient.ExitCode);
        Assert.Contains("imported 3", lenient.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(csv + ".rejects.csv"));
    }

    [Fact]
    public void Export_to_a_file_writes_it_whole_or_not_at_all()
    {
        var folder = Repo.TempFolder();
        var db = NewDb();
        var (csv, mapping) = SampleFiles.Write(folder, SampleFiles.GoodRows);
        Assert.Equal(0, CliRunner.Run("import", "declarations", csv, "--mapping", mapping, "--db", db).ExitCode);
        var target = Path.Combine(folder, "items.json");
        var ok = CliRunner.Run("export", "declarations", "--format", "json", "--from", "2023-01", "--to", "2023-12", "--out", target, "--db", db);
        Assert.Equal(0, ok.ExitCode);
        using (var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(target)))
            Assert.Equal(4, doc.RootElement.GetArrayLength());

        var missingFolder = Path.Combine(folder, "no", "such", "items.csv");
        var bad = CliRunner.Run("export", "declarations", "--format", "csv", "--out", missingFolder, "--db", db);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("error SG-IO-002", bad.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(missingFolder));
        Assert.NotEqual(0, CliRunner.Run("export", "declarations", "--format", "xml", "--db", db).ExitCode);
    }

    [Fact]
    public void Partner_groups_export_as_dated_memberships()
    {
        var run = CliRunner.Run("export", "reference", "groups", "--format", "csv", "--db", NewDb());
        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("group,country,valid_from,valid_to", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("CA5,KZ,1992-01-01,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("BRI,PK,", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("BRI,IN,", StringComparison.Ordinal));
        Assert.InRange(lines.Count(l => l.StartsWith("BRI,", StringComparison.Ordinal)), 140, 160);
    }

    [Fact]
    public void Reference_lookups_answer_from_the_shipped_data()
    {
        var db = NewDb();
        var hs = CliRunner.Run("reference", "hs", "apricots", "--db", db);
        Assert.Equal(0, hs.ExitCode);
        Assert.Contains("081310", hs.Out, StringComparison.Ordinal);
        var closed = CliRunner.Run("reference", "port-status", "KHUNJERAB", "2019-01-15", "--db", db);
        Assert.Contains("KHUNJERAB is closed on 2019-01-15", closed.Out, StringComparison.Ordinal);
        var list = CliRunner.Run("reference", "list", "--db", db);
        Assert.Contains("partner-groups", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_runs_the_main_job_on_embedded_SQLite_meets_every_published_figure_and_is_repeatable()
    {
        var folder = Repo.TempFolder();
        var db = Path.Combine(folder, "demo.db");
        var outDir = Path.Combine(folder, "out");
        var first = CliRunner.Run("demo", "--db", db, "--out", outDir, "--scale", "0.01");
        Assert.True(first.ExitCode == 0, first.Out + first.Error);
        Assert.Contains("16 of 16 target(s) match", first.Out, StringComparison.Ordinal);
        foreach (var file in new[] { "bulletin.md", "bulletin.html", "explain.md", "trade-by-port-month.png", "zh/bulletin.md", "zh/top-partners.svg" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        // The bulletin covers the latest published period (2023-01..2023-09) and its headline is the calibrated figure.
        Assert.Contains("60.12", File.ReadAllText(Path.Combine(outDir, "bulletin.md")), StringComparison.Ordinal);
        Assert.Contains("亿元", File.ReadAllText(Path.Combine(outDir, "zh", "bulletin.md")), StringComparison.Ordinal);
        var second = CliRunner.Run("demo", "--db", db, "--out", outDir, "--scale", "0.01");
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("Stored 0 of", second.Out, StringComparison.Ordinal);
        var verify = CliRunner.Run("stats", "verify", "--targets", Repo.Path("data", "published", "kashgar-public.csv"), "--db", db);
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
    }

    [Fact]
    public void Demo_refuses_a_malformed_targets_file_with_its_line_and_writes_nothing()
    {
        var folder = Repo.TempFolder();
        var targets = Path.Combine(folder, "bad.csv");
        File.WriteAllLines(targets,
        [
            "id,measure,scope,flow,period_from,period_to,relation,base_from,base_to,value,unit,decimals,statement",
            "X1,trade_value,prefecture,total,2020-01,2020-12,level,,,ten,CNY_bn,2,not a number",
        ]);
        var db = Path.Combine(folder, "demo.db");
        var result = CliRunner.Run("demo", "--db", db, "--targets", targets, "--out", Path.Combine(folder, "out"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad.csv:2", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void The_built_command_exits_non_zero_as_a_real_process()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Silkgate.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { cli, "stats", "query", "--measure", "nonsense", "--from", "2023-01", "--to", "2023-02", "--db", NewDb() })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("nonsense", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_verify_recomputes_each_published_figure_and_fails_when_one_does_not_match()
    {
        var folder = Repo.TempFolder();
        var db = NewDb();
        var (csv, mapping) = SampleFiles.Write(folder, SampleFiles.GoodRows);
        Assert.Equal(0, CliRunner.Run("import", "declarations", csv, "--mapping", mapping, "--db", db).ExitCode);
        const string header = "id,measure,scope,flow,period_from,period_to,relation,base_from,base_to,value,unit,decimals,statement\n";
        // 2023-07: 8,000.50 CNY from PK (ZZ trades nothing); 2022-07: a 45,000 CNY export to TJ.
        var good = Path.Combine(folder, "good.csv");
        File.WriteAllText(good, header +
            "A1,partner_count,prefecture,total,2023-07,2023-07,level,,,1,count,0,one partner\n" +
            "A2,trade_value,prefecture,total,2023-07,2023-07,times_base,2022-07,2022-07,0.18,times,2,0.18 times that of a year before\n" +
            "A3,trade_value,port:KARASU,export,2022-07,2022-07,level,,,0.000045,CNY_bn,6,45 thousand yuan\n");
        var ok = CliRunner.Run("stats", "verify", "--targets", good, "--db", db);
        Assert.True(ok.ExitCode == 0, ok.Error + ok.Out);
        Assert.Contains("3 of 3 target(s) match", ok.Out, StringComparison.Ordinal);

        var wrong = Path.Combine(folder, "wrong.csv");
        File.WriteAllText(wrong, header + "B1,trade_value,prefecture,total,2023-07,2023-07,increase_times,2022-07,2022-07,0.18,times,2,wrong relation\n");
        var bad = CliRunner.Run("stats", "verify", "--targets", wrong, "--db", db);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("error SG-STAT-013", bad.Error, StringComparison.Ordinal);
    }
}
