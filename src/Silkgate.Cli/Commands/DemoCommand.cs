using System.CommandLine;
using System.Globalization;
using System.Text;
using Silkgate.Common;
using Silkgate.Statistics;
using Silkgate.Storage;
using Silkgate.Storage.Import;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Statistics;
using Spectre.Console;

namespace Silkgate.Cli.Commands;

/// <summary>
/// `silkgate demo`: the main job. Today it builds the store (schema, versioned reference data), imports the
/// shipped sample of public declaration data through the kcs-synthetic mapping, and reports statistics from it.
/// The calibrated Kashgar scenario, bulletin and charts arrive with the statistics issue.
/// </summary>
public static class DemoCommand
{
    public static string SampleFile => Path.Combine(AppContext.BaseDirectory, "data", "customs-declarations", "df_syn_train_eng.csv");

    public static string DefaultTargets => Path.Combine(AppContext.BaseDirectory, "data", "published", "kashgar-public.csv");

    public static Command Build(CliContext ctx)
    {
        var db = CliContext.DbOption();
        var targets = new Option<string?>("--targets") { Description = "Published figures to calibrate to (format of data/published/kashgar-public.csv; the default)." };
        var output = new Option<string>("--out") { Description = "Folder for the demo's outputs.", DefaultValueFactory = _ => "out" };
        var cmd = new Command("demo", "The main job: build the store on embedded SQLite (or --db), load reference data and a sample of declarations, and report statistics.")
        {
            db, targets, output,
        };
        cmd.SetAction(parse => Run(ctx, CliContext.Db(parse, db), parse.GetValue(targets) ?? DefaultTargets, parse.GetValue(output)!));
        return cmd;
    }

    private static int Run(CliContext ctx, Database db, string targetsPath, string outDir)
    {
        var console = ctx.Console;
        if (!File.Exists(targetsPath))
            throw new SilkgateException("SG-IO-001", $"Targets file not found: {targetsPath}");
        var targetCount = File.ReadLines(targetsPath).Skip(1).Count(l => l.Length > 0);
        console.MarkupLine($"[bold]Silkgate demo[/] on {Markup.Escape(db.Display)}");

        var store = new ReferenceStore(db);
        var loaded = store.EnsureLoaded();
        console.MarkupLine($"1. Schema at version {db.SchemaVersion()}; reference data loaded: {(loaded.Count == 0 ? "all current" : string.Join(", ", loaded))}");
        var datasets = new Table().AddColumns("reference", "rows", "version");
        foreach (var d in store.Datasets())
            datasets.AddRow(d.Kind, d.Rows.ToString("N0", CultureInfo.InvariantCulture), d.Version[..12]);
        console.Write(datasets);

        var mapping = ColumnMapping.Load("kcs-synthetic");
        var report = new DeclarationImporter(db, ctx.Clock).Import(SampleFile, mapping, strict: false);
        console.MarkupLine($"2. Sample declarations ({Markup.Escape(report.File)}, public synthetic data, MIT): {report.Rows:N0} rows → {report.Imported:N0} imported, {report.AlreadyStored:N0} already stored, {report.RejectedDeclarations:N0} rejected" +
                           (report.RejectsFile is null ? "" : $" (see {Markup.Escape(report.RejectsFile)})"));

        var reference = store.Load();
        var runner = new StatsQueryRunner(db);
        var first = new YearMonth(2020, 1);
        var last = new YearMonth(2020, 12);
        decimal One(string measure) => runner.Run(StatsQuery.Parse(measure, "", first.ToString(), last.ToString(), null, null, null), reference)[0].Value;
        var total = One("trade_value");
        console.MarkupLine($"3. Statistics {first}..{last} (release date, imports by origin, CIF in CNY):");
        console.MarkupLine($"   trade value {total / 1e9m:N2} bn CNY; {One("declaration_count"):N0} declarations, {One("item_count"):N0} items, {One("partner_count"):N0} partners, {One("cargo_mass") / 1000m:N0} t");
        var byPartner = runner.Run(StatsQuery.Parse("trade_value", "partner", first.ToString(), last.ToString(), null, null, null), reference)
            .OrderByDescending(r => r.Value).Take(10).ToList();
        var top = new Table().AddColumns("partner", "trade value (m CNY)", "share");
        foreach (var r in byPartner)
            top.AddRow($"{r.Keys[0]} {Markup.Escape(reference.Country(r.Keys[0])?.NameEn ?? "")}", (r.Value / 1e6m).ToString("N1", CultureInfo.InvariantCulture), (r.Value / total).ToString("P1", CultureInfo.InvariantCulture));
        console.Write(top);

        Directory.CreateDirectory(outDir);
        var monthly = runner.Run(StatsQuery.Parse("trade_value", "month,partner", first.ToString(), last.ToString(), null, null, null), reference);
        var csv = new StringBuilder("month,partner,value\n");
        foreach (var r in monthly)
            csv.Append(CultureInfo.InvariantCulture, $"{r.Keys[0]},{r.Keys[1]},{r.Value}\n");
        File.WriteAllText(Path.Combine(outDir, "trade-by-month-partner.csv"), csv.ToString());
        console.MarkupLine($"4. Wrote {Markup.Escape(Path.Combine(outDir, "trade-by-month-partner.csv"))} ({monthly.Count} rows).");
        console.MarkupLine($"5. Targets: {targetCount} published figures in {Markup.Escape(Path.GetFileName(targetsPath))}. [yellow]Not yet calibrated:[/] the Kashgar scenario generator, bulletin and charts arrive with the statistics issue; the sample above is Korean customs data, not Kashgar's.");
        return 0;
    }
}
