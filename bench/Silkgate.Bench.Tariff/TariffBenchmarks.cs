using System.Collections.Frozen;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Silkgate.Declarations;
using Silkgate.Tariff;

namespace Silkgate.Bench.Tariff;

/// <summary>
/// Item calculations per second on one core, with a realistic schedule: for 3,200 six-digit codes an MFN duty, a
/// VAT row, and for every second code a provisional and a CPFTA conventional rate, for every fifth a consumption tax
/// (over 10,000 rows). Items cycle through 4,096 pre-built inputs (codes, origins, values) so the loop measures the
/// look-ups and arithmetic, not input construction. The code is compiled (cached) in warm-up, as in production.
/// </summary>
[MemoryDiagnoser]
public class TariffBenchmarks
{
    private const int Inputs = 4096;
    private TaxCalculator _calculator = null!;
    private TariffSchedule _schedule = null!;
    private (CompiledCode Code, TaxableItem Item, decimal Value)[] _items = null!;
    private static readonly DateOnly Date = new(2023, 6, 1);

    public int ScheduleRows { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var lines = new List<TariffLine>();
        var n = 0;
        TariffLine Line(string hs, TaxMeasure m, RateKind k, decimal pct, string? agreement = null, string[]? origins = null, bool cert = false) => new()
        {
            LineNo = ++n, HsCode = hs, Measure = m, Kind = k, AdValoremPct = pct, Agreement = agreement,
            Origins = (origins ?? []).ToFrozenSet(), ValidFrom = new DateOnly(2000, 1, 1), CertificateRequired = cert,
        };
        var codes = Enumerable.Range(0, 3200).Select(i => (10_00_00 + (i * 37)).ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        for (var i = 0; i < codes.Length; i++)
        {
            lines.Add(Line(codes[i], TaxMeasure.Duty, RateKind.Mfn, 5 + (i % 20)));
            lines.Add(Line(codes[i], TaxMeasure.Vat, RateKind.Standard, i % 3 == 0 ? 9 : 13));
            if (i % 2 == 0)
            {
                lines.Add(Line(codes[i], TaxMeasure.Duty, RateKind.Provisional, 3 + (i % 5)));
                lines.Add(Line(codes[i], TaxMeasure.Duty, RateKind.Conventional, 0, "CPFTA", ["PK"], cert: true));
            }
            if (i % 5 == 0)
                lines.Add(Line(codes[i], TaxMeasure.ConsumptionTax, RateKind.Standard, 10));
        }
        ScheduleRows = lines.Count;
        _schedule = new TariffSchedule(lines);
        var policy = new TariffPolicy(50m, 0.7m, 5000m, new HashSet<string> { "9610", "1210" });
        // CalculateItem needs no reference data (validation happens in Calculate): an empty snapshot will do.
        var reference = new Silkgate.Reference.ReferenceData([], [], new Silkgate.Reference.HsNomenclature([], []), [], [], new Silkgate.Reference.PartnerGroups([]), [], new Silkgate.Reference.ExchangeRateTable([]));
        _calculator = new TaxCalculator(_schedule, policy, reference);
        var random = new Random(1);
        string[] origins = ["PK", "KG", "KZ", "TJ", "UZ", "US", "DE"];
        _items = Enumerable.Range(0, Inputs).Select(_ =>
        {
            var code = codes[random.Next(codes.Length)] + "0000";
            var item = new TaxableItem(code, origins[random.Next(origins.Length)], random.Next(100, 100_000), null, null, 100m, null, random.Next(2) == 0 ? "CO" : null);
            return (_schedule.Compile(code), item, (decimal)random.Next(100, 100_000));
        }).ToArray();
    }

    /// <summary>One item: duty choice among MFN, provisional and conventional, CT where present, VAT.</summary>
    [Benchmark(OperationsPerInvoke = Inputs)]
    public decimal CalculateItems()
    {
        var sum = 0m;
        foreach (var (code, item, value) in _items)
            sum += _calculator.CalculateItem(code, Flow.Import, false, Date, item, value).Vat.Amount;
        return sum;
    }

    /// <summary>The same, including the compiled-code cache look-up by HS code.</summary>
    [Benchmark(OperationsPerInvoke = Inputs)]
    public decimal CalculateItemsWithLookup()
    {
        var sum = 0m;
        foreach (var (_, item, value) in _items)
            sum += _calculator.CalculateItem(_schedule.Compile(item.HsCode), Flow.Import, false, Date, item, value).Vat.Amount;
        return sum;
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        var b = new TariffBenchmarks();
        b.Setup();
        Console.WriteLine($"schedule rows: {b.ScheduleRows}");
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
