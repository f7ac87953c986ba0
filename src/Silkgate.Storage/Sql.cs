using System.Data.Common;

namespace Silkgate.Storage;

/// <summary>Small ADO.NET helpers: positional parameters @p0, @p1 … work the same on SQLite and PostgreSQL.</summary>
public static class Sql
{
    public static DbCommand Command(DbConnection conn, DbTransaction? tx, string sql, params object?[] args)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        for (var i = 0; i < args.Length; i++)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "p" + i;
            p.Value = args[i] ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    public static int Exec(DbConnection conn, DbTransaction? tx, string sql, params object?[] args)
    {
        using var cmd = Command(conn, tx, sql, args);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Runs each statement in order (an index's CREATE statements kept from its drop, say).</summary>
    public static void ExecEach(DbConnection conn, DbTransaction? tx, IEnumerable<string> statements)
    {
        foreach (var statement in statements)
            Exec(conn, tx, statement);
    }

    public static T? Scalar<T>(DbConnection conn, DbTransaction? tx, string sql, params object?[] args)
    {
        using var cmd = Command(conn, tx, sql, args);
        var value = cmd.ExecuteScalar();
        if (value is null or DBNull)
            return default;
        return value is T t ? t : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Inserts rows inside the caller's transaction: one prepared statement reused per row on SQLite (in-process,
    /// no round trip), multi-row VALUES of up to 500 rows on PostgreSQL (one round trip per chunk).
    /// </summary>
    public static int InsertMany(DbConnection conn, DbTransaction tx, string table, string[] columns, IEnumerable<object?[]> rows)
    {
        if (conn is Npgsql.NpgsqlConnection)
            return InsertChunked(conn, tx, table, columns, rows);
        var placeholders = string.Join(", ", columns.Select((_, i) => "@p" + i));
        using var cmd = Command(conn, tx, $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({placeholders})", new object?[columns.Length]);
        var count = 0;
        foreach (var row in rows)
        {
            for (var i = 0; i < columns.Length; i++)
                cmd.Parameters[i].Value = row[i] ?? DBNull.Value;
            count += cmd.ExecuteNonQuery();
        }
        return count;
    }

    private static int InsertChunked(DbConnection conn, DbTransaction tx, string table, string[] columns, IEnumerable<object?[]> rows)
    {
        const int chunk = 500;
        var count = 0;
        foreach (var part in rows.Chunk(chunk))
        {
            var values = string.Join(", ", part.Select((_, r) => "(" + string.Join(", ", columns.Select((_, c) => "@p" + ((r * columns.Length) + c))) + ")"));
            using var cmd = Command(conn, tx, $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES {values}", part.SelectMany(r => r).ToArray());
            count += cmd.ExecuteNonQuery();
        }
        return count;
    }

    public static IEnumerable<T> Query<T>(DbConnection conn, DbTransaction? tx, string sql, Func<DbDataReader, T> map, params object?[] args)
    {
        using var cmd = Command(conn, tx, sql, args);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            yield return map(reader);
    }

    public static string? NullableString(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static decimal? NullableDecimal(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDecimal(i);

    public static DateOnly? NullableDate(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
}
