using Silkgate.Declarations;
using Silkgate.Tariff;
using static Silkgate.Tests.Tariff.TariffFixture;

namespace Silkgate.Tests.Tariff;

public sealed class PreferenceAnalysisTests
{
    private static DeclarationTaxResult Taxed(string port, params TaxableItem[] items) =>
        Calculator.Calculate(new TaxableDeclaration(Flow.Import, June2023, port, "0110", "CNY", 0m, 0m, items));

    [Fact]
    public void Savings_against_MFN_are_grouped_by_preference_origin_and_port()
    {
        var (savings, _) = PreferenceAnalysis.Analyse(
        [
            Taxed("KHUNJERAB", new TaxableItem("0804200000", "PK", 1000m, Preference: "CPFTA", CertificateOfOrigin: "CO")),
            Taxed("KHUNJERAB", new TaxableItem("0804200000", "PK", 3000m, Preference: "CPFTA", CertificateOfOrigin: "CO")),
            Taxed("KHUNJERAB", new TaxableItem("0804200000", "AF", 1000m, Preference: "LDC", CertificateOfOrigin: "CO")),
        ]);
        var cpfta = savings.Single(s => s.Preference == "CPFTA");
        Assert.Equal((2, 200.00m, 600.00m, 400.00m), (cpfta.Items, cpfta.DutyPaid, cpfta.DutyAtMfn, cpfta.Saving));
        Assert.Equal(150.00m, savings.Single(s => s.Preference == "LDC").Saving);
    }

    [Fact]
    public void An_eligible_origin_without_a_certificate_is_an_unclaimed_preference()
    {
        var (_, unclaimed) = PreferenceAnalysis.Analyse([Taxed("KHUNJERAB", new TaxableItem("0804200000", "PK", 1000m))]);
        var u = Assert.Single(unclaimed);
        Assert.Equal(("CPFTA", "PK", 100.00m, 50.00m, 50.00m), (u.Preference, u.Origin, u.DutyPaid, u.DutyWithPreference, u.Forgone));
    }

    [Fact]
    public void Items_at_MFN_save_nothing_and_CBEC_is_left_out()
    {
        var (savings, unclaimed) = PreferenceAnalysis.Analyse(
        [
            Calculator.Calculate(Import(new TaxableItem("0804200000", "US", 1000m), date: new DateOnly(2022, 6, 1))),
            Calculator.Calculate(Import(new TaxableItem("3304990000", "FR", 100m), tradeMode: "9610")),
        ]);
        Assert.Empty(savings);
        Assert.Empty(unclaimed);
    }
}
