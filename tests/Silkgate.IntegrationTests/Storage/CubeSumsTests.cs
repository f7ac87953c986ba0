using System.Globalization;
using Silkgate.Storage.Statistics;

namespace Silkgate.IntegrationTests.Storage;

/// <summary>
/// A PostgreSQL import sums its cube changes in <see cref="CubeSums"/> (packed cells) instead of a dictionary of
/// <see cref="CubeCell"/>s: taken out, they must be exactly the cells and measures <see cref="CubeMaintainer.Add"/> sums.
/// </summary>
public sealed class CubeSumsTests
{
    [Theory]
    [InlineData(1, 1_000_000)]
    [InlineData(2, 50)]
    [InlineData(3, 1)]
    public void Packed_sums_taken_out_in_whole_months_are_the_cells_CubeMaintainer_sums(int seed, int cellsPerPart)
    {
        var rng = new Random(seed);
        var declarations = Enumerable.Range(0, 600)
            .Select(n => StatsCubeContract.RandomDeclaration(rng, "P" + n.ToString(CultureInfo.InvariantCulture), released: n % 7 != 0)).ToList();
        var expected = new Dictionary<CubeCell, CubeMeasures>();
        var sums = new CubeSums();
        foreach (var d in declarations)
        {
            CubeMaintainer.Add(expected, d);
            sums.Add(d);
        }
        Assert.Equal(expected.Count, sums.Count);

        var parts = sums.TakeByMonths(cellsPerPart).ToList();
        Assert.Equal(0, sums.Count);
        var months = parts.Select(p => p.Keys.Select(c => c.ReleaseMonth).Distinct().Order().ToList()).ToList();
        // Whole months, in month order, each in one part; a part passes its size only with a single month.
        Assert.Equal(months.SelectMany(m => m).Order(), months.SelectMany(m => m));
        Assert.Equal(months.SelectMany(m => m).Distinct().Count(), months.Sum(m => m.Count));
        Assert.All(parts.Zip(months), p => Assert.True(p.First.Count <= cellsPerPart || p.Second.Count == 1));
        var taken = parts.SelectMany(p => p).ToDictionary();
        Assert.Equal(expected.Count, taken.Count);
        Assert.All(expected, kv => Assert.Equal(kv.Value, taken[kv.Key]));
        Assert.Empty(sums.TakeByMonths(cellsPerPart));
    }
}
