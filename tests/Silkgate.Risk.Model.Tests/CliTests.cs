using System.Text.Json.Nodes;
using Silkgate.Cli;

namespace Silkgate.Risk.Model.Tests;

/// <summary>The `silkgate risk` commands end to end (in process).</summary>
public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void TrainWritesAModelAndPrintsValidationFigures()
    {
        var dir = Sample.Scratch();
        var train = Sample.Write(Sample.Csv(0, 1500), "train.csv");
        var valid = Sample.Write(Sample.Csv(30000, 500), "valid.csv");
        var model = Path.Combine(dir, "m.zip");
        var (code, output, _) = Run("risk", "train", "--train", train, "--valid", valid, "--out", model, "--trees", "10");
        Assert.Equal(0, code);
        Assert.True(File.Exists(model));
        Assert.Contains("fraud     novel", output);
        Assert.Contains("critical  whole", output);
    }

    [Fact]
    public void EvaluateJsonHasPrecisionAt5At10AndAucWholeAndNovel()
    {
        var test = Sample.Write(Sample.Csv(30000, 1500), "test.csv");
        var (code, output, err) = Run("risk", "evaluate", "--model", Sample.ModelFile, "--test", test, "--format", "json");
        Assert.True(code == 0, err);
        var json = JsonNode.Parse(output)!;
        foreach (var node in new[] { json, json["novel"]!, json["critical"]!, json["critical"]!["novel"]! })
        {
            foreach (var key in new[] { "precision_at_1", "precision_at_2", "precision_at_5", "precision_at_10", "recall_at_5", "recall_at_10", "auc" })
                Assert.NotNull(node[key]);
        }
        var report = Sample.Model.Evaluate(Sample.Valid);
        Assert.Equal(Math.Round(report.Fraud.Whole.PrecisionAt5, 4), json["precision_at_5"]!.GetValue<double>());
        Assert.Equal(Math.Round(report.Fraud.Novel.Auc, 4), json["novel"]!["auc"]!.GetValue<double>());
    }

    [Fact]
    public void EvaluateTextShowsEveryShare()
    {
        var test = Sample.Write(Sample.Csv(30000, 600), "test.csv");
        var (code, output, _) = Run("risk", "evaluate", "--model", Sample.ModelFile, "--test", test);
        Assert.Equal(0, code);
        Assert.Contains("p@1    p@2    p@5    p@10   r@1    r@2    r@5    r@10   auc", output);
    }

    [Fact]
    public void ScoreWritesDeclarationIdScoreAndReasons()
    {
        var file = Sample.Write(Sample.DropColumn(Sample.DropColumn(Sample.Csv(30000, 20), "Fraud"), "Critical Fraud"));
        var (code, output, err) = Run("risk", "score", "--model", Sample.ModelFile, file);
        Assert.True(code == 0, err);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal("declaration_id,score,critical_score,percentile,novel_pair,top_features", lines[0]);
        Assert.Equal(21, lines.Length);
        Assert.StartsWith(Sample.Valid[0].DeclarationId + ",", lines[1]);
        var score = double.Parse(lines[1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Sample.Model.Score(Sample.Valid[0]).Fraud, score, 6);
    }

    [Fact]
    public void ScoreWritesTheSameFileOnAnyNumberOfThreads()
    {
        // More rows than one chunk of the parallel scorer, so that threads share the file.
        var file = Sample.Write(Sample.Csv(30000, 700));
        var (code, one, err) = Run("risk", "score", "--model", Sample.ModelFile, file, "--threads", "1");
        Assert.True(code == 0, err);
        Assert.Equal(one, Run("risk", "score", "--model", Sample.ModelFile, file, "--threads", "3").Out);
        Assert.Equal(Sample.Model.Score(Sample.Valid.Take(700).ToList()), Sample.Model.Score(Sample.Valid.Take(700).ToList(), 3));
    }

    [Fact]
    public void BenchPrintsDeclarationsPerSecondAndRefusesZeroThreads()
    {
        var file = Sample.Write(Sample.Csv(30000, 50));
        var (code, output, err) = Run("risk", "bench", "--model", Sample.ModelFile, file, "--seconds", "0.1", "--threads", "2");
        Assert.True(code == 0, err);
        Assert.Contains("declarations/s", output);
        (code, _, err) = Run("risk", "bench", "--model", Sample.ModelFile, file, "--threads", "0");
        Assert.Equal(1, code);
        Assert.StartsWith("error SG-RISK-010:", err);
    }

    [Fact]
    public void BadInputGivesACodedErrorAndExitOne()
    {
        var file = Sample.Write(Sample.DropColumn(Sample.Csv(0, 5), "HS6 Code"));
        var (code, _, err) = Run("risk", "evaluate", "--model", Sample.ModelFile, "--test", file);
        Assert.Equal(1, code);
        Assert.StartsWith("error SG-RISK-002:", err);
        Assert.Contains("'HS6 Code'", err);
    }

    [Fact]
    public void MissingModelFileIsRefused()
    {
        var (code, _, err) = Run("risk", "score", "--model", Path.Combine(Sample.Scratch(), "none.zip"), Sample.Write(Sample.Csv(0, 3)));
        Assert.Equal(1, code);
        Assert.StartsWith("error SG-IO-001:", err);
    }
}
