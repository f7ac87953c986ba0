namespace Silkgate.Risk.Model;

/// <summary>Stable 64-bit keys (FNV-1a, then a final mix) for look-up tables: the same on every run and machine.</summary>
internal static class KeyHash
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Start(int table) => Mix(Offset ^ (ulong)(uint)table);

    public static ulong Add(ulong h, string s) => Add(h, s.AsSpan());

    public static ulong Add(ulong h, ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            h ^= c;
            h *= Prime;
        }
        h ^= 0x1F; // field separator: ("ab","c") and ("a","bc") differ
        return h * Prime;
    }

    public static ulong Add(ulong h, double v) => Mix(h ^ (ulong)BitConverter.DoubleToInt64Bits(v)) * Prime;

    public static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return x;
    }
}
