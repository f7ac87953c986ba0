using System.Text.Json.Serialization;

namespace Silkgate.Risk.Model;

/// <summary>Ranking figures of one score against one label on one set of rows.</summary>
public sealed record SubsetFigures
{
    /// <summary>The shares of rows inspected that the figures are given for, in percent.</summary>
    public static readonly IReadOnlyList<int> Percents = [1, 2, 5, 10];

    [JsonPropertyName("rows")] public int Rows { get; init; }

    [JsonPropertyName("positives")] public int Positives { get; init; }

    [JsonPropertyName("positive_rate")] public double PositiveRate { get; init; }

    [JsonPropertyName("precision_at_1")] public double PrecisionAt1 { get; init; }

    [JsonPropertyName("precision_at_2")] public double PrecisionAt2 { get; init; }

    [JsonPropertyName("precision_at_5")] public double PrecisionAt5 { get; init; }

    [JsonPropertyName("precision_at_10")] public double PrecisionAt10 { get; init; }

    [JsonPropertyName("recall_at_1")] public double RecallAt1 { get; init; }

    [JsonPropertyName("recall_at_2")] public double RecallAt2 { get; init; }

    [JsonPropertyName("recall_at_5")] public double RecallAt5 { get; init; }

    [JsonPropertyName("recall_at_10")] public double RecallAt10 { get; init; }

    [JsonPropertyName("auc")] public double Auc { get; init; }

    public double PrecisionAt(int percent) => percent switch
    {
        1 => PrecisionAt1, 2 => PrecisionAt2, 5 => PrecisionAt5, 10 => PrecisionAt10,
        _ => throw new ArgumentOutOfRangeException(nameof(percent)),
    };

    public double RecallAt(int percent) => percent switch
    {
        1 => RecallAt1, 2 => RecallAt2, 5 => RecallAt5, 10 => RecallAt10,
        _ => throw new ArgumentOutOfRangeException(nameof(percent)),
    };

    public static SubsetFigures Of(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        double P(int k) => RiskMetrics.PrecisionAt(scores, labels, k);
        double R(int k) => RiskMetrics.RecallAt(scores, labels, k);
        var positives = labels.Count(l => l);
        return new SubsetFigures
        {
            Rows = scores.Count,
            Positives = positives,
            PositiveRate = scores.Count == 0 ? double.NaN : (double)positives / scores.Count,
            PrecisionAt1 = P(1), PrecisionAt2 = P(2), PrecisionAt5 = P(5), PrecisionAt10 = P(10),
            RecallAt1 = R(1), RecallAt2 = R(2), RecallAt5 = R(5), RecallAt10 = R(10),
            Auc = RiskMetrics.RocAuc(scores, labels),
        };
    }
}

/// <summary>One target's figures: on the whole file and on its novel subset (pairs never seen in training).</summary>
public sealed record TargetFigures
{
    [JsonPropertyName("whole")] public required SubsetFigures Whole { get; init; }

    [JsonPropertyName("novel")] public required SubsetFigures Novel { get; init; }
}

/// <summary>An evaluation: fraud (ranked by the fraud score) and critical fraud (ranked by the critical score).</summary>
public sealed record EvaluationReport
{
    [JsonPropertyName("rows")] public int Rows { get; init; }

    [JsonPropertyName("novel_rows")] public int NovelRows { get; init; }

    [JsonPropertyName("fraud")] public required TargetFigures Fraud { get; init; }

    [JsonPropertyName("critical")] public required TargetFigures Critical { get; init; }

    /// <summary>Figures from scores already computed (each score says whether its row's pair is new).</summary>
    public static EvaluationReport Of(IReadOnlyList<RiskDeclaration> rows, IReadOnlyList<RiskScore> scores)
    {
        var fraud = rows.Select(r => r.Fraud == 1).ToArray();
        var critical = rows.Select(r => r.IsCritical).ToArray();
        var f = scores.Select(s => s.Fraud).ToArray();
        var c = scores.Select(s => s.Critical).ToArray();
        var novel = Enumerable.Range(0, rows.Count).Where(i => scores[i].NovelPair).ToArray();
        T[] Pick<T>(T[] a) => [.. novel.Select(i => a[i])];
        return new EvaluationReport
        {
            Rows = rows.Count,
            NovelRows = novel.Length,
            Fraud = new TargetFigures { Whole = SubsetFigures.Of(f, fraud), Novel = SubsetFigures.Of(Pick(f), Pick(fraud)) },
            Critical = new TargetFigures { Whole = SubsetFigures.Of(c, critical), Novel = SubsetFigures.Of(Pick(c), Pick(critical)) },
        };
    }
}
