using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Silkgate.Common;
using Silkgate.Storage.Reference;

namespace Silkgate.Storage.Export;

/// <summary>
/// Released items, one row per item, with the columns of the export contract (README, "export declarations").
/// Streams from the store: memory stays flat whatever the number of items.
/// </summary>
public sealed class DeclarationExporter(Database db)
{
    public static readonly string[] Columns =
    [
        "declaration_id", "item_no", "release_date", "flow", "partner_country", "port", "trade_mode", "in_zone",
        "ecommerce", "hs_code", "net_mass_kg", "quantity", "currency", "value_original", "statistical_value_cny",
        "enterprise_id", "quantity_unit", "description",
    ];

    public long Export(TextWriter output, string format, YearMonth? from, YearMonth? to)
    {
        if (format is not ("csv" or "json"))
            throw new SilkgateException("SG-ARG-002", $"Unknown format '{format}': expected csv or json.");
        var args = new List<object?>();
        var where = "i.release_month IS NOT NULL";
        if (from is { } f)
        {
            args.Add(f.Key);
            where += $" AND i.release_month >= @p{args.Count - 1}";
        }
        if (to is { } t)
        {
            args.Add(t.Key);
            where += $" AND i.release_month <= @p{args.Count - 1}";
        }
        var sql = "SELECT i.declaration_id, i.item_no, i.release_date, i.flow, i.partner_country, i.port, i.trade_mode, i.in_zone, " +
                  "i.ecommerce, i.hs_code, i.net_mass_g, i.quantity, d.currency, i.value_original, i.statistical_value_fen, " +
                  "i.enterprise_id, i.quantity_unit, i.description " +
                  "FROM declaration_item i JOIN declaration d ON d.enterprise_id = i.enterprise_id AND d.declaration_id = i.declaration_id " +
                  $"WHERE {where} ORDER BY i.release_date, i.enterprise_id, i.declaration_id, i.item_no";
        using var conn = db.OpenConnection();
        var rows = Sql.Query(conn, null, sql, r => new object?[]
        {
            r.GetString(0), r.GetInt32(1), r.GetFieldValue<DateOnly>(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetBoolean(7), r.GetBoolean(8), r.GetString(9),
            Decimals.Normalize(Mass.FromGrams(r.GetInt64(10))), Decimals.Normalize(r.NullableDecimal(11)), r.GetString(12), Decimals.Normalize(r.GetDecimal(13)), Money.FromFen(r.GetInt64(14)),
            r.GetString(15), r.NullableString(16), r.NullableString(17),
        }, args.ToArray());
        return format == "csv" ? WriteCsv(output, rows) : WriteJson(output, rows);
    }

    private static long WriteCsv(TextWriter output, IEnumerable<object?[]> rows)
    {
        using var csv = new CsvWriter(output, CsvFiles.Configuration, leaveOpen: true);
        foreach (var c in Columns)
            csv.WriteField(c);
        csv.NextRecord();
        long n = 0;
        foreach (var row in rows)
        {
            foreach (var v in row)
                csv.WriteField(Format(v));
            csv.NextRecord();
            n++;
        }
        csv.Flush();
        return n;
    }

    /// <summary>A JSON array of objects, written as a stream.</summary>
    private static long WriteJson(TextWriter output, IEnumerable<object?[]> rows)
    {
        using var buffer = new MemoryStream();
        long n = 0;
        output.Write('[');
        foreach (var row in rows)
        {
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                for (var c = 0; c < Columns.Length; c++)
                {
                    switch (row[c])
                    {
                        case null: json.WriteNull(Columns[c]); break;
                        case bool b: json.WriteBoolean(Columns[c], b); break;
                        case int i: json.WriteNumber(Columns[c], i); break;
                        case decimal d: json.WriteNumber(Columns[c], d); break;
                        default: json.WriteString(Columns[c], Convert.ToString(row[c], CultureInfo.InvariantCulture)); break;
                    }
                }
                json.WriteEndObject();
            }
            output.Write(n == 0 ? "\n" : ",\n");
            output.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            n++;
        }
        output.Write(n == 0 ? "]\n" : "\n]\n");
        output.Flush();
        return n;
    }

    private static string Format(object? v) => v switch
    {
        null => "",
        bool b => b ? "true" : "false",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };
}
