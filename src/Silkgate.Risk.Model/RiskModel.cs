using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Silkgate.Common;

namespace Silkgate.Risk.Model;

/// <summary>A declaration's risk: probabilities of fraud and of critical fraud, its percentile, and whether its pair is new.</summary>
/// <param name="Fraud">Probability of <c>Fraud</c> = 1 (Platt-calibrated on the training rows).</param>
/// <param name="Critical">Probability of <c>Critical Fraud</c> = 2.</param>
/// <param name="NovelPair">True when the exact (net mass, item price) pair never occurred in the training rows.</param>
/// <param name="Percentile">Share of the model's reference population (<see cref="RiskModelInfo.ReferencePopulation"/>)
/// whose fraud score is at most this one, in [0, 1]: inspecting rows with a percentile above 0.95 inspects about 5 %.</param>
public readonly record struct RiskScore(double Fraud, double Critical, bool NovelPair, double Percentile);

/// <summary>A reason shown to an officer: a feature, its value, and how far it moved the fraud score (log-odds).</summary>
public sealed record RiskReason(string Feature, string Meaning, double Value, double Contribution)
{
    public override string ToString() =>
        $"{Feature}={Value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} ({(Contribution >= 0 ? "+" : "")}{Contribution.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)})";
}

/// <summary>Where a model came from and how it did on validation: stored in the model file as meta.json.</summary>
public sealed record RiskModelInfo
{
    [JsonPropertyName("format")] public string Format { get; init; } = "";

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; }

    [JsonPropertyName("trainer")] public string Trainer { get; init; } = "";

    [JsonPropertyName("silkgate_version")] public string SilkgateVersion { get; init; } = "";

    [JsonPropertyName("trained_at_utc")] public DateTimeOffset TrainedAtUtc { get; init; }

    [JsonPropertyName("training_seconds")] public double TrainingSeconds { get; init; }

    [JsonPropertyName("seed")] public int Seed { get; init; }

    [JsonPropertyName("parameters")] public RiskTrainingOptions Parameters { get; init; } = new();

    [JsonPropertyName("train")] public DataFileInfo? Train { get; init; }

    [JsonPropertyName("valid")] public DataFileInfo? Valid { get; init; }

    [JsonPropertyName("features")] public IReadOnlyList<string> Features { get; init; } = [];

    [JsonPropertyName("validation")] public EvaluationReport? Validation { get; init; }

    /// <summary>The rows whose fraud scores percentiles are taken against (the validation file's, else the training rows').</summary>
    [JsonPropertyName("reference_population")] public string ReferencePopulation { get; init; } = "";
}

/// <summary>A data file a model was trained or validated on: name, SHA-256 of its bytes, rows, label rates.</summary>
public sealed record DataFileInfo
{
    [JsonPropertyName("file")] public string File { get; init; } = "";

    [JsonPropertyName("sha256")] public string Sha256 { get; init; } = "";

    [JsonPropertyName("rows")] public int Rows { get; init; }

    [JsonPropertyName("fraud_rate")] public double FraudRate { get; init; }

    [JsonPropertyName("critical_rate")] public double CriticalRate { get; init; }
}

/// <summary>
/// A trained risk targeting model: load it once, then score declarations (thread-safe, no I/O). The file is a zip
/// holding meta.json (<see cref="RiskModelInfo"/>), the feature statistics fitted on the training rows, the two
/// tree ensembles (fraud for rows whose pair training saw, fraud for new pairs, critical fraud) in a flat form, and ML.NET's own saved models for audit.
/// </summary>
public sealed class RiskModel
{
    public const string FormatName = "silkgate-risk-model";

    /// <summary>Bumped whenever features or the file layout change: older files are refused (SG-RISK-009).</summary>
    public const int FormatVersion = 1;

    private readonly FeatureSpace _features;
    private readonly TreeEnsemble _fraud;
    private readonly TreeEnsemble _fraudNovel;
    private readonly TreeEnsemble _critical;
    private readonly double[] _reference;

    public RiskModelInfo Info { get; }

