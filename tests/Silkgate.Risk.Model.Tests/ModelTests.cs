using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Silkgate.Common;

namespace Silkgate.Risk.Model.Tests;

/// <summary>Training, the model file, scoring and explanations, on small samples of the train file.</summary>
public class ModelTests
{
    [Fact]
    public void TrainSaveLoadScoreRoundTripGivesTheSameScores()
    {
        var loaded = RiskModel.Load(Sample.ModelFile);
        Assert.Equal(Sample.Model.Score(Sample.Valid), loaded.Score(Sample.Valid));
        Assert.All(loaded.Score(Sample.Valid), s => Assert.InRange(s.Fraud, 0, 1));
    }

    [Fact]
    public void ModelStoresVersionDataAndValidationFigures()
    {
        var info = RiskModel.Load(Sample.ModelFile).Info;
        Assert.Equal(RiskModel.FormatVersion, info.FormatVersion);
        Assert.Equal(Sample.Train.Count, info.Train?.Rows);
        Assert.Equal(RiskModel.FeatureNames, info.Features);
        var v = info.Validation!;
        Assert.Equal(Sample.Valid.Count, v.Rows);
        Assert.Equal(Sample.Model.Evaluate(Sample.Valid).Fraud.Whole.Auc, v.Fraud.Whole.Auc, 12);
    }

