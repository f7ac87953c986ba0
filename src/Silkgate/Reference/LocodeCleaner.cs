using System.Globalization;

namespace Silkgate.Reference;

/// <summary>A UN/LOCODE row as the shipped copy has it, before cleaning.</summary>
public sealed record RawLocodeRow(
    string Country, string Location, string Name, string NameWoDiacritics, string Subdivision, string Status,
    string Function, string Iata, string Lat, string Lon, string Geocoded);

/// <summary>
/// Repairs the known defects of the UN/LOCODE copy (data/README.md): names that held a comma were split across
/// the following columns; non-ASCII letters became U+FFFD; some geocoded coordinates are wrong; a few
/// (country, location) pairs appear twice under alternative names.
/// </summary>
public static class LocodeCleaner
{
    public static IReadOnlyList<Locode> Clean(IEnumerable<RawLocodeRow> rows, IReadOnlyDictionary<string, (decimal Lat, decimal Lon)> coordinateFixes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Locode>();
        foreach (var raw in rows)
        {
            var clean = CleanRow(raw);
            // Alternative-name duplicates: the first spelling is kept (the upstream "change" column was dropped).
            if (!seen.Add(clean.Code))
                continue;
            if (coordinateFixes.TryGetValue(clean.Code, out var fix))
                clean = clean with { Latitude = fix.Lat, Longitude = fix.Lon, Geocoded = false };
            result.Add(clean);
        }
        return result;
    }

    public static Locode CleanRow(RawLocodeRow raw)
    {
        if (raw.Name.StartsWith('"'))
        {
            // Shifted row: name = first half, nameWoDiacritics = second half, subdivision/status repeat them,
            // function holds the subdivision and iata the function; the real status is lost.
            var name = raw.Name.Trim('"', ' ') + ", " + raw.NameWoDiacritics.Trim('"', ' ');
            return new Locode(raw.Country, raw.Location, name, NullIfEmpty(raw.Function), null, raw.Iata,
                ParseCoordinate(raw.Lat), ParseCoordinate(raw.Lon), raw.Geocoded == "true");
        }
        var cleanName = raw.Name.Contains('\uFFFD', StringComparison.Ordinal) ? raw.NameWoDiacritics : raw.Name;
        return new Locode(raw.Country, raw.Location, cleanName, NullIfEmpty(raw.Subdivision), NullIfEmpty(raw.Status), raw.Function,
            ParseCoordinate(raw.Lat), ParseCoordinate(raw.Lon), raw.Geocoded == "true");
    }

    private static string? NullIfEmpty(string s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static decimal? ParseCoordinate(string s) =>
        decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? Math.Round(v, 6) : null;
}
