using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Spectre.Console;
using Silkgate.Common;
using Silkgate.Statistics;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Statistics;

namespace Silkgate.Cli.Commands;

/// <summary>`silkgate stats query`, `explain`, `recompute` and `verify`: trade statistics from released declarations.</summary>
public static class StatsCommands
{
    public static Command Build(CliContext ctx)
    {
        var stats = new Command("stats", "Trade statistics from released declarations (DESIGN.md §9).");
        stats.Subcommands.Add(Query(ctx));
        stats.Subcommands.Add(Explain(ctx));
        stats.Subcommands.Add(Recompute(ctx));
        stats.Subcommands.Add(Verify(ctx));
        return stats;
    }

    /// <summary>The options `stats query` and `stats explain` share.</summary>
    private sealed class QueryOptions
    {
        public Option<string> Measure { get; } = new("--measure") { Description = "trade_value (CNY or USD), declaration_count, item_count, partner_count, cargo_mass (kg), ecommerce_value.", Required = true };

        public Option<string> By { get; } = new("--by") { Description = "Comma list (may be empty) of: " + string.Join(", ", StatsQuery.DimensionNames.Keys) + ".", DefaultValueFactory = _ => "" };

        public Option<string> From { get; } = new("--from") { Description = "First release month, YYYY-MM.", Required = true };

        public Option<string> To { get; } = new("--to") { Description = "Last release month, YYYY-MM (inclusive).", Required = true };

        public Option<string?> Scope { get; } = new("--scope") { Description = "prefecture (default), zone, group:NAME (e.g. group:CA5) or port:NAME (e.g. port:IRKESHTAM)." };

        public Option<string?> Flow { get; } = new("--flow") { Description = "total (default), import or export." };

        public Option<string?> Currency { get; } = new("--currency") { Description = "CNY (default) or USD (converted month by month at the customs rate)." };

        public Option<string?> Db { get; } = CliContext.DbOption();

        public QueryOptions()
        {
            Measure.AcceptOnlyFromAmong([.. StatsQuery.MeasureNames.Keys]);
            Flow.AcceptOnlyFromAmong("total", "import", "export");
            Currency.AcceptOnlyFromAmong("CNY", "USD");
        }

        public IEnumerable<Option> All => [Measure, By, From, To, Scope, Flow, Currency, Db];

        public StatsQuery Parse(ParseResult parse) =>
            StatsQuery.Parse(parse.GetValue(Measure)!, parse.GetValue(By), parse.GetValue(From)!, parse.GetValue(To)!,
                parse.GetValue(Scope), parse.GetValue(Flow), parse.GetValue(Currency));
    }

