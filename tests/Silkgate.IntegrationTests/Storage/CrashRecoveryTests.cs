using System.Diagnostics;
using System.Globalization;
using System.Text;
using Silkgate.IntegrationTests.Support;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;

namespace Silkgate.IntegrationTests.Storage;

/// <summary>
/// Nothing acknowledged is ever lost: bulk lodging runs as a child process and is killed (SIGKILL) at random points,
/// 20 times. After each kill every acknowledged declaration is present and complete, none is partial or duplicated,
/// and the audit chain verifies; the next run carries on where the last stopped.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const int Declarations = 1500;

    private static string WriteBulkFile(string folder)
    {
        var random = new Random(7);
        var sb = new StringBuilder();
        for (var i = 1; i <= Declarations; i++)
        {
            var items = string.Join(",", Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
                string.Create(CultureInfo.InvariantCulture, $"{{\"hs_code\":\"2601110000\",\"origin\":\"KG\",\"value\":{random.Next(1_000, 90_000)},\"quantity\":{random.Next(1_000, 30_000)},\"unit\":\"kg\",\"net_mass_kg\":{random.Next(1_000, 30_000)}}}")));
            sb.Append(CultureInfo.InvariantCulture, $"{{\"idempotency_key\":\"r{i}\",\"declarant\":\"E{i % 3}\",\"partner\":\"KG\",\"flow\":\"import\",\"date\":\"2023-06-05\",\"port\":\"KASHGAR_AIRPORT\",\"trade_mode\":\"0110\",\"currency\":\"CNY\",\"items\":[{items}]}}\n");
        }
        var path = Path.Combine(folder, "bulk.jsonl");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary>
    /// Runs lodge-bulk; unless <paramref name="killAtAck"/> is null, kills it a few milliseconds after it acknowledged
    /// that many new declarations, which lands the kill anywhere in the next batch: reading, validating, writing or
    /// committing. Returns the keys it acknowledged.
    /// </summary>
    private static (List<string> Acked, bool Killed) Run(string file, string db, int? killAtAck, int extraDelayMs = 0)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Silkgate.Cli.dll"), "declare", "lodge-bulk", file, "--batch", "7", "--as", "officer:bulk", "--db", db })
            start.ArgumentList.Add(a);
        var acked = new List<string>();
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("ack ", StringComparison.Ordinal))
            {
                lock (acked)
                {
                    acked.Add(line.Split(' ')[1]);
                    if (acked.Count >= killAtAck)
                        reached.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var killed = false;
        var exited = process.WaitForExitAsync();
        if (killAtAck is not null && Task.WaitAny([reached.Task, exited], TimeSpan.FromSeconds(60)) == 0)
        {
            Thread.Sleep(extraDelayMs);
            if (!process.HasExited)
            {
                process.Kill(); // SIGKILL: no chance to clean up
                killed = true;
            }
        }
        process.WaitForExit();
        lock (acked)
            return ([.. acked], killed);
    }

    [Fact]
    public void Bulk_lodging_killed_at_random_points_20_times_loses_nothing_acknowledged()
    {
        var folder = Repo.TempFolder();
        var file = WriteBulkFile(folder);
        var dbPath = Path.Combine(folder, "crash.db");
        var db = Database.Resolve(dbPath);
        new Silkgate.Storage.Reference.ReferenceStore(db).EnsureLoaded(); // first start-up cost outside the kill window
        var random = new Random(2026);
        var acknowledged = new HashSet<string>();
        var kills = 0;
        for (var round = 0; round < 20; round++)
        {
            // Acks of keys stored by earlier runs come first (skipped quickly); count new ones past them.
            var (acked, killed) = Run(file, dbPath, acknowledged.Count + random.Next(1, 50), random.Next(0, 25));
            acknowledged.UnionWith(acked);
            kills += killed ? 1 : 0;
            AssertConsistent(db, acknowledged, $"after round {round + 1}");
        }
        // The kills must land mid-run: most rounds are cut short, and the first ones leave work for later.
        Assert.True(kills >= 10, $"only {kills} of 20 runs were killed before finishing");
        acknowledged.UnionWith(Run(file, dbPath, null).Acked);
        AssertConsistent(db, acknowledged, "after the final run");
        Assert.Equal(Declarations, acknowledged.Count);
        using var conn = db.OpenConnection();
        Assert.Equal(Declarations, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration"));
    }

    private static void AssertConsistent(Database db, HashSet<string> acknowledged, string when)
    {
        using var conn = db.OpenConnection();
        var keys = Sql.Query(conn, null, "SELECT idempotency_key, declaration_id FROM idempotency_key", r => (r.GetString(0), r.GetString(1))).ToDictionary(x => x.Item1, x => x.Item2);
        Assert.All(acknowledged, k => Assert.True(keys.ContainsKey(k), $"{when}: acknowledged {k} is missing"));
        // No duplicates: one declaration per key, and every declaration has its key.
        Assert.Equal(keys.Count, keys.Values.Distinct().Count());
        Assert.Equal(keys.Count, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration"));
        // None partial: the items, version and audit entries of every declaration are all there.
        Assert.Equal(0, Sql.Scalar<long>(conn, null,
            "SELECT count(*) FROM declaration d WHERE d.item_count <> (SELECT count(*) FROM declaration_item i WHERE i.enterprise_id = d.enterprise_id AND i.declaration_id = d.declaration_id)" +
            " OR NOT EXISTS (SELECT 1 FROM declaration_version v WHERE v.enterprise_id = d.enterprise_id AND v.declaration_id = d.declaration_id)" +
            " OR (SELECT count(*) FROM audit_log a WHERE a.enterprise_id = d.enterprise_id AND a.declaration_id = d.declaration_id) < 3"));
        var audit = AuditLog.Verify(db);
        Assert.True(audit.Intact, $"{when}: {audit.Problem}");
    }
}
