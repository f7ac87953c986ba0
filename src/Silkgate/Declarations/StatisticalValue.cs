using Silkgate.Common;

namespace Silkgate.Declarations;

/// <summary>
/// Statistical value (DESIGN.md §2, §9): imports at CIF (transaction value + freight + insurance to the border),
/// exports at FOB, converted to CNY with the customs rate of the declaration month and rounded to the fen.
/// Header freight and insurance are allocated to items in proportion to value; the rounding residue goes to the
/// largest item, so the items add up to the header exactly.
/// </summary>
public static class StatisticalValue
{
    public static decimal[] Allocate(decimal headerAmount, IReadOnlyList<decimal> itemValues)
    {
        var shares = new decimal[itemValues.Count];
        if (itemValues.Count == 0 || headerAmount == 0m)
            return shares;
        var total = itemValues.Sum();
        for (var i = 0; i < shares.Length; i++)
        {
            shares[i] = total == 0m
                ? Money.RoundToFen(headerAmount / itemValues.Count)
                : Money.RoundToFen(headerAmount * itemValues[i] / total);
        }
        var residue = headerAmount - shares.Sum();
        var largest = 0;
        for (var i = 1; i < itemValues.Count; i++)
        {
            if (itemValues[i] > itemValues[largest])
                largest = i;
        }
        shares[largest] += residue;
        return shares;
    }

    /// <summary>Statistical values in CNY of each item, given values and header freight/insurance in the declaration currency.</summary>
    public static decimal[] InCny(Flow flow, IReadOnlyList<decimal> itemValues, decimal freight, decimal insurance, decimal cnyPerUnit)
    {
        var result = new decimal[itemValues.Count];
        // Exports are FOB: nothing to share out (and no arrays of zeros to allocate for each declaration).
        var freightShares = flow == Flow.Import && freight != 0m ? Allocate(freight, itemValues) : null;
        var insuranceShares = flow == Flow.Import && insurance != 0m ? Allocate(insurance, itemValues) : null;
        for (var i = 0; i < result.Length; i++)
            result[i] = Money.RoundToFen((itemValues[i] + (freightShares?[i] ?? 0m) + (insuranceShares?[i] ?? 0m)) * cnyPerUnit);
        return result;
    }
}
