using System.Runtime.InteropServices;
using Silkgate.Declarations;

namespace Silkgate.Storage.Statistics;

/// <summary>
/// The cube changes of a whole bulk import, summed in memory until they are written (ImportWriter, PostgreSQL).
/// Cells are kept per month, each as one 64-bit number made of small codes for its flow, partner, port, trade mode,
/// flags and HS heading: about 56 bytes a cell with its measures, against about 110 with a <see cref="CubeCell"/>
/// key (five references) — so a 10-million-item import keeps every sum until the one write before its commit,
/// instead of writing some of them early as upserts that a later write has to add to (docs/performance.md).
/// </summary>
public sealed class CubeSums
{
    // Bits of the packed cell: hs4 16, partner 16, port 12, trade mode 12, flow 1, in_zone 1, ecommerce 1.
    private readonly Codes _headings = new("HS headings", 16);
    private readonly Codes _partners = new("partner countries", 16);
    private readonly Codes _ports = new("ports", 12);
    private readonly Codes _modes = new("trade modes", 12);
    private readonly Codes _flows = new("flows", 1);
    private readonly Dictionary<int, Dictionary<ulong, CubeMeasures>> _months = [];

    /// <summary>Distinct cells summed.</summary>
    public int Count { get; private set; }

    /// <summary>Adds the items of a released declaration (nothing for one not released).</summary>
    public void Add(Declaration d)
    {
        var sink = new Sink(this);
        CubeMaintainer.AddCells(d, 1, ref sink);
    }

    private readonly struct Sink(CubeSums sums) : CubeMaintainer.ICellSink
    {
        public void Add(CubeCell cell, CubeMeasures m) => sums.Add(cell, m);
    }

    private void Add(CubeCell cell, CubeMeasures m)
    {
        ref var month = ref CollectionsMarshal.GetValueRefOrAddDefault(_months, cell.ReleaseMonth, out _);
        month ??= [];
        var packed = _headings.Of(cell.Hs4) | _partners.Of(cell.Partner) << 16 | _ports.Of(cell.Port) << 32 | _modes.Of(cell.TradeMode) << 44
            | _flows.Of(cell.Flow) << 56 | (cell.InZone ? 1UL : 0) << 57 | (cell.Ecommerce ? 1UL : 0) << 58;
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(month, packed, out var exists);
        if (!exists)
            Count++;
        slot += m;
    }

    /// <summary>
    /// Takes every sum out, in month order, as dictionaries of cube cells of about <paramref name="cellsPerPart"/>
    /// cells each (whole months: a month is never split, so each part holds the whole change of its months and of
    /// their roll-ups). A month's packed sums are released as it is unpacked; the sums are empty afterwards.
    /// </summary>
    public IEnumerable<Dictionary<CubeCell, CubeMeasures>> TakeByMonths(int cellsPerPart)
    {
        var months = _months.Keys.Order().ToList();
        for (var first = 0; first < months.Count;)
        {
            // The part's months first, so that its dictionary is made once at its size (growing it month by month
            // would copy it at every month).
            var end = first + 1;
            var size = _months[months[first]].Count;
            while (end < months.Count && size + _months[months[end]].Count <= cellsPerPart)
                size += _months[months[end++]].Count;
            var part = new Dictionary<CubeCell, CubeMeasures>(size);
            for (var n = first; n < end; n++)
            {
                var cells = _months[months[n]];
                _months.Remove(months[n]);
                foreach (var (packed, m) in cells)
                    part.Add(Unpack(months[n], packed), m);
                Count -= cells.Count;
            }
            first = end;
            yield return part;
        }
    }

    private CubeCell Unpack(int month, ulong packed) => new(month, _flows.Name(packed >> 56 & 1), _partners.Name(packed >> 16 & 0xFFFF),
        _ports.Name(packed >> 32 & 0xFFF), _modes.Name(packed >> 44 & 0xFFF), (packed >> 57 & 1) == 1, (packed >> 58 & 1) == 1, _headings.Name(packed & 0xFFFF));

    /// <summary>Small numbers for the distinct values of one key column, in the order first seen.</summary>
    private sealed class Codes(string what, int bits)
    {
        private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
        private readonly List<string> _names = [];

        // A declaration's items share one flow, port and trade mode string: the last one is answered without a look-up.
        private string? _last;
        private ulong _lastCode;

        public ulong Of(string value)
        {
            if (ReferenceEquals(value, _last))
                return _lastCode;
            _lastCode = Code(value);
            _last = value;
            return _lastCode;
        }

        private ulong Code(string value)
        {
            ref var code = ref CollectionsMarshal.GetValueRefOrAddDefault(_codes, value, out var exists);
            if (!exists)
            {
                // Far beyond the reference data (a few hundred countries, ports and trade modes; about 1,200 HS headings).
                if (_names.Count >= 1 << bits)
                {
                    _codes.Remove(value);
                    throw new InvalidOperationException($"More than {1 << bits} distinct {what} in one import's statistics.");
                }
                code = _names.Count;
                _names.Add(value);
            }
            return (ulong)code;
        }

        public string Name(ulong code) => _names[(int)code];
    }
}
