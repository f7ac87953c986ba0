using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Silkgate.Storage.Statistics;

/// <summary>
/// The roll-up's cells of one release month in one blob (table stats_rollup_pack, migration M0010): what
/// <see cref="StatsQueryRunner.Preload"/> reads for a bulletin. Reading ten thousand roll-up rows costs one call
/// into SQLite per column and row, most of the bulletin's time; reading a period's packs is one row per month.
/// <para>
/// A pack is a cache, exact or absent. Every change to a month's roll-up deletes that month's pack in the same
/// transaction (<see cref="Invalidate"/>, after the roll-up is written); a reader that finds a month without a pack
/// writes one (<see cref="Fill"/>) from the roll-up, in a transaction that no roll-up writer can be inside: SQLite's
/// write lock, or PostgreSQL's SHARE lock on stats_rollup (which waits for no one: when a writer holds the table, the
/// reader reads the roll-up rows and writes no pack). A writer that comes after the reader deletes what it wrote.
/// </para>
/// </summary>
public static class RollupPacks
{
    private const byte Format = 1;

    /// <summary>Deletes the packs of the months a change to the roll-up touched (in the writer's transaction).</summary>
    public static void Invalidate(DbConnection conn, DbTransaction tx, IEnumerable<int> months)
    {
        var distinct = months.Distinct().Order().ToArray();
        if (distinct.Length == 0)
            return;
        var list = string.Join(", ", distinct.Select((_, n) => "@p" + n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Sql.Exec(conn, tx, $"DELETE FROM stats_rollup_pack WHERE release_month IN ({list})", distinct.Cast<object?>().ToArray());
    }

    /// <summary>Deletes every pack (a full recompute rewrites the roll-up).</summary>
    public static void Clear(DbConnection conn, DbTransaction tx) => Sql.Exec(conn, tx, "DELETE FROM stats_rollup_pack");

    /// <summary>
    /// The roll-up's cells of months <paramref name="from"/>..<paramref name="to"/> (YYYYMM) by month, months in order,
    /// cells in key order: from the packs where there are, from the roll-up's rows for the other months, whose packs
    /// are then written when no writer holds the roll-up. (One list per month: a period's cells in one list would
    /// land on the large-object heap, and every such allocation brings a full garbage collection closer.)
    /// </summary>
    public static SortedDictionary<int, List<KeyValuePair<CubeCell, CubeMeasures>>> Read(DbConnection conn, int from, int to)
    {
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var byMonth = new SortedDictionary<int, List<KeyValuePair<CubeCell, CubeMeasures>>>();
        foreach (var (month, blob) in Sql.Query(conn, null, "SELECT release_month, cells FROM stats_rollup_pack WHERE release_month BETWEEN @p0 AND @p1",
                     r => (r.GetInt32(0), (byte[])r.GetValue(1)), from, to))
            byMonth[month] = Decode(month, blob, strings);
        var missing = Months(from, to).Where(m => !byMonth.ContainsKey(m)).ToList();
        if (missing.Count > 0)
        {
            foreach (var (month, cells) in Fill(conn, missing))
                byMonth[month] = cells;
        }
        return byMonth;
    }

    /// <summary>
    /// The roll-up's cells of <paramref name="months"/>, grouped by month (a month without cells has none), and their
    /// packs written (an empty month gets an empty pack) unless a writer holds the roll-up.
    /// </summary>
    private static Dictionary<int, List<KeyValuePair<CubeCell, CubeMeasures>>> Fill(DbConnection conn, List<int> months)
    {
        var wanted = months.ToHashSet();
        Dictionary<int, List<KeyValuePair<CubeCell, CubeMeasures>>> Cells(DbTransaction? tx)
        {
            var grouped = months.ToDictionary(m => m, _ => new List<KeyValuePair<CubeCell, CubeMeasures>>());
            foreach (var kv in CubeMaintainer.ReadRollup(conn, months.Min(), months.Max(), tx))
            {
                if (wanted.Contains(kv.Key.ReleaseMonth))
                    grouped[kv.Key.ReleaseMonth].Add(kv);
            }
            return grouped;
        }

        using var locked = PackLock.TryTake(conn);
        if (locked is null)
            return Cells(null);
        var cells = Cells(locked.Transaction);
        foreach (var (month, monthCells) in cells)
            Sql.Exec(conn, locked.Transaction, "INSERT INTO stats_rollup_pack (release_month, cells) VALUES (@p0, @p1) ON CONFLICT (release_month) DO NOTHING", month, Encode(monthCells));
        locked.Commit();
        return cells;
    }

    /// <summary>
    /// A transaction in which no roll-up writer is or can be, taken without waiting: SQLite's write lock (BEGIN
    /// IMMEDIATE through the C API with no busy wait: Microsoft.Data.Sqlite would retry for its command timeout),
    /// PostgreSQL's SHARE lock on stats_rollup (NOWAIT). Null when a writer holds it or the database is read-only.
    /// </summary>
    private sealed class PackLock : IDisposable
    {
        private readonly DbConnection _conn;
        private bool _done;

        private PackLock(DbConnection conn, DbTransaction? transaction)
        {
            _conn = conn;
            Transaction = transaction;
        }

        /// <summary>The PostgreSQL transaction; null on SQLite, whose transaction ADO.NET does not see.</summary>
        public DbTransaction? Transaction { get; }

        public static PackLock? TryTake(DbConnection conn)
        {
            if (conn is SqliteConnection sqlite)
            {
                Sql.Exec(conn, null, "PRAGMA busy_timeout=0");
                try
                {
                    var rc = SQLitePCL.raw.sqlite3_exec(sqlite.Handle, "BEGIN IMMEDIATE");
                    return rc == SQLitePCL.raw.SQLITE_OK ? new PackLock(conn, null) : null; // busy, locked, read-only
                }
                finally
                {
                    Sql.Exec(conn, null, Database.BusyTimeoutPragma);
                }
            }
            var tx = conn.BeginTransaction();
            try
            {
                Sql.Exec(conn, tx, "LOCK TABLE stats_rollup IN SHARE MODE NOWAIT");
                return new PackLock(conn, tx);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.ReadOnlySqlTransaction)
            {
                tx.Dispose();
                return null;
            }
        }

        public void Commit()
        {
            if (Transaction is null)
                CubeSqlite.Check((SqliteConnection)_conn, SQLitePCL.raw.sqlite3_exec(((SqliteConnection)_conn).Handle, "COMMIT"));
            else
                Transaction.Commit();
            _done = true;
        }

        public void Dispose()
        {
            if (!_done && Transaction is null)
                SQLitePCL.raw.sqlite3_exec(((SqliteConnection)_conn).Handle, "ROLLBACK");
            Transaction?.Dispose();
        }
    }

    private static IEnumerable<int> Months(int from, int to)
    {
        for (var m = from; m <= to; m = m % 100 == 12 ? m + 89 : m + 1)
            yield return m;
    }

    /// <summary>
    /// One month's cells as bytes: the month's distinct texts once, then per cell the numbers of its flow, partner,
    /// port and trade mode, a flag byte (zone 1, e-commerce 2) and the five measures, all 7-bit encoded.
    /// </summary>
    public static byte[] Encode(IReadOnlyList<KeyValuePair<CubeCell, CubeMeasures>> cells)
    {
        var texts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        int Number(string s)
        {
            if (!texts.TryGetValue(s, out var n))
            {
                texts[s] = n = order.Count;
                order.Add(s);
            }
            return n;
        }
        var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            w.Write7BitEncodedInt(cells.Count);
            foreach (var (c, m) in cells)
            {
                w.Write7BitEncodedInt(Number(c.Flow));
                w.Write7BitEncodedInt(Number(c.Partner));
                w.Write7BitEncodedInt(Number(c.Port));
                w.Write7BitEncodedInt(Number(c.TradeMode));
                w.Write((byte)((c.InZone ? 1 : 0) | (c.Ecommerce ? 2 : 0)));
                w.Write7BitEncodedInt64(m.ValueFen);
                w.Write7BitEncodedInt64(m.MassG);
                w.Write7BitEncodedInt64(m.Items);
                w.Write7BitEncodedInt64(m.Declarations);
                w.Write7BitEncodedInt64(m.PartnerDeclarations);
            }
        }
        var pack = new MemoryStream();
        using (var w = new BinaryWriter(pack, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Format);
            w.Write7BitEncodedInt(order.Count);
            foreach (var s in order)
                w.Write(s);
            w.Write(body.GetBuffer(), 0, (int)body.Length);
        }
        return pack.ToArray();
    }

    /// <summary>The cells of a pack of <paramref name="month"/>; texts are shared through <paramref name="strings"/>.</summary>
    public static List<KeyValuePair<CubeCell, CubeMeasures>> Decode(int month, byte[] pack, Dictionary<string, string>? strings = null)
    {
        using var r = new BinaryReader(new MemoryStream(pack, writable: false), Encoding.UTF8);
        if (r.ReadByte() != Format)
            throw new InvalidDataException($"stats_rollup_pack {month}: unknown format {pack[0]}");
        var texts = new string[r.Read7BitEncodedInt()];
        for (var n = 0; n < texts.Length; n++)
        {
            var s = r.ReadString();
            texts[n] = strings is null ? s : strings.TryGetValue(s, out var shared) ? shared : strings[s] = s;
        }
        var cells = new List<KeyValuePair<CubeCell, CubeMeasures>>(r.Read7BitEncodedInt());
        for (var n = cells.Capacity; n > 0; n--)
        {
            var flow = texts[r.Read7BitEncodedInt()];
            var partner = texts[r.Read7BitEncodedInt()];
            var port = texts[r.Read7BitEncodedInt()];
            var mode = texts[r.Read7BitEncodedInt()];
            var flags = r.ReadByte();
            var cell = new CubeCell(month, flow, partner, port, mode, (flags & 1) != 0, (flags & 2) != 0, "");
            cells.Add(KeyValuePair.Create(cell, new CubeMeasures(r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(),
                r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64())));
        }
        return cells;
    }
}
