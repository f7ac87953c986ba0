[assembly: AssemblyFixture(typeof(Silkgate.IntegrationTests.Support.ScratchCleanup))]

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

    /// <summary>One scratch root per test run, removed when the run ends (<see cref="ScratchCleanup"/>).</summary>
    public static string ScratchRoot { get; } = Directory.CreateTempSubdirectory("silkgate-tests-").FullName;

    /// <summary>A scratch folder for one test's files, under <see cref="ScratchRoot"/>.</summary>
    public static string TempFolder() => Directory.CreateDirectory(System.IO.Path.Combine(ScratchRoot, Guid.NewGuid().ToString("N"))).FullName;
}

/// <summary>Removes the run's scratch folder after the last test.</summary>
public sealed class ScratchCleanup : IDisposable
{
    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Repo.ScratchRoot, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }
}
