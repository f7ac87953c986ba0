using Silkgate.Declarations;

namespace Silkgate.Tests.Declarations;

public sealed class DeclarationRulesTests
{
    [Fact]
    public void Negative_values_are_refused_but_zero_is_allowed()
    {
        Assert.Equal(DeclarationRules.BadValue, DeclarationRules.CheckNonNegative(-0.01m, "value", DeclarationRules.BadValue)?.Code);
        Assert.Null(DeclarationRules.CheckNonNegative(0m, "value", DeclarationRules.BadValue));
        Assert.Equal(DeclarationRules.BadMass, DeclarationRules.CheckNonNegative(null, "mass", DeclarationRules.BadMass)?.Code);
    }
}
