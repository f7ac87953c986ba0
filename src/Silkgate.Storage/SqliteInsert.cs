using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Silkgate.Storage;

/// <summary>
/// One SQLite statement prepared once on SQLite's C API (SQLitePCLRaw, the layer under Microsoft.Data.Sqlite, on
/// the same connection and so inside its transaction) and executed once per row, its parameters bound by position
/// (<c>?1</c>, <c>?2</c> …). Values are stored as Microsoft.Data.Sqlite stores them (booleans as 0/1, dates as
/// <c>yyyy-MM-dd</c>, decimals as invariant text <c>0.0###…</c>), so rows read back the same whichever path wrote
/// them. Per row this skips what an ADO.NET execution costs on top of SQLite's own work: a parameter-name look-up and
/// a boxed value per parameter, a data reader, a string-to-UTF-8 copy per text.
/// </summary>
public sealed class SqliteInsert : IDisposable
{
    /// <summary>Microsoft.Data.Sqlite's text form of a decimal (SqliteValueBinder).</summary>
    private const string DecimalFormat = "0.0###########################";

    private readonly SqliteConnection _conn;
    private readonly sqlite3_stmt _stmt;
    private byte[] _utf8 = new byte[256];

    public SqliteInsert(SqliteConnection conn, string sql)
    {
        _conn = conn;
        Check(raw.sqlite3_prepare_v2(conn.Handle, sql, out _stmt));
    }

    /// <summary>The statement's SQL for the columns given: <c>INSERT INTO table (a, b, …) VALUES (?1, ?2, …)</c>.</summary>
    public static string Sql(string table, IReadOnlyList<string> columns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES (" +
        string.Join(", ", Enumerable.Range(1, columns.Count).Select(p => "?" + p.ToString(CultureInfo.InvariantCulture))) + ")";

    public void Null(int p) => Check(raw.sqlite3_bind_null(_stmt, p));

    public void Int(int p, long value) => Check(raw.sqlite3_bind_int64(_stmt, p, value));

    public void Int(int p, long? value)
    {
        if (value is { } v)
            Int(p, v);
        else
            Null(p);
    }

    public void Bool(int p, bool value) => Check(raw.sqlite3_bind_int(_stmt, p, value ? 1 : 0));

    public void Text(int p, string? value)
    {
        if (value is null)
        {
            Null(p);
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < max)
            _utf8 = new byte[Math.Max(max, 2 * _utf8.Length)];
        var n = Encoding.UTF8.GetBytes(value, _utf8);
        // The span overload binds with SQLITE_TRANSIENT: SQLite copies the bytes, the buffer is reused.
        Check(raw.sqlite3_bind_text(_stmt, p, _utf8.AsSpan(0, n)));
    }

    public void Decimal(int p, decimal value)
    {
        // The custom format is slow to interpret; the same text from the plain invariant form: trailing zeros of the
        // fraction dropped, at least one fraction digit ("12" → "12.0", "12.50" → "12.5", "0" → "0.0").
        Span<char> chars = stackalloc char[72];
        if ((value == 0m && decimal.IsNegative(value)) || !value.TryFormat(chars, out var length, default, CultureInfo.InvariantCulture))
        {
            Text(p, value.ToString(DecimalFormat, CultureInfo.InvariantCulture));
            return;
        }
        if (chars[..length].IndexOf('.') < 0)
        {
            chars[length++] = '.';
            chars[length++] = '0';
        }
        else
        {
            while (chars[length - 1] == '0' && chars[length - 2] != '.')
                length--;
        }
        Ascii(p, chars[..length]);
    }

    public void Decimal(int p, decimal? value)
    {
        if (value is { } v)
            Decimal(p, v);
        else
            Null(p);
    }

    public void Date(int p, DateOnly value)
    {
        Span<char> chars = stackalloc char[10];
        value.TryFormat(chars, out var length, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        Ascii(p, chars[..length]);
    }

    public void Date(int p, DateOnly? value)
    {
        if (value is { } v)
            Date(p, v);
        else
            Null(p);
    }

    /// <summary>Runs the statement with the values bound; they stay bound for the next row (set only what changes).</summary>
    public void Step()
    {
        var rc = raw.sqlite3_step(_stmt);
        raw.sqlite3_reset(_stmt);
        if (rc != raw.SQLITE_DONE)
            Check(rc);
    }

    public void Dispose() => _stmt.Dispose();

    private void Ascii(int p, ReadOnlySpan<char> chars)
    {
        Span<byte> bytes = stackalloc byte[chars.Length];
        for (var i = 0; i < chars.Length; i++)
            bytes[i] = (byte)chars[i];
        Check(raw.sqlite3_bind_text(_stmt, p, bytes));
    }

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
            throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(_conn.Handle).utf8_to_string()}", rc);
    }
}
