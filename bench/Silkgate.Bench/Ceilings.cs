using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Reference;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Import;

namespace Silkgate.Bench;

/// <summary>One row of declaration_item with its storage types (what DeclarationWriter stores for an item).</summary>
internal readonly record struct ItemRow(
    string EnterpriseId, string DeclarationId, int ItemNo, string HsCode, string? Description, string PartnerCountry,
    decimal? Quantity, string? QuantityUnit, long NetMassG, decimal ValueOriginal, long StatisticalValueFen,
    string? Preference, string? CertificateOfOrigin, string Flow, DateOnly? ReleaseDate, int? ReleaseMonth,
    string Port, string TradeMode, bool InZone, bool Ecommerce)
{
    public static IEnumerable<ItemRow> Of(Declaration d) => d.Items.Select(i => new ItemRow(
        d.EnterpriseId, DeclarationWriter.DeclarationIdOf(d), i.ItemNo, i.HsCode, i.Description, i.PartnerCountry,
        i.Quantity, i.QuantityUnit, Mass.ToGrams(i.NetMassKg), i.ValueOriginal, Money.ToFen(i.StatisticalValueCny),
        i.Preference, i.CertificateOfOrigin, DeclarationWriter.FlowName(d.Flow), d.ReleaseDate,
        d.ReleaseDate is { } r ? YearMonth.Of(r).Key : null, d.Port, d.TradeMode, d.InZone, d.Ecommerce));

    /// <summary>The generator's first <paramref name="items"/> items as rows, in batches of about <paramref name="batchItems"/> (built lazily, one batch at a time).</summary>
    public static IEnumerable<List<ItemRow>> Generated(KashgarGenerator generator, ReferenceData reference, long items, int batchItems) =>
        generator.Batches(items, reference, batchItems).Select(batch => batch.SelectMany(Of).ToList());

    /// <summary>
    /// The item rows an import stored, in the order it wrote them (SQLite's rowid, PostgreSQL's ctid: both follow the
    /// file on a fresh table), in batches of <paramref name="batchItems"/>: a ceiling of a file's own rows — same
    /// values, same key order — rather than generated ones of the same width.
    /// </summary>
    public static List<List<ItemRow>> StoredIn(Database db, int batchItems)
    {
        using var conn = db.OpenConnection();
        var order = db.Provider == DbProvider.Sqlite ? "rowid" : "ctid";
        var rows = Sql.Query(conn, null, $"SELECT {string.Join(", ", DeclarationWriter.ItemColumns)} FROM declaration_item ORDER BY {order}", r => new ItemRow(
            r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.NullableString(4), r.GetString(5),
            r.IsDBNull(6) ? null : r.GetDecimal(6), r.NullableString(7), r.GetInt64(8), r.GetDecimal(9), r.GetInt64(10),
            r.NullableString(11), r.NullableString(12), r.GetString(13),
            r.IsDBNull(14) ? null : r.GetFieldValue<DateOnly>(14), r.IsDBNull(15) ? null : r.GetInt32(15),
            r.GetString(16), r.GetString(17), r.GetBoolean(18), r.GetBoolean(19))).ToList();
        return [.. rows.Chunk(batchItems).Select(chunk => chunk.ToList())];
    }
}

/// <summary>
/// Measurement 3: the raw ceilings. N item rows (the generated items, same values as the importer stores, or an
/// import's own stored rows: <see cref="ItemRow.StoredIn"/>) go into
/// a scratch table <c>bench_item</c> that is a copy of declaration_item — same columns, types, primary key and
/// index — in a fresh migrated database. SQLite: one prepared INSERT reused, one transaction per batch of the
/// importer's size, the connection of Database.OpenConnection (WAL, synchronous=NORMAL). PostgreSQL: binary COPY
/// with typed writes, one COPY and transaction per batch. Only the database work is timed: the rows of each
/// batch are built before its clock starts.
/// </summary>
internal static class Ceilings
{
    public const string Table = "bench_item";

