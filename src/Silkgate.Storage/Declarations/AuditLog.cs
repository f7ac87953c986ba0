using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Silkgate.Storage.Declarations;

/// <summary>One entry of the audit trail.</summary>
public sealed record AuditEntry(string EnterpriseId, long Seq, string DeclarationId, string At, string Actor, string Action, string? FromState, string ToState, string? Details, string PrevHash, string Hash);

/// <summary>What `audit verify` found: entries and chains checked, and the first broken link if any.</summary>
public sealed record AuditReport(long Entries, int Chains, string? BrokenEnterprise, long? BrokenSeq, string? Problem)
{
    public bool Intact => Problem is null;
}

/// <summary>
/// The hash-chained audit trail: one chain per enterprise (it distributes with its tenant). Each entry's hash covers
/// the previous entry's hash and every field of the entry, so an edited, removed or reordered row breaks the chain
/// at that point. Appends happen in the transaction of the state change they record.
/// </summary>
public static class AuditLog
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string HashOf(string prevHash, string enterprise, long seq, string declarationId, string at, string actor, string action, string? from, string to, string? details) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', prevHash, enterprise, seq.ToString(System.Globalization.CultureInfo.InvariantCulture), declarationId, at, actor, action, from ?? "", to, details ?? ""))));

    /// <summary>Appends entries for one enterprise, in order, inside the caller's transaction.</summary>
    public static void Append(DbConnection conn, DbTransaction tx, string enterprise, IEnumerable<(string DeclarationId, string At, string Actor, string Action, string? From, string To, string? Details)> entries)
    {
        var list = entries.ToList();
        if (list.Count == 0)
            return;
        // The head row serialises appends per enterprise (row lock on PostgreSQL; SQLite has one writer anyway).
        Sql.Exec(conn, tx, conn is NpgsqlConnection
            ? "INSERT INTO audit_head (enterprise_id, seq, hash) VALUES (@p0, 0, @p1) ON CONFLICT (enterprise_id) DO NOTHING"
            : "INSERT OR IGNORE INTO audit_head (enterprise_id, seq, hash) VALUES (@p0, 0, @p1)", enterprise, Genesis);
        var head = Sql.Query(conn, tx, "SELECT seq, hash FROM audit_head WHERE enterprise_id = @p0" + (conn is NpgsqlConnection ? " FOR UPDATE" : ""),
            r => (Seq: r.GetInt64(0), Hash: r.GetString(1)), enterprise).Single();
        var (seq, hash) = head;
        var rows = new List<object?[]>(list.Count);
        foreach (var e in list)
        {
            seq++;
            var h = HashOf(hash, enterprise, seq, e.DeclarationId, e.At, e.Actor, e.Action, e.From, e.To, e.Details);
            rows.Add([enterprise, seq, e.DeclarationId, e.At, e.Actor, e.Action, e.From, e.To, e.Details, hash, h]);
            hash = h;
        }
        Sql.InsertMany(conn, tx, "audit_log", ["enterprise_id", "seq", "declaration_id", "at", "actor", "action", "from_state", "to_state", "details", "prev_hash", "hash"], rows);
        Sql.Exec(conn, tx, "UPDATE audit_head SET seq = @p1, hash = @p2 WHERE enterprise_id = @p0", enterprise, seq, hash);
    }

    public static IEnumerable<AuditEntry> Read(DbConnection conn, string? declarationId = null) =>
        Sql.Query(conn, null,
            "SELECT enterprise_id, seq, declaration_id, at, actor, action, from_state, to_state, details, prev_hash, hash FROM audit_log" +
            (declarationId is null ? "" : " WHERE declaration_id = @p0") + " ORDER BY enterprise_id, seq",
            r => new AuditEntry(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.NullableString(6), r.GetString(7), r.NullableString(8), r.GetString(9), r.GetString(10)),
            declarationId is null ? [] : [declarationId]);

    /// <summary>Walks every chain from its start: the first entry whose position, link or hash is wrong is reported.</summary>
    public static AuditReport Verify(Database db)
    {
        using var conn = db.OpenConnection();
        var heads = Sql.Query(conn, null, "SELECT enterprise_id, seq, hash FROM audit_head", r => (r.GetString(0), r.GetInt64(1), r.GetString(2)))
            .ToDictionary(h => h.Item1, h => (Seq: h.Item2, Hash: h.Item3));
        long entries = 0;
        var chains = 0;
        string? current = null;
        long expectedSeq = 0;
        var prev = Genesis;
        AuditReport Broken(string enterprise, long seq, string problem) => new(entries, chains, enterprise, seq, problem);
        AuditReport? CloseChain()
        {
            if (current is null)
                return null;
            if (!heads.TryGetValue(current, out var head) || head.Seq != expectedSeq || head.Hash != prev)
                return Broken(current, expectedSeq + 1, $"the chain of {current} ends at entry {expectedSeq}, but its head records entry {(heads.TryGetValue(current, out var h) ? h.Seq : 0)}: entries after it were removed");
            heads.Remove(current);
            return null;
        }
        foreach (var e in Read(conn))
        {
            if (e.EnterpriseId != current)
            {
                if (CloseChain() is { } broken)
                    return broken;
                current = e.EnterpriseId;
                chains++;
                expectedSeq = 0;
                prev = Genesis;
            }
            entries++;
            if (e.Seq != expectedSeq + 1)
                return Broken(e.EnterpriseId, expectedSeq + 1, $"entry {expectedSeq + 1} of {e.EnterpriseId} is missing (next found: {e.Seq})");
            if (e.PrevHash != prev)
                return Broken(e.EnterpriseId, e.Seq, $"entry {e.Seq} of {e.EnterpriseId} does not link to the entry before it (rows reordered or replaced)");
            if (HashOf(e.PrevHash, e.EnterpriseId, e.Seq, e.DeclarationId, e.At, e.Actor, e.Action, e.FromState, e.ToState, e.Details) != e.Hash)
                return Broken(e.EnterpriseId, e.Seq, $"entry {e.Seq} of {e.EnterpriseId} was edited: its hash does not match its content");
            expectedSeq = e.Seq;
            prev = e.Hash;
        }
        if (CloseChain() is { } last)
            return last;
        if (heads.Count > 0)
        {
            var (enterprise, head) = heads.First();
            return Broken(enterprise, 1, $"the chain of {enterprise} has a head at entry {head.Seq} but no entries: they were removed");
        }
        return new AuditReport(entries, chains, null, null, null);
    }
}
