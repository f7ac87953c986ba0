using System.Collections.Frozen;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Ports;
using Silkgate.Reference;
using Silkgate.Tariff;

namespace Silkgate.Tests.Tariff;

/// <summary>A small schedule and reference set on which each tax rule is shown (line numbers as in a CSV file).</summary>
public static class TariffFixture
{
    public static readonly DateOnly June2023 = new(2023, 6, 1);

    public static readonly string[] ScheduleCsv =
    [
        // line 2..
        "0804,duty,mfn,,,15,,,2000-01-01,,false,",
        "0804,duty,conventional,CPFTA,PK,5,,,2019-12-01,,true,",
        "0804,duty,special,LDC,AF,0,,,2015-12-10,,true,",
        "0804,duty,provisional,,,10,,,2023-01-01,2023-12-31,false,",
        "080410,duty,mfn,,,12,,,2000-01-01,,false,",
        "0804,vat,standard,,,9,,,2000-01-01,,false,",
        "2402,duty,mfn,,,25,,,2000-01-01,,false,",
        "2402,consumption_tax,standard,,,36,0.003,unit,2000-01-01,,false,",
        "2402,vat,standard,,,13,,,2000-01-01,,false,",
        "2204,duty,mfn,,,10,2,l,2000-01-01,,false,",
        "2204,consumption_tax,standard,,,10,,,2000-01-01,,false,",
        "2204,vat,standard,,,13,,,2000-01-01,,false,",
        "0813,duty,general,,KP,80,,,2000-01-01,,false,",
        "0813,duty,mfn,,,10,,,2000-01-01,,false,",
        "0813,vat,standard,,,9,,,2000-01-01,,false,",
        "2601,duty,mfn,,,0,,,2000-01-01,,false,",
        "2601,duty,mfn,,,20,,,2000-01-01,,false,export",
        "2601,vat,standard,,,10,,,2000-01-01,,false,",
        "3304,duty,mfn,,,0,,,2000-01-01,,false,",
        "3304,consumption_tax,standard,,,15,,,2000-01-01,,false,",
        "3304,vat,standard,,,13,,,2000-01-01,,false,",
        "0802,duty,mfn,,,10,0.5,kg,2000-01-01,,false,",
        "0802,vat,standard,,,9,,,2000-01-01,,false,",
    ];

    public static IEnumerable<TariffRow> Rows(IEnumerable<string> csvLines) =>
        csvLines.Select((text, i) =>
        {
            var f = text.Split(',');
            return new TariffRow(i + 2, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11]);
        });

    public static TariffSchedule Schedule { get; } = new(TariffScheduleParser.Parse(Rows(ScheduleCsv), "test.csv"));

    public static TariffPolicy Policy { get; } = new(50m, 0.70m, 5000m, new HashSet<string>(["9610", "1210"]));

    public static ReferenceData Reference { get; } = new(
        new[] { "PK", "AF", "KG", "KP", "US", "CN", "FR" }.Select(c => new Country(c, c + "X", "000", c, null, c == "AF")),
        [new Currency("USD", "840", "US Dollar", 2)],
        new HsNomenclature(
            new[] { "0804", "080410", "080420", "0813", "081310", "2204", "220421", "2402", "240220", "2601", "260111", "3304", "330499", "0802", "080251" }
                .Select(c => new HsEntry(c, c.Length, "I", null, "test " + c)),
            [new HsSection("I", "test")]),
        [new Port("KHUNJERAB", "Khunjerab", "红其拉甫", "road", "PK", null, null, null, null, null)],
        Array.Empty<CalendarRule>(),
        new PartnerGroups([]),
        [new TradeMode("0110", "General trade", "一般贸易", "general", false, false), new TradeMode("5034", "In-zone logistics goods", "区内物流货物", "zone", false, true)],
        new ExchangeRateTable([new ExchangeRate(new YearMonth(2023, 6), "USD", 7.1283m), new ExchangeRate(new YearMonth(2024, 1), "USD", 7.1000m)]));

    public static TaxCalculator Calculator { get; } = new(Schedule, Policy, Reference);

    public static TaxableDeclaration Import(TaxableItem item, string currency = "CNY", DateOnly? date = null, string tradeMode = "0110", decimal freight = 0m, decimal insurance = 0m) =>
        new(Flow.Import, date ?? June2023, "KHUNJERAB", tradeMode, currency, freight, insurance, [item]);

    public static DeclarationTaxResult Tax(TaxableItem item, string currency = "CNY", DateOnly? date = null, string tradeMode = "0110") =>
        Calculator.Calculate(Import(item, currency, date, tradeMode));

    public static FrozenSet<string> None => FrozenSet<string>.Empty;
}
