using Silkgate.Declarations;
using Silkgate.Risk;
using Silkgate.Scenario;
using Silkgate.Statistics;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Reference;

namespace Silkgate.Storage.Scenario;

/// <summary>What a scenario run did: the plan's problems, and how much it stored.</summary>
public sealed record ScenarioReport(IReadOnlyList<CalibrationProblem> Problems, int Months, long Declarations, long Items, long Stored, decimal PlannedValueCny, int Partners);

/// <summary>A prepared scenario: the calibrated plan, its generator, and the clearance rules each declaration passes.</summary>
public sealed record ScenarioRun(ScenarioPlan Plan, ScenarioGenerator Generator, ScenarioClearance Clearance);

/// <summary>
/// Plans the calibrated scenario for a targets file and stores its released declarations, month by month in
/// batches (each batch one transaction; a declaration is stored whole or not at all; running again adds nothing).
/// </summary>
public sealed class ScenarioLoader(Database db, TimeProvider clock)
{
    public const int BatchItems = 20_000;

    public ScenarioRun Prepare(IReadOnlyList<PublishedTarget> targets, ScenarioSettings settings, string? folder = null)
    {
        folder ??= ScenarioFiles.DefaultFolder;
        var store = new ReferenceStore(db);
        store.EnsureLoaded();
        var reference = store.Load();
        var commodities = ScenarioFiles.Commodities(Path.Combine(folder, "commodities.csv"), reference.Hs);
        var partners = ScenarioFiles.Partners(Path.Combine(folder, "partners.csv"), reference);
        var planner = new ScenarioPlanner(reference, partners, commodities, settings);
        var plan = planner.Plan(targets);
        var lodging = store.LoadLodgingData();
        string? PreferenceOf(string hs, string origin, DateOnly date) =>
            lodging.Schedule.Compile(hs).Duty.FirstOrDefault(g => g.Agreement is not null && g.Find(date, origin) is not null)?.Agreement;
        var generator = new ScenarioGenerator(plan, planner, commodities, reference, lodging.TradeModePorts, PreferenceOf);
        var clearance = new ScenarioClearance(reference, new DeclarationValidator(reference, lodging.TradeModePorts, lodging.ValueBounds),
            lodging.Schedule, lodging.Policy, new LaneSelector(new BaselineScorer(), lodging.RiskRules, lodging.LaneSettings), lodging.ValueBounds);
        return new ScenarioRun(plan, generator, clearance);
    }

    /// <summary>Stores every declaration of the scenario; <paramref name="progress"/> gets items written so far.</summary>
    public ScenarioReport Store(ScenarioRun run, Action<long>? progress = null)
    {
        var (plan, generator, clearance) = run;
        var writer = new DeclarationWriter(clock);
        using var conn = db.OpenConnection();
        if (Sql.Scalar<long>(conn, null, "SELECT count(*) FROM (SELECT 1 FROM declaration WHERE source = @p0 LIMIT 1) s", ScenarioGenerator.Source) == 0)
            writer.EmptySources.Add(ScenarioGenerator.Source);
        var batch = new List<Declaration>();
        long declarations = 0, items = 0, stored = 0, batchItems = 0;
        foreach (var d in generator.All())
        {
            if (!clearance.Clear(d))
                continue;
            batch.Add(d);
            declarations++;
            items += d.Items.Count;
            batchItems += d.Items.Count;
            if (batchItems >= BatchItems)
            {
                stored += writer.WriteBatch(conn, batch);
                batch.Clear();
                batchItems = 0;
                progress?.Invoke(items);
            }
        }
        stored += writer.WriteBatch(conn, batch);
        progress?.Invoke(items);
        return new ScenarioReport(plan.Problems, plan.Months.Length, declarations, items, stored, (decimal)plan.TotalValue, plan.ActivePartners.Max());
    }
}
