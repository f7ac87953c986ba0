using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Silkgate.Common;

namespace Silkgate.Risk.Model;

/// <summary>Training settings (the defaults were tuned on the validation file only).</summary>
public sealed record RiskTrainingOptions
{
    [JsonPropertyName("seed")] public int Seed { get; init; } = 42;

    /// <summary>Folds of the out-of-fold target encoding of the training rows.</summary>
    [JsonPropertyName("folds")] public int Folds { get; init; } = 5;

    [JsonPropertyName("trees")] public int Trees { get; init; } = 200;

    [JsonPropertyName("leaves")] public int Leaves { get; init; } = 31;

    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 0.1;

    [JsonPropertyName("min_leaf_rows")] public int MinLeafRows { get; init; } = 20;

    [JsonPropertyName("feature_fraction")] public double FeatureFraction { get; init; } = 0.8;

    [JsonPropertyName("critical_trees")] public int CriticalTrees { get; init; } = 200;

    /// <summary>Trees of the model for rows whose pair is new (trained on the rows whose pair no other fold holds).</summary>
    [JsonPropertyName("novel_trees")] public int NovelTrees { get; init; } = 250;

    [JsonPropertyName("novel_leaves")] public int NovelLeaves { get; init; } = 8;

    [JsonPropertyName("novel_learning_rate")] public double NovelLearningRate { get; init; } = 0.1;

    /// <summary>
    /// What the model for new pairs optimises: <c>lambdarank</c> (FastTree ranking, LambdaRank on NDCG at the top of
    /// random queries of <see cref="NovelQueryRows"/> training rows; Platt calibration fitted afterwards on its
    /// training rows) or <c>logloss</c> (FastTree binary, the model before the third round, which used learning rate
    /// 0.03).
    /// </summary>
    [JsonPropertyName("novel_objective")] public string NovelObjective { get; init; } = NovelObjectives.LambdaRank;

    /// <summary>Rows per query of the ranking objective (a seeded random split of each draw's training rows).</summary>
    [JsonPropertyName("novel_query_rows")] public int NovelQueryRows { get; init; } = 500;

    /// <summary>NDCG truncation of the ranking objective, as a share of a query's rows.</summary>
    [JsonPropertyName("novel_ndcg_share")] public double NovelNdcgShare { get; init; } = 0.3;

    [JsonPropertyName("novel_min_leaf_rows")] public int NovelMinLeafRows { get; init; } = 50;

    /// <summary>
    /// Further fold draws averaged by the model for new pairs, each trained on one row per distinct training pair
    /// with encodings from folds grouped by pair (no row sees its own pair), instead of on the rows whose pair no
    /// other fold holds.
    /// </summary>
    [JsonPropertyName("novel_distinct_bags")] public int NovelDistinctBags { get; init; } = 3;

    /// <summary>Share of features each tree of the model for new pairs may use.</summary>
    [JsonPropertyName("novel_feature_fraction")] public double NovelFeatureFraction { get; init; } = 0.8;

    /// <summary>Fold draws averaged by the model for new pairs, each trained on the rows whose pair no other fold holds.</summary>
    [JsonPropertyName("novel_bags")] public int NovelBags { get; init; }

    [JsonPropertyName("threads")] public int Threads { get; init; } = 2;
}

/// <summary>Objectives of the model for new pairs (<see cref="RiskTrainingOptions.NovelObjective"/>).</summary>
public static class NovelObjectives
{
    public const string LambdaRank = "lambdarank";

    public const string LogLoss = "logloss";
}

/// <summary>Trains a <see cref="RiskModel"/>: features fitted on the training rows, ML.NET FastTree for fraud and for critical fraud.</summary>
public static class RiskTrainer
{
    /// <summary>Progress lines (for the CLI); may be null.</summary>
    public static RiskModel Train(string trainPath, string? validPath, RiskTrainingOptions options, Action<string>? log = null)
    {
        var train = RiskCsv.Read(trainPath, requireLabels: true);
        var valid = validPath is null ? null : RiskCsv.Read(validPath, requireLabels: true);
        var model = Train(train, valid, options, log);
        return model.WithInfo(model.Info with
        {
            Train = Describe(trainPath, train),
            Valid = validPath is null || valid is null ? null : Describe(validPath, valid),
        });
    }

