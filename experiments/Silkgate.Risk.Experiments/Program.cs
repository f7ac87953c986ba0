// Third-round experiments on the model for new pairs (docs/risk-model.md). Usage:
//   Silkgate.Risk.Experiments TRAIN.csv VALID.csv VARIANT SEED [SEED ...]
// VARIANT is a kind and comma-separated settings, e.g. binary,lr=0.03 (the log-loss model before the third round),
// binary,lr=0.03,posw=4, rank,group=chunk:500,trunc=0.3,lr=0.1 (the kept LambdaRank model), rank,group=month,...,
// forest, lgbrank,chunk=1000,lr=0.1, lgbbin, blend,w=0.5,group=chunk:1000,trunc=0.15,lr=0.1.
// RISKEXP_BAGS=5 averages that many fold draws instead of the trainer's three.
// RISKEXP_FRAC=0.5 keeps that share of the distinct training pairs (seeded; learning curve).
// Rebuilds the trainer's three distinct-pair fold draws for each seed (cached under $RISKEXP_CACHE, default
// /tmp/riskexp), refits only the new-pair model as VARIANT, averages the draws' raw scores and prints AUC, p@5 and
// p@10 on the validation rows whose pair is new. Validation labels are used for the figures only.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Silkgate.Risk.Model;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var trainPath = args[0];
var validPath = args[1];
var variant = args[2];
var seeds = args.Skip(3).Select(int.Parse).ToArray();
var cache = Environment.GetEnvironmentVariable("RISKEXP_CACHE") ?? "/tmp/riskexp";
Directory.CreateDirectory(cache);
var opt = new RiskTrainingOptions();
// RISKEXP_BAGS: fold draws averaged (default the trainer's); draws 0, 1, 2 are the trainer's whatever the number.
var bags = int.Parse(Environment.GetEnvironmentVariable("RISKEXP_BAGS") ?? opt.NovelDistinctBags.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

IReadOnlyList<RiskDeclaration>? trainRows = null;
IReadOnlyList<RiskDeclaration> AllTrain() => trainRows ??= RiskCsv.Read(trainPath, requireLabels: true);
var frac = double.Parse(Environment.GetEnvironmentVariable("RISKEXP_FRAC") ?? "1", CultureInfo.InvariantCulture);
var subsets = new Dictionary<int, IReadOnlyList<RiskDeclaration>>();
IReadOnlyList<RiskDeclaration> TrainFor(int seed)
{
    if (frac >= 1) return AllTrain();
    if (subsets.TryGetValue(seed, out var sub)) return sub;
    var pairs = AllTrain().Select(FeatureSpace.PairKey).Distinct().Order().ToArray();
    new Random(seed * 31 + 5).Shuffle(pairs);
    var keep = pairs.Take((int)Math.Round(pairs.Length * frac)).ToHashSet();
    return subsets[seed] = [.. AllTrain().Where(r => keep.Contains(FeatureSpace.PairKey(r)))];
}
var tag = frac >= 1 ? "" : $"-f{frac.ToString(CultureInfo.InvariantCulture)}";

var aucs = new List<double>(); var p10s = new List<double>(); var p5s = new List<double>();
foreach (var seed in seeds)
{
    var (vx, vy) = Cached(Path.Combine(cache, $"valid-novel{(frac >= 1 ? "" : tag + "-s" + seed)}.bin"), () =>
    {
        var train = TrainFor(seed);
        var valid = RiskCsv.Read(validPath, requireLabels: true);
        var space = FeatureSpace.Fit(train);
        var full = FeatureSpace.Fit(AllTrain());
        var x = new List<float[]>();
        var y = new List<bool>();
        foreach (var r in valid)
        {
            var f = new float[FeatureSpace.Count];
            space.Compute(r, f);
            if (!full.SeenPair(r)) { x.Add(f); y.Add(r.Fraud == 1); }
        }
        return ([.. x], [.. y]);
    });
    var sum = new double[vx.Length];
    for (var b = 0; b < bags; b++)
    {
        var (x, y) = Cached(Path.Combine(cache, $"draw{tag}-s{seed}-b{b}.bin"), () =>
        {
            var train = TrainFor(seed);
            var draw = FeatureSpace.OutOfFold(train, opt.Folds, seed + 1000 * b, groupByPair: true);
            var order = Enumerable.Range(0, train.Count).ToArray();
            new Random(seed + 1000 * b + 7).Shuffle(order);
            var taken = new HashSet<ulong>();
            int[] rows = [.. order.Where(i => taken.Add(FeatureSpace.PairKey(train[i]))).Order()];
            return ([.. rows.Select(i => draw[i])], [.. rows.Select(i => train[i].Fraud == 1)]);
        });
        var s = Variants.Fit(variant, x, y, seed + 2 + b, seed + 1000 * b, vx);
        for (var i = 0; i < s.Length; i++) sum[i] += s[i];
    }
    var auc = RiskMetrics.RocAuc(sum, vy); var p10 = RiskMetrics.PrecisionAt(sum, vy, 10); var p5 = RiskMetrics.PrecisionAt(sum, vy, 5);
    aucs.Add(auc); p10s.Add(p10); p5s.Add(p5);
    Console.WriteLine($"{variant}\tseed {seed}\tAUC {auc:0.000}\tp@5 {p5:0.000}\tp@10 {p10:0.000}");
}
Console.WriteLine($"{variant}\tmean over {string.Join('/', seeds)}\tAUC {aucs.Average():0.000}\tp@5 {p5s.Average():0.000}\tp@10 {p10s.Average():0.000}\t(p@10 {string.Join(" / ", p10s.Select(p => p.ToString("0.000")))}; AUC {string.Join(" / ", aucs.Select(p => p.ToString("0.000")))})");

static (float[][] X, bool[] Y) Cached(string path, Func<(float[][], bool[])> make)
{
    if (File.Exists(path))
    {
        using var r = new BinaryReader(File.OpenRead(path));
        var n = r.ReadInt32(); var d = r.ReadInt32();
        var x = new float[n][]; var y = new bool[n];
        for (var i = 0; i < n; i++) { x[i] = new float[d]; for (var j = 0; j < d; j++) x[i][j] = r.ReadSingle(); y[i] = r.ReadBoolean(); }
        return (x, y);
    }
    var (mx, my) = make();
    using (var w = new BinaryWriter(File.Create(path + ".tmp")))
    {
        w.Write(mx.Length); w.Write(FeatureSpace.Count);
        for (var i = 0; i < mx.Length; i++) { foreach (var v in mx[i]) w.Write(v); w.Write(my[i]); }
    }
    File.Move(path + ".tmp", path, true);
    return (mx, my);
}

sealed class Row
{
    public float[] Features { get; set; } = [];
    public bool Label { get; set; }
    public float Relevance { get; set; }
    public uint Group { get; set; }
    public float Weight { get; set; } = 1;
}

static class Variants
{
    static readonly RiskTrainingOptions O = new();

    static IDataView Load(MLContext ml, IEnumerable<Row> rows, int groups)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureSpace.Count);
        schema[nameof(Row.Group)].ColumnType = new KeyDataViewType(typeof(uint), Math.Max(1, groups));
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    static double[] Score(MLContext ml, ITransformer model, float[][] vx)
    {
        var data = Load(ml, vx.Select(f => new Row { Features = f, Group = 1 }), 1);
        return [.. model.Transform(data).GetColumn<float>("Score").Select(s => (double)s)];
    }

    static string Arg(string variant, string key, string dflt)
    {
        foreach (var part in variant.Split(','))
        {
            var kv = part.Split('=');
            if (kv[0] == key) return kv.Length > 1 ? kv[1] : "1";
        }
        return dflt;
    }

    public static double[] Fit(string variant, float[][] x, bool[] y, int seed, int drawSeed, float[][] vx)
    {
        var ml = new MLContext(seed);
        var kind = variant.Split(',')[0];
        var trees = int.Parse(Arg(variant, "trees", O.NovelTrees.ToString()));
        var leaves = int.Parse(Arg(variant, "leaves", O.NovelLeaves.ToString()));
        var lr = double.Parse(Arg(variant, "lr", "0.03"), CultureInfo.InvariantCulture); // 0.03: the log-loss model before the third round
        var minLeaf = int.Parse(Arg(variant, "minleaf", O.NovelMinLeafRows.ToString()));
        var ff = double.Parse(Arg(variant, "ff", O.NovelFeatureFraction.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        switch (kind)
        {
            case "binary":
            {
                // posw: weight of fraud rows (1 = the current model)
                var posw = float.Parse(Arg(variant, "posw", "1"), CultureInfo.InvariantCulture);
                var data = Load(ml, x.Select((f, i) => new Row { Features = f, Label = y[i], Weight = y[i] ? posw : 1 }), 1);
                var t = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    NumberOfTrees = trees, NumberOfLeaves = leaves, LearningRate = lr, MinimumExampleCountPerLeaf = minLeaf,
                    FeatureFraction = ff, NumberOfThreads = O.Threads, Seed = seed, FeatureFirstUsePenalty = 0,
                    ExampleWeightColumnName = posw == 1 ? null : nameof(Row.Weight),
                    UnbalancedSets = Arg(variant, "unbalanced", "0") == "1",
                });
                return Score(ml, t.Fit(data), vx);
            }
            case "rank":
            {
                // group=chunk:N (random chunks of N rows, seeded by the draw), group=hs2, group=month, group=one
                var g = Arg(variant, "group", "chunk:1000");
                var trunc = Arg(variant, "trunc", "0.15");
                var n = x.Length;
                var groupOf = new int[n];
                int groups;
                if (g.StartsWith("chunk:"))
                {
                    var size = int.Parse(g[6..]);
                    var order = Enumerable.Range(0, n).ToArray();
                    new Random(drawSeed + 11).Shuffle(order);
                    for (var i = 0; i < n; i++) groupOf[order[i]] = i / size;
                    groups = (n + size - 1) / size;
                }
                else if (g == "one") { groups = 1; }
                else
                {
                    var idx = FeatureSpace.Names.ToList().IndexOf(g);
                    if (idx < 0) throw new ArgumentException($"no feature {g}");
                    var map = new Dictionary<float, int>();
                    for (var i = 0; i < n; i++) { if (!map.TryGetValue(x[i][idx], out var k)) map[x[i][idx]] = k = map.Count; groupOf[i] = k; }
                    groups = map.Count;
                }
                var sizes = new int[groups];
                foreach (var k in groupOf) sizes[k]++;
                var level = trunc.EndsWith('n') ? int.Parse(trunc[..^1]) : (int)Math.Ceiling(double.Parse(trunc, CultureInfo.InvariantCulture) * sizes.Max());
                var rows = Enumerable.Range(0, n).OrderBy(i => groupOf[i]).ThenBy(i => i)
                    .Select(i => new Row { Features = x[i], Relevance = y[i] ? 1 : 0, Group = (uint)groupOf[i] + 1 });
                var data = Load(ml, rows, groups);
                var t = ml.Ranking.Trainers.FastTree(new FastTreeRankingTrainer.Options
                {
                    LabelColumnName = nameof(Row.Relevance), RowGroupColumnName = nameof(Row.Group),
                    NumberOfTrees = trees, NumberOfLeaves = leaves, LearningRate = lr, MinimumExampleCountPerLeaf = minLeaf,
                    FeatureFraction = ff, NumberOfThreads = O.Threads, Seed = seed, FeatureFirstUsePenalty = 0,
                    NdcgTruncationLevel = level,
                });
                return Score(ml, t.Fit(data), vx);
            }
            case "forest":
            {
                var data = Load(ml, x.Select((f, i) => new Row { Features = f, Label = y[i] }), 1);
                var t = ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
                {
                    NumberOfTrees = int.Parse(Arg(variant, "trees", "100")), NumberOfLeaves = int.Parse(Arg(variant, "leaves", "32")),
                    MinimumExampleCountPerLeaf = int.Parse(Arg(variant, "minleaf", "50")),
                    FeatureFraction = 1, FeatureFractionPerSplit = double.Parse(Arg(variant, "ffs", "0.3"), CultureInfo.InvariantCulture),
                    BaggingExampleFraction = double.Parse(Arg(variant, "bag", "0.7"), CultureInfo.InvariantCulture), BaggingSize = 1,
                    NumberOfThreads = O.Threads, Seed = seed, FeatureFirstUsePenalty = 0,
                });
                return Score(ml, t.Fit(data), vx);
            }
            case "lgbrank":
            {
                var size = int.Parse(Arg(variant, "chunk", "1000"));
                var n = x.Length;
                var groupOf = new int[n];
                var order = Enumerable.Range(0, n).ToArray();
                new Random(drawSeed + 11).Shuffle(order);
                for (var i = 0; i < n; i++) groupOf[order[i]] = i / size;
                var groups = (n + size - 1) / size;
                var rows = Enumerable.Range(0, n).OrderBy(i => groupOf[i]).ThenBy(i => i)
                    .Select(i => new Row { Features = x[i], Relevance = y[i] ? 1 : 0, Group = (uint)groupOf[i] + 1 });
                var data = Load(ml, rows, groups);
                var t = ml.Ranking.Trainers.LightGbm(new LightGbmRankingTrainer.Options
                {
                    LabelColumnName = nameof(Row.Relevance), RowGroupColumnName = nameof(Row.Group),
                    NumberOfIterations = trees, NumberOfLeaves = leaves, LearningRate = lr, MinimumExampleCountPerLeaf = minLeaf,
                    NumberOfThreads = O.Threads, Seed = seed, Verbose = false, Silent = true,
                    Booster = new GradientBooster.Options { FeatureFraction = ff },
                });
                return Score(ml, t.Fit(data), vx);
            }
            case "lgbbin":
            {
                var data = Load(ml, x.Select((f, i) => new Row { Features = f, Label = y[i] }), 1);
                var t = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
                {
                    NumberOfIterations = trees, NumberOfLeaves = leaves, LearningRate = lr, MinimumExampleCountPerLeaf = minLeaf,
                    NumberOfThreads = O.Threads, Seed = seed, Verbose = false, Silent = true,
                    Booster = new GradientBooster.Options { FeatureFraction = ff },
                });
                return Score(ml, t.Fit(data), vx);
            }
            case "blend":
            {
                // w · ranker + (1 − w) · binary, each raw score divided by its standard deviation on the training rows
                var w = double.Parse(Arg(variant, "w", "0.5"), CultureInfo.InvariantCulture);
                var rankVariant = "rank," + string.Join(',', variant.Split(',').Skip(1).Where(p => !p.StartsWith("w=") && !p.StartsWith("blr=")));
                var binVariant = "binary,lr=" + Arg(variant, "blr", "0.03");
                var both = x.Concat(vx).ToArray();
                var r = Fit(rankVariant, x, y, seed, drawSeed, both);
                var bz = Fit(binVariant, x, y, seed, drawSeed, both);
                double Sd(double[] a) { var m = a.Take(x.Length).Average(); return Math.Sqrt(a.Take(x.Length).Select(v => (v - m) * (v - m)).Average()); }
                double sr = Sd(r), sb = Sd(bz);
                return [.. Enumerable.Range(x.Length, vx.Length).Select(i => w * r[i] / sr + (1 - w) * bz[i] / sb)];
            }
            case "rblend":
            {
                // w · rank of the forest + (1 − w) · rank of the other model (base=binary: log-loss lr 0.03, or
                // base=rank: the kept LambdaRank model), ranks taken within the scored rows, per draw
                var w = double.Parse(Arg(variant, "w", "0.5"), CultureInfo.InvariantCulture);
                var other = Arg(variant, "base", "binary") == "rank" ? "rank,group=chunk:500,trunc=0.3,lr=0.1" : "binary,lr=0.03";
                var f = Fit("forest", x, y, seed, drawSeed, vx);
                var o = Fit(other, x, y, seed, drawSeed, vx);
                double[] Ranks(double[] a) { var r = new double[a.Length]; var idx = Enumerable.Range(0, a.Length).OrderBy(i => a[i]).ThenBy(i => i).ToArray(); for (var k = 0; k < idx.Length; k++) r[idx[k]] = (double)k / a.Length; return r; }
                var rf = Ranks(f); var ro = Ranks(o);
                return [.. Enumerable.Range(0, vx.Length).Select(i => w * rf[i] + (1 - w) * ro[i])];
            }
            default: throw new ArgumentException($"unknown variant {kind}");
        }
    }
}
