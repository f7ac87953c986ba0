namespace Silkgate.Common;

/// <summary>
/// Money rules. Amounts are decimal in memory and integer fen (0.01 CNY) in storage; rounding to the fen is
/// half up (away from zero at the midpoint), the customs convention.
/// </summary>
public static class Money
{
    public static decimal RoundToFen(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    public static long ToFen(decimal amountCny) => (long)(RoundToFen(amountCny) * 100m);

    /// <summary>Fen to CNY with exactly two decimals (multiplying by 0.01m keeps scale 2: 1230 → 12.30).</summary>
    public static decimal FromFen(long fen) => fen * 0.01m;
}
