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
}
