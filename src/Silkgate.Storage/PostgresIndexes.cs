using System.Data.Common;
using Npgsql;

namespace Silkgate.Storage;

/// <summary>
/// PostgreSQL, for a first load into empty tables: their indexes (primary keys and unique constraints included) are
/// dropped, the rows go in by COPY without a B-tree insertion each, and the indexes are built again from the rows,
/// sorted, before the commit. PostgreSQL's own advice for populating a database ("Remove Indexes", in "Populating a
/// Database"); a sorted build takes a fraction of the row-by-row insertions (docs/performance.md). All of it runs in
/// the caller's transaction: a failure rolls the drop back with the rows, and a unique index's build checks
/// uniqueness as the index would have. Dropping an index locks its table exclusively until the commit.
/// </summary>
public static class PostgresIndexes
{
    /// <summary>
    /// Drops every index of <paramref name="tables"/> and returns the statements that build them again as they were
    /// (run them with <see cref="Sql.ExecEach"/>): ALTER TABLE … ADD CONSTRAINT for a key, the index's own CREATE INDEX otherwise.
    /// </summary>
    public static IReadOnlyList<string> Drop(NpgsqlConnection conn, DbTransaction tx, IReadOnlyList<string> tables)
    {
        var indexes = Sql.Query(conn, tx, """
            SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, c.conname,
                   CASE WHEN c.oid IS NULL THEN pg_get_indexdef(i.indexrelid)
                        ELSE format('ALTER TABLE %s ADD CONSTRAINT %I %s', i.indrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) END
            FROM pg_index i
            LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')
            WHERE i.indrelid::regclass::text = ANY(@p0)
            ORDER BY 1, 2
            """,
            r => (Table: r.GetString(0), Index: r.GetString(1), Constraint: r.NullableString(2), Restore: r.GetString(3)),
            [tables.ToArray()]).ToList();
        foreach (var index in indexes)
        {
            Sql.Exec(conn, tx, index.Constraint is { } constraint
                ? $"ALTER TABLE {index.Table} DROP CONSTRAINT \"{constraint}\""
                : $"DROP INDEX {index.Index}");
        }
        return [.. indexes.Select(i => i.Restore)];
    }

    /// <summary>
    /// <see cref="Drop"/> when every one of the tables is empty, after locking them in <paramref name="lockMode"/>
    /// (null: the caller holds its lock); also runs each <c>Off</c> statement, and returns its <c>On</c> after the
    /// indexes' statements. None of it happens (and the lock taken here is released, by a savepoint's rollback)
    /// when a table has rows, or when this role may not (it does not own the tables): the load then goes through
    /// the indexes.
    /// </summary>
    public static IReadOnlyList<string> DropIfEmpty(NpgsqlConnection conn, DbTransaction tx, IReadOnlyList<string> tables, string? lockMode, params (string Off, string On)[] switches)
    {
        const string savepoint = "indexes_after_rows";
        tx.Save(savepoint);
        try
        {
            if (lockMode is not null)
                Sql.Exec(conn, tx, $"LOCK TABLE {string.Join(", ", tables)} IN {lockMode} MODE");
            if (!AllEmpty(conn, tx, tables))
            {
                tx.Rollback(savepoint);
                return [];
            }
            var restore = Drop(conn, tx, tables).ToList();
            foreach (var (off, on) in switches)
            {
                Sql.Exec(conn, tx, off);
                restore.Add(on);
            }
            tx.Release(savepoint);
            return restore;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            tx.Rollback(savepoint);
            return [];
        }
    }

    /// <summary>Whether every one of the tables is empty (in the caller's transaction, under whatever lock it holds).</summary>
    public static bool AllEmpty(NpgsqlConnection conn, DbTransaction? tx, IReadOnlyList<string> tables) =>
        !tables.Any(t => Sql.Scalar<bool>(conn, tx, $"SELECT EXISTS (SELECT 1 FROM {t})"));
}
