using System.CommandLine;
using Silkgate.Cli.Reports;
using Silkgate.Common;
using Silkgate.Statistics;
using Silkgate.Storage.Reference;
using StoredBulletin = Silkgate.Storage.Statistics.Bulletin;

namespace Silkgate.Cli.Commands;

/// <summary>
/// `silkgate bulletin`: a statistical release for a period in the style of China customs (docs/bulletin.md):
/// bulletin.md and bulletin.html with charts (PNG and SVG), every sentence linking to the query behind its figures
/// in explain.md / explain.html.
/// </summary>
public static class BulletinCommand
{
    public static Command Build(CliContext ctx)
    {
        var from = new Option<string>("--from") { Description = "First release month, YYYY-MM.", Required = true };
        var to = new Option<string>("--to") { Description = "Last release month, YYYY-MM (inclusive; at most 12 months after --from).", Required = true };
        var lang = new Option<string>("--lang") { Description = "en (default) or zh: the language of the whole bulletin.", DefaultValueFactory = _ => "en" };
        lang.AcceptOnlyFromAmong("en", "zh");
        var output = new Option<string>("--out") { Description = "Folder for bulletin.md, bulletin.html, explain.md, explain.html and the charts.", DefaultValueFactory = _ => "out" };
        var db = CliContext.DbOption();
        var cmd = new Command("bulletin", "A trade statistics bulletin for a period (Markdown, HTML, charts), every figure linked to its query.") { from, to, lang, output, db };
        cmd.SetAction(parse =>
        {
            var language = BulletinText.ParseLanguage(parse.GetValue(lang));
            var fromMonth = YearMonth.Parse(parse.GetValue(from)!);
            var toMonth = YearMonth.Parse(parse.GetValue(to)!);
            var database = CliContext.Db(parse, db);
            var store = new ReferenceStore(database);
            store.EnsureLoaded();
            var reference = store.Load();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var model = StoredBulletin.Compute(database, reference, fromMonth, toMonth);
            var computed = clock.Elapsed;
            var files = BulletinWriter.Write(model, language, parse.GetValue(output)!);
            var total = model.Figure("total");
            ctx.Out.WriteLine($"{BulletinWording.Period(model.From, model.To, language)}: {BulletinMarkdown.Word(total, language)}, {BulletinMarkdown.Word(model.Figure("total_yoy"), language)}");
            if (model.Empty)
                ctx.Out.WriteLine("note: no declaration was released in this period; every figure is 0");
            if (files.Charts.LabelLanguage != language)
                ctx.Error.WriteLine("warning: no font with Chinese characters (Debian: fonts-noto-cjk); the charts are labelled in English");
            ctx.Out.WriteLine($"{model.AllFigures.Count()} figures and the charts' data computed in {computed.TotalMilliseconds:N0} ms");
            foreach (var path in files.All)
                ctx.Out.WriteLine("wrote " + path);
            return 0;
        });
        return cmd;
    }
}
