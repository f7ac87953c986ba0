namespace Silkgate.Reference;

/// <summary>One node of the Harmonized System: a chapter (2 digits), heading (4) or subheading (6).</summary>
public sealed record HsEntry(string Code, int Level, string Section, string? Parent, string Description);

public sealed record HsSection(string Numeral, string Name);

/// <summary>
/// The HS 2022 nomenclature in memory: look-up, validation of declared codes and search by prefix or words.
/// </summary>
public sealed class HsNomenclature
{
    private readonly Dictionary<string, HsEntry> _byCode;
    private readonly Dictionary<string, HsSection> _sections;

    public HsNomenclature(IEnumerable<HsEntry> entries, IEnumerable<HsSection> sections)
    {
        _byCode = entries.ToDictionary(e => e.Code, StringComparer.Ordinal);
        _sections = sections.ToDictionary(s => s.Numeral, StringComparer.Ordinal);
    }

    public int Count => _byCode.Count;

    public IReadOnlyCollection<HsSection> Sections => _sections.Values;

    public HsEntry? Find(string code) => _byCode.GetValueOrDefault(code);

    public HsSection? SectionOf(string code) =>
        code.Length >= 2 && _byCode.TryGetValue(code[..2], out var chapter) ? _sections.GetValueOrDefault(chapter.Section) : null;

    /// <summary>
    /// Whether a declared commodity code (6 to 10 digits; national digits beyond 6 are not checked) is known.
    /// The 6-digit subheading must exist in HS 2022, except for goods declared before HS 2022 entered into force
    /// (1 January 2022): their HS 2017 subheading may have been split or renumbered since, so its 4-digit heading
    /// must exist instead.
    /// </summary>
    public HsValidation Validate(string? code, DateOnly declarationDate)
    {
        if (string.IsNullOrEmpty(code) || code.Length < 6 || code.Length > 10 || !code.All(char.IsAsciiDigit))
            return HsValidation.Malformed;
        if (_byCode.TryGetValue(code[..6], out var sub) && sub.Level == 6 && !IsNotSpecified(sub.Code))
            return HsValidation.Known;
        if (declarationDate < Hs2022InForce && _byCode.TryGetValue(code[..4], out var heading) && heading.Level == 4 && !IsNotSpecified(heading.Code))
            return HsValidation.KnownHeadingOnly;
        return HsValidation.Unknown;
    }

    public static readonly DateOnly Hs2022InForce = new(2022, 1, 1);

    /// <summary>Chapter 99 is a UN Comtrade addition ("not specified according to kind"), not a WCO code.</summary>
    private static bool IsNotSpecified(string code) => code.StartsWith("99", StringComparison.Ordinal);

    /// <summary>Entries whose code starts with <paramref name="prefix"/>, in code order.</summary>
    public IEnumerable<HsEntry> ByPrefix(string prefix) =>
        _byCode.Values.Where(e => e.Code.StartsWith(prefix, StringComparison.Ordinal) && !IsNotSpecified(e.Code)).OrderBy(e => e.Code, StringComparer.Ordinal);

    /// <summary>Entries whose description holds every word of <paramref name="words"/> (case-insensitive), in code order.</summary>
    public IEnumerable<HsEntry> Search(string words)
    {
        var terms = words.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (terms.Length == 0)
            return [];
        if (terms.All(t => t.All(char.IsAsciiDigit)))
            return ByPrefix(string.Concat(terms));
        return _byCode.Values
            .Where(e => !IsNotSpecified(e.Code) && terms.All(t => e.Description.Contains(t, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(e => e.Code, StringComparer.Ordinal);
    }
}

public enum HsValidation
{
    Known,
    KnownHeadingOnly,
    Unknown,
    Malformed,
}
