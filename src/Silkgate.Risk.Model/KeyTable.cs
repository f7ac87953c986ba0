namespace Silkgate.Risk.Model;

/// <summary>
/// A read-only map from 64-bit keys (<see cref="KeyHash"/>) to values, for the look-ups of scoring: open addressing
/// with key and value side by side, so a look-up usually reads one cache line where a Dictionary reads a bucket and
/// then an entry. A key that is absent gives the table's <c>missing</c> value.
/// </summary>
internal sealed class KeyTable<T>
    where T : struct
{
    private struct Slot
    {
        public ulong Key;
        public T Value;
    }

    /// <summary>Key 0 marks an empty slot; a real key 0 is kept aside.</summary>
    private readonly Slot[] _slots;

    private readonly int _shift;
    private readonly bool _hasZero;
    private readonly T _zero;
    private readonly T _missing;

    public KeyTable(IReadOnlyCollection<KeyValuePair<ulong, T>> entries, T missing)
    {
        _missing = missing;
        // At most half full: probes stay short, also for keys that are absent (new pairs).
        var bits = 4;
        while (1 << bits < 2 * entries.Count)
            bits++;
        _slots = new Slot[1 << bits];
        _shift = 64 - bits;
        var mask = _slots.Length - 1;
        foreach (var (key, value) in entries)
        {
            if (key == 0)
            {
                (_hasZero, _zero) = (true, value);
                continue;
            }
            var i = Home(key);
            while (_slots[i].Key != 0)
                i = (i + 1) & mask;
            _slots[i] = new Slot { Key = key, Value = value };
        }
    }

    // Fibonacci hashing: the top bits of key · 2^64/φ.
    private int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);

    public ref readonly T Find(ulong key)
    {
        if (key == 0)
            return ref _hasZero ? ref _zero : ref _missing;
        var mask = _slots.Length - 1;
        for (var i = Home(key); ; i = (i + 1) & mask)
        {
            ref readonly var slot = ref _slots[i];
            if (slot.Key == key)
                return ref slot.Value;
            if (slot.Key == 0)
                return ref _missing;
        }
    }
}
