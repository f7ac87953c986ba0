using System.Globalization;
using Silkgate.Cli;
using Silkgate.Declarations;
using Silkgate.Tariff;

namespace Silkgate.Risk.Model.Tests;

/// <summary>The adapter that puts the trained model behind the lifecycle's lanes (<see cref="ModelRiskScorer"/>).</summary>
public sealed class LaneAdapterTests
{
    /// <summary>A KCS row as a Silkgate declaration, the way the kcs-synthetic import mapping stores it.</summary>
    private static RiskInput AsSilkgate(RiskDeclaration r) =>
        new(new DeclarationDraft(r.DeclarantId, r.Departure, r.TransportMode,
                new TaxableDeclaration(Flow.Import, r.Date, ModelRiskScorer.KcsPortPrefix + r.OfficeId, "0110", "KRW", 0m, 0m,
                    [new TaxableItem(r.Hs6, r.Origin, (decimal)r.ItemPrice, NetMassKg: (decimal)r.NetMass)])),
            [0m], DeclarantHistory.None, [], [(decimal)r.TaxRate]);

    private static RiskInput Cny(params TaxableItem[] items) =>
        new(new DeclarationDraft("E100", "KG", "road",
                new TaxableDeclaration(Flow.Import, new DateOnly(2023, 6, 5), "KASHGAR_AIRPORT", "0110", "CNY", 0m, 0m, items)),
            [.. items.Select(i => i.Value * 1.02m)], DeclarantHistory.None, [], [.. items.Select(_ => 8m)]);

    [Fact]
    public void MapCarriesHsOriginDepartureOfficeDeclarantTransportDutyMassAndPrice()
    {
        var row = Sample.Valid[7];
        var mapped = Assert.Single(new ModelRiskScorer(Sample.Model).Map(AsSilkgate(row)));
        Assert.Equal(
            (row.Date, row.OfficeId, row.TransportMode, row.DeclarantId, row.Hs6, row.Departure, row.Origin, row.TaxRate, row.NetMass, row.ItemPrice),
            (mapped.Date, mapped.OfficeId, mapped.TransportMode, mapped.DeclarantId, mapped.Hs6, mapped.Departure, mapped.Origin, mapped.TaxRate, mapped.NetMass, mapped.ItemPrice));
        // What Silkgate does not carry is unknown to the model, never a guessed code; cargo has no courier.
        Assert.All(new[] { mapped.ImporterId, mapped.SellerId, mapped.PaymentType, mapped.ProcessType, mapped.ImportType, mapped.ImportUse, mapped.TaxType, mapped.OriginIndicator },
            v => Assert.Equal(ModelRiskScorer.Unknown, v));
        Assert.Equal("", mapped.CourierId);
        Assert.Null(mapped.Fraud);
    }

    [Fact]
    public void MapScalesCnyValuesCutsHsToSixDigitsAndLeavesUnknownModesUnknown()
    {
        var mapped = new ModelRiskScorer(Sample.Model, krwPerCny: 200m).Map(Cny(
            new TaxableItem("2601110000", "KG", 1000m, NetMassKg: 500m),
            new TaxableItem("0813100000", "PK", 40m)));
        Assert.Equal(2, mapped.Count);
        Assert.Equal(("260111", "KG", "KG", "KASHGAR_AIRPORT", ModelRiskScorer.Unknown), (mapped[0].Hs6, mapped[0].Origin, mapped[0].Departure, mapped[0].OfficeId, mapped[0].TransportMode));
        Assert.Equal((1020m * 200m, 500.0, 8.0), ((decimal)mapped[0].ItemPrice, mapped[0].NetMass, mapped[0].TaxRate)); // the CNY customs value
        Assert.Equal((40m * 1.02m * 200m, 0.0), ((decimal)mapped[1].ItemPrice, mapped[1].NetMass));
        Assert.Equal(("10", "40", "50", ModelRiskScorer.Unknown, ModelRiskScorer.Unknown),
            (ModelRiskScorer.TransportCode("sea"), ModelRiskScorer.TransportCode("AIR"), ModelRiskScorer.TransportCode("50"), ModelRiskScorer.TransportCode("rail"), ModelRiskScorer.TransportCode(null)));
    }

