using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Silkgate.Cli.Reports;
using Silkgate.Common;
using Silkgate.Statistics;
using Silkgate.Scenario;
using Silkgate.Storage;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Scenario;
using Silkgate.Storage.Statistics;
using Spectre.Console;
using StoredBulletin = Silkgate.Storage.Statistics.Bulletin;

namespace Silkgate.Cli.Commands;

/// <summary>
/// `silkgate demo`: the main job. Calibrates the Kashgar scenario to a targets file, generates its released
/// declarations into the store, verifies every published figure against them, and reports.
/// </summary>
public static class DemoCommand
{
    public static string DefaultTargets => Path.Combine(AppContext.BaseDirectory, "data", "published", "kashgar-public.csv");

    public static Command Build(CliContext ctx)
    {
        var db = CliContext.DbOption();
        var targets = new Option<string?>("--targets") { Description = "Published figures to calibrate to (format of data/published/kashgar-public.csv; the default)." };
        var output = new Option<string>("--out") { Description = "Folder for the bulletin, charts and tables.", DefaultValueFactory = _ => "out" };
        var seed = new Option<int>("--seed") { Description = "Seed of the scenario: the same seed and targets give the same declarations.", DefaultValueFactory = _ => new ScenarioSettings().Seed };
        var scale = new Option<double>("--scale") { Description = "Multiplies the number of items (1 = a real gateway's volume, 0.05 for a quick run); figures stay calibrated.", DefaultValueFactory = _ => 1.0 };
        var cmd = new Command("demo", "The main job: calibrate the Kashgar scenario to the published figures, generate its declarations into the store (embedded SQLite unless --db), verify every figure and write the outputs.")
        {
            db, targets, output, seed, scale,
        };
        cmd.SetAction(parse => Run(ctx, CliContext.Db(parse, db), parse.GetValue(targets) ?? DefaultTargets, parse.GetValue(output)!,
            new ScenarioSettings { Seed = parse.GetValue(seed), Scale = parse.GetValue(scale) }));
        return cmd;
    }

