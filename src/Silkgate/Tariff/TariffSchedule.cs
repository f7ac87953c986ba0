using System.Collections.Concurrent;

namespace Silkgate.Tariff;

/// <summary>Lines of one measure, rate kind and agreement that match a code, longest prefix first.</summary>
public sealed class CandidateGroup(TaxMeasure measure, RateKind kind, string? agreement, bool exportDuty, TariffLine[] longestFirst)
{
    public TaxMeasure Measure { get; } = measure;

    public RateKind Kind { get; } = kind;

    public string? Agreement { get; } = agreement;

    public bool ExportDuty { get; } = exportDuty;

    public IReadOnlyList<TariffLine> Lines => longestFirst;

    /// <summary>The longest-prefix line valid on the date for the origin, if any.</summary>
    public TariffLine? Find(DateOnly date, string origin)
    {
        foreach (var line in longestFirst)
        {
            if (line.ValidOn(date) && line.AppliesToOrigin(origin))
                return line;
        }
        return null;
    }

    /// <summary>The longest-prefix line valid on the date, whatever the origin (to explain an ineligible claim).</summary>
    public TariffLine? FindAnyOrigin(DateOnly date)
    {
        foreach (var line in longestFirst)
        {
            if (line.ValidOn(date))
                return line;
        }
        return null;
    }
}

/// <summary>Everything in the schedule that can apply to one commodity code, grouped and ordered once.</summary>
public sealed class CompiledCode(CandidateGroup[] duty, CandidateGroup[] exportDuty, CandidateGroup? consumptionTax, CandidateGroup? vat)
{
    /// <summary>Import duty groups, ordered by rate kind (mfn, provisional, conventional, special, general).</summary>
    public CandidateGroup[] Duty { get; } = duty;

    public CandidateGroup[] ExportDuty { get; } = exportDuty;

    public CandidateGroup? ConsumptionTax { get; } = consumptionTax;

    public CandidateGroup? Vat { get; } = vat;
}

/// <summary>
/// A tariff schedule with its look-ups precompiled: lines are indexed by code prefix, and each commodity code is
/// resolved once into its candidate groups (cached), so a calculation does dictionary look-ups and no allocation.
/// Within each measure, rate kind and agreement the longest matching prefix valid on the date wins.
/// </summary>
public sealed class TariffSchedule
{
    private readonly Dictionary<long, TariffLine[]> _byPrefix;
    private readonly ConcurrentDictionary<long, CompiledCode> _compiled = new();

    public TariffSchedule(IEnumerable<TariffLine> lines)
    {
        Lines = lines.ToList();
        _byPrefix = Lines.GroupBy(l => PrefixKey(l.HsCode, l.HsCode.Length)).ToDictionary(g => g.Key, g => g.ToArray());
    }

    public IReadOnlyList<TariffLine> Lines { get; }

    /// <summary>The candidate groups for a code of 4 to 10 digits.</summary>
    public CompiledCode Compile(string hsCode) =>
        // The static factory with explicit state keeps the hit path free of closure allocations.
        _compiled.GetOrAdd(PrefixKey(hsCode, hsCode.Length), static (_, state) => state.Schedule.Build(state.Code), (Schedule: this, Code: hsCode));

    private CompiledCode Build(string code)
    {
        var matching = new List<TariffLine>();
        for (var len = Math.Min(code.Length, 10); len >= 4; len--)
        {
            if (_byPrefix.TryGetValue(PrefixKey(code, len), out var lines))
                matching.AddRange(lines);
        }
        // matching is longest prefix first; grouping keeps that order inside each group.
        var groups = matching
            .GroupBy(l => (l.Measure, l.Kind, l.Agreement, l.IsExportDuty))
            .Select(g => new CandidateGroup(g.Key.Measure, g.Key.Kind, g.Key.Agreement, g.Key.IsExportDuty, g.ToArray()))
            .OrderBy(g => g.Kind)
            .ThenBy(g => g.Agreement, StringComparer.Ordinal)
            .ToList();
        return new CompiledCode(
            groups.Where(g => g.Measure == TaxMeasure.Duty && !g.ExportDuty).ToArray(),
            groups.Where(g => g.ExportDuty).ToArray(),
            groups.FirstOrDefault(g => g.Measure == TaxMeasure.ConsumptionTax),
            groups.FirstOrDefault(g => g.Measure == TaxMeasure.Vat));
    }

    /// <summary>The first <paramref name="length"/> digits of a code as one number, tagged with the length.</summary>
    private static long PrefixKey(string code, int length)
    {
        long digits = 0;
        for (var i = 0; i < length; i++)
            digits = (digits * 10) + (code[i] - '0');
        return (digits * 16) + length;
    }
}
