namespace Silkgate.Risk.Model.Tests;

/// <summary>The open-addressing table behind scoring's look-ups gives what a Dictionary would.</summary>
public class KeyTableTests
{
    [Fact]
    public void FindsEveryKeyItHoldsAndTheMissingValueForOthers()
    {
        var random = new Random(7);
        var entries = new Dictionary<ulong, int> { [0] = -5 };
        while (entries.Count < 1000)
            entries[(ulong)random.NextInt64() % 5000] = entries.Count; // dense keys: collisions and runs of probes
        var table = new KeyTable<int>(entries.ToList(), -1);
        for (ulong k = 0; k < 6000; k++)
            Assert.Equal(entries.GetValueOrDefault(k, -1), table.Find(k));
        Assert.Equal(-1, new KeyTable<int>([], -1).Find(0));
        Assert.Equal(-1, new KeyTable<int>([], -1).Find(42));
    }
}
