using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Silkgate.Declarations;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Tariff;

// Durable lodging (lodge + validate + tariff + risk + persist + audit) on SQLite and PostgreSQL: one client, eight
// concurrent clients, and group commit, beside the raw ceiling of single-row inserts (one transaction each) measured
// in the same run. Usage: Silkgate.Bench.Lodging [--count N] [--pg "Host=...;Username=...;Database=postgres"]
var count = 2000;
string? pg = null;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--count")
        count = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--pg")
        pg = args[++i];
}

var rows = new List<string[]>();
void Row(params string[] cells)
{
    rows.Add(cells);
    Console.WriteLine(string.Join(" | ", cells));
}

var folder = Directory.CreateTempSubdirectory("silkgate-lodge-bench-").FullName;
try
{
    Run("SQLite", () => Database.Resolve(Path.Combine(folder, Guid.NewGuid().ToString("N") + ".db")));
    if (pg is null)
        Console.WriteLine("PostgreSQL skipped (no --pg)");
    else
        Run("PostgreSQL", () => NewPostgres(pg));
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}
Console.WriteLine();
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {count} declarations per measurement, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
foreach (var r in rows)
    Console.WriteLine(string.Join(" | ", r));

void Run(string name, Func<Database> create)
{
    var ceiling = Ceiling(create(), count);
    Row(name, "raw ceiling: single-row INSERT, one transaction each", Rate(count, ceiling), "", "");

    var service = NewService(create());
    var one = Lodge(service, 1, count);
    Row(name, "lodge, 1 client", Rate(count, one.Seconds), Ratio(one.Seconds, ceiling), $"p50 {one.P50:0.0} ms, p99 {one.P99:0.0} ms");

    service = NewService(create());
    var eight = Lodge(service, 8, count);
    Row(name, "lodge, 8 concurrent clients", Rate(count, eight.Seconds), Ratio(eight.Seconds, ceiling), $"p50 {eight.P50:0.0} ms, p99 {eight.P99:0.0} ms");

    service = NewService(create());
    var sw = Stopwatch.StartNew();
    var (created, _, refused) = service.LodgeMany(Drafts(count, "g"), 200, Actor.Officer("bench"), (_, _) => { }, (_, e) => throw e);
    sw.Stop();
    if (created != count || refused != 0)
        throw new InvalidOperationException($"group commit stored {created} of {count}");
    Row(name, "lodge-bulk, group commit of 200", Rate(count, sw.Elapsed.TotalSeconds), Ratio(sw.Elapsed.TotalSeconds, ceiling), "acknowledged after each commit");
}

static DeclarationService NewService(Database db) => new(db, TimeProvider.System);

static IEnumerable<(DeclarationDraft, string)> Drafts(int n, string prefix)
{
    var random = new Random(11);
    for (var i = 0; i < n; i++)
    {
        var items = Enumerable.Range(0, random.Next(1, 4))
            .Select(_ => new TaxableItem("2601110000", "KG", random.Next(1_000, 90_000), random.Next(1_000, 30_000), "kg", random.Next(1_000, 30_000)))
            .ToList();
        yield return (new DeclarationDraft("E" + (i % 16), "KG", "road",
            new TaxableDeclaration(Flow.Import, new DateOnly(2023, 6, 5), "KASHGAR_AIRPORT", "0110", "CNY", 0m, 0m, items)), prefix + i);
    }
}

static (double Seconds, double P50, double P99) Lodge(DeclarationService service, int clients, int n)
{
    var drafts = Drafts(n, "c").ToArray();
    var latencies = new double[n];
    var next = -1;
    var sw = Stopwatch.StartNew();
    var threads = Enumerable.Range(0, clients).Select(_ => new Thread(() =>
    {
        int k;
        while ((k = Interlocked.Increment(ref next)) < n)
        {
            var (draft, key) = drafts[k];
            var t = Stopwatch.GetTimestamp();
            service.Lodge(draft, key, Actor.Declarant(draft.Declarant));
            latencies[k] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
    })).ToList();
    threads.ForEach(t => t.Start());
    threads.ForEach(t => t.Join());
    sw.Stop();
    Array.Sort(latencies);
    return (sw.Elapsed.TotalSeconds, latencies[n / 2], latencies[Math.Min(n - 1, (int)(n * 0.99))]);
}

// N single-row inserts of a declaration header's width, each committed on its own: the durable-write floor.
static double Ceiling(Database db, int n)
{
    using var conn = db.OpenConnection();
    Sql.Exec(conn, null, "CREATE TABLE bench_row (k VARCHAR(40) PRIMARY KEY, a VARCHAR(40), b VARCHAR(40), c VARCHAR(40), d BIGINT, e BIGINT, f BIGINT, g VARCHAR(400))");
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < n; i++)
    {
        using var tx = conn.BeginTransaction();
        Sql.Exec(conn, tx, "INSERT INTO bench_row VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)",
            "k" + i, "E100", "KASHGAR_AIRPORT", "import", (long)i, (long)i * 3, (long)i * 7, "a row as wide as a declaration header's text");
        tx.Commit();
    }
    return sw.Elapsed.TotalSeconds;
}

static Database NewPostgres(string admin)
{
    var name = "sg_lodge_" + Guid.NewGuid().ToString("N")[..10];
    using (var conn = new NpgsqlConnection(admin))
    {
        conn.Open();
        using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
        cmd.ExecuteNonQuery();
    }
    return Database.Resolve(new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
}

static string Rate(int n, double seconds) => string.Create(CultureInfo.InvariantCulture, $"{n / seconds:N0} declarations/s");

static string Ratio(double seconds, double ceilingSeconds) => string.Create(CultureInfo.InvariantCulture, $"{ceilingSeconds / seconds:P0} of the ceiling");
