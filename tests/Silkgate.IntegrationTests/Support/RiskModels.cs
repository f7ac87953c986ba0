using Silkgate.Risk.Model;

namespace Silkgate.IntegrationTests.Support;

/// <summary>A small trained risk model (a sample of the shipped declarations, few trees), trained once per run.</summary>
public static class RiskModels
{
    private static readonly Lazy<RiskModel> Shared = new(() =>
    {
        var rows = RiskCsv.Read(Repo.TrainFile, requireLabels: true);
        var options = new RiskTrainingOptions { Trees = 40, CriticalTrees = 20, NovelTrees = 30, NovelBags = 0, NovelDistinctBags = 1, Threads = 1 };
        return RiskTrainer.Train([.. rows.Take(4000)], [.. rows.Skip(30_000).Take(1500)], options);
    });

    private static readonly Lazy<string> SharedFile = new(() =>
    {
        var path = Path.Combine(Repo.TempFolder(), "risk-model.zip");
        Shared.Value.Save(path);
        return path;
    });

    public static RiskModel Small => Shared.Value;

    /// <summary><see cref="Small"/> saved to a file.</summary>
    public static string SmallFile => SharedFile.Value;
}
