using System.IO.Compression;
using System.Text.Json.Nodes;

[assembly: AssemblyFixture(typeof(Silkgate.Risk.Model.Tests.ScratchCleanup))]

namespace Silkgate.Risk.Model.Tests;

/// <summary>Small samples of the shipped declarations file, and scratch folders.</summary>
public static class Sample
{
    public static string Root { get; } = FindRoot();

    public static string TrainFile => Path.Combine(Root, "data", "customs-declarations", "df_syn_train_eng.csv");

    private static readonly Lazy<string[]> Lines = new(() => File.ReadAllLines(TrainFile));

    public static string Header => Lines.Value[0];

    /// <summary>CSV text: the header and data rows [skip, skip + take) of the train file.</summary>
    public static string Csv(int skip, int take) => string.Join('\n', [Header, .. Lines.Value.Skip(1 + skip).Take(take)]) + "\n";

    public static IReadOnlyList<RiskDeclaration> Rows(int skip, int take) => RiskCsv.Read(new StringReader(Csv(skip, take)), "sample.csv", requireLabels: true);

    /// <summary>Training rows and a later, disjoint validation sample (the file is in date order).</summary>
    public static IReadOnlyList<RiskDeclaration> Train => TrainRows.Value;

    public static IReadOnlyList<RiskDeclaration> Valid => ValidRows.Value;

    private static readonly Lazy<IReadOnlyList<RiskDeclaration>> TrainRows = new(() => Rows(0, 4000));

    private static readonly Lazy<IReadOnlyList<RiskDeclaration>> ValidRows = new(() => Rows(30000, 1500));

    /// <summary>Few trees: the tests check behaviour, not accuracy.</summary>
    public static RiskTrainingOptions Fast { get; } = new() { Trees = 60, CriticalTrees = 30, NovelTrees = 40, NovelBags = 1, NovelDistinctBags = 1, Threads = 1 };

    /// <summary>One model trained on the sample, shared by the tests that only read it.</summary>
    public static RiskModel Model => SharedModel.Value;

    private static readonly Lazy<RiskModel> SharedModel = new(() => RiskTrainer.Train(Train, Valid, Fast));

    /// <summary>The shared model saved to a file (once).</summary>
    public static string ModelFile => SharedModelFile.Value;

    private static readonly Lazy<string> SharedModelFile = new(() =>
    {
        var path = Path.Combine(Scratch(), "model.zip");
        Model.Save(path);
        return path;
    });

    /// <summary>A copy of the shared model file whose meta.json claims the next format version.</summary>
    public static string ModelOfAnotherVersion()
    {
        var path = Path.Combine(Scratch(), "old-model.zip");
        File.Copy(ModelFile, path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry("meta.json")!;
        JsonNode meta;
        using (var s = entry.Open())
            meta = JsonNode.Parse(s)!;
        meta["format_version"] = RiskModel.FormatVersion + 1;
        entry.Delete();
        using var w = new StreamWriter(zip.CreateEntry("meta.json").Open());
        w.Write(meta.ToJsonString());
        return path;
    }

    public static string Write(string text, string name = "file.csv")
    {
        var path = Path.Combine(Scratch(), name);
        File.WriteAllText(path, text);
        return path;
    }

    public static string Scratch() => Directory.CreateDirectory(Path.Combine(ScratchRoot, Guid.NewGuid().ToString("N"))).FullName;

    internal static readonly string ScratchRoot = Directory.CreateTempSubdirectory("silkgate-risk-tests-").FullName;

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Silkgate.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Silkgate.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Replaces one column's values (by header name) through <paramref name="change"/>(row index, value).</summary>
    public static string MapColumn(string csv, string column, Func<int, string, string> change)
    {
        var lines = csv.TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        var c = Array.IndexOf(header, column);
        for (var i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split(',');
            f[c] = change(i - 1, f[c]);
            lines[i] = string.Join(',', f);
        }
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Removes one column (by header name).</summary>
    public static string DropColumn(string csv, string column)
    {
        var lines = csv.TrimEnd('\n').Split('\n');
        var c = Array.IndexOf(lines[0].Split(','), column);
        return string.Join('\n', lines.Select(l => string.Join(',', l.Split(',').Where((_, i) => i != c)))) + "\n";
    }
}

/// <summary>Removes the run's scratch folder after the last test.</summary>
public sealed class ScratchCleanup : IDisposable
{
    public void Dispose()
    {
        try
        {
            Directory.Delete(Sample.ScratchRoot, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }
}
