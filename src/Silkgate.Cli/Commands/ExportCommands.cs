using System.CommandLine;
using System.Globalization;
using CsvHelper;
using Silkgate.Common;
using Silkgate.Storage.Export;
using Silkgate.Storage.Reference;

namespace Silkgate.Cli.Commands;

/// <summary>`silkgate export declarations|reference groups`.</summary>
public static class ExportCommands
{
    public static Command Build(CliContext ctx)
    {
        var export = new Command("export", "Write released declarations or reference tables as CSV or JSON.");
        export.Subcommands.Add(Declarations(ctx));
        var reference = new Command("reference", "Export reference tables.");
        reference.Subcommands.Add(Groups(ctx));
        export.Subcommands.Add(reference);
        return export;
    }

    private static Command Declarations(CliContext ctx)
    {
        var db = CliContext.DbOption();
        var format = new Option<string>("--format") { Description = "csv or json", Required = true };
        format.AcceptOnlyFromAmong("csv", "json");
        var from = new Option<string?>("--from") { Description = "First release month, YYYY-MM (inclusive)." };
        var to = new Option<string?>("--to") { Description = "Last release month, YYYY-MM (inclusive)." };
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output." };
        var cmd = new Command("declarations", "Released items, one row per item: " + string.Join(", ", DeclarationExporter.Columns) + ".")
        {
            db, format, from, to, output,
        };
        cmd.SetAction(parse =>
        {
            YearMonth? f = parse.GetValue(from) is { } a ? YearMonth.Parse(a) : null;
            YearMonth? t = parse.GetValue(to) is { } b ? YearMonth.Parse(b) : null;
            var database = CliContext.Db(parse, db);
            new ReferenceStore(database).EnsureLoaded();
            var exporter = new DeclarationExporter(database);
            var n = WriteTo(ctx, parse.GetValue(output), w => exporter.Export(w, parse.GetValue(format)!, f, t));
            if (parse.GetValue(output) is { } path)
                ctx.Out.WriteLine($"{n} item(s) written to {path}");
            return 0;
        });
        return cmd;
    }

    private static Command Groups(CliContext ctx)
    {
        var db = CliContext.DbOption();
        var format = new Option<string>("--format") { Description = "csv", Required = true };
        format.AcceptOnlyFromAmong("csv");
        var cmd = new Command("groups", "Partner-group memberships: group,country,valid_from,valid_to (ISO dates; empty valid_to = open).") { db, format };
        cmd.SetAction(parse =>
        {
            var store = new ReferenceStore(CliContext.Db(parse, db));
            store.EnsureLoaded();
            var groups = store.Load().Groups.All.OrderBy(g => g.Group, StringComparer.Ordinal).ThenBy(g => g.Country, StringComparer.Ordinal).ThenBy(g => g.ValidFrom);
            using var csv = new CsvWriter(ctx.Out, CsvFiles.Configuration, leaveOpen: true);
            csv.WriteField("group");
            csv.WriteField("country");
            csv.WriteField("valid_from");
            csv.WriteField("valid_to");
            csv.NextRecord();
            foreach (var g in groups)
            {
                csv.WriteField(g.Group);
                csv.WriteField(g.Country);
                csv.WriteField(g.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                csv.WriteField(g.ValidTo?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "");
                csv.NextRecord();
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>Writes to standard output, or to a file that appears only when the whole export succeeded.</summary>
    public static T WriteTo<T>(CliContext ctx, string? path, Func<TextWriter, T> write)
    {
        if (path is null)
            return write(ctx.Out);
        var full = Path.GetFullPath(path);
        var temp = full + ".partial";
        try
        {
            T result;
            using (var writer = new StreamWriter(temp))
                result = write(writer);
            File.Move(temp, full, overwrite: true);
            return result;
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
