using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Silkgate.Common;

namespace Silkgate.Storage.Reference;

/// <summary>A CSV row read by header name, every field a string (codes keep their leading zeros; "NA" stays Namibia).</summary>
public sealed class CsvRow(string file, int line, IReadOnlyDictionary<string, int> header, int headerCount, string[] fields)
{
    public string File { get; } = file;

    /// <summary>The physical line number of the row in its file (1 = header).</summary>
    public int Line { get; } = line;

    public IReadOnlyList<string> Fields => fields;

    /// <summary>How many columns the header has: a row with another count is malformed.</summary>
    public int HeaderCount { get; } = headerCount;

    public string this[string column] =>
        header.TryGetValue(column, out var i) && i < fields.Length ? fields[i] : "";

    /// <summary>The header the row was read under (column name → position); every row of a file shares one.</summary>
    public IReadOnlyDictionary<string, int> Header => header;

    /// <summary>The field at a position of <see cref="Header"/>; "" past the row's end or for a negative position.</summary>
    public string Field(int index) => (uint)index < (uint)fields.Length ? fields[index] : "";

    public string? Optional(string column) => this[column] is { Length: > 0 } s ? s.Trim() : null;

    public string Required(string column)
    {
        var value = this[column].Trim();
        return value.Length > 0
            ? value
            : throw new SilkgateException("SG-CSV-002", $"{File}:{Line}: column '{column}' is empty.");
    }
}

/// <summary>RFC 4180 CSV reading (CsvHelper) with the checks every importer needs: header and column count.</summary>
public static class CsvFiles
{
    public static CsvConfiguration Configuration => new(CultureInfo.InvariantCulture)
    {
        HasHeaderRecord = true,
        BadDataFound = null,
        MissingFieldFound = null,
        DetectDelimiter = false,
        TrimOptions = TrimOptions.None,
        NewLine = "\n",
    };

    /// <summary>Reads every row; the header must hold <paramref name="requiredColumns"/>. Rows with a wrong column count are returned with <c>Fields.Count</c> differing from the header, for the caller to report.</summary>
    public static IEnumerable<CsvRow> Read(TextReader reader, string fileName, params string[] requiredColumns) =>
        Read(reader, fileName, requiredColumns, only: null);

    /// <summary>
    /// As <see cref="Read(TextReader, string, string[])"/>; with <paramref name="only"/>, a row's other fields read
    /// as "" and are never made into strings (the KCS train file has 22 columns, its mapping reads 11). Each row
    /// keeps its own fields, and its true column count.
    /// </summary>
    public static IEnumerable<CsvRow> Read(TextReader reader, string fileName, string[] requiredColumns, IReadOnlyCollection<string>? only)
    {
        using var csv = new CsvReader(reader, Configuration);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null)
            throw new SilkgateException("SG-CSV-001", $"{fileName}: the file is empty (a header row is expected).");
        var header = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < csv.HeaderRecord.Length; i++)
            header.TryAdd(csv.HeaderRecord[i].Trim().TrimStart('\uFEFF'), i);
        var missing = requiredColumns.Where(c => !header.ContainsKey(c)).ToArray();
        if (missing.Length > 0)
            throw new SilkgateException("SG-CSV-003", $"{fileName}: missing column(s) {string.Join(", ", missing)}; the header is: {string.Join(",", csv.HeaderRecord)}.");
        var wanted = only?.Where(header.ContainsKey).Select(c => header[c]).Distinct().ToArray();
        var parser = csv.Parser;
        while (csv.Read())
        {
            string[] fields;
            if (wanted is null)
            {
                fields = parser.Record ?? [];
            }
            else
            {
                var count = parser.Count;
                fields = new string[count];
                Array.Fill(fields, "");
                foreach (var i in wanted)
                {
                    if (i < count)
                        fields[i] = parser[i];
                }
                // A row of one field is a blank line only when that field is empty: read it whether wanted or not.
                if (count == 1)
                    fields[0] = parser[0];
            }
            if (fields.Length == 1 && fields[0].Length == 0)
                continue;
            yield return new CsvRow(fileName, parser.RawRow, header, csv.HeaderRecord.Length, fields);
        }
    }

    /// <summary>
    /// A lighter pass for when only a few columns matter: each row holds only <paramref name="wanted"/> (every other
    /// field reads as ""), and the row and its field array are reused — a row is valid until the next one is read.
    /// Header problems are not reported here: an empty file or missing columns yield no rows (<see cref="Read(TextReader, string, string[])"/> reports them).
    /// </summary>
    public static IEnumerable<CsvRow> ReadColumns(TextReader reader, string fileName, string[] requiredColumns, string[] wanted)
    {
        using var parser = new CsvParser(reader, Configuration);
        if (!parser.Read() || parser.Record is not { } headerRecord)
            yield break;
        var header = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < headerRecord.Length; i++)
            header.TryAdd(headerRecord[i].Trim().TrimStart('\uFEFF'), i);
        if (requiredColumns.Any(c => !header.ContainsKey(c)))
            yield break;
        var indexes = wanted.Select(c => header[c]).ToArray();
        var fields = new string[headerRecord.Length];
        Array.Fill(fields, "");
        while (parser.Read())
        {
            var count = parser.Count;
            if (count == 1 && parser[0].Length == 0)
                continue;
            foreach (var i in indexes)
                fields[i] = i < count ? parser[i] : "";
            yield return new CsvRow(fileName, parser.RawRow, header, headerRecord.Length, fields);
        }
    }

    /// <summary>Parses a file given on the command line; a missing file is a coded refusal.</summary>
    public static T ReadFile<T>(string path, Func<TextReader, string, T> parse)
    {
        if (!File.Exists(path))
            throw new SilkgateException("SG-IO-001", $"File not found: {path}");
        using var reader = new StreamReader(path);
        return parse(reader, Path.GetFileName(path));
    }

    public static string Sha256(string content) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    public static decimal ParseDecimal(string text, string file, int line, string column)
    {
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new SilkgateException("SG-CSV-004", $"{file}:{line}: column '{column}': '{text}' is not a number.");
    }

    public static DateOnly ParseDate(string text, string file, int line, string column)
    {
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new SilkgateException("SG-CSV-005", $"{file}:{line}: column '{column}': '{text}' is not a date YYYY-MM-DD.");
    }
}