    private static Command Query(CliContext ctx)
    {
        var o = new QueryOptions();
        var format = new Option<string?>("--format") { Description = "csv (default): one column per dimension, then value; or json." };
        format.AcceptOnlyFromAmong("csv", "json");
        var cmd = new Command("query", "A statistics figure, grouped by dimensions (from the monthly cube whenever it answers exactly).");
        foreach (var option in o.All)
            cmd.Options.Add(option);
        cmd.Options.Add(format);
        cmd.SetAction(parse =>
        {
            var q = o.Parse(parse);
            var database = CliContext.Db(parse, o.Db);
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

    private static Command Explain(CliContext ctx)
    {
        var o = new QueryOptions();
        var format = new Option<string?>("--format") { Description = "csv (default; the summary goes to stderr), json, or text (a table and a summary line)." };
        format.AcceptOnlyFromAmong("csv", "json", "text");
        var limit = new Option<int>("--limit") { Description = "Rows to list, largest contributions first (default 50).", DefaultValueFactory = _ => 50 };
        var cmd = new Command("explain", "The declarations behind a `stats query` figure, each with its contribution, and the check that they add up to it.");
        foreach (var option in o.All)
            cmd.Options.Add(option);
        cmd.Options.Add(format);
        cmd.Options.Add(limit);
        cmd.SetAction(parse =>
        {
            var q = o.Parse(parse);
            var n = parse.GetValue(limit);
            if (n < 0)
                throw new SilkgateException("SG-STAT-020", $"--limit {n} is negative: give how many rows to list (0 for the summary only).");
            var database = CliContext.Db(parse, o.Db);
            var store = new ReferenceStore(database);
            store.EnsureLoaded();
            var e = StatsExplainer.Explain(database, q, store.Load());
            var names = q.Dimensions.Select(StatsQuery.NameOf).ToArray();
            var shown = e.Rows.Take(n).ToList();
            string[] columns = [.. names, "declaration_id", "enterprise_id", "release_date", "flow", "partner_country", "port", "trade_mode", "items", "value"];
            string[] Cells(ExplainRow r) =>
                [.. r.Keys, r.DeclarationId, r.EnterpriseId, r.ReleaseDate, r.Flow, r.PartnerCountry, r.Port, r.TradeMode,
                    r.Items.ToString(CultureInfo.InvariantCulture), r.Value.ToString(CultureInfo.InvariantCulture)];
            var summary = $"{e.Declarations} declaration(s) in all ({e.Rows.Count} row(s), {shown.Count} listed); their contributions sum to " +
                          $"{e.Total.ToString(CultureInfo.InvariantCulture)}, the figure of stats query is {e.FigureTotal.ToString(CultureInfo.InvariantCulture)}" +
                          (e.AddsUp ? (names.Length > 0 ? $" (equal for each of {e.Figure.Count} key(s))" : " (equal)") : ": THEY DIFFER");
            switch (parse.GetValue(format) ?? "csv")
            {
                case "json":
                    var doc = QueryDocument(q);
                    doc["declarations"] = e.Declarations;
                    doc["rows_in_all"] = e.Rows.Count;
                    doc["contributions_total"] = e.Total;
                    doc["figure_total"] = e.FigureTotal;
                    doc["adds_up"] = e.AddsUp;
                    doc["rows"] = shown.Select(r =>
                    {
                        var row = new Dictionary<string, object>();
                        var cells = Cells(r);
                        for (var i = 0; i < columns.Length - 2; i++)
                            row[columns[i]] = cells[i];
                        row["items"] = r.Items;
                        row["value"] = r.Value;
                        return row;
                    }).ToList();
                    ctx.Out.WriteLine(JsonSerializer.Serialize(doc, JsonOptions));
                    ctx.Error.WriteLine(summary);
                    break;
                case "text":
                    var table = new Table().AddColumns(columns);
                    foreach (var r in shown)
                        table.AddRow(Cells(r).Select(Markup.Escape).ToArray());
                    ctx.Console.Write(table);
                    ctx.Out.WriteLine(summary);
                    break;
                default:
                    using (var csv = new CsvWriter(ctx.Out, CsvFiles.Configuration, leaveOpen: true))
                    {
                        foreach (var c in columns)
                            csv.WriteField(c);
                        csv.NextRecord();
                        foreach (var r in shown)
                        {
                            foreach (var c in Cells(r))
                                csv.WriteField(c);
                            csv.NextRecord();
                        }
                    }
                    ctx.Error.WriteLine(summary);
                    break;
            }
            if (e.AddsUp)
                return 0;
            ctx.Error.WriteLine($"error SG-STAT-021: the declarations do not add up to the figure: {string.Join("; ", e.Mismatches.Take(5))}");
            return CliApp.Refused;
        });
        return cmd;
    }

    private static Command Recompute(CliContext ctx)
    {
        var db = CliContext.DbOption();
        var cmd = new Command("recompute", "Rebuild the monthly statistics cube from the released items and say whether the maintained cube differed.") { db };
        cmd.SetAction(parse =>
        {
            var database = CliContext.Db(parse, db);
            new ReferenceStore(database).EnsureLoaded();
            var r = CubeMaintainer.Recompute(database);
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stats_cube recomputed in {r.Seconds:F2} s: {r.CellsAfter} cell(s) (was {r.CellsBefore}); ") +
                (r.Differed ? $"{r.CellsDiffering} cell(s) differed from the maintained cube" : "the maintained cube did not differ"));
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
        var doc = QueryDocument(q);
        doc["rows"] = rows.Select(r =>
        {
            var o = new Dictionary<string, object>();
            for (var i = 0; i < names.Length; i++)
                o[names[i]] = r.Keys[i];
            o["value"] = r.Value;
            return o;
        }).ToList();
        output.WriteLine(JsonSerializer.Serialize(doc, JsonOptions));
    }

    /// <summary>The question a JSON answer of `stats query` or `stats explain` starts with, in the same keys for both.</summary>
    private static Dictionary<string, object> QueryDocument(StatsQuery q) => new()
    {
        ["measure"] = StatsQuery.MeasureNames.First(kv => kv.Value == q.Measure).Key,
        ["from"] = q.From.ToString(),
        ["to"] = q.To.ToString(),
        ["scope"] = q.Scope.ToString(),
        ["flow"] = q.Flow.ToString().ToLowerInvariant(),
        ["currency"] = q.Currency,
    };

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
