using System.Security.Cryptography;

namespace Silkgate.Risk.Model.Tests;

/// <summary>
/// Speed work on features and tree walking must not move a single bit of a score: the features of the sample and the
/// scores of the sample model are pinned to SHA-256 digests taken before that work (commit 7a81706). A deliberate
/// change of the features or of training changes them: recompute the digests then, and say so in the commit.
/// </summary>
public class PinnedScoresTests
{
    /// <summary>Rows whose pairs the sample model has seen and rows it has not.</summary>
    private static IReadOnlyList<RiskDeclaration> Rows => [.. Sample.Rows(0, 500), .. Sample.Valid];

    private static string Digest(Action<BinaryWriter> write)
    {
        using var bytes = new MemoryStream();
        using (var w = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true))
            write(w);
        return Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray()));
    }

    [Fact]
    public void FeaturesOfTheSampleArePinned()
    {
        var space = FeatureSpace.Fit(Sample.Train);
        var x = new float[FeatureSpace.Count];
        var digest = Digest(w =>
        {
            foreach (var r in Rows)
            {
                space.Compute(r, x);
                foreach (var v in x)
                    w.Write(BitConverter.SingleToInt32Bits(v));
            }
        });
        Assert.Equal("5dc9fe8a6749e86b220cb203df18ddb45917f14289dc31300b711fa4f6ef495e", digest);
    }

    [Fact]
    public void ScoresOfTheSampleModelArePinned()
    {
        var rows = Rows;
        foreach (var model in new[] { Sample.Model, RiskModel.Load(Sample.ModelFile) })
        {
            var digest = Digest(w =>
            {
                foreach (var s in model.Score(rows))
                {
                    w.Write(BitConverter.DoubleToInt64Bits(s.Fraud));
                    w.Write(BitConverter.DoubleToInt64Bits(s.Critical));
                    w.Write(BitConverter.DoubleToInt64Bits(s.Percentile));
                    w.Write(s.NovelPair);
                }
            });
            Assert.Equal("e8f6407f6699e25678166a76319cd76f3c435ea64d3860f40d893a4236bccc45", digest);
        }
    }

    /// <summary>Each row's raw score from blocks of rows (<see cref="TreeEnsemble.RawOfRows"/>) against its own walk.</summary>
    private static void AssertBlocksGiveEachRowsWalk(TreeEnsemble trees, IReadOnlyList<float[]> rows)
    {
        var stride = FeatureSpace.Count;
        var features = rows.SelectMany(x => x).ToArray();
        // Every row, and an odd subset in another order: blocks of other rows, and a short last block.
        foreach (var which in new[] { Enumerable.Range(0, rows.Count).ToArray(), Enumerable.Range(0, rows.Count).Where(i => i % 3 == 1).Reverse().ToArray() })
        {
            var raw = new double[rows.Count];
            trees.RawOfRows(features, stride, which, raw);
            foreach (var i in which)
                Assert.Equal(BitConverter.DoubleToInt64Bits(trees.Raw(rows[i])), BitConverter.DoubleToInt64Bits(raw[i]));
        }
    }

    [Fact]
    public void BlocksOfRowsGiveEachRowsOwnRawScoreToTheBit()
    {
        var model = Sample.Model;
        var rows = Rows.Select(model.Features).ToList();
        // Splits on values that are not plain numbers go the way the walk sends them (NaN: right).
        var odd = rows[0].ToArray();
        odd[FeatureSpace.PairCountIndex] = float.NaN;
        odd[1] = float.PositiveInfinity;
        odd[^1] = float.NegativeInfinity;
        rows.Add(odd);
        rows.Add([.. Enumerable.Repeat(float.NaN, FeatureSpace.Count)]);
        foreach (var trees in new[] { model.FraudTrees, model.FraudNovelTrees, model.CriticalTrees })
        {
            Assert.True(trees.ScoresBlocksByMask);
            AssertBlocksGiveEachRowsWalk(trees, rows);
        }
    }

    [Fact]
    public void TreesWithMoreLeavesThanABlockMaskHoldAreWalkedRowByRow()
    {
        var model = RiskTrainer.Train(Sample.Train, null, Sample.Fast with { Trees = 3, CriticalTrees = 3, NovelTrees = 3, Leaves = 40 });
        Assert.False(model.FraudTrees.ScoresBlocksByMask);
        AssertBlocksGiveEachRowsWalk(model.FraudTrees, [.. Sample.Valid.Take(100).Select(model.Features)]);
    }

    [Fact]
    public void ScoringManyGivesTheScoresOfOneByOne()
    {
        var rows = Rows;
        Assert.Equal(rows.Select(Sample.Model.Score), Sample.Model.Score(rows));
        Assert.Equal(rows.Take(13).Select(Sample.Model.Score), Sample.Model.Score(rows.Take(13).ToList()));
    }
}
