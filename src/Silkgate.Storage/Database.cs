using System.Data.Common;
using FluentMigrator.Runner;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Silkgate.Common;

namespace Silkgate.Storage;

public enum DbProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The one data layer: the same schema on embedded SQLite (default, one file in WAL mode) and on PostgreSQL
/// (by connection string). SQL that differs between the two lives here or next to the statement that needs it.
/// </summary>
public sealed class Database
{
    private Database(DbProvider provider, string connectionString, string display)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Display = display;
    }

    public DbProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>What to show a user: the file path, or host/database (never a password).</summary>
    public string Display { get; }

    public bool IsSqlite => Provider == DbProvider.Sqlite;

    /// <summary>Where --db points when it is not given: $SILKGATE_DB, else ~/.local/share/silkgate/silkgate.db.</summary>
    public static string DefaultLocation =>
        Environment.GetEnvironmentVariable("SILKGATE_DB") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "silkgate", "silkgate.db");

    /// <summary>
    /// Opens by --db: a PostgreSQL connection string ("Host=...;Database=..." or postgres:// URL) selects
    /// PostgreSQL; anything else is a SQLite file path (created with its folder when missing).
    /// </summary>
    public static Database Resolve(string? db)
    {
        var target = string.IsNullOrWhiteSpace(db) ? DefaultLocation : db.Trim();
        if (target.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            target = FromUrl(target);
        if (target.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(target);
            }
            catch (ArgumentException e)
            {
                throw new SilkgateException("SG-DB-001", $"Not a valid PostgreSQL connection string: {e.Message}", e);
            }
            return new Database(DbProvider.Postgres, builder.ConnectionString, $"postgres {builder.Host}:{builder.Port}/{builder.Database}");
        }
        var path = Path.GetFullPath(target);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var sqlite = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 60 };
        return new Database(DbProvider.Sqlite, sqlite.ConnectionString, path);
    }

    private static string FromUrl(string url)
    {
        var uri = new Uri(url);
        var user = uri.UserInfo.Split(':', 2);
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = uri.AbsolutePath.Trim('/'),
            Username = user.Length > 0 ? Uri.UnescapeDataString(user[0]) : null,
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
        };
        return b.ConnectionString;
    }

    /// <summary>How long a SQLite connection waits for another writer's lock (60 s).</summary>
    internal const string BusyTimeoutPragma = "PRAGMA busy_timeout=60000";

    public DbConnection OpenConnection()
    {
        try
        {
            if (Provider == DbProvider.Postgres)
            {
                var pg = new NpgsqlConnection(ConnectionString);
                pg.Open();
                return pg;
            }
            var conn = new SqliteConnection(ConnectionString);
            conn.Open();
            using var pragma = conn.CreateCommand();
            // WAL: readers never block the writer; NORMAL sync is durable across application crashes in WAL mode.
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; " + BusyTimeoutPragma + ";";
            pragma.ExecuteNonQuery();
            return conn;
        }
        catch (Exception e) when (e is NpgsqlException or SqliteException or System.Net.Sockets.SocketException)
        {
            throw new SilkgateException("SG-DB-002", $"Cannot open the database {Display}: {e.Message}", e);
        }
    }

    /// <summary>Brings the schema to the newest version (versioned FluentMigrator migrations, recorded in VersionInfo).</summary>
    public void Migrate()
    {
        var services = new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(rb =>
            {
                if (Provider == DbProvider.Postgres)
                    rb.AddPostgres();
                else
                    rb.AddSQLite();
                rb.WithGlobalConnectionString(ConnectionString)
                    .ScanIn(typeof(Database).Assembly).For.Migrations();
            })
            .BuildServiceProvider(false);
        using var scope = services.CreateScope();
        var runner = scope.ServiceProvider.GetRequiredService<IMigrationRunner>();
        runner.MigrateUp();
        services.Dispose();
    }

    /// <summary>The newest schema version applied, 0 for an empty database.</summary>
    public long SchemaVersion()
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = IsSqlite
            ? "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='VersionInfo'"
            : "SELECT count(*) FROM information_schema.tables WHERE table_name='VersionInfo'";
        if (Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            return 0;
        cmd.CommandText = "SELECT coalesce(max(\"Version\"), 0) FROM \"VersionInfo\"";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