    /// <summary>Trains on labelled rows; when <paramref name="valid"/> is given its figures are stored in the model.</summary>
    public static RiskModel Train(IReadOnlyList<RiskDeclaration> train, IReadOnlyList<RiskDeclaration>? valid, RiskTrainingOptions options, Action<string>? log = null)
    {
        var clock = Stopwatch.StartNew();
        Check(train, options);
        var features = FeatureSpace.Fit(train);
        var oof = FeatureSpace.OutOfFold(train, options.Folds, options.Seed);
        log?.Invoke($"features: {FeatureSpace.Count} per row, {train.Count} training rows ({clock.Elapsed.TotalSeconds:0.0} s)");
        var fraudLabels = train.Select(r => r.Fraud == 1).ToArray();
        var fraud = Fit(oof, fraudLabels, options, options.Trees, options.Seed, out var fraudMl);
        log?.Invoke($"fraud model: {fraud.TreeCount} trees ({clock.Elapsed.TotalSeconds:0.0} s)");
        // Rows whose exact pair no other fold holds look, to their features, like a new declaration whose pair was
        // never seen: the model for new pairs learns from them alone, without memorised pairs to lean on. Which rows
        // those are depends on the fold draw, so the model for new pairs averages several draws (bagging).
        var novelOptions = options with { Leaves = options.NovelLeaves, LearningRate = options.NovelLearningRate, MinLeafRows = options.NovelMinLeafRows, FeatureFraction = options.NovelFeatureFraction };
        var members = new List<TreeEnsemble>();
        byte[] fraudNovelMl = [];
        for (var b = 0; b < options.NovelBags + options.NovelDistinctBags; b++)
        {
            float[][] draw;
            int[] novelRows;
            var distinct = b >= options.NovelBags;
            if (distinct)
            {
                draw = FeatureSpace.OutOfFold(train, options.Folds, options.Seed + 1000 * b, groupByPair: true);
                var order = Enumerable.Range(0, train.Count).ToArray();
                new Random(options.Seed + 1000 * b + 7).Shuffle(order);
                var taken = new HashSet<ulong>();
                novelRows = [.. order.Where(i => taken.Add(FeatureSpace.PairKey(train[i]))).Order()];
            }
            else
            {
                draw = b == 0 ? oof : FeatureSpace.OutOfFold(train, options.Folds, options.Seed + 1000 * b);
                novelRows = [.. Enumerable.Range(0, train.Count).Where(i => draw[i][FeatureSpace.PairCountIndex] == 0)];
            }
            if (novelRows.Select(i => fraudLabels[i]).Distinct().Count() < 2)
                throw new SilkgateException(RiskErrors.CannotTrain, "the training rows whose pair is unique have a single Fraud class: a model for new pairs needs both");
            float[][] nx = [.. novelRows.Select(i => draw[i])];
            bool[] ny = [.. novelRows.Select(i => fraudLabels[i])];
            byte[] saved;
            members.Add(options.NovelObjective == NovelObjectives.LambdaRank
                ? FitRanking(nx, ny, novelOptions, options.NovelTrees, options.Seed + 2 + b, options.Seed + 1000 * b + 11, out saved)
                : Fit(nx, ny, novelOptions, options.NovelTrees, options.Seed + 2 + b, out saved));
            if (b == 0)
                fraudNovelMl = saved;
            log?.Invoke($"fraud model for new pairs, draw {b + 1}/{options.NovelBags + options.NovelDistinctBags}{(distinct ? " (distinct pairs)" : "")}: {options.NovelTrees} trees on {novelRows.Length} rows ({clock.Elapsed.TotalSeconds:0.0} s)");
        }
        var fraudNovel = TreeEnsemble.Average(members);
        var critical = Fit(oof, train.Select(r => r.IsCritical).ToArray(), options, options.CriticalTrees, options.Seed + 1, out var criticalMl);
        log?.Invoke($"critical fraud model: {critical.TreeCount} trees ({clock.Elapsed.TotalSeconds:0.0} s)");
        var info = new RiskModelInfo
        {
            Format = RiskModel.FormatName,
            FormatVersion = RiskModel.FormatVersion,
            Trainer = options.NovelObjective == NovelObjectives.LambdaRank
                ? "ML.NET FastTree: fraud for seen pairs and critical fraud (binary, Platt-calibrated), fraud for new pairs (LambdaRank on random queries, Platt calibration fitted on its training rows); out-of-fold target encodings"
                : "ML.NET FastTree (binary, Platt-calibrated): fraud for seen pairs, fraud for new pairs, critical fraud; out-of-fold target encodings",
            SilkgateVersion = typeof(RiskTrainer).Assembly.GetName().Version?.ToString() ?? "",
            TrainedAtUtc = DateTimeOffset.UtcNow,
            Seed = options.Seed,
            Parameters = options,
            Features = FeatureSpace.Names,
            Train = new DataFileInfo { Rows = train.Count, FraudRate = train.Average(r => r.Fraud ?? 0), CriticalRate = train.Average(r => r.IsCritical ? 1.0 : 0.0) },
        };
        var model = new RiskModel(features, fraud, fraudNovel, critical, info);
        model = model.WithInfo(info with
        {
            TrainingSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Validation = valid is null ? null : model.Evaluate(valid),
        });
        model = valid is null
            ? model.WithReference(train, $"training rows ({train.Count})")
            : model.WithReference(valid, $"validation rows ({valid.Count}): their fraud scores only, never their labels");
        model.MlNetModels = new Dictionary<string, byte[]> { ["fraud.mlnet.zip"] = fraudMl, ["fraud-novel-1.mlnet.zip"] = fraudNovelMl, ["critical.mlnet.zip"] = criticalMl };
        return model;
    }