    /// <summary>The fraud ensemble for rows whose pair training saw (for tests).</summary>
    internal TreeEnsemble FraudTrees => _fraud;

    /// <summary>The fraud ensemble for new pairs (for tests).</summary>
    internal TreeEnsemble FraudNovelTrees => _fraudNovel;

    /// <summary>The critical fraud ensemble (for tests).</summary>
    internal TreeEnsemble CriticalTrees => _critical;

    /// <summary>The feature names, in the order of the model's feature vector.</summary>
    public static IReadOnlyList<string> FeatureNames => FeatureSpace.Names;

    internal RiskModel(FeatureSpace features, TreeEnsemble fraud, TreeEnsemble fraudNovel, TreeEnsemble critical, RiskModelInfo info, double[]? reference = null)
    {
        _reference = reference ?? [];
        _features = features;
        _fraud = fraud;
        _fraudNovel = fraudNovel;
        _critical = critical;
        Info = info;
    }

    internal RiskModel WithInfo(RiskModelInfo info) => new(_features, _fraud, _fraudNovel, _critical, info, _reference) { MlNetModels = MlNetModels };

    /// <summary>The model with its reference population's fraud scores (sorted), for percentiles.</summary>
    internal RiskModel WithReference(IReadOnlyList<RiskDeclaration> population, string description)
    {
        var scores = Score(population).Select(s => s.Fraud).ToArray();
        Array.Sort(scores);
        // At most 20,000 points, evenly spaced in rank: percentiles stay exact to 0.005 %.
        if (scores.Length > MaxReference)
            scores = [.. Enumerable.Range(0, MaxReference).Select(i => scores[(int)((long)i * (scores.Length - 1) / (MaxReference - 1))])];
        return new RiskModel(_features, _fraud, _fraudNovel, _critical, Info with { ReferencePopulation = description }, scores) { MlNetModels = MlNetModels };
    }

    private const int MaxReference = 20_000;