    public static Cpu Sqlite(Database db, IEnumerable<List<ItemRow>> batches, long items, string? pragma = null)
    {
        db.Migrate();
        using var conn = (SqliteConnection)db.OpenConnection();
        if (pragma is not null)
            Sql.Exec(conn, null, pragma);
        CreateSqliteTable(conn);

        var columns = DeclarationWriter.ItemColumns;
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"INSERT INTO {Table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
        var p = columns.Select((_, i) => cmd.Parameters.Add(new SqliteParameter("@p" + i, DBNull.Value))).ToArray();
        ImportBench.Quiesce(db);
        var sw = Cpu.For(db);
        foreach (var rows in batches)
        {
            sw.Start();
            using (var tx = conn.BeginTransaction())
            {
                cmd.Transaction = tx;
                foreach (var r in rows)
                {
                    p[0].Value = r.EnterpriseId;
                    p[1].Value = r.DeclarationId;
                    p[2].Value = r.ItemNo;
                    p[3].Value = r.HsCode;
                    p[4].Value = (object?)r.Description ?? DBNull.Value;
                    p[5].Value = r.PartnerCountry;
                    p[6].Value = r.Quantity is { } q ? q : DBNull.Value;
                    p[7].Value = (object?)r.QuantityUnit ?? DBNull.Value;
                    p[8].Value = r.NetMassG;
                    p[9].Value = r.ValueOriginal;
                    p[10].Value = r.StatisticalValueFen;
                    p[11].Value = (object?)r.Preference ?? DBNull.Value;
                    p[12].Value = (object?)r.CertificateOfOrigin ?? DBNull.Value;
                    p[13].Value = r.Flow;
                    p[14].Value = r.ReleaseDate is { } d ? d : DBNull.Value;
                    p[15].Value = r.ReleaseMonth is { } m ? m : DBNull.Value;
                    p[16].Value = r.Port;
                    p[17].Value = r.TradeMode;
                    p[18].Value = r.InZone;
                    p[19].Value = r.Ecommerce;
                    cmd.ExecuteNonQuery();
                }
                tx.Commit();
            }
            sw.Stop();
        }
        Check(conn, items);
        return sw;
    }

    /// <summary>
    /// The strong SQLite ceiling: the same rows into the same table, but written the way the importer writes — one
    /// statement on SQLite's C API bound by position (<see cref="SqliteInsert"/>, the importer's own class), the
    /// importer's bulk settings on the connection (<see cref="DeclarationImporter.BulkPragmas"/>: 256 MiB cache,
    /// in-memory temp store, sparse WAL checkpoints) and its final WAL checkpoint inside the time. With
    /// <paramref name="keysAfterRows"/>, the strong ceiling for a first load, written the way the importer writes one
    /// (<see cref="SqliteIndexes"/>): one transaction, the table's own index dropped, the rows inserted (into the
    /// rowid table and its primary key), the index built from them, the commit.
    /// </summary>
    public static Cpu SqliteCApi(Database db, IEnumerable<List<ItemRow>> batches, long items, bool keysAfterRows = false)
    {
        db.Migrate();
        using var conn = (SqliteConnection)db.OpenConnection();
        CreateSqliteTable(conn);
        DeclarationImporter.BulkPragmas(conn, on: true);
        ImportBench.Quiesce(db);
        var sw = Cpu.For(db);
        var sql = SqliteInsert.Sql(Table, DeclarationWriter.ItemColumns);
        Microsoft.Data.Sqlite.SqliteTransaction? whole = null;
        IReadOnlyList<string> restore = [];
        if (keysAfterRows)
        {
            sw.Start();
            whole = conn.BeginTransaction();
            restore = SqliteIndexes.DropIfEmpty(conn, whole, [Table]);
            sw.Stop();
        }
        foreach (var rows in batches)
        {
            sw.Start();
            using (var tx = whole is null ? conn.BeginTransaction() : null)
            {
                using (var s = new SqliteInsert(conn, sql))
                {
                    foreach (var r in rows)
                    {
                        s.Text(1, r.EnterpriseId);
                        s.Text(2, r.DeclarationId);
                        s.Int(3, r.ItemNo);
                        s.Text(4, r.HsCode);
                        s.Text(5, r.Description);
                        s.Text(6, r.PartnerCountry);
                        s.Decimal(7, r.Quantity);
                        s.Text(8, r.QuantityUnit);
                        s.Int(9, r.NetMassG);
                        s.Decimal(10, r.ValueOriginal);
                        s.Int(11, r.StatisticalValueFen);
                        s.Text(12, r.Preference);
                        s.Text(13, r.CertificateOfOrigin);
                        s.Text(14, r.Flow);
                        s.Date(15, r.ReleaseDate);
                        s.Int(16, r.ReleaseMonth);
                        s.Text(17, r.Port);
                        s.Text(18, r.TradeMode);
                        s.Bool(19, r.InZone);
                        s.Bool(20, r.Ecommerce);
                        s.Step();
                    }
                }
                tx?.Commit();
            }
            sw.Stop();
        }
        sw.Start();
        if (whole is not null)
        {
            Sql.ExecEach(conn, whole, restore);
            whole.Commit();
            whole.Dispose();
        }
        DeclarationImporter.BulkPragmas(conn, on: false);
        sw.Stop();
        Check(conn, items);
        return sw;
    }