    private static int Run(CliContext ctx, Database db, string targetsPath, string outDir, ScenarioSettings settings)
    {
        if (settings.Scale is <= 0 or > 100)
            throw new SilkgateException("SG-SCN-004", $"--scale {settings.Scale.ToString(CultureInfo.InvariantCulture)} must be above 0 and at most 100.");
        var console = ctx.Console;
        var clock = Stopwatch.StartNew();
        var targets = CsvFiles.ReadFile(targetsPath, TargetVerifier.Read);
        console.MarkupLine($"[bold]Silkgate demo[/] on {Markup.Escape(db.Display)}");

        var store = new ReferenceStore(db);
        var loaded = store.EnsureLoaded();
        console.MarkupLine($"1. Schema at version {db.SchemaVersion()}; reference data: {(loaded.Count == 0 ? "all current" : "loaded " + string.Join(", ", loaded))}.");

        var loader = new ScenarioLoader(db, ctx.Clock);
        var run = loader.Prepare(targets, settings);
        var (plan, generator, clearance) = run;
        console.MarkupLine($"2. Calibrated the scenario to {targets.Count} published figures in {Markup.Escape(Path.GetFileName(targetsPath))}: " +
                           $"{plan.Months[0]}..{plan.Months[^1]}, up to {plan.ActivePartners.Max()} partners, {plan.Cells.Count:N0} month × partner × port × channel × flow cells, seed {settings.Seed}.");
        foreach (var p in plan.Problems)
            console.MarkupLine($"   [yellow]cannot meet {Markup.Escape(p.TargetId)}[/]: {Markup.Escape(p.Reason)}");

        var planned = generator.PlannedItemsTotal();
        ScenarioReport report = null!;
        if (ctx.ShowProgress)
        {
            AnsiConsole.Progress().Start(p =>
            {
                var task = p.AddTask("generating and storing released declarations", maxValue: planned);
                report = loader.Store(run, items => task.Value = Math.Min(items, planned));
                task.Value = planned;
            });
        }
        else
        {
            report = loader.Store(run);
        }
        console.MarkupLine($"3. Cleared {clearance.Cleared:N0} declarations through validation, the tariff engine and the risk lanes " +
                           $"({string.Join(", ", clearance.Lanes.OrderBy(l => l.Key).Select(l => $"{l.Key.ToString().ToLowerInvariant()} {l.Value:N0}"))}); " +
                           $"duty {clearance.DutyCny / 1_000_000m:N1} m, consumption tax {clearance.ConsumptionTaxCny / 1_000_000m:N1} m, import VAT {clearance.VatCny / 1_000_000m:N1} m CNY; " +
                           $"preferences saved {clearance.PreferenceSavingCny / 1_000_000m:N2} m CNY of duty.");
        foreach (var (code, count) in clearance.Refused)
            console.MarkupLine($"   [yellow]refused {count:N0} declaration(s): {Markup.Escape(code)}[/]");
        console.MarkupLine($"   Stored {report.Stored:N0} of {report.Declarations:N0} declarations ({report.Items:N0} items; the rest were already stored) as released.");

        var reference = store.Load();
        var checks = TargetVerifier.Verify(targets, new StatsQueryRunner(db), reference);
        console.MarkupLine("4. Every published figure recomputed from the released declarations:");
        var failed = StatsCommands.PrintChecks(ctx, checks);

        // The bulletin of the latest published period: January to the last month any target mentions.
        var last = targets.Max(t => t.To);
        var bulletinFrom = new YearMonth(last.Year, 1);
        var figuresClock = Stopwatch.StartNew();
        var model = StoredBulletin.Compute(db, reference, bulletinFrom, last);
        var figuresTime = figuresClock.Elapsed;
        var english = BulletinWriter.Write(model, BulletinLanguage.En, outDir);
        var chinese = BulletinWriter.Write(model, BulletinLanguage.Zh, Path.Combine(outDir, "zh"));
        console.MarkupLine($"5. Bulletin {bulletinFrom}..{last}: {Markup.Escape(BulletinMarkdown.Word(model.Figure("total"), BulletinLanguage.En))}, {Markup.Escape(BulletinMarkdown.Word(model.Figure("total_yoy"), BulletinLanguage.En))}; " +
                           $"{model.AllFigures.Count()} figures and 5 charts' data from the statistics cube in {figuresTime.TotalMilliseconds:N0} ms; " +
                           $"wrote {english.All.Count() + chinese.All.Count()} files (Markdown, HTML, drill-down pages, charts in PNG and SVG; English and Chinese).");
        if (chinese.Charts.LabelLanguage != BulletinLanguage.Zh)
            ctx.Error.WriteLine("warning: no font with Chinese characters (Debian: fonts-noto-cjk); the Chinese charts are labelled in English");

        var summary = new Table().AddColumns("", "");
        summary.AddRow("database", Markup.Escape(db.Display));
        summary.AddRow("months", $"{plan.Months[0]}..{plan.Months[^1]} ({plan.Months.Length})");
        summary.AddRow("declarations / items", $"{report.Declarations:N0} / {report.Items:N0}");
        summary.AddRow("trade value", $"{report.PlannedValueCny / 1_000_000_000m:N2} bn CNY");
        summary.AddRow("targets met", $"{checks.Count - failed} of {checks.Count}");
        summary.AddRow("bulletin", Markup.Escape(Path.GetFullPath(english.Html)) + "\n" + Markup.Escape(Path.GetFullPath(chinese.Html)));
        summary.AddRow("charts", Markup.Escape(Path.GetFullPath(outDir)) + $" ({english.Charts.Paths.Count} files)");
        summary.AddRow("time", $"{clock.Elapsed.TotalSeconds:N1} s");
        console.Write(summary);
        if (failed == 0)
            return 0;
        ctx.Error.WriteLine($"error SG-STAT-013: {failed} target(s) do not match the generated declarations (see above).");
        return CliApp.Refused;
    }
}
