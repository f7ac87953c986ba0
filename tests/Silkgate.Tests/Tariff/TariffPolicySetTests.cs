using Silkgate.Tariff;

namespace Silkgate.Tests.Tariff;

public sealed class TariffPolicySetTests
{
    private static readonly TariffPolicySet Policy = new(
    [
        new PolicyValue("de_minimis_cny", "50", new DateOnly(2000, 1, 1), "test"),
        new PolicyValue("cbec_share", "0.70", new DateOnly(2016, 4, 8), "test"),
        new PolicyValue("cbec_transaction_limit_cny", "2000", new DateOnly(2016, 4, 8), "test"),
        new PolicyValue("cbec_retail_trade_modes", "9610 1210", new DateOnly(2016, 4, 8), "test"),
    ]);

    // Regression: the policy refused every date before the CBEC retail rules (SG-TAR-020 "no value of cbec_share in
    // force on 2013-01-25"), so no declaration of 2013-2016 could be taxed.
    [Fact]
    public void Policy_before_the_CBEC_retail_rules_taxes_no_trade_mode_as_CBEC_retail()
    {
        var before = Policy.On(new DateOnly(2013, 1, 25));
        Assert.Equal(50m, before.DeMinimisCny);
        Assert.Empty(before.CbecRetailTradeModes);
        var after = Policy.On(new DateOnly(2016, 4, 8));
        Assert.Equal(0.70m, after.CbecShare);
        Assert.Contains("1210", after.CbecRetailTradeModes);
    }
}
