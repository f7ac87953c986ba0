using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Risk.Model;
using Silkgate.Storage.Declarations;
using Silkgate.Tariff;
using Spectre.Console;

namespace Silkgate.Cli.Commands;

/// <summary>`silkgate declare …` and `silkgate audit verify`: the clearance pipeline (docs/lifecycle.md).</summary>
public static class DeclareCommands
{
    private static Option<string?> AsOption(string defaultText) => new("--as")
    {
        Description = $"Who acts: declarant:ENTERPRISE, officer:NAME or supervisor:NAME (default: {defaultText}).",
    };

    private static Option<int?> VersionOption() => new("--version") { Description = "The version you read (optimistic concurrency: a stale version is refused)." };

    /// <summary>Parses --as; without it, the command's default actor.</summary>
    public static Actor ParseActor(string? text, Func<Actor> fallback)
    {
        if (text is null)
            return fallback();
        var parts = text.Split(':', 2);
        if (parts.Length != 2 || parts[1].Length == 0)
            throw new SilkgateException("SG-AUTH-003", $"--as '{text}' is not ROLE:NAME (declarant:E100, officer:wang, supervisor:li).");
        return parts[0] switch
        {
            "declarant" => Actor.Declarant(parts[1]),
            "officer" => Actor.Officer(parts[1]),
            "supervisor" => Actor.Supervisor(parts[1]),
            _ => throw new SilkgateException("SG-AUTH-003", $"--as role '{parts[0]}' is not declarant, officer or supervisor."),
        };
    }

    private static Actor DefaultOfficer() => Actor.Officer(Environment.UserName);

    public static Command Build(CliContext ctx)
    {
        var declare = new Command("declare", "Lodge declarations and move them through clearance: risk lane, inspection, taxes, payment, release.");
        declare.Subcommands.Add(Lodge(ctx));
        declare.Subcommands.Add(LodgeBulk(ctx));
        declare.Subcommands.Add(Show(ctx));
        declare.Subcommands.Add(List(ctx));
        declare.Subcommands.Add(Amend(ctx));
        declare.Subcommands.Add(Simple(ctx, "pay", "Pay the assessed taxes (declarant).", s => s.Pay, false));
        declare.Subcommands.Add(Simple(ctx, "guarantee", "Lodge a guarantee for the assessed taxes instead of paying (declarant).", s => s.Pay, true));
        declare.Subcommands.Add(Release(ctx));
        declare.Subcommands.Add(Inspect(ctx));
        declare.Subcommands.Add(WithReason(ctx, "cancel", "Cancel: the declarant before release; after release only an officer, with a reason.", (s, id, r, a, v) => s.Cancel(id, r, a, v), requireReason: false, officerDefault: false));
        declare.Subcommands.Add(WithReason(ctx, "reject", "Reject a declaration before release (officer).", (s, id, r, a, v) => s.Reject(id, r!, a, v), requireReason: true, officerDefault: true));
        declare.Subcommands.Add(WithReason(ctx, "audit", "Start a post-clearance audit of a released declaration (officer).", (s, id, r, a, v) => s.StartAudit(id, r, a, v), requireReason: false, officerDefault: true));
        declare.Subcommands.Add(WithReason(ctx, "close-audit", "Close a post-clearance audit (officer).", (s, id, r, a, v) => s.CloseAudit(id, r, a, v), requireReason: false, officerDefault: true));
        return declare;
    }

    public static Command Audit(CliContext ctx)
    {
        var audit = new Command("audit", "The hash-chained audit trail of every state change.");
        var db = CliContext.DbOption();
        var verify = new Command("verify", "Walk every chain; report the first broken link (an edited, removed or reordered entry). Non-zero exit when broken.") { db };
        verify.SetAction(parse =>
        {
            var database = CliContext.Db(parse, db);
            database.Migrate();
            var report = AuditLog.Verify(database);
            if (report.Intact)
            {
                ctx.Out.WriteLine($"audit trail intact: {report.Entries} entries in {report.Chains} chain(s)");
                return 0;
            }
            ctx.Error.WriteLine($"error SG-AUD-001: audit trail broken at {report.BrokenEnterprise} entry {report.BrokenSeq}: {report.Problem}");
            return CliApp.Refused;
        });
        audit.Subcommands.Add(verify);
        return audit;
    }

