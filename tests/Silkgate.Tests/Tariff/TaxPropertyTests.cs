using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Silkgate.Tariff;
using static Silkgate.Tests.Tariff.TariffFixture;

namespace Silkgate.Tests.Tariff;

/// <summary>Invariants of the tax rules, over generated values.</summary>
public sealed class TaxPropertyTests
{
    private static readonly string[] Codes = ["0804200000", "0804100000", "2204210000", "2402200000", "3304990000", "0802510000", "0813100000", "2601110000"];
    private static readonly string[] Units = ["kg", "kg", "l", "unit", "unit", "kg", "kg", "kg"];
    private static readonly string[] Origins = ["PK", "AF", "KG", "KP", "US", "FR"];

    private static TaxableItem Item(int code, int origin, int valueFen, int quantity, bool certificate)
    {
        var c = Math.Abs(code % Codes.Length);
        return new(Codes[c], Origins[Math.Abs(origin % Origins.Length)], Math.Abs(valueFen % 100_000_000) / 100m,
            1 + Math.Abs(quantity % 100_000), Units[c], 1 + Math.Abs(quantity % 100_000), "CPFTA", certificate ? "CO" : null);
    }

    private static decimal[] Amounts(DeclarationTaxResult r) =>
        [r.Items[0].Taxes.Duty.Amount, r.Items[0].Taxes.ConsumptionTax.Amount, r.Items[0].Taxes.Vat.Amount, r.Duty.Collected, r.ConsumptionTax.Collected, r.Vat.Collected];

    [Property]
    public Property Tax_is_never_negative(int code, int origin, int valueFen, int quantity, bool certificate) =>
        Amounts(Tax(Item(code, origin, valueFen, quantity, certificate))).All(a => a >= 0).ToProperty();

    [Property]
    public Property More_value_never_gives_less_tax(int code, int origin, int valueFen, int quantity, PositiveInt extraFen)
    {
        var item = Item(code, origin, valueFen, quantity, true);
        var more = item with { Value = item.Value + (extraFen.Get / 100m) };
        var a = Tax(item).Items[0].Taxes;
        var b = Tax(more).Items[0].Taxes;
        return (b.Duty.Amount >= a.Duty.Amount && b.ConsumptionTax.Amount >= a.ConsumptionTax.Amount && b.Vat.Amount >= a.Vat.Amount).ToProperty();
    }

    [Property]
    public Property CBEC_70_percent_rule_equals_70_percent_of_the_full_CT_and_VAT_within_a_fen(PositiveInt valueFen)
    {
        // Cosmetics carry no duty, so the full taxes are those of general trade.
        var item = new TaxableItem("3304990000", "FR", (valueFen.Get % 500_000) / 100m);
        var cbec = Tax(item, tradeMode: "9610").Items[0].Taxes;
        var full = Tax(item).Items[0].Taxes;
        return (Math.Abs(cbec.ConsumptionTax.Amount - (0.7m * full.ConsumptionTax.Amount)) <= 0.01m &&
                Math.Abs(cbec.Vat.Amount - (0.7m * full.Vat.Amount)) <= 0.01m).ToProperty();
    }
}
