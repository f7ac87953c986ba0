using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using CsvHelper;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Reference;
using Silkgate.Storage.Declarations;
using Silkgate.Storage.Reference;

namespace Silkgate.Storage.Import;

/// <summary>One refused row: where, which declaration, and why (a coded reason).</summary>
public sealed record ImportReject(string File, int Line, string ExternalId, string Code, string Reason);

public sealed record ImportReport(
    string File,
    long Rows,
    long Declarations,
    long Imported,
    long AlreadyStored,
    long RejectedDeclarations,
    IReadOnlyList<ImportReject> Rejects,
    string? RejectsFile,
    bool Aborted);

/// <summary>
/// Bulk import of external declaration files through a <see cref="ColumnMapping"/>. Rows are streamed; rows that
/// share an external id (consecutive) form one declaration, which is validated and stored whole or not at all.
/// Default mode stores the valid declarations and writes the refused rows to FILE.rejects.csv beside the input;
/// strict mode validates the whole file first and stores nothing when any row is bad. The (source, external id)
/// key makes a second import of the same file add nothing.
/// </summary>
public sealed class DeclarationImporter(Database db, TimeProvider clock)
{
    /// <summary>
    /// Items handed to the writer at a time: <see cref="DefaultBatchItems"/> for the database unless set.
    /// </summary>
    public int BatchItems { get; init; } = DefaultBatchItems(db.Provider);

    /// <summary>
    /// SQLite commits every batch and holds its one writer lock meanwhile: 20,000 items (about a second) keeps other
    /// writers waiting no longer than that (a first load is one transaction, where the batch is only a pipeline
    /// step; <see cref="ImportWriter"/>). A PostgreSQL import is one transaction whatever the batch (<see cref="ImportWriter"/>);
    /// there a batch is a step of the pipeline (two COPY statements, one link check, one summing task), and
    /// 100,000 items take a twentieth less time than 20,000 at 1 M items (six alternated pairs, median 0.948; the
    /// bench process's CPU 0.879) for about 300 MB more memory at the peak (828 against 520 MB; docs/performance.md).
    /// </summary>
    public static int DefaultBatchItems(DbProvider provider) => provider == DbProvider.Sqlite ? 20_000 : 100_000;

    /// <summary>
    /// The first batch holds at most this many items, and each next one twice as many as the one before, up to
    /// <see cref="BatchItems"/>: the writer starts after a few thousand rows instead of a whole batch, so that the
    /// database is not idle while the reader fills the first one. On a file of one batch or less (the train file's
    /// 37,385 rows) this is what lets reading and writing overlap at all.
    /// </summary>
    public const int FirstBatchItems = 5_000;

    /// <summary>
    /// A file of at least this many bytes, imported into a store without declarations, loads the declaration tables
    /// without their indexes and builds them afterwards (<see cref="ImportWriter.KeysAfterRows"/>; on SQLite the
    /// import is then one transaction).
    /// </summary>
    public long KeysAfterRowsFromBytes { get; init; } = DefaultKeysAfterRowsFromBytes;

    public const long DefaultKeysAfterRowsFromBytes = 1 << 20;

    /// <summary>PostgreSQL: see <see cref="ImportWriter.CubeFlushCells"/>.</summary>
    public int CubeFlushCells { get; init; } = ImportWriter.DefaultCubeFlushCells;

