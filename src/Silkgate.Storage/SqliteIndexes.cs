using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Silkgate.Storage;

/// <summary>
/// SQLite, for a first load into empty tables in one transaction: their own indexes (those with a CREATE INDEX
/// statement; a primary key's automatic index is part of the table and stays) are dropped, the rows go in without
/// an insertion into each, and the indexes are built again from the rows, by one sort each, before the commit.
/// SQLite's DDL is transactional: a failure rolls the drop back with the rows, other connections see the tables
/// with their indexes throughout, and a unique index's build checks uniqueness as the index would have.
/// </summary>
public static class SqliteIndexes
{
    /// <summary>
    /// When every one of <paramref name="tables"/> is empty (in the caller's transaction, which holds SQLite's write
    /// lock), drops their indexes and returns the CREATE INDEX statements that build them again, in name order;
    /// otherwise drops nothing and returns none.
    /// </summary>
    public static IReadOnlyList<string> DropIfEmpty(SqliteConnection conn, DbTransaction tx, IReadOnlyList<string> tables)
    {
        if (tables.Any(t => Sql.Scalar<long>(conn, tx, $"SELECT EXISTS (SELECT 1 FROM {t})") != 0))
            return [];
        var indexes = Of(conn, tx, tables);
        foreach (var (name, _) in indexes)
            Sql.Exec(conn, tx, $"DROP INDEX \"{name}\"");
        return [.. indexes.Select(i => i.Create)];
    }

    /// <summary>The indexes of the tables that have a CREATE INDEX statement (not the primary keys' automatic ones), in name order.</summary>
    public static List<(string Name, string Create)> Of(SqliteConnection conn, DbTransaction? tx, IReadOnlyList<string> tables) =>
        [.. Sql.Query(conn, tx,
            $"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({string.Join(", ", tables.Select((_, i) => "@p" + i))}) ORDER BY name",
            r => (r.GetString(0), r.GetString(1)), [.. tables])];
}
