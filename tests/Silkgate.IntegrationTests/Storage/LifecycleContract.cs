using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.IntegrationTests.Support;
using Silkgate.Risk;
using ModelRiskScorer = Silkgate.Risk.Model.ModelRiskScorer;
using Silkgate.Statistics;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Reference;
using Silkgate.Storage.Statistics;
using Silkgate.Tariff;

namespace Silkgate.IntegrationTests.Storage;

/// <summary>The clearance pipeline on real SQLite and PostgreSQL: idempotency, concurrency, roles, audit, statistics.</summary>
public abstract class LifecycleContract(ITestDatabases databases)
{
    private static readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock = new(new DateTimeOffset(2023, 6, 7, 2, 0, 0, TimeSpan.Zero));

    private static readonly Actor Declarant = Actor.Declarant("E100");
    private static readonly Actor Officer = Actor.Officer("wang");

    /// <summary>Lanes by model percentile only, no random share: green unless a rule or history says otherwise.</summary>
    private sealed class GreenScorer : IRiskScorer
    {
        public string Name => "green";

        public RiskScore Score(RiskInput input) => new(0m, []);
    }

    private static DeclarationDraft Draft(decimal value = 1000m, string declarant = "E100", string origin = "KG", string hs = "2601110000") =>
        new(declarant, origin, "road", new TaxableDeclaration(Flow.Import, new DateOnly(2023, 6, 5), "KASHGAR_AIRPORT", "0110", "CNY", 0m, 0m,
            [new TaxableItem(hs, origin, value, 1000m, "kg", 1000m)]));

    private (DeclarationService Service, Database Db) New(IRiskScorer? scorer = null, decimal? inspectionShare = null)
    {
        var db = databases.Create();
        // No random selection here: lanes must follow the scorer and the rules, whatever the generated ids.
        var settings = Path.Combine(Repo.TempFolder(), "settings.csv");
        File.WriteAllText(settings, "name,value,note\nred_share,0.05,\nyellow_share,0.10,\nblue_share,0.05,\nrandom_share,0,\n");
        new ReferenceStore(db).Import("lane-settings", settings);
        return (new DeclarationService(db, Clock, scorer ?? new GreenScorer(), inspectionShare), db);
    }

    [Fact]
    public void A_declaration_lodged_with_the_trained_model_gets_its_lane_by_percentile_and_the_models_reasons()
    {
        var scorer = new ModelRiskScorer(RiskModels.Small);
        foreach (var share in new[] { 1m, 0.10m, 0m })
        {
            var (s, db) = New(scorer, share);
            Assert.Equal(share, s.LaneSettings.InspectionShare);
            var d = s.Lodge(Draft(20_000m), "m1", Declarant).Declaration;
            var p = d.RiskPercentile!.Value;
            Assert.InRange(p, 0m, 1m);
            var red = 1m - s.LaneSettings.RedShare;
            var yellow = red - s.LaneSettings.YellowShare;
            var blue = yellow - s.LaneSettings.BlueShare;
            var expected = p >= red ? Lane.Red : p >= yellow ? Lane.Yellow : p >= blue ? Lane.Blue : Lane.Green;
            Assert.Equal(expected, d.Lane);
            Assert.Equal(expected is Lane.Red or Lane.Yellow ? DeclarationState.UnderControl : DeclarationState.Assessed, d.State);
            if (share == 1m)
                Assert.Equal(DeclarationState.UnderControl, d.State);
            Assert.StartsWith($"{scorer.Name}: fraud probability ", d.RiskReasons[0], StringComparison.Ordinal);
            Assert.Contains(d.RiskReasons, r => r.StartsWith($"model percentile {p:0.000} -> ", StringComparison.Ordinal));
            using var conn = db.OpenConnection();
            Assert.Equal(scorer.Name, Sql.Scalar<string>(conn, null, "SELECT risk_model FROM declaration WHERE declaration_id = @p0", d.DeclarationId));
            Assert.Equal(d.RiskReasons, s.Show(d.DeclarationId, Officer).RiskReasons);
        }
    }

