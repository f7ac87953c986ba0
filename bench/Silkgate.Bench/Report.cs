using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace Silkgate.Bench;

/// <summary>One line of the final summary: what was measured, its figure, and its ratio to a baseline (if any).</summary>
internal sealed record Figure(string Section, string What, string Value, string Ratio, string Note);

/// <summary>Collects the figures as they are measured, prints progress lines, and prints the final summary table.</summary>
internal sealed class Report
{
    private readonly List<Figure> _figures = [];
    private readonly List<(string Key, string Value)> _environment = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public static CultureInfo Culture => CultureInfo.InvariantCulture;

    public void Environment(string key, string value) => _environment.Add((key, value));

    public void Add(string section, string what, string value, string ratio = "", string note = "")
    {
        _figures.Add(new Figure(section, what, value, ratio, note));
        Log($"{section} | {what}: {value}{(ratio.Length > 0 ? "  (" + ratio + ")" : "")}{(note.Length > 0 ? "  — " + note : "")}");
    }

    /// <summary>A progress line, prefixed with the time since the start (the 10M run takes a while; its log is polled).</summary>
    public void Log(string message)
    {
        var t = _clock.Elapsed;
        Console.WriteLine(string.Create(Culture, $"[{(int)t.TotalHours:D2}:{t.Minutes:D2}:{t.Seconds:D2}] {message}"));
    }

    public static string Rate(double items, double seconds) =>
        seconds <= 0 ? "n/a" : string.Create(Culture, $"{items / seconds:N0} items/s");

    public static string Seconds(double seconds) => string.Create(Culture, $"{seconds:F3} s");

    public static string Percent(double ratio) => string.Create(Culture, $"{ratio * 100:F1} %");

    public static string Count(long n) => n.ToString("N0", Culture);

    public void PrintSummary()
    {
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine("==================== Silkgate.Bench summary ====================");
        var keyWidth = _environment.Count == 0 ? 0 : _environment.Max(e => e.Key.Length);
        foreach (var (key, value) in _environment)
            sb.Append(key.PadRight(keyWidth)).Append(" : ").AppendLine(value);
        sb.AppendLine();
        string[] head = ["section", "measurement", "figure", "ratio", "note"];
        var rows = _figures.Select(f => new[] { f.Section, f.What, f.Value, f.Ratio, f.Note }).ToList();
        var widths = head.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        void Line(string[] cells)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                // Figures and ratios right-aligned, text left-aligned; the last column is not padded.
                var cell = i is 2 or 3 ? cells[i].PadLeft(widths[i]) : i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i]);
                sb.Append(cell);
                if (i < cells.Length - 1)
                    sb.Append(" | ");
            }
            sb.Append('\n');
        }
        Line(head);
        sb.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
            Line(row);
        Console.Write(sb.ToString().Replace("\r", "", StringComparison.Ordinal));
    }

    /// <summary>The machine: cores, CPU model, memory, OS and runtime.</summary>
    public void DescribeMachine(BenchOptions options)
    {
        Environment("items (N)", Count(options.Items));
        Environment("cores (nproc)", System.Environment.ProcessorCount.ToString(Culture));
        Environment("cpu", CpuModel());
        Environment("memory", MemoryTotal());
        Environment("os", RuntimeInformation.OSDescription);
        Environment(".NET", RuntimeInformation.FrameworkDescription + (GCSettings.IsServerGC ? " (server GC)" : " (workstation GC)"));
        Environment("started", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", Culture));
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static string MemoryTotal()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (line is null)
                return "unknown";
            var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Culture);
            return string.Create(Culture, $"{kb / 1024.0 / 1024.0:F1} GiB");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return "unknown";
        }
    }
}
