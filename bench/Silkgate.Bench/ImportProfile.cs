using System.Diagnostics;
using Silkgate.Reference;
using Silkgate.Storage;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Import;
using Silkgate.Storage.Reference;

namespace Silkgate.Bench;

/// <summary>
/// Where the importer spends its time, measured stage by stage with the product's own public pieces (nothing in
/// src/ is changed):
/// <list type="bullet">
/// <item>read: the file's lines with a StreamReader, no parsing (the I/O floor);</item>
/// <item>CSV: one pass of <see cref="CsvFiles.Read(TextReader, string, string[])"/> (CsvHelper + CsvRow) resolving the id — what the
/// importer's first pass (non-consecutive declarations) does, and the parse part of its second pass;</item>
/// <item>CSV + fields: the same pass calling every mapping resolver once per row;</item>
/// <item>validate: the importer in strict mode on the file with one bad declaration appended — both passes,
/// every rule, every Declaration built, then it aborts and writes nothing;</item>
/// <item>writer: <see cref="DeclarationWriter.WriteBatch"/> alone on declarations built in memory by the
/// generator (the same ones), in batches of the importer's size, into a fresh database; also with a larger
/// SQLite page cache, and split into the writer's own pieces (<see cref="WriterPieces"/>).</item>
/// </list>
/// </summary>
internal static class ImportProfile
{
    public static double ReadLines(string csv)
    {
        ImportBench.Quiesce(null);
        var sw = Stopwatch.StartNew();
        long n = 0;
        using (var reader = new StreamReader(csv))
        {
            while (reader.ReadLine() is not null)
                n++;
        }
        sw.Stop();
        return n > 0 ? sw.Elapsed.TotalSeconds : 0;
    }

    /// <summary>One CsvFiles.Read pass; with <paramref name="allFields"/> every mapping resolver is called on each row.</summary>
    public static double CsvPass(string csv, ColumnMapping mapping, bool allFields)
    {
        var resolvers = ColumnMapping.Targets.Select(mapping.Resolver).ToArray();
        var id = mapping.Resolver("external_id");
        var columns = mapping.SourceColumns().ToArray();
        ImportBench.Quiesce(null);
        var sw = Stopwatch.StartNew();
        long touched = 0;
        using (var reader = new StreamReader(csv))
        {
            foreach (var row in CsvFiles.Read(reader, Path.GetFileName(csv), columns))
            {
                if (allFields)
                {
                    foreach (var f in resolvers)
                        touched += f(row)?.Length ?? 0;
                }
                else
                {
                    touched += id(row)?.Length ?? 0;
                }
            }
        }
        sw.Stop();
        return touched > 0 ? sw.Elapsed.TotalSeconds : 0;
    }

    /// <summary>
    /// Validation without writing: strict import of the file with one bad declaration (unknown country XX)
    /// appended; the file is restored afterwards. The database must already hold the reference data.
    /// </summary>
    public static double ValidateOnly(Database db, string csv, ColumnMapping mapping)
    {
        var length = new FileInfo(csv).Length;
        File.AppendAllText(csv, "BENCHBAD0000000001,E1,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,0,0,1,0101210000,XX,1,kg,1,1\n");
        try
        {
            ImportBench.Quiesce(db);
            var sw = Stopwatch.StartNew();
            var result = new DeclarationImporter(db, TimeProvider.System).Import(csv, mapping, strict: true);
            sw.Stop();
            if (!result.Aborted || result.Rejects.Count != 1)
                throw new InvalidOperationException($"validate-only pass: expected an aborted import with one reject, got aborted={result.Aborted}, rejects={result.Rejects.Count}");
            return sw.Elapsed.TotalSeconds;
        }
        finally
        {
            using var stream = new FileStream(csv, FileMode.Open, FileAccess.Write);
            stream.SetLength(length);
        }
    }

    /// <summary>
    /// The writer alone: generated declarations written batch by batch the importer's way (<see cref="ImportWriter"/>:
    /// a transaction per batch on SQLite, one for all on PostgreSQL); only the writing is timed.
    /// </summary>
    public static double WriterOnly(Database db, KashgarGenerator generator, ReferenceData reference, long items, int batchItems, string? pragma = null)
    {
        new ReferenceStore(db).EnsureLoaded();
        var writer = new DeclarationWriter(TimeProvider.System);
        using var conn = db.OpenConnection();
        if (pragma is not null)
            Sql.Exec(conn, null, pragma);
        ImportBench.Quiesce(db);
        var sw = new Stopwatch();
        using (var batches = new ImportWriter(writer, conn))
        {
            foreach (var batch in generator.Batches(items, reference, batchItems))
            {
                sw.Start();
                batches.Write(batch);
                sw.Stop();
            }
            sw.Start();
            batches.Complete();
            sw.Stop();
        }
        var stored = Sql.Scalar<long>(conn, null, "SELECT count(*) FROM declaration_item");
        if (stored != items)
            throw new InvalidOperationException($"writer-only pass stored {stored} items, expected {items}");
        return sw.Elapsed.TotalSeconds;
    }
}