    [Fact]
    public void ScoreIsTheRiskiestItemsPercentileWithTheModelsReasonsInWords()
    {
        var scorer = new ModelRiskScorer(Sample.Model);
        // Two KCS rows lodged as one declaration's two items.
        var (a, b) = (Sample.Valid.First(r => r.Fraud == 0), Sample.Valid.First(r => r.Fraud == 1));
        var single = AsSilkgate(a);
        var input = single with
        {
            Draft = single.Draft with { Body = single.Draft.Body with { Items = [.. single.Draft.Body.Items, .. AsSilkgate(b).Draft.Body.Items] } },
            CustomsValuesCny = [0m, 0m],
            DutyRatesPercent = [(decimal)a.TaxRate, (decimal)b.TaxRate],
        };
        var rows = scorer.Map(input);
        var direct = Sample.Model.Score(rows);
        var worst = direct[1].Fraud > direct[0].Fraud ? 1 : 0;
        var score = scorer.Score(input);
        Assert.Equal(Math.Round((decimal)direct[worst].Percentile, 4), score.Percentile);
        Assert.StartsWith($"item {worst + 1}: fraud probability {direct[worst].Fraud.ToString("0.000", CultureInfo.InvariantCulture)}", score.Reasons[0], StringComparison.Ordinal);
        var explained = Sample.Model.Explain(rows[worst], 50).Where(r => !ModelRiskScorer.UnknownFeatures.Contains(r.Feature)).Take(3).ToList();
        Assert.Equal(1 + explained.Count, score.Reasons.Count);
        Assert.All(score.Reasons.Skip(1), r => Assert.Contains("raises the fraud log-odds by", r, StringComparison.Ordinal));
        Assert.StartsWith($"item {worst + 1}: {explained[0].Meaning}", score.Reasons[1], StringComparison.Ordinal);
        Assert.Matches(@"^risk-model-v\d+-\d{8}-s\d+$", scorer.Name);
        Assert.True(scorer.Name.Length <= 40);
    }

    [Fact]
    public void ReasonsLeaveOutFeaturesOfFieldsSilkgateDoesNotCarry()
    {
        // Ten keys (importer, seller, their pairs, payment, tax type, ...) with rate and count, the importer's critical rate, no_seller.
        Assert.Equal(22, ModelRiskScorer.UnknownFeatures.Count);
        Assert.Contains("importer_fraud_rate", ModelRiskScorer.UnknownFeatures);
        Assert.DoesNotContain("declarant_fraud_rate", ModelRiskScorer.UnknownFeatures);
        var scorer = new ModelRiskScorer(Sample.Model, top: 50);
        var reasons = Sample.Valid.Take(50).SelectMany(row => scorer.Score(AsSilkgate(row)).Reasons).ToList();
        Assert.Contains(reasons, r => r.Contains("raises the fraud log-odds", StringComparison.Ordinal));
        foreach (var meaning in ModelRiskScorer.UnknownFeatures.Select(FeatureSpace.Meaning))
            Assert.DoesNotContain(reasons, r => r.Contains(meaning, StringComparison.Ordinal));
    }

    [Fact]
    public void DescribeSaysRatesCountsAndNormsInAnOfficersUnits()
    {
        Assert.Equal("fraud rate of country of departure: 35.1 % in training (raises the fraud log-odds by 0.21)",
            ModelRiskScorer.Describe(new RiskReason("departure_fraud_rate", "fraud rate of country of departure", 0.351, 0.2149)));
        Assert.Equal("how often training saw HS6 code: 9 time(s) (raises the fraud log-odds by 0.10)",
            ModelRiskScorer.Describe(new RiskReason("hs6_count", "how often training saw HS6 code", Math.Log(10), 0.1)));
        Assert.Equal("value per kg against the norm for the HS6: 0.5 times the norm (raises the fraud log-odds by 0.30)",
            ModelRiskScorer.Describe(new RiskReason("value_per_kg_vs_hs6_norm", "value per kg against the norm for the HS6 (log ratio)", Math.Log(0.5), 0.3)));
        Assert.Equal("departure country differs from origin (raises the fraud log-odds by 0.12)",
            ModelRiskScorer.Describe(new RiskReason("departure_not_origin", "departure country differs from origin", 1, 0.12)));
    }

