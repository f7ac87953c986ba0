using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Silkgate.Common;

namespace Silkgate.Risk.Model;

/// <summary>A declaration's risk: probabilities of fraud and of critical fraud, and whether its pair is new.</summary>
/// <param name="Fraud">Calibrated probability of <c>Fraud</c> = 1.</param>
/// <param name="Critical">Calibrated probability of <c>Critical Fraud</c> = 2.</param>
/// <param name="NovelPair">True when the exact (net mass, item price) pair never occurred in the training rows.</param>
public readonly record struct RiskScore(double Fraud, double Critical, bool NovelPair);

/// <summary>A reason shown to an officer: a feature, its value, and how far it moved the fraud score (log-odds).</summary>
public sealed record RiskReason(string Feature, string Meaning, double Value, double Contribution)
{
    public override string ToString() =>
        $"{Feature}={Value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} ({(Contribution >= 0 ? "+" : "")}{Contribution.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)})";
}

/// <summary>Where a model came from and how it did on validation: stored in the model file as meta.json.</summary>
public sealed record RiskModelInfo
{
    [JsonPropertyName("format")] public string Format { get; init; } = RiskModel.FormatName;

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = RiskModel.FormatVersion;

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

    public RiskModelInfo Info { get; }

    /// <summary>The fraud ensemble for rows whose pair training saw (for tests).</summary>
    internal TreeEnsemble FraudTrees => _fraud;

    /// <summary>The fraud ensemble for new pairs (for tests).</summary>
    internal TreeEnsemble FraudNovelTrees => _fraudNovel;

    /// <summary>The feature names, in the order of the model's feature vector.</summary>
    public static IReadOnlyList<string> FeatureNames => FeatureSpace.Names;

    internal RiskModel(FeatureSpace features, TreeEnsemble fraud, TreeEnsemble fraudNovel, TreeEnsemble critical, RiskModelInfo info)
    {
        _features = features;
        _fraud = fraud;
        _fraudNovel = fraudNovel;
        _critical = critical;
        Info = info;
    }

    internal RiskModel WithInfo(RiskModelInfo info) => new(_features, _fraud, _fraudNovel, _critical, info) { MlNetModels = MlNetModels };

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
        return new RiskScore((novel ? _fraudNovel : _fraud).Probability(x), _critical.Probability(x), novel);
    }

    /// <summary>Scores many declarations, in order.</summary>
    public RiskScore[] Score(IReadOnlyList<RiskDeclaration> declarations)
    {
        var scores = new RiskScore[declarations.Count];
        Span<float> x = stackalloc float[FeatureSpace.Count];
        for (var i = 0; i < scores.Length; i++)
            scores[i] = Score(declarations[i], x);
        return scores;
    }

    /// <summary>The features that pushed this declaration's fraud score up the most (largest contribution first).</summary>
    public IReadOnlyList<RiskReason> Explain(RiskDeclaration declaration, int top = 3)
    {
        var x = new float[FeatureSpace.Count];
        _features.Compute(declaration, x);
        var contributions = new double[x.Length];
        (x[FeatureSpace.PairCountIndex] == 0 ? _fraudNovel : _fraud).Contributions(x, contributions);
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
            RiskModelInfo info;
            using (var s = metaEntry.Open())
                info = JsonSerializer.Deserialize<RiskModelInfo>(s, Json) ?? throw Bad(path, "meta.json is empty");
            if (info.Format != FormatName)
                throw Bad(path, $"its format is '{info.Format}'");
            if (info.FormatVersion != FormatVersion)
                throw new SilkgateException(RiskErrors.ModelVersion,
                    $"{Path.GetFileName(path)} is a risk model of format version {info.FormatVersion} ({info.SilkgateVersion}); this Silkgate reads version {FormatVersion}: retrain it with `silkgate risk train`");
            var features = ReadEntry(zip, path, "features.bin", FeatureSpace.Read);
            var fraud = ReadEntry(zip, path, "fraud.trees", r => TreeEnsemble.Read(r, FeatureSpace.Count));
            var fraudNovel = ReadEntry(zip, path, "fraud-novel.trees", r => TreeEnsemble.Read(r, FeatureSpace.Count));
            var critical = ReadEntry(zip, path, "critical.trees", r => TreeEnsemble.Read(r, FeatureSpace.Count));
            return new RiskModel(features, fraud, fraudNovel, critical, info);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or EndOfStreamException or NotSupportedException)
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
