namespace Silkgate.IntegrationTests.Support;

/// <summary>Paths inside the repository (tests run from bin/; the repo root holds Silkgate.slnx).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string TrainFile => Path("data", "customs-declarations", "df_syn_train_eng.csv");

    public static string RatesFile => Path("data", "rates", "customs-rates-sample.csv");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Silkgate.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Silkgate.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A scratch folder for one test's files.</summary>
    public static string TempFolder() => Directory.CreateTempSubdirectory("silkgate-files-").FullName;
}
