using System.Collections.Frozen;

namespace Silkgate.Tests.Support;

/// <summary>Frozen sets compare by reference: tests compare tariff lines with origins blanked, and origins apart.</summary>
public static class Frozen
{
    public static FrozenSet<string> Empty => FrozenSet<string>.Empty;
}
