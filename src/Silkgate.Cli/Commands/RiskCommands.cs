using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Silkgate.Common;
using Silkgate.Risk.Model;
using Silkgate.Storage.Reference;

namespace Silkgate.Cli.Commands;

/// <summary>`silkgate risk train|evaluate|score|bench`: the fraud targeting model (DESIGN.md §4, docs/risk-model.md).</summary>
public static class RiskCommands
{
    public static Command Build(CliContext ctx)
    {
        var risk = new Command("risk", "The risk targeting model: train, evaluate and score a fraud model (docs/risk-model.md).");
        risk.Subcommands.Add(Train(ctx));
        risk.Subcommands.Add(Evaluate(ctx));
        risk.Subcommands.Add(Score(ctx));
        risk.Subcommands.Add(Bench(ctx));
        risk.Subcommands.Add(Memorisation(ctx));
        return risk;
    }

    private static Command Train(CliContext ctx)
    {
        var train = new Option<string>("--train") { Description = "Labelled declarations CSV (22 columns) to train on.", Required = true };
        var valid = new Option<string?>("--valid") { Description = "Labelled declarations CSV to validate on; its figures are stored in the model (never trained on)." };
        var output = new Option<string>("--out") { Description = "Model file to write (a zip).", Required = true };
        var defaults = new RiskTrainingOptions();
        var seed = new Option<int>("--seed") { Description = $"Random seed (default {defaults.Seed}): the same seed and data give the same model.", DefaultValueFactory = _ => defaults.Seed };
        var trees = new Option<int>("--trees") { Description = $"Boosted trees of the fraud model (default {defaults.Trees}).", DefaultValueFactory = _ => defaults.Trees };
        var leaves = new Option<int>("--leaves") { Description = $"Leaves per tree (default {defaults.Leaves}).", DefaultValueFactory = _ => defaults.Leaves };
        var rate = new Option<double>("--learning-rate") { Description = $"Learning rate (default {defaults.LearningRate}).", DefaultValueFactory = _ => defaults.LearningRate };
        var novelTrees = new Option<int>("--novel-trees") { Description = $"Trees of the model for new pairs (default {defaults.NovelTrees}).", DefaultValueFactory = _ => defaults.NovelTrees };
        var novelLeaves = new Option<int>("--novel-leaves") { Description = $"Leaves per tree of the model for new pairs (default {defaults.NovelLeaves}).", DefaultValueFactory = _ => defaults.NovelLeaves };
        var novelRate = new Option<double>("--novel-learning-rate") { Description = $"Learning rate of the model for new pairs (default {defaults.NovelLearningRate}).", DefaultValueFactory = _ => defaults.NovelLearningRate };
        var novelMinLeaf = new Option<int>("--novel-min-leaf-rows") { Description = $"Minimum training rows per leaf of the model for new pairs (default {defaults.NovelMinLeafRows}).", DefaultValueFactory = _ => defaults.NovelMinLeafRows };
        var novelBags = new Option<int>("--novel-bags") { Description = $"Fold draws averaged by the model for new pairs (default {defaults.NovelBags}).", DefaultValueFactory = _ => defaults.NovelBags };
        var novelFraction = new Option<double>("--novel-feature-fraction") { Description = $"Share of features per tree of the model for new pairs (default {defaults.NovelFeatureFraction}).", DefaultValueFactory = _ => defaults.NovelFeatureFraction };
        var novelDistinct = new Option<int>("--novel-distinct-bags")
        {
            Description = $"Further draws of the model for new pairs trained on one row per distinct pair, folds grouped by pair (default {defaults.NovelDistinctBags}).",
            DefaultValueFactory = _ => defaults.NovelDistinctBags,
        };
        var novelObjective = new Option<string>("--novel-objective")
        {
            Description = $"What the model for new pairs optimises: {NovelObjectives.LambdaRank} (the top of random queries) or {NovelObjectives.LogLoss} (binary; the earlier model, with --novel-learning-rate 0.03) (default {defaults.NovelObjective}).",
            DefaultValueFactory = _ => defaults.NovelObjective,
        };
        novelObjective.AcceptOnlyFromAmong(NovelObjectives.LambdaRank, NovelObjectives.LogLoss);
        var novelQueryRows = new Option<int>("--novel-query-rows") { Description = $"Rows per query of the ranking objective (default {defaults.NovelQueryRows}).", DefaultValueFactory = _ => defaults.NovelQueryRows };
        var cmd = new Command("train", "Train the fraud models (seen pairs, new pairs) and the critical fraud model (ML.NET FastTree) and write the model file.")
        {
            train, valid, output, seed, trees, leaves, rate, novelTrees, novelLeaves, novelRate, novelMinLeaf, novelBags, novelFraction, novelDistinct,
            novelObjective, novelQueryRows,
        };
        cmd.SetAction(parse =>
        {
            var options = defaults with
            {
                Seed = parse.GetValue(seed),
                Trees = parse.GetValue(trees),
                Leaves = parse.GetValue(leaves),
                LearningRate = parse.GetValue(rate),
                NovelTrees = parse.GetValue(novelTrees),
                NovelLeaves = parse.GetValue(novelLeaves),
                NovelLearningRate = parse.GetValue(novelRate),
                NovelMinLeafRows = parse.GetValue(novelMinLeaf),
                NovelBags = parse.GetValue(novelBags),
                NovelFeatureFraction = parse.GetValue(novelFraction),
                NovelDistinctBags = parse.GetValue(novelDistinct),
                NovelObjective = parse.GetValue(novelObjective)!,
                NovelQueryRows = parse.GetValue(novelQueryRows),
            };
            if (options.LearningRate is <= 0 or > 1 || options.NovelLearningRate is <= 0 or > 1)
                throw new SilkgateException(RiskErrors.BadOption, "--learning-rate and --novel-learning-rate must be in (0, 1]");
            if (options.NovelFeatureFraction is <= 0 or > 1)
                throw new SilkgateException(RiskErrors.BadOption, "--novel-feature-fraction must be in (0, 1]");
            if (options.NovelMinLeafRows < 1)
                throw new SilkgateException(RiskErrors.BadOption, "--novel-min-leaf-rows must be at least 1");
            var model = RiskTrainer.Train(parse.GetValue(train)!, parse.GetValue(valid), options, line => ctx.Error.WriteLine(line));
            var path = parse.GetValue(output)!;
            model.Save(path);
            ctx.Out.WriteLine($"model written to {path} in {model.Info.TrainingSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s ({model.Info.Train?.Rows} training rows, seed {model.Info.Seed})");
            if (model.Info.Validation is { } v)
            {
                ctx.Out.WriteLine($"validation on {model.Info.Valid?.File}:");
                WriteText(ctx.Out, v);
            }
            return 0;
        });
        return cmd;
    }