    public ImportReport Import(string path, ColumnMapping mapping, bool strict, string? ratesPath = null, Action<long, long>? progress = null)
    {
        if (!File.Exists(path))
            throw new SilkgateException("SG-IO-001", $"File not found: {path}");
        var store = new ReferenceStore(db);
        store.EnsureLoaded();
        var reference = store.Load();
        if (ratesPath is not null)
            reference = WithRates(reference, ratesPath);

        var fileName = Path.GetFileName(path);
        var total = new FileInfo(path).Length;
        if (strict)
        {
            var check = Run(path, fileName, mapping, reference, null, progress: null, total);
            if (check.Rejects.Count > 0)
                return check with { Imported = 0, AlreadyStored = 0, Aborted = true, RejectsFile = null };
        }

        ImportReport report;
        using (var conn = db.OpenConnection())
        {
            BulkPragmas(conn, on: true);
            try
            {
                report = Run(path, fileName, mapping, reference, conn, progress, total, strictChecked: strict);
            }
            finally
            {
                BulkPragmas(conn, on: false);
            }
        }
        var rejectsFile = path + ".rejects.csv";
        if (report.Rejects.Count > 0)
            WriteRejects(rejectsFile, report.Rejects);
        else if (File.Exists(rejectsFile))
            File.Delete(rejectsFile);
        if (ratesPath is not null)
            store.Import("rates", ratesPath);
        return report with { RejectsFile = report.Rejects.Count > 0 ? rejectsFile : null };
    }

    /// <summary>
    /// SQLite, on the import's own connection only (it is pooled: the settings are put back afterwards): a 256 MiB
    /// page cache, so that a 20,000-item transaction does not spill index pages mid-batch, temporary B-trees in
    /// memory, and a WAL checkpoint every 16,384 pages instead of 1,000 (pages rewritten by consecutive batches are
    /// copied back once). Durability is unchanged (WAL, synchronous=NORMAL, one commit per batch, or one in all for a
    /// first load). At the end the WAL
    /// is checkpointed and truncated, inside the import's time: the deferred copying is paid, not left to the next user.
    /// Public so that the benchmark's strong ceiling writes under the same settings.
    /// </summary>
    public static void BulkPragmas(DbConnection conn, bool on)
    {
        if (conn is not Microsoft.Data.Sqlite.SqliteConnection)
            return;
        Sql.Exec(conn, null, on
            ? "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=16384;"
            : "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA cache_size=-2000; PRAGMA temp_store=DEFAULT; PRAGMA wal_autocheckpoint=1000;");
    }

    private static ReferenceData WithRates(ReferenceData reference, string ratesPath) =>
        reference.WithRates(reference.Rates.With(CsvFiles.ReadFile(ratesPath, ReferenceParsers.Rates)));

    /// <summary>A batch of valid declarations ready for the writer, and how far into the file the reader was.</summary>
    private sealed record Pending(List<Declaration> Declarations, long Position);

    /// <summary>What the reading side found: counts and refused rows (the writer adds how many were new).</summary>
    private sealed record Parsed(long Rows, long Declarations, long RejectedDeclarations, List<ImportReject> Rejects);

    /// <summary>
    /// One import pass. Without a connection (strict mode's check) the file is validated and nothing is written.
    /// With one, reading and validating (a worker thread) overlap with writing (this thread): whole batches pass
    /// through a bounded queue of two, so at most two batches wait in memory. Transactions: <see cref="ImportWriter"/>.
    /// Split declarations (rows not consecutive) are found by a first pass over the ids, except where nothing is
    /// committed before the end (PostgreSQL's one transaction): there the file is read once and, should a split
    /// declaration turn up, the transaction is rolled back and the import run again with the first pass.
    /// </summary>
    private ImportReport Run(string path, string fileName, ColumnMapping mapping, ReferenceData reference, DbConnection? conn, Action<long, long>? progress, long totalBytes, bool strictChecked = false)
    {
        if (conn is null)
        {
            var checkedOnly = Parse(path, fileName, mapping, reference, _ => { }, SplitDeclarations(path, fileName, mapping));
            return Report(fileName, checkedOnly, imported: 0, written: false);
        }
        var keysAfterRows = totalBytes >= KeysAfterRowsFromBytes;
        var mode = new WriteMode(keysAfterRows, ImportWriter.OneTransactionOn(conn, keysAfterRows));
        // Strict mode's check found no split declaration (it refuses the file otherwise).
        if (strictChecked)
            return Write(path, fileName, mapping, reference, conn, progress, totalBytes, mode, split: []);
        if (!mode.OneTransaction)
            return Write(path, fileName, mapping, reference, conn, progress, totalBytes, mode, SplitDeclarations(path, fileName, mapping));
        // One transaction (PostgreSQL; a first load on SQLite): read the file once, betting that no declaration is
        // split in it; if one is, the transaction is rolled back (nothing was committed) and the import starts again
        // with the first pass.
        try
        {
            return Write(path, fileName, mapping, reference, conn, progress, totalBytes, mode, split: null);
        }
        catch (SplitFound)
        {
            return Write(path, fileName, mapping, reference, conn, progress, totalBytes, mode, SplitDeclarations(path, fileName, mapping));
        }
    }

