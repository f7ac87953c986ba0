using System.CommandLine;
using Silkgate.Storage;
using Silkgate.Storage.Import;
using Silkgate.Storage.Reference;
using Spectre.Console;

namespace Silkgate.Cli.Commands;

/// <summary>`silkgate import declarations|rates|reference`.</summary>
public static class ImportCommands
{
    public static Command Build(CliContext ctx)
    {
        var import = new Command("import", "Bring external data into the store: declarations, customs exchange rates, reference tables.");
        import.Subcommands.Add(Declarations(ctx));
        import.Subcommands.Add(Rates(ctx));
        import.Subcommands.Add(Reference(ctx));
        import.Subcommands.Add(Schedule(ctx));
        return import;
    }

    private static Command Declarations(CliContext ctx)
    {
        var file = new Argument<string>("FILE") { Description = "CSV file of declaration items (one row per item)." };
        var mapping = new Option<string>("--mapping")
        {
            Description = $"Column mapping: a shipped name ({string.Join(", ", ColumnMapping.ShippedNames())}) or a mapping JSON file.",
            Required = true,
        };
        var db = CliContext.DbOption();
        var rates = new Option<string?>("--rates") { Description = "Customs rates CSV (month,currency,cny_per_unit) to use and store with this import." };
        var strict = new Option<bool>("--strict") { Description = "Abort with nothing imported when any row is bad (default: import the valid declarations, write FILE.rejects.csv)." };
        var cmd = new Command("declarations", "Bulk import of external declaration data through a column mapping. Importing the same file again adds nothing.")
        {
            file, mapping, db, rates, strict,
        };
        cmd.SetAction(parse =>
        {
            var map = ColumnMapping.Load(parse.GetValue(mapping)!);
            var database = CliContext.Db(parse, db);
            var importer = new DeclarationImporter(database, ctx.Clock);
            var path = parse.GetValue(file)!;
            ImportReport report;
            if (ctx.ShowProgress)
            {
                report = null!;
                AnsiConsole.Progress().Start(p =>
                {
                    var task = p.AddTask($"importing {Path.GetFileName(path)}", maxValue: 1);
                    report = importer.Import(path, map, parse.GetValue(strict), parse.GetValue(rates), (done, total) =>
                    {
                        task.MaxValue = Math.Max(total, 1);
                        task.Value = done;
                    });
                    task.Value = task.MaxValue;
                });
            }
            else
            {
                report = importer.Import(path, map, parse.GetValue(strict), parse.GetValue(rates));
            }
            return Print(ctx, report, database);
        });
        return cmd;
    }

    private static int Print(CliContext ctx, ImportReport r, Database db)
    {
        ctx.Out.WriteLine($"{r.File} into {db.Display}: {r.Rows} rows, {r.Declarations} declarations; imported {r.Imported}, already stored {r.AlreadyStored}, rejected {r.RejectedDeclarations} ({r.Rejects.Count} row problem(s)).");
        foreach (var reject in r.Rejects.Take(10))
            ctx.Error.WriteLine($"  {reject.File}:{reject.Line}: declaration {reject.ExternalId}: {reject.Code} {reject.Reason}");
        if (r.Rejects.Count > 10)
            ctx.Error.WriteLine($"  … and {r.Rejects.Count - 10} more");
        if (r.Aborted)
        {
            ctx.Error.WriteLine($"error SG-IMP-100: --strict: {r.Rejects.Count} bad row(s) in {r.File}; nothing was imported.");
            return CliApp.Refused;
        }
        if (r.RejectsFile is not null)
            ctx.Out.WriteLine($"Rejected rows written to {r.RejectsFile}");
        return 0;
    }

    private static Command Rates(CliContext ctx)
    {
        var file = new Argument<string>("FILE") { Description = "CSV with the header month,currency,cny_per_unit (month YYYY-MM, e.g. 2023-06,USD,7.1283)." };
        var db = CliContext.DbOption();
        var cmd = new Command("rates", "Import monthly customs exchange rates; months already stored for a currency are replaced.") { file, db };
        cmd.SetAction(parse =>
        {
            var n = new ReferenceStore(CliContext.Db(parse, db)).Import("rates", parse.GetValue(file)!);
            ctx.Out.WriteLine($"{n} rate(s) imported.");
            return 0;
        });
        return cmd;
    }

    private static Command Schedule(CliContext ctx)
    {
        var file = new Argument<string>("CSV") { Description = "Tariff schedule: " + Silkgate.Tariff.TariffScheduleParser.Columns };
        var db = CliContext.DbOption();
        var cmd = new Command("schedule", "Replace the stored tariff schedule; a file with any bad or overlapping row is refused whole, with line numbers.") { file, db };
        cmd.SetAction(parse =>
        {
            var n = new ReferenceStore(CliContext.Db(parse, db)).Import("tariff-schedule", parse.GetValue(file)!);
            ctx.Out.WriteLine($"{n} schedule line(s) imported.");
            return 0;
        });
        return cmd;
    }

    private static Command Reference(CliContext ctx)
    {
        var kind = new Argument<string>("KIND") { Description = "One of: " + string.Join(", ", ReferenceStore.Kinds.Keys) };
        kind.AcceptOnlyFromAmong([.. ReferenceStore.Kinds.Keys]);
        var file = new Argument<string>("FILE") { Description = "CSV in the format of the shipped file of that kind (data/README.md)." };
        var db = CliContext.DbOption();
        var cmd = new Command("reference", "Replace one kind of reference data with a file of your own (versioned; the shipped copy no longer overrides it).") { kind, file, db };
        cmd.SetAction(parse =>
        {
            var n = new ReferenceStore(CliContext.Db(parse, db)).Import(parse.GetValue(kind)!, parse.GetValue(file)!);
            ctx.Out.WriteLine($"{n} row(s) of {parse.GetValue(kind)} imported.");
            return 0;
        });
        return cmd;
    }
}
