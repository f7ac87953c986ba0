using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Tariff;
using static Silkgate.Tests.Tariff.TariffFixture;

namespace Silkgate.Tests.Tariff;

/// <summary>One test per tax rule (DESIGN.md §3, §7), each named after it.</summary>
public sealed class TaxRuleTests
{
    [Fact]
    public void Lowest_applicable_rate_wins_compared_by_amount()
    {
        var r = Tax(new TaxableItem("0804200000", "PK", 1000m, Preference: "CPFTA", CertificateOfOrigin: "CO-1"));
        var duty = r.Items[0].Taxes.Duty;
        Assert.Equal(RateKind.Conventional, duty.Line!.Kind);
        Assert.Equal(50.00m, duty.Amount); // 5 % beats provisional 10 % and MFN 15 %
        Assert.Equal(150.00m, r.Items[0].Taxes.MfnDuty.Amount);
    }

    [Fact]
    public void Conventional_rate_needs_the_certificate_the_agreement_requires()
    {
        var r = Tax(new TaxableItem("0804200000", "PK", 1000m, Preference: "CPFTA"));
        var taxes = r.Items[0].Taxes;
        Assert.Equal(RateKind.Provisional, taxes.Duty.Line!.Kind);
        Assert.Equal(100.00m, taxes.Duty.Amount);
        Assert.True(taxes.Warnings.HasFlag(ItemWarnings.CertificateMissing));
        Assert.Equal(50.00m, taxes.UnclaimedDuty.Amount);
    }

    [Fact]
    public void Conventional_rate_applies_only_to_listed_origins_and_an_ineligible_claim_is_a_warning()
    {
        var r = Tax(new TaxableItem("0804200000", "KG", 1000m, Preference: "CPFTA", CertificateOfOrigin: "CO-1"));
        var taxes = r.Items[0].Taxes;
        Assert.Equal(RateKind.Provisional, taxes.Duty.Line!.Kind);
        Assert.True(taxes.Warnings.HasFlag(ItemWarnings.PreferenceOriginIneligible));
        Assert.Contains(TaxExplanation.Trace(TaxMeasure.Duty, taxes.Duty, r, taxes).Notes, n => n.Contains("does not cover this origin", StringComparison.Ordinal));
    }

    [Fact]
    public void Special_rate_for_least_developed_countries()
    {
        var r = Tax(new TaxableItem("0804200000", "AF", 1000m, Preference: "LDC", CertificateOfOrigin: "CO-9"));
        Assert.Equal((RateKind.Special, 0.00m), (r.Items[0].Taxes.Duty.Line!.Kind, r.Items[0].Taxes.Duty.Amount));
    }

    [Fact]
    public void Provisional_rate_applies_only_within_its_validity_dates_inclusive()
    {
        Assert.Equal(RateKind.Provisional, Tax(new TaxableItem("0804200000", "US", 1000m), date: new DateOnly(2023, 12, 31)).Items[0].Taxes.Duty.Line!.Kind);
        Assert.Equal(RateKind.Provisional, Tax(new TaxableItem("0804200000", "US", 1000m), date: new DateOnly(2023, 1, 1)).Items[0].Taxes.Duty.Line!.Kind);
        Assert.Equal(RateKind.Mfn, Tax(new TaxableItem("0804200000", "US", 1000m), date: new DateOnly(2022, 12, 31)).Items[0].Taxes.Duty.Line!.Kind);
    }

    [Fact]
    public void Longest_matching_prefix_wins_within_a_measure_and_rate_kind()
    {
        var r = Tax(new TaxableItem("0804100000", "US", 1000m), date: new DateOnly(2022, 6, 1));
        Assert.Equal(("080410", 120.00m), (r.Items[0].Taxes.Duty.Line!.HsCode, r.Items[0].Taxes.Duty.Amount));
    }

    [Fact]
    public void General_rate_replaces_MFN_for_listed_origins()
    {
        var r = Tax(new TaxableItem("0813100000", "KP", 1000m));
        Assert.Equal((RateKind.General, 800.00m), (r.Items[0].Taxes.Duty.Line!.Kind, r.Items[0].Taxes.Duty.Amount));
        Assert.Equal(100.00m, Tax(new TaxableItem("0813100000", "CN", 1000m)).Items[0].Taxes.Duty.Amount);
    }