    [Fact]
    public void TrainingFromFilesRecordsTheirHashes()
    {
        var train = Sample.Write(Sample.Csv(0, 600), "train.csv");
        var model = RiskTrainer.Train(train, null, Sample.Fast with { Trees = 5, CriticalTrees = 5, NovelTrees = 5 });
        using var s = File.OpenRead(train);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(s)), model.Info.Train!.Sha256);
        Assert.Equal("train.csv", model.Info.Train.File);
        Assert.Null(model.Info.Validation);
    }

    [Fact]
    public void MemorisedPairsAreLearned()
    {
        // Rows of the training sample itself: their pairs were seen, and the look-up makes the model sharp on them.
        var report = Sample.Model.Evaluate(Sample.Rows(0, 1000));
        Assert.Equal(0, report.NovelRows);
        Assert.True(report.Fraud.Whole.Auc > 0.9, $"AUC on seen pairs {report.Fraud.Whole.Auc}");
    }

    [Fact]
    public void SameSeedGivesSameScores()
    {
        var a = RiskTrainer.Train(Sample.Train, null, Sample.Fast with { Threads = 2 });
        var b = RiskTrainer.Train(Sample.Train, null, Sample.Fast with { Threads = 2 });
        Assert.Equal(a.Score(Sample.Valid), b.Score(Sample.Valid));
    }

    [Fact]
    public void ScoresIgnoreTheLabelsOfTheScoredFile()
    {
        // No leakage from the scored rows: shuffled labels, or none at all, give identical scores.
        var csv = Sample.Csv(30000, 800);
        var labels = Sample.Rows(30000, 800).Select(r => r.Fraud!.Value).ToArray();
        new Random(3).Shuffle(labels);
        var shuffled = Sample.MapColumn(csv, "Fraud", (i, _) => labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        shuffled = Sample.MapColumn(shuffled, "Critical Fraud", (i, _) => labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        var unlabelled = Sample.MapColumn(Sample.MapColumn(csv, "Fraud", (_, _) => ""), "Critical Fraud", (_, _) => "");
        var expected = Sample.Model.Score(RiskCsv.Read(new StringReader(csv), "a", true));
        Assert.Equal(expected, Sample.Model.Score(RiskCsv.Read(new StringReader(shuffled), "b", true)));
        Assert.Equal(expected, Sample.Model.Score(RiskCsv.Read(new StringReader(unlabelled), "c", false)));
    }

    [Fact]
    public void ValidationLabelsNeverReachTraining()
    {
        var flipped = Sample.Valid.Select(r => r with { Fraud = 1 - r.Fraud, CriticalFraud = r.Fraud == 1 ? 0 : 2 }).ToList();
        var options = Sample.Fast with { Trees = 20, CriticalTrees = 10, NovelTrees = 10 };
        var a = RiskTrainer.Train(Sample.Train, Sample.Valid, options);
        var b = RiskTrainer.Train(Sample.Train, flipped, options);
        Assert.Equal(a.Score(Sample.Valid), b.Score(Sample.Valid));
        Assert.NotEqual(a.Info.Validation!.Fraud.Whole.Auc, b.Info.Validation!.Fraud.Whole.Auc);
    }

    [Fact]
    public void OutOfFoldFeaturesNeverSeeTheRowsOwnLabel()
    {
        var rows = Sample.Rows(0, 1500);
        var before = FeatureSpace.OutOfFold(rows, 5, 42);
        for (var i = 0; i < rows.Count; i += 97)
        {
            var flipped = rows.ToList();
            flipped[i] = rows[i] with { Fraud = 1 - rows[i].Fraud, CriticalFraud = rows[i].Fraud == 1 ? 0 : 2 };
            Assert.Equal(before[i], FeatureSpace.OutOfFold(flipped, 5, 42)[i]);
        }
    }

    [Fact]
    public void FoldsGroupedByPairNeverLetARowSeeItsOwnPair()
    {
        var rows = Sample.Rows(0, 3000);
        Assert.Contains(FeatureSpace.OutOfFold(rows, 5, 42), x => x[FeatureSpace.PairCountIndex] > 0); // by row, copies meet
        var grouped = FeatureSpace.OutOfFold(rows, 5, 42, groupByPair: true);
        Assert.All(grouped, x => Assert.Equal(0f, x[FeatureSpace.PairCountIndex]));
        // Still out of fold: a row's own label never reaches its features.
        var flipped = rows.ToList();
        flipped[11] = rows[11] with { Fraud = 1 - rows[11].Fraud };
        Assert.Equal(grouped[11], FeatureSpace.OutOfFold(flipped, 5, 42, groupByPair: true)[11]);
    }

    /// <summary>
    /// The novel subset is ranked by the model for new pairs alone; its Platt calibration (one slope and offset,
    /// slope negative) and the percentile are increasing in the raw score, so neither can change which new-pair
    /// rows reach the top k %: only the trees can.
    /// </summary>
    [Fact]
    public void CalibrationAndPercentileNeverReorderTheNovelSubset()
    {
        var model = Sample.Model;
        var novel = Sample.Valid.Where(r => model.Score(r).NovelPair).ToList();
        Assert.True(novel.Count > 50);
        Assert.True(model.FraudNovelTrees.Slope < 0);
        var raw = novel.Select(r => model.FraudNovelTrees.Raw(model.Features(r))).ToArray();
        var scores = model.Score(novel);
        var byRaw = Enumerable.Range(0, novel.Count).OrderBy(i => raw[i]).ToArray();
        for (var k = 1; k < byRaw.Length; k++)
        {
            Assert.True(scores[byRaw[k]].Fraud >= scores[byRaw[k - 1]].Fraud);
            Assert.True(scores[byRaw[k]].Percentile >= scores[byRaw[k - 1]].Percentile);
        }
    }

    [Fact]
    public void ScoringNeverChangesTheModel()
    {
        var model = RiskModel.Load(Sample.ModelFile);
        var first = model.Score(Sample.Valid);
        model.Score(Sample.Rows(20000, 2000));
        Assert.Equal(first, model.Score(Sample.Valid));
    }

    [Fact]
    public void NovelMeansTheExactPairIsNotInTheTrainingRows()
    {
        var seen = Sample.Train[10];
        Assert.False(Sample.Model.Score(seen).NovelPair);
        Assert.False(Sample.Model.Score(seen with { DeclarationId = "x", ImporterId = "NEW" }).NovelPair);
        Assert.True(Sample.Model.Score(seen with { ItemPrice = seen.ItemPrice + 0.01 }).NovelPair);
        Assert.True(Sample.Model.Score(seen with { NetMass = seen.NetMass + 0.001 }).NovelPair);
    }

    [Fact]
    public void EvaluationSplitsWholeAndNovelRows()
    {
        var report = Sample.Model.Evaluate(Sample.Valid);
        var novel = Sample.Model.Score(Sample.Valid).Count(s => s.NovelPair);
        Assert.Equal(novel, report.NovelRows);
        Assert.Equal(novel, report.Fraud.Novel.Rows);
        Assert.Equal(Sample.Valid.Count, report.Fraud.Whole.Rows);
        Assert.Equal(Sample.Valid.Count(r => r.IsCritical), report.Critical.Whole.Positives);
    }

    [Fact]
    public void FlatTreesAgreeWithMlNet()
    {
        // The flat copy of each ensemble gives ML.NET's own calibrated probability.
        using var zip = ZipFile.OpenRead(Sample.ModelFile);
        using var mlStream = new MemoryStream();
        using (var s = zip.GetEntry("fraud.mlnet.zip")!.Open())
            s.CopyTo(mlStream);
        mlStream.Position = 0;
        var ml = new MLContext(1);
        var transformer = ml.Model.Load(mlStream, out _);
        var rows = Sample.Valid.Where(r => !Sample.Model.Score(r).NovelPair).Take(300).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, RiskModel.FeatureNames.Count);
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = Sample.Model.Features(r) }), schema);
        var probabilities = transformer.Transform(data).GetColumn<float>("Probability").ToArray();
        for (var i = 0; i < rows.Count; i++)
            Assert.Equal(probabilities[i], Sample.Model.Score(rows[i]).Fraud, 4);
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    [Fact]
    public void ExplanationListsTheLargestPositiveContributionsFirst()
    {
        var fraud = Sample.Valid.First(r => r.Fraud == 1 && !Sample.Model.Score(r).NovelPair);
        var reasons = Sample.Model.Explain(fraud, 3);
        Assert.InRange(reasons.Count, 1, 3);
        Assert.All(reasons, r => Assert.True(r.Contribution > 0));
        Assert.Equal(reasons.OrderByDescending(r => r.Contribution).ToList(), reasons);
        Assert.All(reasons, r => Assert.Contains(r.Feature, RiskModel.FeatureNames));
    }

    [Fact]
    public void ContributionsAddUpToTheRawScore()
    {
        var trees = TreeEnsembleProbe.FraudTrees(Sample.Model);
        foreach (var r in Sample.Valid.Take(50))
        {
            var x = Sample.Model.Features(r);
            var c = new double[x.Length];
            var expected = trees.Contributions(x, c);
            Assert.Equal(trees.Raw(x), expected + c.Sum(), 6);
        }
    }

    [Fact]
    public void PercentileIsTheShareOfTheReferencePopulationScoringAtOrBelow()
    {
        // The shared model's reference population is the validation sample: a tenth of it lies above 0.9.
        var scores = Sample.Model.Score(Sample.Valid);
        var top = scores.Count(s => s.Percentile > 0.9);
        Assert.InRange(top, Sample.Valid.Count / 10 - 15, Sample.Valid.Count / 10 + 15);
        Assert.Equal(1.0, scores.Max(s => s.Percentile));
        Assert.Equal(0.0, Sample.Model.Percentile(-1));
        Assert.All(scores, s => Assert.Equal(scores.Count(o => o.Fraud <= s.Fraud) / (double)scores.Length, s.Percentile, 12));
        Assert.Contains("validation rows", Sample.Model.Info.ReferencePopulation);
    }

    [Fact]
    public void ModelFromAnotherVersionIsRefused()
    {
        var path = Sample.ModelOfAnotherVersion();
        var e = Assert.Throws<SilkgateException>(() => RiskModel.Load(path));
        Assert.Equal("SG-RISK-009", e.Code);
        Assert.Contains($"version {RiskModel.FormatVersion + 1}", e.Message);
    }

    [Fact]
    public void FileThatIsNotAModelIsRefused()
    {
        var e = Assert.Throws<SilkgateException>(() => RiskModel.Load(Sample.Write(Sample.Csv(0, 3), "model.zip")));
        Assert.Equal("SG-RISK-008", e.Code);
    }

    [Fact]
    public void DamagedModelFileIsRefused()
    {
        var path = Path.Combine(Sample.Scratch(), "damaged.zip");
        File.Copy(Sample.ModelFile, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("fraud.trees")!;
            entry.Delete();
            using var s = zip.CreateEntry("fraud.trees").Open();
            s.Write([1, 2, 3, 4, 5, 6, 7]);
        }
        var e = Assert.Throws<SilkgateException>(() => RiskModel.Load(path));
        Assert.Equal("SG-RISK-008", e.Code);
    }

    [Fact]
    public void TrainingWithOneClassIsRefused()
    {
        var rows = Sample.Train.Where(r => r.Fraud == 0).ToList();
        var e = Assert.Throws<SilkgateException>(() => RiskTrainer.Train(rows, null, Sample.Fast));
        Assert.Equal("SG-RISK-007", e.Code);
    }

    [Fact]
    public void TheLogLossObjectiveStillTrainsTheEarlierModelForNewPairs()
    {
        // The default model for new pairs is a LambdaRank ranker with a Platt calibration fitted afterwards; the
        // binary log-loss model stays available, and both rise with their raw score.
        var logLoss = RiskTrainer.Train(Sample.Train, null, Sample.Fast with { NovelObjective = NovelObjectives.LogLoss });
        Assert.Equal(NovelObjectives.LambdaRank, Sample.Model.Info.Parameters.NovelObjective);
        Assert.Equal(NovelObjectives.LogLoss, logLoss.Info.Parameters.NovelObjective);
        Assert.True(logLoss.FraudNovelTrees.Slope < 0);
        Assert.True(Sample.Model.FraudNovelTrees.Slope < 0);
        var novel = Sample.Valid.Where(r => Sample.Model.Score(r).NovelPair).ToList();
        Assert.NotEqual(Sample.Model.Score(novel).Select(s => s.Fraud), logLoss.Score(novel).Select(s => s.Fraud));
        // Rows whose pair was seen are scored by the same seen-pair model either way.
        var seen = Sample.Valid.Where(r => !Sample.Model.Score(r).NovelPair).Take(100).ToList();
        Assert.Equal(Sample.Model.Score(seen).Select(s => s.Fraud), logLoss.Score(seen).Select(s => s.Fraud));
    }

    [Fact]
    public void AFileWithoutAnObjectiveForNewPairsSaysLogLoss()
    {
        // Files from before the ranking objective name none: their model for new pairs was trained on log-loss.
        var path = Path.Combine(Sample.Scratch(), "before-ranking.zip");
        File.Copy(Sample.ModelFile, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("meta.json")!;
            System.Text.Json.Nodes.JsonNode meta;
            using (var s = entry.Open())
                meta = System.Text.Json.Nodes.JsonNode.Parse(s)!;
            meta["parameters"]!.AsObject().Remove("novel_objective");
            entry.Delete();
            using var w = new StreamWriter(zip.CreateEntry("meta.json").Open());
            w.Write(meta.ToJsonString());
        }
        Assert.Equal(NovelObjectives.LogLoss, RiskModel.Load(path).Info.Parameters.NovelObjective);
        Assert.Equal(NovelObjectives.LambdaRank, RiskModel.Load(Sample.ModelFile).Info.Parameters.NovelObjective);
    }

    [Fact]
    public void AnUnknownObjectiveForNewPairsIsRefused()
    {
        var e = Assert.Throws<SilkgateException>(() => RiskTrainer.Train(Sample.Train, null, Sample.Fast with { NovelObjective = "hinge" }));
        Assert.Equal("SG-RISK-010", e.Code);
        e = Assert.Throws<SilkgateException>(() => RiskTrainer.Train(Sample.Train, null, Sample.Fast with { NovelQueryRows = 1 }));
        Assert.Equal("SG-RISK-010", e.Code);
    }
}

/// <summary>Reaches the model's fraud ensemble for seen pairs (internal) for the contribution test.</summary>
internal static class TreeEnsembleProbe
{
    public static TreeEnsemble FraudTrees(RiskModel model) => model.FraudTrees;
}
