using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Silkgate.Storage;

namespace Silkgate.Bench;

/// <summary>
/// Fresh databases for each measurement: SQLite files in the work folder, PostgreSQL databases created through the
/// admin connection (and dropped at the end, unless --keep). Also finds the repository's data folder.
/// </summary>
internal sealed class Scratch(BenchOptions options, Report report) : IDisposable
{
    private readonly List<string> _pgDatabases = [];
    private readonly List<string> _files = [];

    public string Work => options.Work;

    /// <summary>A path in the work folder, removed at the end unless --keep.</summary>
    public string File(string name)
    {
        var path = Path.Combine(options.Work, name);
        _files.Add(path);
        return path;
    }

    /// <summary>A new, empty SQLite database file (any earlier file of that name is removed).</summary>
    public Database FreshSqlite(string name)
    {
        var path = File(name);
        DeleteSqlite(path);
        return Database.Resolve(path);
    }

    public static void DeleteSqlite(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            if (System.IO.File.Exists(path + suffix))
                System.IO.File.Delete(path + suffix);
        }
    }

    /// <summary>A new, empty PostgreSQL database named silkgate_bench_NAME (dropped first if it is there).</summary>
    public Database FreshPostgres(string name)
    {
        var admin = new NpgsqlConnectionStringBuilder(options.Pg!);
        var database = "silkgate_bench_" + name;
        using (var conn = new NpgsqlConnection(admin.ConnectionString))
        {
            conn.Open();
            Exec(conn, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            Exec(conn, $"CREATE DATABASE {database} ENCODING 'UTF8' TEMPLATE template0");
        }
        if (!_pgDatabases.Contains(database))
            _pgDatabases.Add(database);
        var target = new NpgsqlConnectionStringBuilder(options.Pg!) { Database = database, CommandTimeout = 0 };
        return Database.Resolve(target.ConnectionString);
    }

    /// <summary>Drops one of our PostgreSQL databases now (to free disk between measurements).</summary>
    public void DropPostgres(Database db)
    {
        var name = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        using var conn = new NpgsqlConnection(options.Pg!);
        conn.Open();
        Exec(conn, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        _pgDatabases.Remove(name);
    }

    public string? PostgresVersion()
    {
        using var conn = new NpgsqlConnection(options.Pg!);
        conn.Open();
        using var cmd = new NpgsqlCommand("SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', shared_buffers=' || current_setting('shared_buffers') || ', max_wal_size=' || current_setting('max_wal_size')", conn);
        return cmd.ExecuteScalar() as string;
    }

    private static void Exec(NpgsqlConnection conn, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, conn);
        cmd.ExecuteNonQuery();
    }

    /// <summary>The repository root: the first folder up from the current one (or the program's) that has data/customs-declarations.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "data", "customs-declarations")))
                    return dir.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the repository (a folder with data/customs-declarations) above the current folder");
    }

    /// <summary>The commit the product was built from, and whether src/ had uncommitted changes (figures depend on both).</summary>
    public static string GitState(string root)
    {
        static string Git(string root, string args)
        {
            var info = new System.Diagnostics.ProcessStartInfo("git", $"-C \"{root}\" {args}") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = System.Diagnostics.Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return output;
        }

        try
        {
            var head = Git(root, "log -1 \"--format=%h %s\"");
            var dirty = Git(root, "status --porcelain -- src").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            return dirty == 0 ? $"commit {head}" : $"commit {head} + {dirty} uncommitted change(s) in src/";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (no git)";
        }
    }

    public static double MegaBytes(long bytes) => bytes / 1024.0 / 1024.0;

    public static long SqliteSize(string path) =>
        new[] { "", "-wal" }.Select(s => path + s).Where(System.IO.File.Exists).Sum(p => new FileInfo(p).Length);

    public void Dispose()
    {
        if (options.Keep)
        {
            report.Log($"--keep: files left in {options.Work}" + (_pgDatabases.Count > 0 ? $"; PostgreSQL databases kept: {string.Join(", ", _pgDatabases)}" : ""));
            return;
        }
        if (_pgDatabases.Count > 0)
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                using var conn = new NpgsqlConnection(options.Pg!);
                conn.Open();
                foreach (var db in _pgDatabases)
                    Exec(conn, $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
                report.Log($"dropped PostgreSQL databases {string.Join(", ", _pgDatabases)}");
            }
            catch (NpgsqlException e)
            {
                report.Log($"could not drop the PostgreSQL databases {string.Join(", ", _pgDatabases)}: {e.Message}");
            }
        }
        SqliteConnection.ClearAllPools();
        foreach (var path in _files.Distinct())
        {
            foreach (var p in new[] { path, path + "-wal", path + "-shm", path + ".rejects.csv" })
            {
                if (System.IO.File.Exists(p))
                    System.IO.File.Delete(p);
            }
        }
        if (!options.WorkGiven && Directory.Exists(options.Work) && !Directory.EnumerateFileSystemEntries(options.Work).Any())
            Directory.Delete(options.Work);
        report.Log(string.Create(CultureInfo.InvariantCulture, $"removed the generated files from {options.Work}"));
    }
}