    private static void Check(IReadOnlyList<RiskDeclaration> train, RiskTrainingOptions options)
    {
        if (options.NovelObjective is not (NovelObjectives.LambdaRank or NovelObjectives.LogLoss))
            throw new SilkgateException(RiskErrors.BadOption, $"the objective of the model for new pairs must be {NovelObjectives.LambdaRank} or {NovelObjectives.LogLoss}");
        if (options.NovelQueryRows < 2 || options.NovelNdcgShare is <= 0 or > 1)
            throw new SilkgateException(RiskErrors.BadOption, "queries of the ranking objective need at least 2 rows and an NDCG share in (0, 1]");
        if (options.Folds < 2 || options.Trees < 1 || options.CriticalTrees < 1 || options.NovelTrees < 1 || options.NovelBags < 0 || options.NovelDistinctBags < 0 || options.NovelBags + options.NovelDistinctBags < 1 || options.Leaves < 2 || options.NovelLeaves < 2)
            throw new SilkgateException(RiskErrors.BadOption, "training needs at least 2 folds, 1 tree and 2 leaves");
        if (train.Count < options.Folds * 10)
            throw new SilkgateException(RiskErrors.CannotTrain, $"too few training rows ({train.Count}) for {options.Folds} folds");
        var fraud = train.Count(r => r.Fraud == 1);
        if (fraud == 0 || fraud == train.Count)
            throw new SilkgateException(RiskErrors.CannotTrain, "the training rows have a single Fraud class: a model needs both");
    }

