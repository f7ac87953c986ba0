namespace Silkgate.Common;

public static class Decimals
{
    /// <summary>Drops trailing zeros (12.3000 → 12.3) so the same value prints the same from SQLite and PostgreSQL.</summary>
    public static decimal Normalize(decimal d) => d / 1.000000000000000000000000000000000m;

    public static decimal? Normalize(decimal? d) => d is { } v ? Normalize(v) : null;
}
