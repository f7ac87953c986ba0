namespace Silkgate.Common;

/// <summary>Net mass is kept as integer grams in storage so that sums are exact on every database.</summary>
public static class Mass
{
    public static long ToGrams(decimal kg) => (long)Math.Round(kg * 1000m, 0, MidpointRounding.AwayFromZero);

    public static decimal FromGrams(long grams) => grams / 1000m;
}