    private static DeclarationService Service(CliContext ctx, ParseResult parse, Option<string?> db) =>
        new(CliContext.Db(parse, db), ctx.Clock);

    /// <summary>The environment variable naming the risk model file when --risk-model is absent.</summary>
    public const string RiskModelVariable = "SILKGATE_RISK_MODEL";

    /// <summary>--risk-model and --inspection-share: the commands that assess risk (lodge, lodge-bulk, amend).</summary>
    private sealed class RiskOptions
    {
        public Option<string?> Model { get; } = new("--risk-model")
        {
            Description = $"Trained risk model file (silkgate risk train) for the lanes; default: ${RiskModelVariable}, else the baseline scorer (docs/risk-model.md).",
        };

        public Option<decimal?> InspectionShare { get; } = new("--inspection-share")
        {
            Description = "Share of declarations sent to control (red or yellow) by model percentile, 0..1; default: the stored lane settings (red + yellow).",
        };

        public DeclarationService Service(CliContext ctx, ParseResult parse, Option<string?> db)
        {
            var path = parse.GetValue(Model) ?? (Environment.GetEnvironmentVariable(RiskModelVariable) is { Length: > 0 } env ? env : null);
            var scorer = path is null ? null : ModelRiskScorer.Load(path);
            return new DeclarationService(CliContext.Db(parse, db), ctx.Clock, scorer, parse.GetValue(InspectionShare));
        }
    }

    private static Command Lodge(CliContext ctx)
    {
        var file = new Argument<string>("FILE.json") { Description = "The declaration: the tariff calc format plus declarant, partner, transport_mode (docs/lifecycle.md)." };
        var key = new Option<string?>("--idempotency-key") { Description = "A retry with the same key returns the first result and never creates a second declaration." };
        var actor = AsOption("the declarant of the file");
        var format = FormatOption();
        var db = CliContext.DbOption();
        var risk = new RiskOptions();
        var cmd = new Command("lodge", "Lodge a declaration: validate, compute taxes, assign a risk lane, store it with its audit trail.") { file, key, actor, format, db, risk.Model, risk.InspectionShare };
        cmd.SetAction(parse =>
        {
            var draft = DeclarationFiles.ReadDraft(parse.GetValue(file)!);
            var who = ParseActor(parse.GetValue(actor), () => Actor.Declarant(draft.Declarant));
            var outcome = risk.Service(ctx, parse, db).Lodge(draft, parse.GetValue(key), who);
            if (!outcome.Created)
                ctx.Error.WriteLine($"idempotency key already used: returning declaration {outcome.Declaration.DeclarationId}, nothing new stored");
            Print(ctx, outcome.Declaration, parse.GetValue(format)!);
            return 0;
        });
        return cmd;
    }

    private static Command LodgeBulk(CliContext ctx)
    {
        var file = new Argument<string>("FILE.jsonl") { Description = "JSON Lines: one declaration per line, each with its idempotency_key." };
        var batch = new Option<int>("--batch") { Description = "Declarations per transaction (group commit).", DefaultValueFactory = _ => 200 };
        var actor = AsOption("each line's declarant");
        var db = CliContext.DbOption();
        var risk = new RiskOptions();
        var cmd = new Command("lodge-bulk", "Lodge many declarations with group commit. Prints `ack KEY ID` for each declaration once its transaction committed; a rerun skips keys already stored.") { file, batch, actor, db, risk.Model, risk.InspectionShare };
        cmd.SetAction(parse =>
        {
            var service = risk.Service(ctx, parse, db);
            var asText = parse.GetValue(actor);
            var requests = DeclarationFiles.ReadBulk(parse.GetValue(file)!);
            var who = asText is null ? null : ParseActor(asText, DefaultOfficer);
            var batchSize = Math.Max(1, parse.GetValue(batch));
            var (created, existing, refused) = (0, 0, 0);
            // One actor per run: by default the declarant of the first line (a bulk file is one enterprise's).
            var buffered = requests.GetEnumerator();
            if (!buffered.MoveNext())
            {
                ctx.Out.WriteLine("0 declarations lodged.");
                return 0;
            }
            var first = buffered.Current;
            IEnumerable<(DeclarationDraft, string)> All()
            {
                yield return first;
                while (buffered.MoveNext())
                    yield return buffered.Current;
            }
            (created, existing, refused) = service.LodgeMany(All(), batchSize, who ?? Actor.Declarant(first.Draft.Declarant),
                (k, o) =>
                {
                    ctx.Out.WriteLine($"ack {k} {o.Declaration.DeclarationId}");
                    ctx.Out.Flush();
                },
                (k, e) => ctx.Error.WriteLine($"refused {k}: {e.Code} {e.Message}"));
            ctx.Out.WriteLine($"{created} lodged, {existing} already stored, {refused} refused.");
            return refused > 0 ? CliApp.Refused : 0;
        });
        return cmd;
    }

