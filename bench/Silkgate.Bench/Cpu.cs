using System.Diagnostics;
using System.Globalization;
using Silkgate.Storage;

namespace Silkgate.Bench;

/// <summary>
/// CPU seconds spent, as well as wall seconds: on a machine shared with other work the wall time of a run depends on
/// what else runs, the CPU time much less. Counts this process (every thread: the importer's reader and writer, GC)
/// and, for a PostgreSQL server on this machine, the whole cluster (every child of the postmaster, live or exited:
/// backends, WAL writer, checkpointer). Linux only (/proc); elsewhere the server part reads as 0.
/// </summary>
internal sealed class Cpu
{
    private static readonly double Tick = 1.0 / 100; // USER_HZ, 100 on Linux

    private readonly int? _postmaster;
    private readonly Stopwatch _wall = new();
    private double _self, _server, _selfStart, _serverStart;

    private Cpu(int? postmaster) => _postmaster = postmaster;

    /// <summary>A meter for this process, plus the PostgreSQL cluster behind <paramref name="db"/> when it runs here.</summary>
    public static Cpu For(Database? db)
    {
        int? postmaster = null;
        if (db is { IsSqlite: false })
        {
            try
            {
                using var conn = db.OpenConnection();
                var backend = Sql.Scalar<int>(conn, null, "SELECT pg_backend_pid()");
                postmaster = Stat(backend) is { } s ? s.Parent : null;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return new Cpu(postmaster);
    }

    public double WallSeconds => _wall.Elapsed.TotalSeconds;

    public double SelfSeconds => _self;

    public double ServerSeconds => _server;

    public double TotalSeconds => _self + _server;

    public bool HasServer => _postmaster is not null;

    private Dictionary<int, (string Name, double Cpu)> _threadsStart = [];

    /// <summary>CPU seconds of this process by thread: the main thread (the writer, in an import), the JIT's, the GC's, and threads that ended (the importer's reader).</summary>
    public Dictionary<string, double> Threads { get; } = [];

    public void Start()
    {
        _selfStart = Self();
        _serverStart = Server();
        _threadsStart = ThreadTimes();
        _wall.Start();
    }

    public void Stop()
    {
        _wall.Stop();
        var self = Self() - _selfStart;
        _self += self;
        _server += Server() - _serverStart;
        var accounted = 0.0;
        foreach (var (tid, (name, cpu)) in ThreadTimes())
        {
            var delta = cpu - (_threadsStart.TryGetValue(tid, out var before) ? before.Cpu : 0);
            var key = tid == Environment.ProcessId ? "main" : name.StartsWith(".NET Tiered", StringComparison.Ordinal) ? "JIT" : name.Contains("GC", StringComparison.Ordinal) ? "GC" : "other";
            Threads[key] = Threads.GetValueOrDefault(key) + delta;
            accounted += delta;
        }
        Threads["ended"] = Threads.GetValueOrDefault("ended") + Math.Max(0, self - accounted);
    }

    /// <summary>"main 5.1, ended 3.2, JIT 1.0, GC 0.4, other 0.1 s".</summary>
    public string ThreadText() =>
        string.Join(", ", Threads.OrderByDescending(t => t.Value).Select(t => $"{t.Key} {t.Value.ToString("F2", CultureInfo.InvariantCulture)}")) + " s";

    private static Dictionary<int, (string, double)> ThreadTimes()
    {
        var times = new Dictionary<int, (string, double)>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
                    continue;
                try
                {
                    var text = File.ReadAllText(Path.Combine(dir, "stat"));
                    var name = text[(text.IndexOf('(') + 1)..text.LastIndexOf(')')];
                    var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                    times[tid] = (name, (double.Parse(f[11], CultureInfo.InvariantCulture) + double.Parse(f[12], CultureInfo.InvariantCulture)) * Tick);
                }
                catch (IOException)
                {
                    // the thread ended meanwhile
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return times;
    }

    /// <summary>"12.3 s CPU (here 8.1 + server 4.2)".</summary>
    public string Text() => HasServer
        ? $"{Report.Seconds(TotalSeconds)} CPU (bench process {Report.Seconds(SelfSeconds)} + PostgreSQL {Report.Seconds(ServerSeconds)})"
        : $"{Report.Seconds(TotalSeconds)} CPU";

    private static double Self()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.TotalSeconds;
    }

    private double Server()
    {
        if (_postmaster is not { } pm || Stat(pm) is not { } own)
            return 0;
        // Exited children are in the postmaster's cutime/cstime; live ones in their own utime/stime.
        var total = own.Cpu + own.Children;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == pm)
                continue;
            if (Stat(pid) is { } s && s.Parent == pm)
                total += s.Cpu;
        }
        return total;
    }

    private readonly record struct ProcStat(int Parent, double Cpu, double Children);

    private static ProcStat? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // After "pid (comm) ": state ppid … utime(14) stime(15) cutime(16) cstime(17), counted from 1 over the whole line.
        var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        double Field(int n) => double.Parse(f[n - 3], CultureInfo.InvariantCulture) * Tick;
        return new ProcStat(int.Parse(f[1], CultureInfo.InvariantCulture), Field(14) + Field(15), Field(16) + Field(17));
    }
}