    /// <summary>Share of the reference population whose fraud score is at most <paramref name="fraudScore"/> (0 without one).</summary>
    public double Percentile(double fraudScore)
    {
        if (_reference.Length == 0)
            return 0;
        int lo = 0, hi = _reference.Length; // first index with a score above fraudScore
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_reference[mid] <= fraudScore)
                lo = mid + 1;
            else
                hi = mid;
        }
        return (double)lo / _reference.Length;
    }

    /// <summary>ML.NET's own saved models (written into the file beside the flat trees, for audit).</summary>
    internal IReadOnlyDictionary<string, byte[]> MlNetModels { get; set; } = new Dictionary<string, byte[]>();

    /// <summary>Scores one declaration.</summary>
    public RiskScore Score(RiskDeclaration declaration)
    {
        Span<float> x = stackalloc float[FeatureSpace.Count];
        return Score(declaration, x);
    }

    private RiskScore Score(RiskDeclaration declaration, Span<float> x)
    {
        _features.Compute(declaration, x);
        var novel = x[FeatureSpace.PairCountIndex] == 0;
        var fraud = (novel ? _fraudNovel : _fraud).Probability(x);
        return new RiskScore(fraud, _critical.Probability(x), novel, Percentile(fraud));
    }

    /// <summary>Scores many declarations, in order; the same scores as one by one, to the bit.</summary>
    public RiskScore[] Score(IReadOnlyList<RiskDeclaration> declarations)
    {
        var scores = new RiskScore[declarations.Count];
        var buffers = new ChunkBuffers();
        for (var first = 0; first < scores.Length; first += ChunkRows)
            ScoreChunk(declarations, first, buffers, scores);
        return scores;
    }

    /// <summary>Scores many declarations on up to <paramref name="threads"/> threads, a chunk of rows each: the same scores, in order.</summary>
    public RiskScore[] Score(IReadOnlyList<RiskDeclaration> declarations, int threads)
    {
        if (threads <= 1)
            return Score(declarations);
        var scores = new RiskScore[declarations.Count];
        var chunks = (scores.Length + ChunkRows - 1) / ChunkRows;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new ChunkBuffers(),
            (chunk, _, buffers) =>
            {
                ScoreChunk(declarations, chunk * ChunkRows, buffers, scores);
                return buffers;
            },
            _ => { });
        return scores;
    }

    /// <summary>Rows whose features are held at once while scoring many: a multiple of the trees' block.</summary>
    private const int ChunkRows = 32 * TreeEnsemble.BlockRows;

    private static readonly int[] EveryRowOfAChunk = [.. Enumerable.Range(0, ChunkRows)];

    /// <summary>What scoring a chunk needs besides the model, reused from chunk to chunk by one thread.</summary>
    private sealed class ChunkBuffers
    {
        public readonly float[] Features = new float[ChunkRows * FeatureSpace.Count];
        public readonly double[] FraudRaw = new double[ChunkRows];
        public readonly double[] CriticalRaw = new double[ChunkRows];
        public readonly int[] Seen = new int[ChunkRows];
        public readonly int[] Novel = new int[ChunkRows];
    }

    /// <summary>
    /// Scores up to <see cref="ChunkRows"/> rows from <paramref name="first"/> into <paramref name="scores"/>: their
    /// features, then each ensemble over the rows it scores (seen pairs, new pairs, all for critical fraud) in blocks.
    /// </summary>
    private void ScoreChunk(IReadOnlyList<RiskDeclaration> declarations, int first, ChunkBuffers b, RiskScore[] scores)
    {
        var stride = FeatureSpace.Count;
        var n = Math.Min(ChunkRows, declarations.Count - first);
        int seenCount = 0, novelCount = 0;
        for (var i = 0; i < n; i++)
        {
            var row = b.Features.AsSpan(i * stride, stride);
            _features.Compute(declarations[first + i], row);
            if (row[FeatureSpace.PairCountIndex] == 0)
                b.Novel[novelCount++] = i;
            else
                b.Seen[seenCount++] = i;
        }
        _fraud.RawOfRows(b.Features, stride, b.Seen.AsSpan(0, seenCount), b.FraudRaw);
        _fraudNovel.RawOfRows(b.Features, stride, b.Novel.AsSpan(0, novelCount), b.FraudRaw);
        _critical.RawOfRows(b.Features, stride, EveryRowOfAChunk.AsSpan(0, n), b.CriticalRaw);
        for (var i = 0; i < n; i++)
        {
            var novel = b.Features[i * stride + FeatureSpace.PairCountIndex] == 0;
            var fraud = (novel ? _fraudNovel : _fraud).Calibrate(b.FraudRaw[i]);
            scores[first + i] = new RiskScore(fraud, _critical.Calibrate(b.CriticalRaw[i]), novel, Percentile(fraud));
        }
    }

    /// <summary>The features that pushed this declaration's fraud score up the most (largest contribution first).</summary>
    public IReadOnlyList<RiskReason> Explain(RiskDeclaration declaration, int top = 3)
    {
        var x = new float[FeatureSpace.Count];
        _features.Compute(declaration, x);
        var contributions = new double[x.Length];
        var trees = x[FeatureSpace.PairCountIndex] == 0 ? _fraudNovel : _fraud;
        trees.Contributions(x, contributions);
        // Raw score units to log-odds: the Platt calibration is log-odds = -(slope · raw + offset).
        for (var i = 0; i < contributions.Length; i++)
            contributions[i] *= -trees.Slope;
        return Enumerable.Range(0, x.Length)
            .Where(i => contributions[i] > 0)
            .OrderByDescending(i => contributions[i]).ThenBy(i => i)
            .Take(top)
            .Select(i => new RiskReason(FeatureSpace.Names[i], FeatureSpace.Meaning(FeatureSpace.Names[i]), x[i], contributions[i]))
            .ToList();
    }

    /// <summary>The model's features of one declaration (for audit and tests).</summary>
    public float[] Features(RiskDeclaration declaration)
    {
        var x = new float[FeatureSpace.Count];
        _features.Compute(declaration, x);
        return x;
    }

    /// <summary>Fraud and critical fraud figures, whole and novel, on labelled rows.</summary>
    public EvaluationReport Evaluate(IReadOnlyList<RiskDeclaration> labelled) => EvaluationReport.Of(labelled, Score(labelled));

    // ---- the file ----

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Save(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        var tmp = path + ".tmp";
        using (var file = File.Create(tmp))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            using (var meta = zip.CreateEntry("meta.json").Open())
                JsonSerializer.Serialize(meta, Info, Json);
            Binary(zip, "features.bin", _features.Write);
            Binary(zip, "fraud.trees", _fraud.Write);
            Binary(zip, "fraud-novel.trees", _fraudNovel.Write);
            Binary(zip, "critical.trees", _critical.Write);
            Binary(zip, "reference.bin", w =>
            {
                w.Write(_reference.Length);
                foreach (var v in _reference)
                    w.Write(v);
            });
            foreach (var (name, bytes) in MlNetModels)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(bytes);
            }
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static void Binary(ZipArchive zip, string name, Action<BinaryWriter> write)
    {
        using var s = zip.CreateEntry(name).Open();
        using var w = new BinaryWriter(s);
        write(w);
    }

    /// <summary>Loads a model file; refuses files that are not risk models (SG-RISK-008) or of another version (SG-RISK-009).</summary>
    public static RiskModel Load(string path)
    {
        if (!File.Exists(path))
            throw new SilkgateException("SG-IO-001", $"model file not found: {path}");
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var metaEntry = zip.GetEntry("meta.json") ?? throw Bad(path, "it has no meta.json");
            string metaText;
            using (var s = new StreamReader(metaEntry.Open()))
                metaText = s.ReadToEnd();
            var info = JsonSerializer.Deserialize<RiskModelInfo>(metaText, Json) ?? throw Bad(path, "meta.json is empty");
            // Files written before the ranking objective existed trained their model for new pairs on log-loss.
            if (JsonNode.Parse(metaText)?["parameters"] is JsonObject parameters && !parameters.ContainsKey("novel_objective"))
                info = info with { Parameters = info.Parameters with { NovelObjective = NovelObjectives.LogLoss } };
            if (info.Format != FormatName)
                throw Bad(path, $"its format is '{info.Format}'");
            if (info.FormatVersion != FormatVersion)
                throw new SilkgateException(RiskErrors.ModelVersion,
                    $"{Path.GetFileName(path)} is a risk model of format version {info.FormatVersion} ({info.SilkgateVersion}); this Silkgate reads version {FormatVersion}: retrain it with `silkgate risk train`");
            var features = ReadEntry(zip, path, "features.bin", FeatureSpace.Read);
            var fraud = ReadEntry(zip, path, "fraud.trees", r => TreeEnsemble.Read(r, FeatureSpace.Count));
            var fraudNovel = ReadEntry(zip, path, "fraud-novel.trees", r => TreeEnsemble.Read(r, FeatureSpace.Count));
            var critical = ReadEntry(zip, path, "critical.trees", r => TreeEnsemble.Read(r, FeatureSpace.Count));
            var reference = ReadEntry(zip, path, "reference.bin", r =>
            {
                var n = r.ReadInt32();
                if (n < 0 || n > MaxReference)
                    throw new InvalidDataException("reference scores out of range");
                var v = new double[n];
                for (var i = 0; i < n; i++)
                    v[i] = r.ReadDouble();
                return v;
            });
            return new RiskModel(features, fraud, fraudNovel, critical, info, reference);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException or NotSupportedException
                                       or FormatException or ArgumentException or OverflowException)
        {
            throw Bad(path, e.Message);
        }
    }

    private static T ReadEntry<T>(ZipArchive zip, string path, string name, Func<BinaryReader, T> read)
    {
        var entry = zip.GetEntry(name) ?? throw Bad(path, $"it has no {name}");
        using var s = entry.Open();
        using var r = new BinaryReader(s);
        return read(r);
    }

    private static SilkgateException Bad(string path, string why) =>
        new(RiskErrors.BadModel, $"{Path.GetFileName(path)} is not a Silkgate risk model file ({why})");
}
