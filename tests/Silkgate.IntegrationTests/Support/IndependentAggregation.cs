using System.Globalization;
using CsvHelper;
using Microsoft.Data.Sqlite;

namespace Silkgate.IntegrationTests.Support;

/// <summary>
/// An aggregation of the KCS train file that shares no code with Silkgate's importer or statistics: the raw CSV,
/// the rates and the HS list are loaded as text into an in-memory SQLite database and summed with plain SQL.
/// </summary>
public static class IndependentAggregation
{
    public sealed record Cell(long Items, long Declarations, double ValueCny);

    public static Dictionary<(string Partner, string Month), Cell> ByPartnerMonth(string trainCsv, string ratesCsv, string hsCsv, string countriesCsv)
    {
        using var conn = new SqliteConnection("Data Source=:memory:");
        conn.Open();
        Exec(conn, "CREATE TABLE raw (id TEXT, date TEXT, origin TEXT, hs6 TEXT, mass TEXT, price TEXT)");
        Exec(conn, "CREATE TABLE rates (month TEXT, currency TEXT, rate TEXT)");
        Exec(conn, "CREATE TABLE hs (code TEXT, level TEXT)");
        Exec(conn, "CREATE TABLE countries (alpha2 TEXT)");
        Load(conn, trainCsv, "raw", ["Declaration ID", "Date", "Country of Origin", "HS6 Code", "Net Mass", "Item Price"]);
        Load(conn, ratesCsv, "rates", ["month", "currency", "cny_per_unit"]);
        Load(conn, hsCsv, "hs", ["hscode", "level"]);
        Load(conn, countriesCsv, "countries", ["ISO3166-1-Alpha-2"]);
        Exec(conn, "INSERT INTO countries VALUES ('ZZ')");

        // The rules as documented: HS 2022 subheading, or (before 2022) its heading; known country or ZZ;
        // KRW at the month's rate, rounded to the fen per item.
        const string sql = """
            SELECT r.origin, substr(r.date, 1, 7), count(*), count(DISTINCT r.id),
                   sum(round(CAST(r.price AS REAL) * CAST(x.rate AS REAL) + 1e-9, 2))
            FROM raw r JOIN rates x ON x.month = substr(r.date, 1, 7) AND x.currency = 'KRW'
            WHERE (r.hs6 IN (SELECT code FROM hs WHERE level = '6' AND code NOT LIKE '99%')
                   OR (r.date < '2022-01-01' AND substr(r.hs6, 1, 4) IN (SELECT code FROM hs WHERE level = '4' AND code NOT LIKE '99%')))
              AND r.origin IN (SELECT alpha2 FROM countries)
              AND CAST(r.price AS REAL) >= 0 AND CAST(r.mass AS REAL) >= 0
            GROUP BY 1, 2
            """;
        var result = new Dictionary<(string, string), Cell>();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            result[(reader.GetString(0), reader.GetString(1))] = new Cell(reader.GetInt64(2), reader.GetInt64(3), reader.GetDouble(4));
        return result;
    }

    private static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static void Load(SqliteConnection conn, string file, string table, string[] columns)
    {
        using var tx = conn.BeginTransaction();
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO {table} VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
        var ps = columns.Select((_, i) => cmd.Parameters.Add("$p" + i, SqliteType.Text)).ToArray();
        using var text = new StreamReader(file);
        using var csv = new CsvReader(text, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        while (csv.Read())
        {
            for (var i = 0; i < columns.Length; i++)
                ps[i].Value = csv.GetField(columns[i]);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }
}