    [Fact]
    public void A_green_declaration_goes_from_lodged_to_released_and_then_counts_in_the_statistics()
    {
        var (s, db) = New();
        var lodged = s.Lodge(Draft(20_000m), "k1", Declarant);
        Assert.True(lodged.Created);
        Assert.Equal((DeclarationState.Assessed, Lane.Green), (lodged.Declaration.State, lodged.Declaration.Lane));
        Assert.True(lodged.Declaration.TaxTotalCny > 0);
        var id = lodged.Declaration.DeclarationId;
        var stats = new StatsQueryRunner(db);
        var q = StatsQuery.Parse("trade_value", "", "2023-06", "2023-06", null, null, null);
        Assert.Equal(0m, stats.Run(q, s.Reference)[0].Value);

        Assert.Equal("SG-DEC-105", Assert.Throws<SilkgateException>(() => s.Release(id, Officer)).Code); // unpaid
        s.Pay(id, guarantee: false, Declarant);
        var released = s.Release(id, Officer);
        Assert.Equal((DeclarationState.Released, new DateOnly(2023, 6, 7)), (released.State, released.ReleaseDate));
        Assert.Equal(20_000m, stats.Run(q, s.Reference)[0].Value);

        Assert.Equal("SG-DEC-106", Assert.Throws<SilkgateException>(() => s.Cancel(id, null, Officer)).Code);
        s.Cancel(id, "declared at the wrong port", Officer);
        Assert.Equal(0m, stats.Run(q, s.Reference)[0].Value); // withdrawn
        Assert.True(AuditLog.Verify(db).Intact);
    }

