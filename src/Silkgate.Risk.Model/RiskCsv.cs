using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Silkgate.Common;

namespace Silkgate.Risk.Model;

/// <summary>
/// Reads the customs declarations CSV format (22 columns, data/README.md) with a real RFC 4180 parser. Columns may
/// come in any order; missing or unknown columns are refused by name, unparsable values by line, row and column.
/// The label columns (<c>Fraud</c>, <c>Critical Fraud</c>) are required for training and evaluation and optional
/// for scoring.
/// </summary>
public static class RiskCsv
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "Declaration ID", "Date", "Office ID", "Process Type", "Import Type", "Import Use", "Payment Type",
        "Mode of Transport", "Declarant ID", "Importer ID", "Seller ID", "Courier ID", "HS6 Code",
        "Country of Departure", "Country of Origin", "Tax Rate", "Tax Type", "Country of Origin Indicator",
        "Net Mass", "Item Price", "Fraud", "Critical Fraud",
    ];

    public static readonly IReadOnlyList<string> LabelColumns = ["Fraud", "Critical Fraud"];

    private static readonly CsvConfiguration Config = new(CultureInfo.InvariantCulture)
    {
        HasHeaderRecord = false,
        DetectColumnCountChanges = false,
        BadDataFound = null,
    };

    /// <summary>Reads a file; <paramref name="requireLabels"/> makes the label columns (and values) mandatory.</summary>
    public static IReadOnlyList<RiskDeclaration> Read(string path, bool requireLabels)
    {
        if (!File.Exists(path))
            throw new SilkgateException("SG-IO-001", $"file not found: {path}");
        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileName(path), requireLabels);
    }

    /// <summary>Reads CSV text; <paramref name="name"/> names the source in messages.</summary>
    public static IReadOnlyList<RiskDeclaration> Read(TextReader text, string name, bool requireLabels)
    {
        using var parser = new CsvParser(text, Config);
        if (!parser.Read())
            throw new SilkgateException(RiskErrors.EmptyFile, $"{name}: the file is empty (a header row with the {Columns.Count} declaration columns is expected)");
        var header = parser.Record ?? [];
        var index = MapHeader(header, name, requireLabels);
        var rows = new List<RiskDeclaration>();
        var row = 0;
        while (parser.Read())
        {
            var fields = parser.Record ?? [];
            row++;
            var line = parser.RawRow;
            if (fields.Length == 1 && fields[0].Length == 0)
                continue; // a blank line
            if (fields.Length != header.Length)
                throw new SilkgateException(RiskErrors.FieldCount, $"{name}: line {line} (row {row}) has {fields.Length} fields, the header has {header.Length}");
            rows.Add(ParseRow(fields, index, new Where(name, line, row), requireLabels));
        }
        if (rows.Count == 0)
            throw new SilkgateException(RiskErrors.NoRows, $"{name}: the file has a header but no declaration rows");
        return rows;
    }

    private static int[] MapHeader(string[] header, string name, bool requireLabels)
    {
        var index = new int[Columns.Count];
        Array.Fill(index, -1);
        var unknown = new List<string>();
        for (var i = 0; i < header.Length; i++)
        {
            var h = header[i].Trim();
            var c = IndexOf(h);
            if (c < 0 || index[c] >= 0)
                unknown.Add(c < 0 ? $"'{h}'" : $"'{h}' (repeated)");
            else
                index[c] = i;
        }
        var missing = Enumerable.Range(0, Columns.Count)
            .Where(c => index[c] < 0 && (requireLabels || !LabelColumns.Contains(Columns[c])))
            .Select(c => $"'{Columns[c]}'").ToList();
        if (missing.Count > 0)
        {
            var extra = unknown.Count > 0 ? $"; unknown columns: {string.Join(", ", unknown)}" : "";
            throw new SilkgateException(RiskErrors.MissingColumns, $"{name}: missing columns: {string.Join(", ", missing)}{extra}");
        }
        if (unknown.Count > 0)
            throw new SilkgateException(RiskErrors.ExtraColumns, $"{name}: unknown columns: {string.Join(", ", unknown)} (expected exactly: {string.Join(", ", Columns)})");
        return index;
    }

    private static int IndexOf(string header)
    {
        for (var c = 0; c < Columns.Count; c++)
        {
            if (string.Equals(Columns[c], header, StringComparison.Ordinal))
                return c;
        }
        return -1;
    }

    private readonly record struct Where(string File, int Line, int Row)
    {
        public SilkgateException Bad(string column, string value, string expected) =>
            new(RiskErrors.BadValue, $"{File}: line {Line} (row {Row}), column '{column}': '{value}' is not {expected}");
    }

    private static RiskDeclaration ParseRow(string[] f, int[] index, Where at, bool requireLabels)
    {
        string S(int c) => index[c] < 0 ? "" : f[index[c]].Trim();
        var id = S(0);
        if (id.Length == 0)
            throw at.Bad(Columns[0], id, "a declaration id (it is empty)");
        var dateText = S(1);
        if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw at.Bad(Columns[1], dateText, "a date YYYY-MM-DD");
        return new RiskDeclaration
        {
            DeclarationId = id,
            Date = date,
            OfficeId = S(2),
            ProcessType = S(3),
            ImportType = S(4),
            ImportUse = S(5),
            PaymentType = S(6),
            TransportMode = S(7),
            DeclarantId = S(8),
            ImporterId = S(9),
            SellerId = S(10),
            CourierId = S(11),
            Hs6 = S(12),
            Departure = S(13),
            Origin = S(14),
            TaxRate = Number(at, 15, S(15)),
            TaxType = S(16),
            OriginIndicator = S(17),
            NetMass = Number(at, 18, S(18)),
            ItemPrice = Number(at, 19, S(19)),
            Fraud = Label(at, 20, S(20), 1, requireLabels),
            CriticalFraud = Label(at, 21, S(21), 2, requireLabels),
        };
    }

    private static double Number(Where at, int column, string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw at.Bad(Columns[column], text, "a number");
        if (v < 0)
            throw at.Bad(Columns[column], text, "a number ≥ 0");
        return v == 0 ? 0 : v; // no negative zero: the exact (mass, price) pair is compared bit for bit
    }

    private static int? Label(Where at, int column, string text, int max, bool required)
    {
        if (text.Length == 0 && !required)
            return null;
        var ok = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= max;
        if (!ok && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && d >= 0 && d <= max)
        {
            v = (int)d;
            ok = true;
        }
        return ok ? v : throw at.Bad(Columns[column], text, max == 1 ? "a label 0 or 1" : "a label 0, 1 or 2");
    }
}
