using Silkgate.Common;
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
        settings = settings with { Key = Fingerprint(targets, settings, folder) };
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

    /// <summary>A short hash of everything that decides the declarations: the targets, the shape files, the seed and the scale.</summary>
    public static string Fingerprint(IReadOnlyList<PublishedTarget> targets, ScenarioSettings settings, string folder)
    {
        var text = string.Join("\n", targets.Select(t => t with { Statement = "" })) + "\n" +
                   File.ReadAllText(Path.Combine(folder, "commodities.csv")) + File.ReadAllText(Path.Combine(folder, "partners.csv")) +
                   (settings with { Key = "" });
        return "S" + CsvFiles.Sha256(text)[..8].ToUpperInvariant();
    }

    /// <summary>Stores every declaration of the scenario; <paramref name="progress"/> gets items written so far.</summary>
    public ScenarioReport Store(ScenarioRun run, Action<long>? progress = null)
    {
        var (plan, generator, clearance) = run;
        var writer = new DeclarationWriter(clock);
        using var conn = db.OpenConnection();
        if (writer.FirstStoredId(conn, ScenarioGenerator.Source) is { } stored && !stored.StartsWith(plan.Settings.Key + "-", StringComparison.Ordinal))
            throw new SilkgateException("SG-SCN-005", $"The database already holds another scenario ({stored.Split('-')[0]}; this one is {plan.Settings.Key}): its statistics would add up. Use another --db.");
        var batch = new List<Declaration>();
        long declarations = 0, items = 0, written = 0, batchItems = 0;
        foreach (var generated in generator.All())
        {
            if (clearance.Clear(generated) is not { } d)
                continue;
            batch.Add(d);
            declarations++;
            items += d.Items.Count;
            batchItems += d.Items.Count;
            if (batchItems >= BatchItems)
            {
                written += writer.WriteBatch(conn, batch);
                batch.Clear();
                batchItems = 0;
                progress?.Invoke(items);
            }
        }
        written += writer.WriteBatch(conn, batch);
        progress?.Invoke(items);
        return new ScenarioReport(plan.Problems, plan.Months.Length, declarations, items, written, (decimal)plan.TotalValue, plan.ActivePartners.Max());
    }
}