    [Fact]
    public void A_retry_with_the_same_idempotency_key_returns_the_first_declaration()
    {
        var (s, db) = New();
        var first = s.Lodge(Draft(), "k1", Declarant);
        var again = s.Lodge(Draft(), "k1", Declarant);
        Assert.False(again.Created);
        Assert.Equal(first.Declaration.DeclarationId, again.Declaration.DeclarationId);
        Assert.Equal("SG-DEC-103", Assert.Throws<SilkgateException>(() => s.Lodge(Draft(2000m), "k1", Declarant)).Code);
        using var conn = db.OpenConnection();
        Assert.Equal(1, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration"));
    }

    [Fact]
    public void Eight_threads_lodging_the_same_declaration_with_one_key_create_exactly_one()
    {
        var (s, db) = New();
        using var start = new Barrier(8);
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            ids.Add(s.Lodge(Draft(), "same-key", Declarant).Declaration.DeclarationId);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(8, ids.Count);
        Assert.Single(ids.Distinct());
        using var conn = db.OpenConnection();
        Assert.Equal(1, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration"));
        Assert.Equal(1, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration_item"));
        Assert.True(AuditLog.Verify(db).Intact);
    }

    [Fact]
    public void A_stale_version_is_a_conflict_and_changes_nothing()
    {
        var (s, _) = New();
        var d = s.Lodge(Draft(), null, Declarant).Declaration;
        s.Pay(d.DeclarationId, false, Declarant, expectedVersion: d.Version);
        var e = Assert.Throws<SilkgateException>(() => s.Release(d.DeclarationId, Officer, expectedVersion: d.Version));
        Assert.Equal("SG-DEC-104", e.Code);
        Assert.Equal(DeclarationState.Paid, s.Show(d.DeclarationId, Officer).State);
    }

    [Fact]
    public void A_declarant_sees_and_acts_only_for_its_own_enterprise()
    {
        var (s, _) = New();
        var d = s.Lodge(Draft(), null, Declarant).Declaration;
        var other = Actor.Declarant("E999");
        Assert.Equal("SG-AUTH-001", Assert.Throws<SilkgateException>(() => s.Show(d.DeclarationId, other)).Code);
        Assert.Equal("SG-AUTH-001", Assert.Throws<SilkgateException>(() => s.Pay(d.DeclarationId, false, other)).Code);
        Assert.Equal("SG-AUTH-001", Assert.Throws<SilkgateException>(() => s.Lodge(Draft(), null, other)).Code);
        Assert.Empty(s.List(new DeclarationFilter(), other));
        Assert.Single(s.List(new DeclarationFilter(), Declarant));
        Assert.Equal("SG-AUTH-002", Assert.Throws<SilkgateException>(() => s.Release(d.DeclarationId, Declarant)).Code);
    }

    [Fact]
    public void An_amendment_is_a_new_version_and_the_first_stays_readable()
    {
        var (s, _) = New();
        var d = s.Lodge(Draft(1000m), null, Declarant).Declaration;
        var amended = s.Amend(d.DeclarationId, Draft(3000m), Declarant).Declaration;
        Assert.Equal(2, amended.Version);
        Assert.Equal(3000m, amended.Items[0].StatisticalValueCny);
        Assert.Equal(1000m, s.VersionDocument(d.DeclarationId, 1, Officer).Body.Items[0].Value);
        Assert.Equal(2, s.Versions(d.DeclarationId, Officer).Count);
    }

    [Fact]
    public void An_inspection_with_corrected_values_re_assesses_and_feeds_the_declarants_history()
    {
        var (s, db) = New(new BaselineScorer());
        // 0813 from PK below half the plausible value per kg: rule R001 sends it to red.
        var d = s.Lodge(Draft(1000m, origin: "PK", hs: "0813100000"), null, Declarant).Declaration;
        Assert.Equal((DeclarationState.UnderControl, Lane.Red), (d.State, d.Lane));
        var before = d.TaxTotalCny!.Value;
        var inspected = s.Inspect(d.DeclarationId, new InspectionResult(InspectionOutcome.Discrepancy, new Dictionary<int, decimal> { [1] = 20_000m }, 100m, "undervalued"), Officer);
        Assert.Equal(DeclarationState.Assessed, inspected.State);
        Assert.True(inspected.TaxTotalCny > before + 100m);
        using var conn = db.OpenConnection();
        Assert.Equal(new DeclarantHistory(1, 1, 1, 0), s.HistoryOf(conn, null, "E100"));
        var seized = s.Lodge(Draft(1000m, origin: "PK", hs: "0813100000"), null, Declarant).Declaration;
        Assert.Equal(DeclarationState.Rejected, s.Inspect(seized.DeclarationId, new InspectionResult(InspectionOutcome.Seizure, new Dictionary<int, decimal>(), 0m, null), Officer).State);
    }

    [Fact]
    public void Invalid_declarations_are_refused_and_nothing_is_stored()
    {
        var (s, db) = New();
        var bad = Draft() with { Body = Draft().Body with { Port = "URUMQI" } };
        Assert.Equal("SG-DEC-004", Assert.Throws<SilkgateException>(() => s.Lodge(bad, "k", Declarant)).Code);
        using var conn = db.OpenConnection();
        Assert.Equal(0, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration"));
        Assert.Equal(0, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM audit_log"));
        Assert.Equal(0, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM idempotency_key"));
    }

    [Theory]
    [InlineData("UPDATE audit_log SET details = 'nothing to see' WHERE seq = 2", 2L, "edited")]
    [InlineData("DELETE FROM audit_log WHERE seq = 3", 3L, "missing")]
    [InlineData("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)", -1L, "removed")]
    [InlineData("UPDATE audit_log SET seq = 1000 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 1000", 2L, "link")]
    public void Audit_verify_reports_the_first_broken_link(string tamper, long brokenAt, string word)
    {
        var (s, db) = New();
        var d = s.Lodge(Draft(), null, Declarant).Declaration;
        s.Pay(d.DeclarationId, false, Declarant);
        s.Release(d.DeclarationId, Officer);
        Assert.True(AuditLog.Verify(db).Intact);
        using (var conn = db.OpenConnection())
            Sql.Exec(conn, null, tamper);
        var report = AuditLog.Verify(db);
        Assert.False(report.Intact);
        if (brokenAt > 0)
            Assert.Equal(brokenAt, report.BrokenSeq);
        Assert.Contains(word, report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Bulk_lodging_acknowledges_only_committed_declarations_and_a_rerun_adds_nothing()
    {
        var (s, db) = New();
        var requests = Enumerable.Range(1, 45).Select(i => (Draft(1000m + i), $"b{i}")).ToList();
        var acked = new List<string>();
        var result = s.LodgeMany(requests, 10, Declarant, (k, _) => acked.Add(k), (_, e) => throw e);
        Assert.Equal((45, 0, 0), result);
        Assert.Equal(requests.Select(r => r.Item2), acked);
        var rerun = s.LodgeMany(requests, 10, Declarant, (_, _) => { }, (_, e) => throw e);
        Assert.Equal((0, 45, 0), rerun);
        using var conn = db.OpenConnection();
        Assert.Equal(45, Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration"));
        Assert.True(AuditLog.Verify(db).Intact);
    }
}

public sealed class SqliteLifecycleTests(SqliteDatabases databases) : LifecycleContract(databases), IClassFixture<SqliteDatabases>;

public sealed class PostgresLifecycleTests(PostgresDatabases databases) : LifecycleContract(databases), IClassFixture<PostgresDatabases>;