    private static DataFileInfo Describe(string path, IReadOnlyList<RiskDeclaration> rows)
    {
        using var s = File.OpenRead(path);
        return new DataFileInfo
        {
            File = Path.GetFileName(path),
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(s)),
            Rows = rows.Count,
            FraudRate = rows.Average(r => r.Fraud ?? 0),
            CriticalRate = rows.Average(r => r.IsCritical ? 1.0 : 0.0),
        };
    }

    private sealed class Example
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class RankedExample
    {
        public float[] Features { get; set; } = [];

        public float Relevance { get; set; }

        public uint Query { get; set; }
    }

    private sealed class ScoredExample
    {
        public float Score { get; set; }

        public bool Label { get; set; }
    }

    /// <summary>
    /// The model for new pairs as a ranker: LambdaRank on queries of <see cref="RiskTrainingOptions.NovelQueryRows"/>
    /// rows drawn at random (seeded by <paramref name="querySeed"/>), NDCG truncated at
    /// <see cref="RiskTrainingOptions.NovelNdcgShare"/> of a query, so that the trees spend themselves on the top of
    /// the ranking, which is what inspection reads. The ranker's scores are then mapped to probabilities by a Platt
    /// calibration fitted on its training rows (increasing in the raw score: it never reorders).
    /// </summary>
    private static TreeEnsemble FitRanking(float[][] x, bool[] y, RiskTrainingOptions o, int trees, int seed, int querySeed, out byte[] saved)
    {
        var ml = new MLContext(seed);
        var n = x.Length;
        var order = Enumerable.Range(0, n).ToArray();
        new Random(querySeed).Shuffle(order);
        var query = new int[n];
        for (var i = 0; i < n; i++)
            query[order[i]] = i / o.NovelQueryRows;
        var queries = (n + o.NovelQueryRows - 1) / o.NovelQueryRows;
        var schema = SchemaDefinition.Create(typeof(RankedExample));
        schema[nameof(RankedExample.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureSpace.Count);
        schema[nameof(RankedExample.Query)].ColumnType = new KeyDataViewType(typeof(uint), queries);
        // A query's rows must be contiguous.
        var data = ml.Data.LoadFromEnumerable(
            Enumerable.Range(0, n).OrderBy(i => query[i]).ThenBy(i => i)
                .Select(i => new RankedExample { Features = x[i], Relevance = y[i] ? 1 : 0, Query = (uint)query[i] + 1 }),
            schema);
        var trainer = ml.Ranking.Trainers.FastTree(Trees(new FastTreeRankingTrainer.Options
        {
            LabelColumnName = nameof(RankedExample.Relevance),
            RowGroupColumnName = nameof(RankedExample.Query),
            NdcgTruncationLevel = (int)Math.Ceiling(o.NovelNdcgShare * Math.Min(o.NovelQueryRows, n)),
        }, o, trees, seed));
        var fitted = trainer.Fit(data);
        saved = Saved(ml, fitted, data.Schema);
        var raw = TreeEnsemble.From(fitted.Model.TrainedTreeEnsemble, 0, 0, x);
        var scored = ml.Data.LoadFromEnumerable(x.Select((f, i) => new ScoredExample { Score = (float)raw.Raw(f), Label = y[i] }));
        var platt = ((ISingleFeaturePredictionTransformer<PlattCalibrator>)ml.BinaryClassification.Calibrators.Platt(nameof(ScoredExample.Label), nameof(ScoredExample.Score)).Fit(scored)).Model;
        if (!(platt.Slope < 0))
            throw new SilkgateException(RiskErrors.CannotTrain, "the ranking of new pairs does not rise with fraud in its own training rows: it cannot be calibrated");
        return TreeEnsemble.From(fitted.Model.TrainedTreeEnsemble, platt.Slope, platt.Offset, x);
    }

    private static TreeEnsemble Fit(float[][] x, bool[] y, RiskTrainingOptions o, int trees, int seed, out byte[] saved)
    {
        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(Example));
        schema[nameof(Example.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureSpace.Count);
        var data = ml.Data.LoadFromEnumerable(x.Select((f, i) => new Example { Features = f, Label = y[i] }), schema);
        var trainer = ml.BinaryClassification.Trainers.FastTree(Trees(new FastTreeBinaryTrainer.Options(), o, trees, seed));
        var fitted = trainer.Fit(data);
        saved = Saved(ml, fitted, data.Schema);
        var calibrated = (CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>)fitted.Model;
        return TreeEnsemble.From(calibrated.SubModel.TrainedTreeEnsemble, calibrated.Calibrator.Slope, calibrated.Calibrator.Offset, x);
    }

    /// <summary>The tree settings both objectives share, set on a trainer's options.</summary>
    private static T Trees<T>(T options, RiskTrainingOptions o, int trees, int seed)
        where T : BoostedTreeOptions
    {
        options.NumberOfTrees = trees;
        options.NumberOfLeaves = o.Leaves;
        options.LearningRate = o.LearningRate;
        options.MinimumExampleCountPerLeaf = o.MinLeafRows;
        options.FeatureFraction = o.FeatureFraction;
        options.NumberOfThreads = o.Threads;
        options.Seed = seed;
        options.FeatureFirstUsePenalty = 0;
        return options;
    }

    /// <summary>ML.NET's own saved model, kept in the model file for audit.</summary>
    private static byte[] Saved(MLContext ml, ITransformer fitted, DataViewSchema schema)
    {
        using var stream = new MemoryStream();
        ml.Model.Save(fitted, schema, stream);
        return stream.ToArray();
    }
}
