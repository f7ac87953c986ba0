using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Spectre.Console;
using Silkgate.Statistics;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Statistics;

namespace Silkgate.Cli.Commands;

/// <summary>`silkgate stats query`: trade statistics from released declarations.</summary>
public static class StatsCommands
{
    public static Command Build(CliContext ctx)
    {
        var stats = new Command("stats", "Trade statistics from released declarations (DESIGN.md §9).");
        stats.Subcommands.Add(Query(ctx));
        stats.Subcommands.Add(Verify(ctx));
        return stats;
    }

    private static Command Query(CliContext ctx)
    {
        var measure = new Option<string>("--measure") { Description = "trade_value (CNY or USD), declaration_count, item_count, partner_count, cargo_mass (kg).", Required = true };
        measure.AcceptOnlyFromAmong([.. StatsQuery.MeasureNames.Keys]);
        var by = new Option<string>("--by") { Description = "Comma list (may be empty) of: " + string.Join(", ", StatsQuery.DimensionNames.Keys) + ".", DefaultValueFactory = _ => "" };
        var from = new Option<string>("--from") { Description = "First release month, YYYY-MM.", Required = true };
        var to = new Option<string>("--to") { Description = "Last release month, YYYY-MM (inclusive).", Required = true };
        var scope = new Option<string?>("--scope") { Description = "prefecture (default), zone, group:NAME (e.g. group:CA5) or port:NAME (e.g. port:IRKESHTAM)." };
        var flow = new Option<string?>("--flow") { Description = "total (default), import or export." };
        flow.AcceptOnlyFromAmong("total", "import", "export");
        var currency = new Option<string?>("--currency") { Description = "CNY (default) or USD (converted month by month at the customs rate)." };
        currency.AcceptOnlyFromAmong("CNY", "USD");
        var format = new Option<string?>("--format") { Description = "csv (default): one column per dimension, then value; or json." };
        format.AcceptOnlyFromAmong("csv", "json");
        var db = CliContext.DbOption();
        var cmd = new Command("query", "A statistics figure, grouped by dimensions.") { measure, by, from, to, scope, flow, currency, format, db };
        cmd.SetAction(parse =>
        {
            var q = StatsQuery.Parse(parse.GetValue(measure)!, parse.GetValue(by), parse.GetValue(from)!, parse.GetValue(to)!,
                parse.GetValue(scope), parse.GetValue(flow), parse.GetValue(currency));
            var database = CliContext.Db(parse, db);
            var store = new ReferenceStore(database);
            store.EnsureLoaded();
            var rows = new StatsQueryRunner(database).Run(q, store.Load());
            var names = q.Dimensions.Select(StatsQuery.NameOf).ToArray();
            if ((parse.GetValue(format) ?? "csv") == "json")
                WriteJson(ctx.Out, q, names, rows);
            else
                WriteCsv(ctx.Out, names, rows);
            return 0;
        });
        return cmd;
    }

    private static Command Verify(CliContext ctx)
    {
        var targets = new Option<string>("--targets") { Description = "Published figures (the format of data/published/kashgar-public.csv).", Required = true };
        var db = CliContext.DbOption();
        var cmd = new Command("verify", "Recompute every published figure from the released declarations; non-zero exit when any does not match.") { targets, db };
        cmd.SetAction(parse =>
        {
            var list = CsvFiles.ReadFile(parse.GetValue(targets)!, TargetVerifier.Read);
            var database = CliContext.Db(parse, db);
            var store = new ReferenceStore(database);
            store.EnsureLoaded();
            var checks = TargetVerifier.Verify(list, new StatsQueryRunner(database), store.Load());
            var failed = PrintChecks(ctx, checks);
            if (failed == 0)
                return 0;
            ctx.Error.WriteLine($"error SG-STAT-013: {failed} target(s) do not match the released declarations.");
            return CliApp.Refused;
        });
        return cmd;
    }

    /// <summary>Prints one row per target (published, computed, match) and a count; returns how many do not match.</summary>
    internal static int PrintChecks(CliContext ctx, IReadOnlyList<TargetCheck> checks)
    {
        var table = new Table().AddColumns("id", "measure", "scope", "period", "relation", "published", "computed", "match");
        foreach (var c in checks)
        {
            var t = c.Target;
            table.AddRow(t.Id, t.Measure, t.Scope.ToString(), $"{t.From}..{t.To}", PublishedTarget.Relations.First(kv => kv.Value == t.Relation).Key,
                t.Value.ToString(CultureInfo.InvariantCulture) + " " + t.Unit,
                c.Computed is { } v ? Math.Round(v, Math.Max(t.Decimals, 2), MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture) : Markup.Escape(c.Problem ?? ""),
                c.Matches ? "yes" : "NO");
        }
        ctx.Console.Write(table);
        var failed = checks.Count(c => !c.Matches);
        ctx.Out.WriteLine($"{checks.Count - failed} of {checks.Count} target(s) match");
        return failed;
    }

    private static void WriteCsv(TextWriter output, string[] names, IReadOnlyList<StatsRow> rows)
    {
        using var csv = new CsvWriter(output, CsvFiles.Configuration, leaveOpen: true);
        foreach (var n in names)
            csv.WriteField(n);
        csv.WriteField("value");
        csv.NextRecord();
        foreach (var row in rows)
        {
            foreach (var k in row.Keys)
                csv.WriteField(k);
            csv.WriteField(row.Value.ToString(CultureInfo.InvariantCulture));
            csv.NextRecord();
        }
    }

    private static void WriteJson(TextWriter output, StatsQuery q, string[] names, IReadOnlyList<StatsRow> rows)
    {
        var doc = new Dictionary<string, object>
        {
            ["measure"] = StatsQuery.MeasureNames.First(kv => kv.Value == q.Measure).Key,
            ["from"] = q.From.ToString(),
            ["to"] = q.To.ToString(),
            ["scope"] = q.Scope.ToString(),
            ["flow"] = q.Flow.ToString().ToLowerInvariant(),
            ["currency"] = q.Currency,
            ["rows"] = rows.Select(r =>
            {
                var o = new Dictionary<string, object>();
                for (var i = 0; i < names.Length; i++)
                    o[names[i]] = r.Keys[i];
                o["value"] = r.Value;
                return o;
            }).ToList(),
        };
        output.WriteLine(JsonSerializer.Serialize(doc, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
