namespace Silkgate.Risk.Model.Tests;

/// <summary>The memorisation measurements (docs/risk-model.md) on rows made by hand.</summary>
public class MemorisationTests
{
    private static RiskDeclaration Row(double mass, double price, int fraud) =>
        new() { DeclarationId = $"{mass}-{price}-{fraud}", NetMass = mass, ItemPrice = price, Fraud = fraud, CriticalFraud = fraud };

    [Fact]
    public void SeenPairsLabelAgreementAndLookupBaselineAreMeasured()
    {
        // Training: pair A (1, 10) twice fraud; pair B (2, 20) once clean, once fraud (tie: counts as fraud); C (3, 30) clean.
        RiskDeclaration[] train = [Row(1, 10, 1), Row(1, 10, 1), Row(2, 20, 0), Row(2, 20, 1), Row(3, 30, 0)];
        // Test: A fraud (agrees), B clean (tie says fraud: disagrees), C clean (agrees), D (4, 40) new and fraud.
        RiskDeclaration[] test = [Row(1, 10, 1), Row(2, 20, 0), Row(3, 30, 0), Row(4, 40, 1)];
        var m = MemorisationReport.Measure(train, test);
        Assert.Equal(3, m.TrainDistinctPairs);
        Assert.Equal(4, m.TrainRowsInRepeatedPairs);
        Assert.Equal(3, m.TestRowsWithSeenPair);
        Assert.Equal(2.0 / 3, m.LabelAgreement, 12);
        Assert.Equal(1.0 / 3, m.FraudRateSeen, 12);
        Assert.Equal(1.0, m.FraudRateNovel);
        // Look-up scores with prior 0.6: A (2 + 0.6) / 3 = 0.867, B (1 + 0.6) / 3 = 0.533, C 0.6 / 2 = 0.3, D 0.6.
        // Ranking A, D, B, C: positives A and D first, so AUC = 1.
        Assert.Equal(1.0, m.Lookup.Auc);
        Assert.Equal(1.0, m.Lookup.PrecisionAt(10));
    }

    [Fact]
    public void AveragedEnsembleScoresTheMeanOfItsMembers()
    {
        var m = Sample.Model;
        var mean = TreeEnsemble.Average([m.FraudTrees, m.FraudNovelTrees]);
        foreach (var r in Sample.Valid.Take(20))
        {
            var x = m.Features(r);
            Assert.Equal((m.FraudTrees.Raw(x) + m.FraudNovelTrees.Raw(x)) / 2, mean.Raw(x), 9);
            var c = new double[x.Length];
            Assert.Equal(mean.Raw(x), mean.Contributions(x, c) + c.Sum(), 9);
        }
    }
}