    [Fact]
    public void Compound_duty_adds_ad_valorem_and_specific()
    {
        // Wine: 10 % of 1000 + 2 CNY x 75 l = 250
        var r = Tax(new TaxableItem("2204210000", "FR", 1000m, 75m, "l"));
        Assert.Equal(250.00m, r.Items[0].Taxes.Duty.Amount);
    }

    [Fact]
    public void Specific_rate_per_kg_takes_the_net_mass_when_the_quantity_is_in_another_unit()
    {
        // Nuts: 10 % of 1000 + 0.5 CNY x 40 kg = 120
        var r = Tax(new TaxableItem("0802510000", "US", 1000m, 100m, "bag", 40m));
        Assert.Equal(120.00m, r.Items[0].Taxes.Duty.Amount);
    }

    [Fact]
    public void Specific_rate_needs_a_positive_quantity()
    {
        var e = Assert.Throws<SilkgateException>(() => Tax(new TaxableItem("2204210000", "FR", 1000m, 0m, "l")));
        Assert.Equal("SG-TAR-013", e.Code);
        Assert.Equal("SG-TAR-013", Assert.Throws<SilkgateException>(() => Tax(new TaxableItem("2204210000", "FR", 1000m))).Code);
    }

    [Fact]
    public void Consumption_tax_is_computed_on_value_plus_duty_grossed_up_by_the_rate()
    {
        // Wine, CT 10 %: (1000 + 250) / 0.9 x 0.1 = 138.888… → 138.89
        var r = Tax(new TaxableItem("2204210000", "FR", 1000m, 75m, "l"));
        Assert.Equal(138.89m, r.Items[0].Taxes.ConsumptionTax.Amount);
    }

    [Fact]
    public void Compound_consumption_tax_adds_the_specific_part_to_the_base_and_the_tax()
    {
        // Cigarettes: duty 25 % of 1000 = 250; CT = (1000 + 250 + 0.003 x 10000) / 0.64 x 0.36 + 30 = 750
        var r = Tax(new TaxableItem("2402200000", "US", 1000m, 10000m, "unit"));
        Assert.Equal(750.00m, r.Items[0].Taxes.ConsumptionTax.Amount);
    }

    [Fact]
    public void VAT_is_charged_on_value_plus_duty_plus_consumption_tax()
    {
        // Wine: (1000 + 250 + 138.89) x 13 % = 180.5557 → 180.56
        var r = Tax(new TaxableItem("2204210000", "FR", 1000m, 75m, "l"));
        Assert.Equal(180.56m, r.Items[0].Taxes.Vat.Amount);
        Assert.Equal(1388.89m, r.Items[0].Taxes.Vat.Base);
    }

    [Fact]
    public void Freight_and_insurance_are_allocated_to_items_by_value_and_converted_at_the_month_rate()
    {
        var d = new TaxableDeclaration(Flow.Import, June2023, "KHUNJERAB", "0110", "USD", 120m, 15.50m,
            [new TaxableItem("2601110000", "KG", 1000m), new TaxableItem("2601110000", "KG", 3000m)]);
        var r = Calculator.Calculate(d);
        Assert.Equal(Money.RoundToFen((1000m + 30m + 3.88m) * 7.1283m), r.Items[0].Taxes.CustomsValueCny);
        Assert.Equal(Money.RoundToFen((3000m + 90m + 11.62m) * 7.1283m), r.Items[1].Taxes.CustomsValueCny);
        Assert.Equal(7.1283m, r.CnyPerUnit);
    }

    [Fact]
    public void Each_tax_is_rounded_to_the_fen_half_up()
    {
        // 0813 from CN: duty 10 % of 10.05 = 1.005 → 1.01
        var r = Tax(new TaxableItem("0813100000", "CN", 10.05m));
        Assert.Equal(1.005m, r.Items[0].Taxes.Duty.Unrounded);
        Assert.Equal(1.01m, r.Items[0].Taxes.Duty.Amount);
    }