    private static Option<string> FormatOption()
    {
        var format = new Option<string>("--format") { Description = "text (default) or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        return format;
    }

    private static Command Show(CliContext ctx)
    {
        var id = new Argument<string>("ID");
        var actor = AsOption("an officer");
        var format = FormatOption();
        var db = CliContext.DbOption();
        var cmd = new Command("show", "A declaration: state, lane and reasons, taxes per item, versions and audit trail.") { id, actor, format, db };
        cmd.SetAction(parse =>
        {
            var service = Service(ctx, parse, db);
            var who = ParseActor(parse.GetValue(actor), DefaultOfficer);
            var d = service.Show(parse.GetValue(id)!, who);
            Print(ctx, d, parse.GetValue(format)!);
            if (parse.GetValue(format) == "text")
            {
                foreach (var (version, at, by) in service.Versions(d.DeclarationId, who))
                    ctx.Out.WriteLine($"version {version}: {at} by {by}");
                foreach (var e in service.Trail(d.DeclarationId, who))
                    ctx.Out.WriteLine($"audit #{e.Seq} {e.At} {e.Actor} {e.Action}: {e.FromState} -> {e.ToState}{(e.Details is null ? "" : " (" + e.Details + ")")}");
            }
            return 0;
        });
        return cmd;
    }

    private static Command List(CliContext ctx)
    {
        var state = new Option<string?>("--state") { Description = "lodged, under_control, assessed, paid, guaranteed, released, rejected, cancelled, ..." };
        var declarant = new Option<string?>("--declarant") { Description = "Enterprise id." };
        var port = new Option<string?>("--port");
        var from = new Option<string?>("--from") { Description = "First declaration date, YYYY-MM-DD." };
        var to = new Option<string?>("--to") { Description = "Last declaration date, YYYY-MM-DD." };
        var limit = new Option<int>("--limit") { DefaultValueFactory = _ => 50 };
        var actor = AsOption("an officer; a declarant sees only its own");
        var db = CliContext.DbOption();
        var cmd = new Command("list", "Declarations, newest first, filtered.") { state, declarant, port, from, to, limit, actor, db };
        cmd.SetAction(parse =>
        {
            DateOnly? Date(string? t) => t is null ? null : DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw new SilkgateException("SG-ARG-003", $"'{t}' is not a date YYYY-MM-DD.");
            var rows = Service(ctx, parse, db).List(new DeclarationFilter(parse.GetValue(state), parse.GetValue(declarant), parse.GetValue(port), Date(parse.GetValue(from)), Date(parse.GetValue(to)), parse.GetValue(limit)),
                ParseActor(parse.GetValue(actor), DefaultOfficer));
            var table = new Table().AddColumns("id", "declarant", "state", "version", "lane", "date", "port", "items", "tax total CNY");
            foreach (var d in rows)
            {
                table.AddRow(d.DeclarationId, d.EnterpriseId, Lifecycle.StateName(d.State), d.Version.ToString(CultureInfo.InvariantCulture), d.Lane?.ToString().ToLowerInvariant() ?? "",
                    d.Draft.Body.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Draft.Body.Port, d.Items.Count.ToString(CultureInfo.InvariantCulture), TaxExplanation.Fen(d.TaxTotalCny ?? 0m));
            }
            ctx.Console.Write(table);
            ctx.Out.WriteLine($"{rows.Count} declaration(s)");
            return 0;
        });
        return cmd;
    }

    private static Command Amend(CliContext ctx)
    {
        var id = new Argument<string>("ID");
        var file = new Argument<string>("FILE.json");
        var actor = AsOption("the declarant of the file");
        var version = VersionOption();
        var format = FormatOption();
        var db = CliContext.DbOption();
        var risk = new RiskOptions();
        var cmd = new Command("amend", "Amend a declaration before release: a new version, validated, taxed and risk assessed again; earlier versions stay readable.") { id, file, actor, version, format, db, risk.Model, risk.InspectionShare };
        cmd.SetAction(parse =>
        {
            var draft = DeclarationFiles.ReadDraft(parse.GetValue(file)!);
            var outcome = risk.Service(ctx, parse, db).Amend(parse.GetValue(id)!, draft, ParseActor(parse.GetValue(actor), () => Actor.Declarant(draft.Declarant)), parse.GetValue(version));
            Print(ctx, outcome.Declaration, parse.GetValue(format)!);
            return 0;
        });
        return cmd;
    }

    private static Command Simple(CliContext ctx, string name, string description, Func<DeclarationService, Func<string, bool, Actor, int?, StoredDeclaration>> pick, bool guarantee)
    {
        var id = new Argument<string>("ID");
        var actor = AsOption("the declarant of the declaration");
        var version = VersionOption();
        var db = CliContext.DbOption();
        var cmd = new Command(name, description) { id, actor, version, db };
        cmd.SetAction(parse =>
        {
            var service = Service(ctx, parse, db);
            var target = parse.GetValue(id)!;
            var who = ParseActor(parse.GetValue(actor), () => Actor.Declarant(service.Show(target, Actor.System).EnterpriseId));
            var d = pick(service)(target, guarantee, who, parse.GetValue(version));
            ctx.Out.WriteLine($"{d.DeclarationId} is {Lifecycle.StateName(d.State)} (version {d.Version})");
            return 0;
        });
        return cmd;
    }

    private static Command Release(CliContext ctx)
    {
        var id = new Argument<string>("ID");
        var actor = AsOption("officer:$USER");
        var version = VersionOption();
        var db = CliContext.DbOption();
        var cmd = new Command("release", "Release a declaration (officer): its items enter the statistics under the release date.") { id, actor, version, db };
        cmd.SetAction(parse =>
        {
            var d = Service(ctx, parse, db).Release(parse.GetValue(id)!, ParseActor(parse.GetValue(actor), DefaultOfficer), parse.GetValue(version));
            ctx.Out.WriteLine($"{d.DeclarationId} is {Lifecycle.StateName(d.State)} on {d.ReleaseDate:yyyy-MM-dd} (version {d.Version})");
            return 0;
        });
        return cmd;
    }

    private static Command Inspect(CliContext ctx)
    {
        var id = new Argument<string>("ID");
        var result = new Option<string>("--result") { Description = "no_discrepancy, discrepancy or seizure.", Required = true };
        result.AcceptOnlyFromAmong("no_discrepancy", "discrepancy", "seizure");
        var corrected = new Option<string[]>("--corrected-value") { Description = "ITEM=VALUE (declaration currency): the value found; taxes are re-assessed. Repeatable.", AllowMultipleArgumentsPerToken = true };
        var extra = new Option<decimal>("--extra-duty") { Description = "Extra duty in CNY on top of the re-assessment." };
        var note = new Option<string?>("--note");
        var actor = AsOption("officer:$USER");
        var version = VersionOption();
        var db = CliContext.DbOption();
        var cmd = new Command("inspect", "Record the result of a documentary check or physical inspection (officer).") { id, result, corrected, extra, note, actor, version, db };
        cmd.SetAction(parse =>
        {
            var values = new Dictionary<int, decimal>();
            foreach (var pair in parse.GetValue(corrected) ?? [])
            {
                var p = pair.Split('=', 2);
                if (p.Length != 2 || !int.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out var item) ||
                    !decimal.TryParse(p[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                    throw new SilkgateException("SG-DEC-107", $"--corrected-value '{pair}' is not ITEM=VALUE (e.g. 1=1250.00).");
                values[item] = value;
            }
            var outcome = parse.GetValue(result) switch
            {
                "seizure" => InspectionOutcome.Seizure,
                "discrepancy" => InspectionOutcome.Discrepancy,
                _ => InspectionOutcome.NoDiscrepancy,
            };
            if (outcome != InspectionOutcome.Discrepancy && (values.Count > 0 || parse.GetValue(extra) != 0))
                throw new SilkgateException("SG-DEC-107", "--corrected-value and --extra-duty go with --result discrepancy.");
            if (parse.GetValue(extra) < 0)
                throw new SilkgateException("SG-DEC-107", "--extra-duty cannot be negative.");
            var d = Service(ctx, parse, db).Inspect(parse.GetValue(id)!, new InspectionResult(outcome, values, parse.GetValue(extra), parse.GetValue(note)),
                ParseActor(parse.GetValue(actor), DefaultOfficer), parse.GetValue(version));
            ctx.Out.WriteLine($"{d.DeclarationId} is {Lifecycle.StateName(d.State)} (version {d.Version}); tax total {TaxExplanation.Fen(d.TaxTotalCny ?? 0m)} CNY");
            return 0;
        });
        return cmd;
    }

    private static Command WithReason(CliContext ctx, string name, string description, Func<DeclarationService, string, string?, Actor, int?, StoredDeclaration> act, bool requireReason, bool officerDefault)
    {
        var id = new Argument<string>("ID");
        var reason = new Option<string?>("--reason") { Description = "Why (required after release, and for a rejection).", Required = requireReason };
        var actor = AsOption(officerDefault ? "officer:$USER" : "the declarant of the declaration");
        var version = VersionOption();
        var db = CliContext.DbOption();
        var cmd = new Command(name, description) { id, reason, actor, version, db };
        cmd.SetAction(parse =>
        {
            var service = Service(ctx, parse, db);
            var target = parse.GetValue(id)!;
            var who = ParseActor(parse.GetValue(actor), officerDefault ? DefaultOfficer : () => Actor.Declarant(service.Show(target, Actor.System).EnterpriseId));
            var d = act(service, target, parse.GetValue(reason), who, parse.GetValue(version));
            ctx.Out.WriteLine($"{d.DeclarationId} is {Lifecycle.StateName(d.State)} (version {d.Version})");
            return 0;
        });
        return cmd;
    }

    private static void Print(CliContext ctx, StoredDeclaration d, string format)
    {
        if (format == "json")
        {
            ctx.Out.WriteLine(JsonSerializer.Serialize(new
            {
                declaration_id = d.DeclarationId,
                declarant = d.EnterpriseId,
                state = Lifecycle.StateName(d.State),
                version = d.Version,
                lane = d.Lane?.ToString().ToLowerInvariant(),
                risk_percentile = d.RiskPercentile,
                risk_reasons = d.RiskReasons,
                warnings = d.Warnings,
                duty_total = d.DutyCny,
                consumption_tax_total = d.ConsumptionTaxCny,
                vat_total = d.VatCny,
                tax_total = d.TaxTotalCny,
                release_date = d.ReleaseDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                items = d.Items.Select(i => new { item_no = i.ItemNo, hs_code = i.HsCode, partner_country = i.PartnerCountry, statistical_value_cny = i.StatisticalValueCny, duty = i.DutyCny, consumption_tax = i.ConsumptionTaxCny, vat = i.VatCny, duty_rate_kind = i.DutyRateKind, duty_agreement = i.DutyAgreement }),
            }, TaxJson.Options));
            return;
        }
        ctx.Out.WriteLine($"{d.DeclarationId} ({d.EnterpriseId}): {Lifecycle.StateName(d.State)}, version {d.Version}, lane {d.Lane?.ToString().ToLowerInvariant() ?? "-"}" +
                          $", taxes {TaxExplanation.Fen(d.TaxTotalCny ?? 0m)} CNY (duty {TaxExplanation.Fen(d.DutyCny ?? 0m)}, CT {TaxExplanation.Fen(d.ConsumptionTaxCny ?? 0m)}, VAT {TaxExplanation.Fen(d.VatCny ?? 0m)})");
        foreach (var r in d.RiskReasons)
            ctx.Out.WriteLine("  risk: " + r);
        foreach (var w in d.Warnings)
            ctx.Out.WriteLine("  warning: " + w);
        foreach (var i in d.Items)
            ctx.Out.WriteLine($"  item {i.ItemNo} {i.HsCode} {i.PartnerCountry}: value {TaxExplanation.Fen(i.StatisticalValueCny)} CNY, duty {TaxExplanation.Fen(i.DutyCny ?? 0m)} ({i.DutyRateKind}{(i.DutyAgreement is null ? "" : " " + i.DutyAgreement)}), CT {TaxExplanation.Fen(i.ConsumptionTaxCny ?? 0m)}, VAT {TaxExplanation.Fen(i.VatCny ?? 0m)}");
    }
}