    private static Command Evaluate(CliContext ctx)
    {
        var model = new Option<string>("--model") { Description = "Model file written by `risk train`.", Required = true };
        var test = new Option<string>("--test") { Description = "Labelled declarations CSV (22 columns) to evaluate on.", Required = true };
        var format = new Option<string>("--format") { Description = "text (default) or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var cmd = new Command("evaluate", "Precision and recall at 1, 2, 5, 10 % and ROC AUC, for fraud and critical fraud, on the whole file and on its novel subset.") { model, test, format };
        cmd.SetAction(parse =>
        {
            var m = RiskModel.Load(parse.GetValue(model)!);
            var rows = RiskCsv.Read(parse.GetValue(test)!, requireLabels: true);
            var report = m.Evaluate(rows);
            if (parse.GetValue(format) == "json")
            {
                ctx.Out.WriteLine(JsonSerializer.Serialize(Json(report), JsonOptions));
            }
            else
            {
                var t = m.Info.Train;
                ctx.Out.WriteLine($"model: format {m.Info.FormatVersion}, seed {m.Info.Seed}, trained on {t?.File} ({t?.Rows} rows, sha256 {t?.Sha256[..Math.Min(12, t.Sha256.Length)]}) at {m.Info.TrainedAtUtc:yyyy-MM-dd HH:mm} UTC");
                WriteText(ctx.Out, report);
            }
            return 0;
        });
        return cmd;
    }

    private static Command Score(CliContext ctx)
    {
        var model = new Option<string>("--model") { Description = "Model file written by `risk train`.", Required = true };
        var file = new Argument<string>("FILE.csv") { Description = "Declarations CSV (22 columns; the label columns may be absent or empty)." };
        var output = new Option<string?>("--out") { Description = "CSV to write (default: standard output)." };
        var top = new Option<int>("--top") { Description = "Contributing features listed per row (default 3; 0 for none).", DefaultValueFactory = _ => 3 };
        var threads = ThreadsOption($"Threads scoring and explaining rows (default {Environment.ProcessorCount}, this machine's processors); the output is the same for any number.", Environment.ProcessorCount);
        var cmd = new Command("score", "Score declarations: CSV declaration_id,score,critical_score,percentile,novel_pair,top_features.") { model, file, output, top, threads };
        cmd.SetAction(parse =>
        {
            var n = parse.GetValue(top);
            if (n is < 0 or > 20)
                throw new SilkgateException(RiskErrors.BadOption, "--top must be between 0 and 20");
            var m = RiskModel.Load(parse.GetValue(model)!);
            var rows = RiskCsv.Read(parse.GetValue(file)!, requireLabels: false);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Threads(parse, threads) };
            var scores = m.Score(rows, parallel.MaxDegreeOfParallelism);
            var reasons = new string[rows.Count];
            if (n > 0)
                Parallel.For(0, rows.Count, parallel, i => reasons[i] = string.Join("; ", m.Explain(rows[i], n)));
            var path = parse.GetValue(output);
            using var writer = path is null ? null : new StreamWriter(path);
            var target = writer ?? ctx.Out;
            using var csv = new CsvWriter(target, CsvFiles.Configuration, leaveOpen: true);
            foreach (var h in new[] { "declaration_id", "score", "critical_score", "percentile", "novel_pair", "top_features" })
                csv.WriteField(h);
            csv.NextRecord();
            for (var i = 0; i < rows.Count; i++)
            {
                csv.WriteField(rows[i].DeclarationId);
                csv.WriteField(scores[i].Fraud.ToString("0.######", CultureInfo.InvariantCulture));
                csv.WriteField(scores[i].Critical.ToString("0.######", CultureInfo.InvariantCulture));
                csv.WriteField(scores[i].Percentile.ToString("0.####", CultureInfo.InvariantCulture));
                csv.WriteField(scores[i].NovelPair ? "1" : "0");
                csv.WriteField(reasons[i] ?? "");
                csv.NextRecord();
            }
            csv.Flush();
            if (path is not null)
                ctx.Error.WriteLine($"{rows.Count} declarations scored into {path}");
            return 0;
        });
        return cmd;
    }