    [Fact]
    public void De_minimis_a_tax_total_of_49_99_is_not_collected()
    {
        var r = Tax(new TaxableItem("2601110000", "KG", 499.90m)); // VAT 10 % = 49.99
        Assert.Equal((49.99m, 0m, TaxDecision.BelowDeMinimis), (r.Vat.Assessed, r.Vat.Collected, r.Vat.Decision));
        Assert.Equal(0m, r.TaxTotal);
    }

    [Fact]
    public void De_minimis_a_tax_total_of_50_00_is_collected()
    {
        var r = Tax(new TaxableItem("2601110000", "KG", 500.00m)); // VAT 10 % = 50.00
        Assert.Equal((50.00m, 50.00m, TaxDecision.Collected), (r.Vat.Assessed, r.Vat.Collected, r.Vat.Decision));
    }

    [Fact]
    public void Bonded_zone_first_line_entry_suspends_duty_and_VAT()
    {
        var r = Tax(new TaxableItem("2601110000", "KG", 10_000m), tradeMode: "5034");
        Assert.Equal(TaxRegime.Bonded, r.Regime);
        Assert.Equal((1_000m, 0m, TaxDecision.Suspended), (r.Vat.Assessed, r.Vat.Collected, r.Vat.Decision));
        Assert.Equal(0m, r.TaxTotal);
    }

    [Fact]
    public void CBEC_retail_import_pays_no_duty_and_70_percent_of_CT_and_VAT_without_de_minimis()
    {
        // Cosmetics 100 CNY: full CT = 100 / 0.85 x 0.15 = 17.647…; VAT = (100 + 17.647…) x 13 % = 15.294…
        var r = Tax(new TaxableItem("3304990000", "FR", 100m), tradeMode: "9610");
        var t = r.Items[0].Taxes;
        Assert.Equal(TaxRegime.CbecRetail, r.Regime);
        Assert.Equal(0m, t.Duty.Amount);
        Assert.Equal(12.35m, t.ConsumptionTax.Amount);
        Assert.Equal(10.71m, t.Vat.Amount);
        Assert.Equal(23.06m, r.TaxTotal); // collected although each is below 50 CNY
    }

    [Fact]
    public void CBEC_single_item_above_the_transaction_limit_is_taxed_in_full()
    {
        var r = Tax(new TaxableItem("2204210000", "FR", 6000m, 75m, "l"), tradeMode: "1210");
        Assert.Equal(TaxRegime.CbecOverLimit, r.Regime);
        Assert.Equal(750.00m, r.Items[0].Taxes.Duty.Amount);
    }

    [Fact]
    public void Exports_pay_duty_only_where_the_schedule_has_an_export_duty_row()
    {
        var ore = Calculator.Calculate(new TaxableDeclaration(Flow.Export, June2023, "KHUNJERAB", "0110", "CNY", 0m, 0m, [new TaxableItem("2601110000", "PK", 1000m)]));
        Assert.Equal((200.00m, 0m, 0m), (ore.Duty.Collected, ore.ConsumptionTax.Collected, ore.Vat.Collected));
        var fruit = Calculator.Calculate(new TaxableDeclaration(Flow.Export, June2023, "KHUNJERAB", "0110", "CNY", 0m, 0m, [new TaxableItem("0804200000", "PK", 1000m)]));
        Assert.Equal(0m, fruit.TaxTotal);
    }

    [Fact]
    public void An_unknown_HS_code_is_refused_with_the_nearest_valid_codes()
    {
        var e = Assert.Throws<SilkgateException>(() => Tax(new TaxableItem("0804990000", "PK", 1000m)));
        Assert.Equal("SG-TAR-010", e.Code);
        Assert.Contains("080410", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_origin_is_refused() =>
        Assert.Equal("SG-TAR-011", Assert.Throws<SilkgateException>(() => Tax(new TaxableItem("0804200000", "XX", 1000m))).Code);

    [Fact]
    public void A_month_without_a_rate_names_the_currency_and_the_month()
    {
        var e = Assert.Throws<SilkgateException>(() => Tax(new TaxableItem("0804200000", "PK", 1000m), currency: "USD", date: new DateOnly(2023, 7, 1)));
        Assert.Equal("SG-RATE-001", e.Code);
        Assert.Contains("USD", e.Message, StringComparison.Ordinal);
        Assert.Contains("2023-07", e.Message, StringComparison.Ordinal);
    }
}
