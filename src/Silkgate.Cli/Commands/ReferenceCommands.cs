using System.CommandLine;
using System.Globalization;
using Silkgate.Common;
using Silkgate.Storage.Reference;
using Spectre.Console;

namespace Silkgate.Cli.Commands;

/// <summary>`silkgate reference list|hs|port-status`: look into the reference data.</summary>
public static class ReferenceCommands
{
    public static Command Build(CliContext ctx)
    {
        var reference = new Command("reference", "Reference data: loaded datasets and their versions, HS search, port calendars.");
        reference.Subcommands.Add(List(ctx));
        reference.Subcommands.Add(Hs(ctx));
        reference.Subcommands.Add(PortStatus(ctx));
        return reference;
    }

    private static Command List(CliContext ctx)
    {
        var db = CliContext.DbOption();
        var cmd = new Command("list", "Each reference dataset with its version (SHA-256), rows and source; loads the shipped data on first use.") { db };
        cmd.SetAction(parse =>
        {
            var store = new ReferenceStore(CliContext.Db(parse, db));
            store.EnsureLoaded();
            var table = new Table().AddColumns("kind", "rows", "version", "source", "loaded at");
            foreach (var d in store.Datasets())
                table.AddRow(d.Kind, d.Rows.ToString(CultureInfo.InvariantCulture), d.Version[..12], Markup.Escape(d.Source), d.LoadedAt);
            ctx.Console.Write(table);
            return 0;
        });
        return cmd;
    }

    private static Command Hs(CliContext ctx)
    {
        var query = new Argument<string>("QUERY") { Description = "A code prefix (e.g. 0804) or words (e.g. \"dried apricots\")." };
        var limit = new Option<int>("--limit") { Description = "Most rows to show.", DefaultValueFactory = _ => 30 };
        var db = CliContext.DbOption();
        var cmd = new Command("hs", "Search HS 2022 by code prefix or by words in the description.") { query, limit, db };
        cmd.SetAction(parse =>
        {
            var store = new ReferenceStore(CliContext.Db(parse, db));
            store.EnsureLoaded();
            var hits = store.Load().Hs.Search(parse.GetValue(query)!).ToList();
            foreach (var e in hits.Take(parse.GetValue(limit)))
                ctx.Out.WriteLine($"{e.Code,-8} {e.Description}");
            ctx.Out.WriteLine($"{hits.Count} match(es)");
            return hits.Count > 0 ? 0 : CliApp.Refused;
        });
        return cmd;
    }

    private static Command PortStatus(CliContext ctx)
    {
        var port = new Argument<string>("PORT") { Description = "KHUNJERAB, KARASU, IRKESHTAM, TORUGART or KASHGAR_AIRPORT." };
        var date = new Argument<string>("DATE") { Description = "YYYY-MM-DD" };
        var db = CliContext.DbOption();
        var cmd = new Command("port-status", "Whether a port is open on a day, and if not, why (from its calendar).") { port, date, db };
        cmd.SetAction(parse =>
        {
            var store = new ReferenceStore(CliContext.Db(parse, db));
            store.EnsureLoaded();
            var reference = store.Load();
            var code = parse.GetValue(port)!;
            if (reference.Port(code) is null)
                throw new SilkgateException("SG-PORT-001", $"Unknown port '{code}': expected one of {string.Join(", ", reference.Ports.Select(p => p.Code))}.");
            if (!DateOnly.TryParseExact(parse.GetValue(date), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                throw new SilkgateException("SG-ARG-003", $"'{parse.GetValue(date)}' is not a date YYYY-MM-DD.");
            var status = reference.CalendarOf(code).StatusOn(day);
            ctx.Out.WriteLine(status.IsOpen ? $"{code} is open on {day:yyyy-MM-dd}" + (status.Reason is null ? "" : $" ({status.Reason})") : $"{code} is closed on {day:yyyy-MM-dd}: {status.Reason}");
            return 0;
        });
        return cmd;
    }
}