    private static Command Bench(CliContext ctx)
    {
        var model = new Option<string>("--model") { Description = "Model file written by `risk train`.", Required = true };
        var file = new Argument<string>("FILE.csv") { Description = "Declarations CSV to score repeatedly (parsed once, outside the timing)." };
        var seconds = new Option<double>("--seconds") { Description = "How long to keep scoring (default 3).", DefaultValueFactory = _ => 3.0 };
        var threads = ThreadsOption("Threads scoring the file's chunks of rows (default 1: the single-thread figure).", 1);
        var cmd = new Command("bench", "Scoring throughput: declarations per second, features and all three ensembles, one thread unless --threads.") { model, file, seconds, threads };
        cmd.SetAction(parse =>
        {
            var m = RiskModel.Load(parse.GetValue(model)!);
            var rows = RiskCsv.Read(parse.GetValue(file)!, requireLabels: false);
            var limit = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(seconds), 0.1, 600));
            var n = Threads(parse, threads);
            m.Score(rows, n); // warm-up
            var clock = Stopwatch.StartNew();
            long scored = 0;
            double checksum = 0;
            while (clock.Elapsed < limit)
            {
                foreach (var s in m.Score(rows, n))
                    checksum += s.Fraud;
                scored += rows.Count;
            }
            var rate = scored / clock.Elapsed.TotalSeconds;
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{scored} declarations in {clock.Elapsed.TotalSeconds:0.00} s: {rate:0} declarations/s (mean score {checksum / scored:0.0000})"));
            return 0;
        });
        return cmd;
    }

    private static Option<int> ThreadsOption(string description, int byDefault) =>
        new("--threads") { Description = description, DefaultValueFactory = _ => byDefault };

    private static int Threads(ParseResult parse, Option<int> threads) =>
        parse.GetValue(threads) is var n and >= 1 and <= 256 ? n : throw new SilkgateException(RiskErrors.BadOption, "--threads must be between 1 and 256");

    private static Command Memorisation(CliContext ctx)
    {
        var train = new Option<string>("--train") { Description = "Labelled training declarations CSV.", Required = true };
        var test = new Option<string>("--test") { Description = "Labelled declarations CSV to compare with the training rows.", Required = true };
        var format = new Option<string>("--format") { Description = "text (default) or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var cmd = new Command("memorisation", "How much of a file repeats training (net mass, item price) pairs, how often their labels agree, and what a plain look-up of the pair scores.") { train, test, format };
        cmd.SetAction(parse =>
        {
            var report = MemorisationReport.Measure(RiskCsv.Read(parse.GetValue(train)!, true), RiskCsv.Read(parse.GetValue(test)!, true));
            if (parse.GetValue(format) == "json")
            {
                ctx.Out.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
                return 0;
            }
            var o = ctx.Out;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training rows {report.TrainRows}: {report.TrainDistinctPairs} distinct (net mass, item price) pairs; {report.TrainRowsInRepeatedPairs} rows ({100.0 * report.TrainRowsInRepeatedPairs / report.TrainRows:0.0} %) share their pair with another training row"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test rows {report.TestRows}: {report.TestRowsWithSeenPair} ({100.0 * report.TestRowsWithSeenPair / report.TestRows:0.0} %) repeat a training pair; the pair's majority training label agrees with theirs for {100 * report.LabelAgreement:0.0} %"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fraud rate: rows with a seen pair {F(report.FraudRateSeen)}, rows with a new pair {F(report.FraudRateNovel)}"));
            var l = report.Lookup;
            o.WriteLine($"plain look-up of the pair (no model): p@1 {F(l.PrecisionAt1)}  p@2 {F(l.PrecisionAt2)}  p@5 {F(l.PrecisionAt5)}  p@10 {F(l.PrecisionAt10)}  auc {F(l.Auc)}");
            return 0;
        });
        return cmd;
    }

    private static void WriteText(TextWriter o, EvaluationReport r)
    {
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rows {r.Rows}, novel (pair not in training) {r.NovelRows} ({(r.Rows == 0 ? 0 : 100.0 * r.NovelRows / r.Rows):0.0} %)"));
        o.WriteLine("target    subset  rows    rate   p@1    p@2    p@5    p@10   r@1    r@2    r@5    r@10   auc");
        foreach (var (name, t) in new[] { ("fraud", r.Fraud), ("critical", r.Critical) })
        {
            foreach (var (subset, f) in new[] { ("whole", t.Whole), ("novel", t.Novel) })
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-9} {subset,-7} {f.Rows,-7} {F(f.PositiveRate)}  {F(f.PrecisionAt1)}  {F(f.PrecisionAt2)}  {F(f.PrecisionAt5)}  {F(f.PrecisionAt10)}  {F(f.RecallAt1)}  {F(f.RecallAt2)}  {F(f.RecallAt5)}  {F(f.RecallAt10)}  {F(f.Auc)}"));
            }
        }
    }

    private static string F(double v) => double.IsNaN(v) ? "  -  " : v.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>The JSON of `evaluate`: fraud figures at the top level and under "novel"; critical fraud likewise under "critical".</summary>
    private static Dictionary<string, object?> Json(EvaluationReport r)
    {
        Dictionary<string, object?> Figures(SubsetFigures f) => new()
        {
            ["rows"] = f.Rows,
            ["positives"] = f.Positives,
            ["positive_rate"] = N(f.PositiveRate),
            ["precision_at_1"] = N(f.PrecisionAt1),
            ["precision_at_2"] = N(f.PrecisionAt2),
            ["precision_at_5"] = N(f.PrecisionAt5),
            ["precision_at_10"] = N(f.PrecisionAt10),
            ["recall_at_1"] = N(f.RecallAt1),
            ["recall_at_2"] = N(f.RecallAt2),
            ["recall_at_5"] = N(f.RecallAt5),
            ["recall_at_10"] = N(f.RecallAt10),
            ["auc"] = N(f.Auc),
        };
        Dictionary<string, object?> Target(TargetFigures t)
        {
            var d = Figures(t.Whole);
            d["novel"] = Figures(t.Novel);
            return d;
        }
        var doc = new Dictionary<string, object?> { ["target"] = "Fraud" };
        foreach (var (k, v) in Target(r.Fraud))
            doc[k] = v;
        doc["critical"] = Target(r.Critical);
        return doc;
    }

    private static double? N(double v) => double.IsNaN(v) ? null : Math.Round(v, 4);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
