using System.Globalization;

namespace Silkgate.Bench;

/// <summary>Which measurements to run: imports (1–3), the statistics query (4), or both.</summary>
internal enum BenchPart
{
    All,
    Import,
    Query,

    /// <summary>Only section 6: the statistics cube (writes N items, no CSV, no import sections).</summary>
    Cube,
}

/// <summary>Command-line options of the benchmark (plain parsing: the program has a handful of flags).</summary>
internal sealed record BenchOptions(long Items, string? Pg, string Work, bool WorkGiven, bool Keep, BenchPart Only, bool? Profile, long ProfileItems, int Seed)
{
    public const string Usage = """
        Silkgate.Bench: import and query throughput against baselines measured in the same run.

        dotnet run -c Release --project bench/Silkgate.Bench -- [options]

          --items N       items in the generated file (default 10,000,000; e.g. --items 200000 for a quick run)
          --pg CONN       PostgreSQL admin connection string, e.g. "Host=127.0.0.1;Port=54400;Username=silkgate;Database=postgres";
                          the bench creates and drops its own databases. Without it PostgreSQL is skipped.
          --work DIR      scratch folder (default: a new temp folder); generated files are removed at the end unless --keep
          --keep          keep the generated CSV and database files (and the PostgreSQL databases)
          --only PART     import | query | cube | all (default all). 'query' still generates and imports the file it queries;
                          'cube' writes N generated items through the writer and times the statistics cube (section 6):
                          ~15 bulletin figures from the cube and from the items, a full recompute, and DuckDB over the same rows
          --profile       time the importer's stages even when the importer reaches 50 % of the ceiling
          --no-profile    never time the importer's stages
          --pg-only       with --pg: PostgreSQL only (its imports and COPY ceiling; no SQLite import, ceilings, query or profile)
          --profile-items P  items written by the writer-stage profile (default: N, at most 2,000,000)
          --seed S        generator seed (default 20240601)
          --cube-db PATH  with --only cube: time the cube on this existing SQLite store (e.g. the demo's database at
                          --scale 16) instead of writing generated items; the store is left as it was, cube rebuilt
          --bulletin-only with --only cube: time the bulletin's figures only (no item scan, recompute or DuckDB)
        """;

    /// <summary>An existing SQLite store for section 6 (--cube-db), instead of generated items.</summary>
    public string? CubeDb { get; init; }

    /// <summary>Section 6 times the bulletin only (--bulletin-only).</summary>
    public bool BulletinOnly { get; init; }

    public bool Postgres => Pg is not null;

    /// <summary>SQLite's imports, ceilings, query and profile skipped (--pg-only): the PostgreSQL figures of a 10 M run in minutes.</summary>
    public bool PgOnly { get; init; }

    public bool Sqlite => !PgOnly;

    public bool RunsImports => Only is BenchPart.All or BenchPart.Import;

    public bool RunsQueries => Only is BenchPart.All or BenchPart.Query;

    public bool RunsCube => Only is BenchPart.All or BenchPart.Cube;

    /// <summary>Parses the arguments; returns null (after printing why) when they are wrong or --help was asked.</summary>
    public static BenchOptions? Parse(string[] args)
    {
        long items = 10_000_000;
        string? pg = null, work = null;
        var keep = false;
        var only = BenchPart.All;
        bool? profile = null;
        var seed = 20240601;
        long? profileItems = null;
        string? cubeDb = null;
        var bulletinOnly = false;
        var pgOnly = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value()
            {
                if (i + 1 >= args.Length)
                    throw new ArgumentException($"{args[i]} needs a value");
                return args[++i];
            }

            try
            {
                switch (args[i])
                {
                    case "--items":
                        var text = Value().Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
                        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out items) || items < 1)
                            throw new ArgumentException($"--items: '{text}' is not a positive integer");
                        break;
                    case "--pg":
                        pg = Value();
                        break;
                    case "--work":
                        work = Value();
                        break;
                    case "--keep":
                        keep = true;
                        break;
                    case "--only":
                        only = Value() switch
                        {
                            "all" => BenchPart.All,
                            "import" => BenchPart.Import,
                            "query" => BenchPart.Query,
                            "cube" => BenchPart.Cube,
                            var other => throw new ArgumentException($"--only: '{other}' is not import, query, cube or all"),
                        };
                        break;
                    case "--profile":
                        profile = true;
                        break;
                    case "--no-profile":
                        profile = false;
                        break;
                    case "--profile-items":
                        profileItems = long.Parse(Value().Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
                        break;
                    case "--pg-only":
                        pgOnly = true;
                        break;
                    case "--bulletin-only":
                        bulletinOnly = true;
                        break;
                    case "--cube-db":
                        cubeDb = Path.GetFullPath(Value());
                        if (!File.Exists(cubeDb))
                            throw new ArgumentException($"--cube-db: no file {cubeDb}");
                        break;
                    case "--seed":
                        seed = int.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "-h" or "--help":
                        Console.WriteLine(Usage);
                        return null;
                    default:
                        throw new ArgumentException($"unknown option '{args[i]}'");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Console.Error.WriteLine(Usage);
                return null;
            }
        }
        if (pgOnly && pg is null)
        {
            Console.Error.WriteLine("--pg-only needs --pg CONN");
            return null;
        }
        var workGiven = work is not null;
        work = Path.GetFullPath(work ?? Path.Combine(Path.GetTempPath(), "silkgate-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
        return new BenchOptions(items, pg, work, workGiven, keep, only, profile, Math.Clamp(profileItems ?? Math.Min(items, 2_000_000), 1, items), seed) { CubeDb = cubeDb, BulletinOnly = bulletinOnly, PgOnly = pgOnly };
    }
}