    /// <summary>How the writer goes about an import, decided before the file is read (<see cref="ImportWriter"/>).</summary>
    private readonly record struct WriteMode(bool KeysAfterRows, bool OneTransaction);

    /// <summary>Thrown by an optimistic read (no first pass) at the first declaration whose rows are not consecutive.</summary>
    private sealed class SplitFound : Exception;

    /// <param name="split">The declarations refused as split (first pass), or null: none expected, <see cref="SplitFound"/> at the first.</param>
    private ImportReport Write(string path, string fileName, ColumnMapping mapping, ReferenceData reference, DbConnection conn, Action<long, long>? progress, long totalBytes, WriteMode mode, HashSet<string>? split)
    {
        var writer = new DeclarationWriter(clock);
        writer.FirstStoredId(conn, mapping.Source);
        long imported;
        Parsed parsed;
        using var queue = new BlockingCollection<Pending>(boundedCapacity: 2);
        using var stop = new CancellationTokenSource();
        var reading = Task.Factory.StartNew(() =>
        {
            try
            {
                return Parse(path, fileName, mapping, reference, pending => queue.Add(pending, stop.Token), split);
            }
            finally
            {
                queue.CompleteAdding();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            using var batches = new ImportWriter(writer, conn) { CubeFlushCells = CubeFlushCells, KeysAfterRows = mode.KeysAfterRows, OneTransaction = mode.OneTransaction };
            foreach (var pending in queue.GetConsumingEnumerable())
            {
                batches.Write(pending.Declarations);
                progress?.Invoke(pending.Position, totalBytes);
            }
            // The reader's error, if any, as itself (not wrapped), before a one-transaction import commits anything.
            parsed = reading.GetAwaiter().GetResult();
            imported = batches.Complete();
        }
        catch
        {
            // The writer or the reader failed: stop the reader (it may be waiting for room in the queue), then report the first error.
            stop.Cancel();
            try
            {
                reading.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
                // the reader's OperationCanceledException, or its own error: the writer's comes first
            }
            throw;
        }
        return Report(fileName, parsed, imported, written: true);
    }

    private static ImportReport Report(string fileName, Parsed p, long imported, bool written) =>
        new(fileName, p.Rows, p.Declarations, imported, written ? p.Declarations - p.RejectedDeclarations - imported : 0, p.RejectedDeclarations, p.Rejects, null, false);

    /// <summary>
    /// Reads and validates the file: rows that share an id (consecutive) form one declaration; the valid ones are
    /// handed to <paramref name="emit"/> in batches of about <see cref="BatchItems"/> items (the first ones smaller,
    /// see <see cref="FirstBatchItems"/>; the last one may be empty).
    /// </summary>
    private Parsed Parse(string path, string fileName, ColumnMapping mapping, ReferenceData reference, Action<Pending> emit, HashSet<string>? split)
    {
        // Without a first pass: the ids met so far, to notice a split declaration (then SplitFound).
        var seen = split is null ? new HashSet<string>(StringComparer.Ordinal) : null;
        split ??= [];
        var rejects = new List<ImportReject>();
        var splitCounted = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<Declaration>();
        var batchItems = 0;
        var batchLimit = Math.Min(BatchItems, FirstBatchItems);
        long rows = 0, declarations = 0, rejectedDeclarations = 0;

        var fields = new RowFields(mapping);
        var idOf = fields.ExternalId;
        var sourceColumns = mapping.SourceColumns().ToArray();

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new StreamReader(stream);
        var group = new List<CsvRow>();
        string? groupId = null;

        void Flush()
        {
            // The CSV reader closes the stream at the end of the file: the last batch is at the end.
            emit(new Pending(batch, stream.CanSeek ? stream.Position : new FileInfo(path).Length));
            batch = [];
            batchItems = 0;
            batchLimit = (int)Math.Min(BatchItems, 2L * batchLimit);
        }

        void Close()
        {
            if (group.Count == 0)
                return;
            declarations++;
            var (declaration, problems) = Build(group, groupId!, fileName, mapping, fields, reference);
            if (declaration is null)
            {
                rejectedDeclarations++;
                rejects.AddRange(problems);
            }
            else
            {
                batch.Add(declaration);
                batchItems += declaration.Items.Count;
                if (batchItems >= batchLimit)
                    Flush();
            }
            group.Clear();
        }

        foreach (var row in CsvFiles.Read(reader, fileName, sourceColumns, only: sourceColumns))
        {
            rows++;
            var id = idOf(row) ?? "";
            if (split.Contains(id))
            {
                // A declaration whose rows are not consecutive is refused whole, every row of it.
                rejects.Add(new ImportReject(fileName, row.Line, id, DeclarationRules.NotContiguous, $"rows of declaration {id} are not consecutive in the file"));
                if (id != groupId)
                {
                    Close();
                    groupId = id;
                    if (splitCounted.Add(id))
                    {
                        declarations++;
                        rejectedDeclarations++;
                    }
                }
                continue;
            }
            if (id != groupId)
            {
                if (seen is not null && !seen.Add(id))
                    throw new SplitFound();
                Close();
                groupId = id;
            }
            group.Add(row);
        }
        Close();
        Flush();
        return new Parsed(rows, declarations, rejectedDeclarations, rejects);
    }

    /// <summary>
    /// First pass over the ids only: the declarations whose rows are not consecutive. They are refused whole in the
    /// second pass, before any of their rows could be stored. Only the id's columns are materialised
    /// (<see cref="CsvFiles.ReadColumns"/>); the full pass reports any problem with the header.
    /// </summary>
    private static HashSet<string> SplitDeclarations(string path, string fileName, ColumnMapping mapping)
    {
        var sourceColumns = mapping.SourceColumns().ToArray();
        var idOf = mapping.Resolver("external_id");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var split = new HashSet<string>(StringComparer.Ordinal);
        string? previous = null;
        using var reader = new StreamReader(path);
        foreach (var row in CsvFiles.ReadColumns(reader, fileName, sourceColumns, mapping.SourceColumns("external_id")))
        {
            var id = idOf(row) ?? "";
            if (id == previous)
                continue;
            previous = id;
            if (!seen.Add(id))
                split.Add(id);
        }
        return split;
    }

    /// <summary>The mapping's resolvers, one field each: looked up once per file, not by name on every row.</summary>
    private sealed class RowFields(ColumnMapping mapping)
    {
        public readonly Func<CsvRow, string?> ExternalId = mapping.Resolver("external_id");
        public readonly Func<CsvRow, string?> EnterpriseId = mapping.Resolver("enterprise_id");
        public readonly Func<CsvRow, string?> Flow = mapping.Resolver("flow");
        public readonly Func<CsvRow, string?> State = mapping.Resolver("state");
        public readonly Func<CsvRow, string?> DeclarationDate = mapping.Resolver("declaration_date");
        public readonly Func<CsvRow, string?> ReleaseDate = mapping.Resolver("release_date");
        public readonly Func<CsvRow, string?> Port = mapping.Resolver("port");
        public readonly Func<CsvRow, string?> TradeMode = mapping.Resolver("trade_mode");
        public readonly Func<CsvRow, string?> TransportMode = mapping.Resolver("transport_mode");
        public readonly Func<CsvRow, string?> HeaderPartner = mapping.Resolver("header_partner_country");
        public readonly Func<CsvRow, string?> Currency = mapping.Resolver("currency");
        public readonly Func<CsvRow, string?> Freight = mapping.Resolver("freight");
        public readonly Func<CsvRow, string?> Insurance = mapping.Resolver("insurance");
        public readonly Func<CsvRow, string?> InZone = mapping.Resolver("in_zone");
        public readonly Func<CsvRow, string?> Ecommerce = mapping.Resolver("ecommerce");
        public readonly Func<CsvRow, string?> ItemNo = mapping.Resolver("item_no");
        public readonly Func<CsvRow, string?> HsCode = mapping.Resolver("hs_code");
        public readonly Func<CsvRow, string?> Description = mapping.Resolver("description");
        public readonly Func<CsvRow, string?> PartnerCountry = mapping.Resolver("partner_country");
        public readonly Func<CsvRow, string?> Quantity = mapping.Resolver("quantity");
        public readonly Func<CsvRow, string?> QuantityUnit = mapping.Resolver("quantity_unit");
        public readonly Func<CsvRow, string?> NetMassKg = mapping.Resolver("net_mass_kg");
        public readonly Func<CsvRow, string?> Value = mapping.Resolver("value");
        public readonly Func<CsvRow, string?> Preference = mapping.Resolver("preference");
        public readonly Func<CsvRow, string?> CertificateOfOrigin = mapping.Resolver("certificate_of_origin");

        /// <summary>The header fields: taken from a declaration's first row, every other row must agree.</summary>
        public (string Target, Func<CsvRow, string?> Of)[] Header => header ??=
        [
            ("enterprise_id", EnterpriseId), ("flow", Flow), ("state", State), ("declaration_date", DeclarationDate),
            ("release_date", ReleaseDate), ("port", Port), ("trade_mode", TradeMode), ("transport_mode", TransportMode),
            ("header_partner_country", HeaderPartner), ("currency", Currency), ("freight", Freight),
            ("insurance", Insurance), ("in_zone", InZone), ("ecommerce", Ecommerce),
        ];

        private (string Target, Func<CsvRow, string?> Of)[]? header;
    }

    /// <summary>
    /// One declaration from its rows, or the reasons it is refused. Plain loops: this runs once per declaration of
    /// the file (the LINQ it had allocated a quarter of an import's memory at 1 M items).
    /// </summary>
    private static (Declaration?, List<ImportReject>) Build(
        List<CsvRow> rows, string externalId, string file, ColumnMapping mapping,
        RowFields f, ReferenceData reference)
    {
        var problems = new List<ImportReject>();
        void Reject(CsvRow row, RuleViolation? v)
        {
            if (v is not null)
                problems.Add(new ImportReject(file, row.Line, externalId, v.Code, v.Reason));
        }

        var first = rows[0];
        foreach (var row in rows)
        {
            if (row.Fields.Count != row.HeaderCount)
                Reject(row, new RuleViolation(DeclarationRules.WrongColumnCount, $"expected {row.HeaderCount} columns, found {row.Fields.Count}"));
        }
        if (problems.Count > 0)
            return (null, problems);
        if (externalId.Length == 0)
            Reject(first, new RuleViolation(DeclarationRules.MissingField, "the declaration id is empty"));

        foreach (var (target, of) in f.Header)
        {
            var expected = of(first);
            for (var r = 1; r < rows.Count; r++)
            {
                var actual = of(rows[r]);
                if (actual != expected)
                    Reject(rows[r], new RuleViolation(DeclarationRules.HeaderDisagrees, $"{target} '{actual}' differs from '{expected}' on the declaration's first row"));
            }
        }

        var enterprise = f.EnterpriseId(first);
        if (enterprise is null)
            Reject(first, new RuleViolation(DeclarationRules.MissingField, "enterprise_id is empty"));
        var flowText = f.Flow(first);
        Flow? flow = flowText switch { "import" => Flow.Import, "export" => Flow.Export, _ => null };
        if (flow is null)
            Reject(first, new RuleViolation(DeclarationRules.UnknownFlow, $"flow '{flowText}' is not import or export"));
        var declText = f.DeclarationDate(first);
        var declDate = ParseDate(declText);
        if (declDate is null)
            Reject(first, new RuleViolation(DeclarationRules.BadDate, $"declaration date '{declText}' is not a date YYYY-MM-DD"));
        var releaseText = f.ReleaseDate(first);
        var releaseDate = ParseDate(releaseText);
        if (releaseText is not null && releaseDate is null)
            Reject(first, new RuleViolation(DeclarationRules.BadDate, $"release date '{releaseText}' is not a date YYYY-MM-DD"));
        var stateText = f.State(first) ?? (releaseText is null ? "lodged" : "released");
        DeclarationState? state = stateText switch
        {
            "released" => DeclarationState.Released,
            "lodged" => DeclarationState.Lodged,
            _ => null,
        };
        if (state is null)
            Reject(first, new RuleViolation(DeclarationRules.UnknownState, $"state '{stateText}' cannot be imported (released or lodged)"));
        if (state == DeclarationState.Released && releaseText is null)
            Reject(first, new RuleViolation(DeclarationRules.MissingField, "a released declaration needs a release date"));
        var port = f.Port(first);
        if (port is null)
            Reject(first, new RuleViolation(DeclarationRules.MissingField, "port is empty"));
        else if (!mapping.PortsAreExternal && reference.Port(port) is null)
            Reject(first, new RuleViolation(DeclarationRules.UnknownPort, $"port '{port}' is not a Kashgar port ({string.Join(", ", reference.Ports.Select(p => p.Code))})"));
        var tradeModeCode = f.TradeMode(first);
        var tradeMode = tradeModeCode is null ? null : reference.TradeMode(tradeModeCode);
        if (tradeMode is null)
            Reject(first, new RuleViolation(DeclarationRules.UnknownTradeMode, $"trade mode '{tradeModeCode}' is not in the trade-mode table"));
        var currency = f.Currency(first);
        if (declDate is { } dd)
            Reject(first, DeclarationRules.CheckCurrencyAndRate(reference, currency, dd));
        var headerPartner = f.HeaderPartner(first);
        if (headerPartner is not null)
            Reject(first, DeclarationRules.CheckCountry(reference, headerPartner, "header partner country"));
        var freight = ParseAmount(f.Freight(first)) ?? 0m;
        var insurance = ParseAmount(f.Insurance(first)) ?? 0m;
        Reject(first, DeclarationRules.CheckNonNegative(freight, "freight", DeclarationRules.BadValue));
        Reject(first, DeclarationRules.CheckNonNegative(insurance, "insurance", DeclarationRules.BadValue));

        var parsed = new ParsedItem[rows.Count];
        var values = new decimal[rows.Count];
        for (var k = 0; k < rows.Count; k++)
        {
            var row = rows[k];
            var noText = f.ItemNo(row);
            var no = noText is null
                ? k + 1
                : int.TryParse(noText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
            if (no < 1)
                Reject(row, new RuleViolation(DeclarationRules.MissingField, $"item number '{noText}' is not a positive integer"));
            var hs = f.HsCode(row);
            if (declDate is { } d)
                Reject(row, DeclarationRules.CheckHsCode(reference, hs, d));
            var partner = f.PartnerCountry(row);
            Reject(row, DeclarationRules.CheckCountry(reference, partner, flow == Flow.Export ? "destination country" : "origin country"));
            var valueText = f.Value(row);
            var value = ParseAmount(valueText);
            Reject(row, DeclarationRules.CheckNonNegative(value, $"value '{valueText}'", DeclarationRules.BadValue));
            var massText = f.NetMassKg(row);
            var mass = ParseAmount(massText);
            Reject(row, DeclarationRules.CheckNonNegative(mass, $"net mass '{massText}'", DeclarationRules.BadMass));
            var qtyText = f.Quantity(row);
            var qty = ParseAmount(qtyText);
            if (qtyText is not null)
                Reject(row, DeclarationRules.CheckNonNegative(qty, $"quantity '{qtyText}'", DeclarationRules.BadQuantity));
            values[k] = value ?? 0;
            parsed[k] = new ParsedItem(no, hs ?? "", partner ?? "", qty, mass ?? 0);
        }
        if (!DistinctItemNumbers(parsed))
            Reject(first, new RuleViolation(DeclarationRules.MissingField, "item numbers repeat within the declaration"));
        if (problems.Count > 0)
            return (null, problems);

        var rate = reference.Rates.Rate(YearMonth.Of(declDate!.Value), currency!);
        // The statistical values need every item's value first: freight and insurance are shared out by value.
        var statistical = StatisticalValue.InCny(flow!.Value, values, freight, insurance, rate);
        var items = new DeclarationItem[rows.Count];
        for (var k = 0; k < items.Length; k++)
        {
            var (row, p) = (rows[k], parsed[k]);
            items[k] = new DeclarationItem
            {
                ItemNo = p.No,
                HsCode = p.Hs,
                Description = f.Description(row),
                PartnerCountry = p.Partner,
                Quantity = p.Quantity,
                QuantityUnit = f.QuantityUnit(row),
                NetMassKg = p.Mass,
                ValueOriginal = values[k],
                StatisticalValueCny = statistical[k],
                Preference = f.Preference(row),
                CertificateOfOrigin = f.CertificateOfOrigin(row),
            };
        }
        var declaration = new Declaration
        {
            EnterpriseId = enterprise!,
            Source = mapping.Source,
            ExternalId = externalId,
            Flow = flow.Value,
            State = state!.Value,
            DeclarationDate = declDate.Value,
            ReleaseDate = releaseDate,
            Port = port!,
            TradeMode = tradeMode!.Code,
            TransportMode = f.TransportMode(first),
            PartnerCountry = headerPartner,
            Currency = currency!,
            Freight = freight,
            Insurance = insurance,
            InZone = ParseBool(f.InZone(first)) ?? tradeMode.InZone,
            Ecommerce = ParseBool(f.Ecommerce(first)) ?? tradeMode.Ecommerce,
            Items = items,
        };
        return (declaration, problems);
    }

    /// <summary>An item's checked fields, kept until the declaration is known to be valid.</summary>
    private readonly record struct ParsedItem(int No, string Hs, string Partner, decimal? Quantity, decimal Mass);

    /// <summary>True when no item number repeats (declarations have a few items: a quadratic scan allocates nothing).</summary>
    private static bool DistinctItemNumbers(ParsedItem[] items)
    {
        if (items.Length > 64)
            return items.Select(i => i.No).Distinct().Count() == items.Length;
        for (var i = 1; i < items.Length; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (items[i].No == items[j].No)
                    return false;
            }
        }
        return true;
    }

    private static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static decimal? ParseAmount(string? text) =>
        text is null ? null : decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static bool? ParseBool(string? text) => text switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => null,
    };

    private static void WriteRejects(string path, IReadOnlyList<ImportReject> rejects)
    {
        using var writer = new StreamWriter(path);
        using var csv = new CsvWriter(writer, CsvFiles.Configuration);
        foreach (var h in new[] { "file", "line", "declaration_id", "code", "reason" })
            csv.WriteField(h);
        csv.NextRecord();
        foreach (var r in rejects)
        {
            csv.WriteField(r.File);
            csv.WriteField(r.Line);
            csv.WriteField(r.ExternalId);
            csv.WriteField(r.Code);
            csv.WriteField(r.Reason);
            csv.NextRecord();
        }
    }
}
