using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Reference;
using Silkgate.Storage.Reference;
using Silkgate.Tariff;
using Spectre.Console;

namespace Silkgate.Cli.Commands;

/// <summary>`silkgate tariff calc|lookup`: duty, consumption tax and import VAT, every figure explained.</summary>
public static class TariffCommands
{
    public static Command Build(CliContext ctx)
    {
        var tariff = new Command("tariff", "The tariff and tax engine: duty, consumption tax and import VAT with preferences (DESIGN.md §3, §7).");
        tariff.Subcommands.Add(Calc(ctx));
        tariff.Subcommands.Add(Lookup(ctx));
        tariff.Subcommands.Add(Preferences(ctx));
        return tariff;
    }

    private static Command Calc(CliContext ctx)
    {
        var file = new Argument<string>("FILE.json") { Description = "A declaration: {\"flow\":\"import\",\"date\":\"2023-06-01\",\"port\":\"KHUNJERAB\",\"trade_mode\":\"0110\",\"currency\":\"USD\",\"freight\":120,\"insurance\":15.5,\"items\":[{\"hs_code\":\"0804100000\",\"origin\":\"PK\",\"value\":1000,\"quantity\":2000,\"unit\":\"kg\",\"net_mass_kg\":2000,\"preference\":\"CPFTA\",\"certificate_of_origin\":\"CO-123\"}]}" };
        var schedule = new Option<string?>("--schedule") { Description = "Tariff schedule CSV to use instead of the stored one (docs/tariff.md)." };
        var rates = new Option<string?>("--rates") { Description = "Customs rates CSV (month,currency,cny_per_unit) to use on top of the stored ones." };
        var format = new Option<string>("--format") { Description = "text (default) or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var db = CliContext.DbOption();
        var cmd = new Command("calc", "Compute the taxes of one declaration, with the trace of every amount. Nothing is stored.") { file, schedule, rates, format, db };
        cmd.SetAction(parse =>
        {
            var declaration = DeclarationFiles.ReadDeclaration(parse.GetValue(file)!);
            var store = new ReferenceStore(CliContext.Db(parse, db));
            store.EnsureLoaded();
            var reference = store.Load();
            if (parse.GetValue(rates) is { } ratesPath)
                reference = reference.WithRates(reference.Rates.With(CsvFiles.ReadFile(ratesPath, ReferenceParsers.Rates)));
            var tariffSchedule = parse.GetValue(schedule) is { } schedulePath
                ? new TariffSchedule(CsvFiles.ReadFile(schedulePath, ReferenceParsers.TariffSchedule))
                : store.LoadSchedule();
            var calculator = new TaxCalculator(tariffSchedule, store.LoadPolicy().On(declaration.Date), reference);
            var result = calculator.Calculate(declaration);
            if (parse.GetValue(format) == "json")
                ctx.Out.WriteLine(JsonSerializer.Serialize(TaxJson.Of(result), TaxJson.Options));
            else
                WriteText(ctx, result);
            return 0;
        });
        return cmd;
    }

    private static Command Preferences(CliContext ctx)
    {
        var files = new Argument<string[]>("FILE.json") { Description = "Declaration files: each one declaration or a JSON array of them.", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format") { Description = "text (default) or csv.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "csv");
        var db = CliContext.DbOption();
        var cmd = new Command("preferences", "Duty paid against duty at MFN by preference, origin and port, and the preferences left unclaimed.") { files, format, db };
        cmd.SetAction(parse =>
        {
            var declarations = parse.GetValue(files)!.SelectMany(DeclarationFiles.ReadDeclarations).ToList();
            var store = new ReferenceStore(CliContext.Db(parse, db));
            store.EnsureLoaded();
            var reference = store.Load();
            var schedule = store.LoadSchedule();
            var policies = store.LoadPolicy();
            var results = declarations.Select(d => new TaxCalculator(schedule, policies.On(d.Date), reference).Calculate(d)).ToList();
            var (savings, unclaimed) = PreferenceAnalysis.Analyse(results);
            if (parse.GetValue(format) == "csv")
            {
                ctx.Out.WriteLine("kind,preference,origin,port,items,duty_paid,duty_at_mfn_or_with_preference,amount");
                foreach (var s in savings)
                    ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"saving,{s.Preference},{s.Origin},{s.Port},{s.Items},{TaxExplanation.Fen(s.DutyPaid)},{TaxExplanation.Fen(s.DutyAtMfn)},{TaxExplanation.Fen(s.Saving)}"));
                foreach (var u in unclaimed)
                    ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unclaimed,{u.Preference},{u.Origin},{u.Port},{u.Items},{TaxExplanation.Fen(u.DutyPaid)},{TaxExplanation.Fen(u.DutyWithPreference)},{TaxExplanation.Fen(u.Forgone)}"));
                return 0;
            }
            var table = new Table().AddColumns("preference", "origin", "port", "items", "duty paid", "duty at MFN", "saving");
            foreach (var s in savings)
                table.AddRow(s.Preference, s.Origin, s.Port, s.Items.ToString(CultureInfo.InvariantCulture), TaxExplanation.Fen(s.DutyPaid), TaxExplanation.Fen(s.DutyAtMfn), TaxExplanation.Fen(s.Saving));
            ctx.Console.MarkupLine($"Preferences used ({results.Count} declarations): saved {TaxExplanation.Fen(savings.Sum(s => s.Saving))} CNY against MFN");
            ctx.Console.Write(table);
            var left = new Table().AddColumns("preference", "origin", "port", "items", "duty paid", "duty with preference", "forgone");
            foreach (var u in unclaimed)
                left.AddRow(u.Preference, u.Origin, u.Port, u.Items.ToString(CultureInfo.InvariantCulture), TaxExplanation.Fen(u.DutyPaid), TaxExplanation.Fen(u.DutyWithPreference), TaxExplanation.Fen(u.Forgone));
            ctx.Console.MarkupLine($"Preferences left unclaimed (eligible origin, no certificate): {TaxExplanation.Fen(unclaimed.Sum(u => u.Forgone))} CNY forgone");
            ctx.Console.Write(left);
            return 0;
        });
        return cmd;
    }

    private static Command Lookup(CliContext ctx)
    {
        var hs = new Argument<string>("HS") { Description = "Commodity code, 6 to 10 digits." };
        var origin = new Option<string?>("--origin") { Description = "Origin country (ISO alpha-2); without it, only rates open to every origin are eligible." };
        var date = new Option<string?>("--date") { Description = "YYYY-MM-DD (default: today)." };
        var db = CliContext.DbOption();
        var cmd = new Command("lookup", "The schedule lines that apply to a code, origin and date, and the duty that wins.") { hs, origin, date, db };
        cmd.SetAction(parse =>
        {
            var store = new ReferenceStore(CliContext.Db(parse, db));
            store.EnsureLoaded();
            var reference = store.Load();
            var code = parse.GetValue(hs)!;
            var day = parse.GetValue(date) is { } text
                ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw new SilkgateException("SG-ARG-003", $"'{text}' is not a date YYYY-MM-DD.")
                : DateOnly.FromDateTime(ctx.Clock.GetUtcNow().UtcDateTime);
            var from = parse.GetValue(origin) ?? Country.UnknownCode;
            var schedule = store.LoadSchedule();
            var compiled = schedule.Compile(code.Length >= 4 && code.All(char.IsAsciiDigit) ? code : throw new SilkgateException("SG-TAR-010", $"'{code}' is not an HS code of 4 to 10 digits."));
            var table = new Table().AddColumns("measure", "kind", "agreement", "rate", "line", "schedule code", "valid", "origins", "certificate", "applies");
            void Add(CandidateGroup? g)
            {
                if (g?.FindAnyOrigin(day) is not { } line)
                    return;
                var applies = line.AppliesToOrigin(from);
                table.AddRow(TariffLine.MeasureName(line.Measure) + (line.IsExportDuty ? " (export)" : ""), TariffLine.KindName(line.Kind), line.Agreement ?? "",
                    Markup.Escape(line.RateText), line.LineNo.ToString(CultureInfo.InvariantCulture), line.HsCode,
                    $"{line.ValidFrom:yyyy-MM-dd}..{line.ValidTo?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? ""}",
                    line.Origins.Count == 0 ? "all" : string.Join(' ', line.Origins.Order(StringComparer.Ordinal)),
                    line.CertificateRequired ? "required" : "", applies ? "yes" : "no (origin)");
            }
            foreach (var g in compiled.Duty.Concat(compiled.ExportDuty))
                Add(g);
            Add(compiled.ConsumptionTax);
            Add(compiled.Vat);
            if (table.Rows.Count == 0)
                throw new SilkgateException("SG-TAR-014", $"The schedule has no line for {code} on {day:yyyy-MM-dd}.");
            ctx.Console.Write(table);

            // The winner depends on value and quantity when specific rates are involved: show it for a stated example.
            var sample = new TaxableItem(code, from == Country.UnknownCode ? "CN" : from, 10_000m, 1000m, compiled.Duty.SelectMany(g => g.Lines).FirstOrDefault(l => l.SpecificUnit is not null)?.SpecificUnit, 1000m, null, "CO");
            try
            {
                var taxes = new TaxCalculator(schedule, store.LoadPolicy().On(day), reference)
                    .CalculateItem(compiled, Flow.Import, false, day, sample, 10_000m);
                var w = taxes.Duty.Line!;
                ctx.Out.WriteLine($"Duty that wins for origin {sample.Origin} (with a certificate of origin), customs value 10,000 CNY, quantity 1,000: line {w.LineNo}, {TariffLine.KindName(w.Kind)}{(w.Agreement is null ? "" : " " + w.Agreement)} {w.RateText} = {TaxExplanation.Fen(taxes.Duty.Amount)} CNY");
            }
            catch (SilkgateException e)
            {
                ctx.Out.WriteLine($"No duty can be computed for this example: {e.Message}");
            }
            return 0;
        });
        return cmd;
    }

    private static void WriteText(CliContext ctx, DeclarationTaxResult r)
    {
        var d = r.Declaration;
        var console = ctx.Console;
        console.MarkupLine($"[bold]{(d.Flow == Flow.Import ? "Import" : "Export")}[/] {d.Date:yyyy-MM-dd} at {Markup.Escape(d.Port)}, trade mode {Markup.Escape(d.TradeMode)}, regime {TaxJson.RegimeName(r.Regime)}; customs rate {Markup.Escape(d.Currency)} {r.RateMonth} = {r.CnyPerUnit.ToString(CultureInfo.InvariantCulture)} CNY");
        var table = new Table().AddColumns("item", "hs code", "origin", "customs value CNY", "duty", "consumption tax", "VAT");
        foreach (var i in r.Items)
        {
            table.AddRow(i.ItemNo.ToString(CultureInfo.InvariantCulture), i.Item.HsCode, i.Item.Origin, TaxExplanation.Fen(i.Taxes.CustomsValueCny),
                TaxExplanation.Fen(i.Taxes.Duty.Amount), TaxExplanation.Fen(i.Taxes.ConsumptionTax.Amount), TaxExplanation.Fen(i.Taxes.Vat.Amount));
        }
        console.Write(table);
        foreach (var (name, total) in new[] { ("duty", r.Duty), ("consumption tax", r.ConsumptionTax), ("VAT", r.Vat) })
            console.MarkupLine($"{name}: assessed {TaxExplanation.Fen(total.Assessed)}, collected {TaxExplanation.Fen(total.Collected)} ({Markup.Escape(TaxExplanation.DecisionText(total, r.DeMinimisCny))})");
        console.MarkupLine($"[bold]tax total: {TaxExplanation.Fen(r.TaxTotal)} CNY[/]");
        foreach (var i in r.Items)
        {
            console.MarkupLine($"item {i.ItemNo} ({Markup.Escape(i.Item.HsCode)}, {Markup.Escape(i.Item.Origin)}):");
            foreach (var (measure, amount) in new[] { (TaxMeasure.Duty, i.Taxes.Duty), (TaxMeasure.ConsumptionTax, i.Taxes.ConsumptionTax), (TaxMeasure.Vat, i.Taxes.Vat) })
            {
                var t = TaxExplanation.Trace(measure, amount, r, i.Taxes);
                var line = t.ScheduleLine is null ? "no schedule line" : $"line {t.ScheduleLine} ({t.ScheduleHsCode}) {t.RateKind}{(t.Agreement is null ? "" : " " + t.Agreement)} {t.Rate}";
                console.MarkupLine(Markup.Escape($"  {t.Measure}: {line}; base {TaxExplanation.Fen(t.BaseCny)}" + (t.Quantity is null ? "" : $", quantity {t.Quantity} {t.Unit}") + $" -> {TaxExplanation.Fen(t.Amount)}"));
                foreach (var note in t.Notes)
                    console.MarkupLine(Markup.Escape("      " + note));
            }
        }
    }
}
