using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Silkgate.Declarations;

namespace Silkgate.Tests.Declarations;

public sealed class StatisticalValueTests
{
    [Property]
    public Property Allocation_adds_up_to_the_header_amount_exactly(PositiveInt headerFen, NonEmptyArray<PositiveInt> values)
    {
        var header = headerFen.Get / 100m;
        var items = values.Get.Select(v => v.Get / 100m).ToList();
        var shares = StatisticalValue.Allocate(header, items);
        return (shares.Sum() == header && shares.Length == items.Count).ToProperty();
    }

    [Fact]
    public void Allocation_is_proportional_to_value_and_the_residue_goes_to_the_largest_item()
    {
        var shares = StatisticalValue.Allocate(100m, [1m, 1m, 1m]);
        Assert.Equal([33.34m, 33.33m, 33.33m], shares);
        var uneven = StatisticalValue.Allocate(10m, [100m, 300m]);
        Assert.Equal([2.50m, 7.50m], uneven);
    }

    [Fact]
    public void Import_value_is_CIF_converted_at_the_rate_and_rounded_to_the_fen()
    {
        // 1000 USD goods + 120 freight + 15.50 insurance at 7.1283 CNY/USD = 8094.18465 → 8094.18
        var cny = StatisticalValue.InCny(Flow.Import, [1000m], 120m, 15.50m, 7.1283m);
        Assert.Equal(8094.18m, cny[0]);
    }

    [Fact]
    public void Export_value_is_FOB_without_freight_or_insurance()
    {
        var cny = StatisticalValue.InCny(Flow.Export, [1000m], 120m, 15.50m, 7.1283m);
        Assert.Equal(7128.30m, cny[0]);
    }
}