    /// <summary>bench_item: declaration_item's DDL (table and every index) under another name.</summary>
    private static void CreateSqliteTable(SqliteConnection conn)
    {
        var ddl = Sql.Query(conn, null, "SELECT sql FROM sqlite_master WHERE tbl_name = 'declaration_item' AND sql IS NOT NULL ORDER BY type DESC", r => r.GetString(0)).ToList();
        foreach (var statement in ddl)
            Sql.Exec(conn, null, statement.Replace("declaration_item", Table, StringComparison.Ordinal).Replace("ix_item_", "ix_bench_", StringComparison.Ordinal));
    }

    /// <summary>
    /// The COPY ceiling: the rows into a copy of declaration_item (same keys and indexes), one transaction per
    /// batch. With <paramref name="keysAfterRows"/>, the strong ceiling for a first load, written the way the importer
    /// writes one (<see cref="PostgresIndexes"/>): one transaction, the indexes dropped, the rows copied bare, the
    /// indexes built from them, the commit.
    /// </summary>
    public static Cpu Postgres(Database db, IEnumerable<List<ItemRow>> batches, long items, bool keysAfterRows = false)
    {
        db.Migrate();
        using var conn = (NpgsqlConnection)db.OpenConnection();
        Sql.Exec(conn, null, $"CREATE TABLE {Table} (LIKE declaration_item INCLUDING ALL)");
        var copy = $"COPY {Table} ({string.Join(", ", DeclarationWriter.ItemColumns)}) FROM STDIN (FORMAT BINARY)";
        ImportBench.Quiesce(db);
        var sw = Cpu.For(db);
        NpgsqlTransaction? whole = null;
        IReadOnlyList<string> restore = [];
        if (keysAfterRows)
        {
            sw.Start();
            whole = conn.BeginTransaction();
            restore = PostgresIndexes.Drop(conn, whole, [Table]);
            sw.Stop();
        }
        foreach (var rows in batches)
        {
            sw.Start();
            using (var tx = whole is null ? conn.BeginTransaction() : null)
            {
                CopyRows(conn, copy, rows);
                tx?.Commit();
            }
            sw.Stop();
        }
        if (whole is not null)
        {
            sw.Start();
            Sql.ExecEach(conn, whole, restore);
            whole.Commit();
            sw.Stop();
            whole.Dispose();
        }
        Check(conn, items);
        return sw;
    }

    /// <summary>The item rows by one binary COPY, every column typed as the importer writes it.</summary>
    private static void CopyRows(NpgsqlConnection conn, string copy, List<ItemRow> rows)
    {
        using (var w = conn.BeginBinaryImport(copy))
        {
            foreach (var r in rows)
            {
                w.StartRow();
                w.Write(r.EnterpriseId, NpgsqlDbType.Varchar);
                w.Write(r.DeclarationId, NpgsqlDbType.Varchar);
                w.Write(r.ItemNo, NpgsqlDbType.Integer);
                w.Write(r.HsCode, NpgsqlDbType.Varchar);
                Text(w, r.Description);
                w.Write(r.PartnerCountry, NpgsqlDbType.Varchar);
                if (r.Quantity is { } q)
                    w.Write(q, NpgsqlDbType.Numeric);
                else
                    w.WriteNull();
                Text(w, r.QuantityUnit);
                w.Write(r.NetMassG, NpgsqlDbType.Bigint);
                w.Write(r.ValueOriginal, NpgsqlDbType.Numeric);
                w.Write(r.StatisticalValueFen, NpgsqlDbType.Bigint);
                Text(w, r.Preference);
                Text(w, r.CertificateOfOrigin);
                w.Write(r.Flow, NpgsqlDbType.Varchar);
                if (r.ReleaseDate is { } d)
                    w.Write(d, NpgsqlDbType.Date);
                else
                    w.WriteNull();
                if (r.ReleaseMonth is { } m)
                    w.Write(m, NpgsqlDbType.Integer);
                else
                    w.WriteNull();
                w.Write(r.Port, NpgsqlDbType.Varchar);
                w.Write(r.TradeMode, NpgsqlDbType.Varchar);
                w.Write(r.InZone, NpgsqlDbType.Boolean);
                w.Write(r.Ecommerce, NpgsqlDbType.Boolean);
            }
            w.Complete();
        }
    }

    private static void Text(NpgsqlBinaryImporter w, string? value)
    {
        if (value is null)
            w.WriteNull();
        else
            w.Write(value, NpgsqlDbType.Varchar);
    }

    private static void Check(System.Data.Common.DbConnection conn, long items)
    {
        var count = Sql.Scalar<long>(conn, null, $"SELECT count(*) FROM {Table}");
        if (count != items)
            throw new InvalidOperationException($"ceiling table has {count} rows, expected {items}");
    }
}
