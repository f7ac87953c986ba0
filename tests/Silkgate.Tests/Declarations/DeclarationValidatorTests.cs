using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Ports;
using Silkgate.Reference;
using Silkgate.Tariff;
using Silkgate.Tests.Tariff;

namespace Silkgate.Tests.Declarations;

/// <summary>One test per validation rule of lodging, named after it.</summary>
public sealed class DeclarationValidatorTests
{
    private static readonly ReferenceData Reference = new(
        TariffFixture.Reference.Countries, TariffFixture.Reference.Currencies, TariffFixture.Reference.Hs,
        [
            new Port("KHUNJERAB", "Khunjerab", "红其拉甫", "road", "PK", null, null, null, null, null),
            new Port("KASHGAR_AIRPORT", "Kashgar airport", "喀什", "air", null, null, null, null, null, null),
        ],
        [CalendarRule.Parse("KHUNJERAB", "season", "04-01", "11-30", null, "bilateral agreement: open 1 Apr - 30 Nov")],
        new PartnerGroups([]),
        [new TradeMode("0110", "General trade", "一般贸易", "general", false, false), new TradeMode("4019", "Border small-scale trade", "边境小额", "border", false, false)],
        TariffFixture.Reference.Rates);

    private static readonly DeclarationValidator Validator = new(Reference,
        [new TradeModePorts("4019", new HashSet<string> { "KHUNJERAB" })],
        [new ValueBounds("0813", 8m, 200m)]);

    private static DeclarationDraft Draft(TaxableItem? item = null, string port = "KHUNJERAB", string tradeMode = "0110", string currency = "USD", DateOnly? date = null, string declarant = "E100") =>
        new(declarant, "PK", "road", new TaxableDeclaration(Flow.Import, date ?? new DateOnly(2023, 6, 1), port, tradeMode, currency, 0m, 0m,
            [item ?? new TaxableItem("0813100000", "PK", 1000m, 500m, "kg", 500m)]));

    private static IEnumerable<string> Codes(DeclarationDraft d) => Validator.Validate(d).Select(f => f.Code);

    [Fact]
    public void A_complete_declaration_passes() => Assert.Empty(Validator.Validate(Draft()));

    [Fact]
    public void SG_DEC_001_HS_code_unknown_on_the_declaration_date() =>
        Assert.Contains("SG-DEC-001", Codes(Draft(new TaxableItem("0813990000", "PK", 1000m, 1m, "kg", 1m))));

    [Fact]
    public void SG_DEC_002_required_fields() => Assert.Contains("SG-DEC-002", Codes(Draft(declarant: "")));

    [Fact]
    public void SG_DEC_003_known_countries() => Assert.Contains("SG-DEC-003", Codes(Draft(new TaxableItem("0813100000", "QQ", 1000m, 1m, "kg", 1m))));

    [Fact]
    public void SG_DEC_004_known_port() => Assert.Contains("SG-DEC-004", Codes(Draft(port: "URUMQI")));

    [Fact]
    public void SG_DEC_005_port_open_on_the_date()
    {
        Assert.DoesNotContain("SG-DEC-005", Codes(Draft()));
        var closed = Validator.Validate(Draft(currency: "CNY", date: new DateOnly(2023, 12, 15))).Single(f => f.Code == "SG-DEC-005");
        Assert.Contains("1 Apr - 30 Nov", closed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SG_DEC_006_known_trade_mode() => Assert.Contains("SG-DEC-006", Codes(Draft(tradeMode: "7777")));

    [Fact]
    public void SG_DEC_007_trade_mode_allowed_at_the_port()
    {
        Assert.Contains("SG-DEC-007", Codes(Draft(tradeMode: "4019", port: "KASHGAR_AIRPORT")));
        Assert.DoesNotContain("SG-DEC-007", Codes(Draft(tradeMode: "4019", port: "KHUNJERAB")));
    }

    [Fact]
    public void SG_DEC_008_currency_rate_available() => Assert.Contains("SG-DEC-008", Codes(Draft(date: new DateOnly(2023, 7, 3))));

    [Fact]
    public void SG_DEC_009_quantities_and_masses_positive()
    {
        Assert.Contains("SG-DEC-009", Codes(Draft(new TaxableItem("0813100000", "PK", 1000m, 0m, "kg", 10m))));
        Assert.Contains("SG-DEC-009", Codes(Draft(new TaxableItem("0813100000", "PK", 1000m, 10m, "kg", 0m))));
    }

    [Fact]
    public void SG_DEC_010_value_per_kg_outside_the_plausible_bounds_is_a_warning()
    {
        var finding = Validator.Validate(Draft(new TaxableItem("0813100000", "PK", 10m, 500m, "kg", 500m))).Single();
        Assert.Equal(("SG-DEC-010", Severity.Warning), (finding.Code, finding.Severity));
        Validator.EnsureValid(Draft(new TaxableItem("0813100000", "PK", 10m, 500m, "kg", 500m)));
    }

    [Fact]
    public void SG_DEC_011_certificate_of_origin_present_when_a_preference_is_claimed() =>
        Assert.Contains("SG-DEC-011", Codes(Draft(new TaxableItem("0813100000", "PK", 1000m, 500m, "kg", 500m, Preference: "CPFTA"))));

    [Fact]
    public void SG_DEC_012_values_not_negative() => Assert.Contains("SG-DEC-012", Codes(Draft(new TaxableItem("0813100000", "PK", -1m, 500m, "kg", 500m))));

    [Fact]
    public void Errors_refuse_the_declaration_with_every_problem_listed()
    {
        var e = Assert.Throws<SilkgateException>(() => Validator.EnsureValid(Draft(new TaxableItem("0813100000", "QQ", -1m, 500m, "kg", 500m), port: "URUMQI")));
        Assert.Contains("3 problem(s)", e.Message, StringComparison.Ordinal);
    }
}
