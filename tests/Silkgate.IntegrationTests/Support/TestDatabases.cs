using Npgsql;
using Silkgate.Storage;

namespace Silkgate.IntegrationTests.Support;

/// <summary>Hands out fresh, empty databases of one provider; each test gets its own.</summary>
public interface ITestDatabases
{
    DbProvider Provider { get; }

    Database Create();
}

/// <summary>A SQLite file per test, in a temp folder removed afterwards.</summary>
public sealed class SqliteDatabases : ITestDatabases, IDisposable
{
    private readonly string _folder = Repo.TempFolder();

    public DbProvider Provider => DbProvider.Sqlite;

    public Database Create() => Database.Resolve(Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db"));

    public void Dispose()
    {
        // The folder lies under the run's scratch root, removed with it.
    }
}

/// <summary>
/// A PostgreSQL database per test on the throwaway cluster that ./test.sh starts (SILKGATE_TEST_PG). Without it
/// the tests skip, except under CI=true where a missing PostgreSQL is a failure: both stores are tested for real.
/// </summary>
public sealed class PostgresDatabases : ITestDatabases, IDisposable
{
    public const string Variable = "SILKGATE_TEST_PG";

    private readonly List<string> _created = [];

    public DbProvider Provider => DbProvider.Postgres;

    public static string? AdminConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs ? cs : null;

    public Database Create()
    {
        var admin = AdminConnectionString;
        if (admin is null)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
                Assert.Fail($"{Variable} is not set: under CI the PostgreSQL tests must run (./test.sh starts a cluster).");
            Assert.Skip($"{Variable} is not set: run ./test.sh to start a throwaway PostgreSQL cluster.");
        }
        var name = "sg_" + Guid.NewGuid().ToString("N")[..16];
        using (var conn = new NpgsqlConnection(admin))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"CREATE DATABASE {name}";
            cmd.ExecuteNonQuery();
        }
        lock (_created)
            _created.Add(name);
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return Database.Resolve(builder.ConnectionString);
    }

    public void Dispose()
    {
        var admin = AdminConnectionString;
        if (admin is null)
            return;
        NpgsqlConnection.ClearAllPools();
        using var conn = new NpgsqlConnection(admin);
        conn.Open();
        foreach (var name in _created)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"DROP DATABASE IF EXISTS {name} WITH (FORCE)";
            cmd.ExecuteNonQuery();
        }
    }
}