    [Fact]
    public void InspectionShareIsHonouredOverManyDeclarations()
    {
        // 4,000 declarations the model neither trained on nor took its percentiles from, ids from a fixed seed.
        var rows = Sample.Rows(20_000, 4_000);
        var random = new Random(7);
        var scorer = new ModelRiskScorer(Sample.Model);
        foreach (var share in new[] { 0.05m, 0.20m })
        {
            var settings = new LaneSettings(0.05m, 0.10m, 0.05m, 0m).WithInspectionShare(share);
            var selector = new LaneSelector(scorer, [], settings);
            var lanes = rows.Select(r => selector.Select(AsSilkgate(r), "SG" + random.NextInt64().ToString("X", CultureInfo.InvariantCulture)).Lane).ToList();
            var controlled = lanes.Count(l => l is Lane.Red or Lane.Yellow) / (decimal)lanes.Count;
            var red = lanes.Count(l => l == Lane.Red) / (decimal)lanes.Count;
            Assert.InRange(controlled, share - 0.03m, share + 0.03m);
            Assert.InRange(red, share / 3 - 0.02m, share / 3 + 0.02m); // red : yellow stays 1 : 2
        }
        // The random share comes on top, and only from declarations the model would not control.
        var withRandom = new LaneSelector(scorer, [], new LaneSettings(0.05m, 0.10m, 0.05m, 0.05m).WithInspectionShare(0.10m));
        var decisions = rows.Select(r => withRandom.Select(AsSilkgate(r), "SG" + random.NextInt64().ToString("X", CultureInfo.InvariantCulture))).ToList();
        var drawn = decisions.Count(d => d.Reasons.Any(x => x.StartsWith("random selection", StringComparison.Ordinal))) / (decimal)decisions.Count;
        Assert.InRange(drawn, 0.05m * 0.9m - 0.015m, 0.05m * 0.9m + 0.015m);
    }

    [Fact]
    public void InspectionShareOutsideZeroToOneIsRefused()
    {
        var e = Assert.Throws<Common.SilkgateException>(() => new LaneSettings(0.05m, 0.10m, 0.05m, 0.01m).WithInspectionShare(1.5m));
        Assert.Equal("SG-RISK-103", e.Code);
        Assert.Equal(new LaneSettings(0.3m, 0.6m, 0.05m, 0.01m), new LaneSettings(0.05m, 0.10m, 0.05m, 0.01m).WithInspectionShare(0.9m));
        Assert.Equal(new LaneSettings(1m, 0m, 0m, 0m), new LaneSettings(0m, 0m, 0.05m, 0m).WithInspectionShare(1m));
    }

    [Fact]
    public void LodgingWithAModelOfAnotherVersionIsRefusedWithItsCode()
    {
        var path = Sample.ModelOfAnotherVersion();
        var draft = Sample.Write("""
            {"declarant":"E100","partner":"KG","transport_mode":"road","flow":"import","date":"2023-06-05","port":"KASHGAR_AIRPORT","trade_mode":"0110","currency":"CNY",
             "items":[{"hs_code":"2601110000","origin":"KG","value":20000,"quantity":10000,"unit":"kg","net_mass_kg":10000}]}
            """, "d.json");
        var db = Path.Combine(Sample.Scratch(), "d.db");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = CliApp.Run(["declare", "lodge", draft, "--risk-model", path, "--db", db], stdout, stderr);
        Assert.Equal(1, code);
        Assert.StartsWith("error SG-RISK-009:", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains($"version {RiskModel.FormatVersion + 1}", stderr.ToString(), StringComparison.Ordinal);
    }
}
