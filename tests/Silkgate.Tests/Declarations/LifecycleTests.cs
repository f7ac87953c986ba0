using Silkgate.Common;
using Silkgate.Declarations;

namespace Silkgate.Tests.Declarations;

public sealed class LifecycleTests
{
    private static readonly Actor Declarant = Actor.Declarant("E100");
    private static readonly Actor Officer = Actor.Officer("wang");

    [Theory]
    [InlineData(DeclarationState.Draft, DeclarationAction.Lodge, Role.Declarant, DeclarationState.Lodged)]
    [InlineData(DeclarationState.Lodged, DeclarationAction.AssessRisk, Role.System, DeclarationState.RiskAssessed)]
    [InlineData(DeclarationState.RiskAssessed, DeclarationAction.Control, Role.System, DeclarationState.UnderControl)]
    [InlineData(DeclarationState.RiskAssessed, DeclarationAction.AssessTaxes, Role.System, DeclarationState.Assessed)]
    [InlineData(DeclarationState.UnderControl, DeclarationAction.RecordInspection, Role.Officer, DeclarationState.Assessed)]
    [InlineData(DeclarationState.UnderControl, DeclarationAction.Seize, Role.Officer, DeclarationState.Rejected)]
    [InlineData(DeclarationState.Assessed, DeclarationAction.Pay, Role.Declarant, DeclarationState.Paid)]
    [InlineData(DeclarationState.Assessed, DeclarationAction.Guarantee, Role.Declarant, DeclarationState.Guaranteed)]
    [InlineData(DeclarationState.Paid, DeclarationAction.Release, Role.Officer, DeclarationState.Released)]
    [InlineData(DeclarationState.Guaranteed, DeclarationAction.Release, Role.Supervisor, DeclarationState.Released)]
    [InlineData(DeclarationState.Assessed, DeclarationAction.Amend, Role.Declarant, DeclarationState.Lodged)]
    [InlineData(DeclarationState.Paid, DeclarationAction.Cancel, Role.Declarant, DeclarationState.Cancelled)]
    [InlineData(DeclarationState.Released, DeclarationAction.Cancel, Role.Officer, DeclarationState.Cancelled)]
    [InlineData(DeclarationState.Released, DeclarationAction.StartAudit, Role.Officer, DeclarationState.PostClearanceAudit)]
    [InlineData(DeclarationState.PostClearanceAudit, DeclarationAction.CloseAudit, Role.Supervisor, DeclarationState.Released)]
    public void Legal_transitions_lead_to_the_next_state(DeclarationState from, DeclarationAction action, Role role, DeclarationState to) =>
        Assert.Equal(to, Lifecycle.Next(from, action, new Actor(role, "x", role == Role.Declarant ? "E100" : null)));

    [Theory]
    [InlineData(DeclarationState.Lodged, DeclarationAction.Release)]
    [InlineData(DeclarationState.UnderControl, DeclarationAction.Pay)]
    [InlineData(DeclarationState.Released, DeclarationAction.Amend)]
    [InlineData(DeclarationState.Cancelled, DeclarationAction.Release)]
    [InlineData(DeclarationState.Rejected, DeclarationAction.Cancel)]
    [InlineData(DeclarationState.Assessed, DeclarationAction.StartAudit)]
    public void Illegal_transitions_are_refused_with_a_code(DeclarationState from, DeclarationAction action) =>
        Assert.Equal("SG-DEC-101", Assert.Throws<SilkgateException>(() => Lifecycle.Next(from, action, Officer)).Code);

    [Fact]
    public void Only_customs_release()
    {
        var e = Assert.Throws<SilkgateException>(() => Lifecycle.Next(DeclarationState.Paid, DeclarationAction.Release, Declarant));
        Assert.Equal("SG-AUTH-002", e.Code);
    }

    [Fact]
    public void After_release_only_an_officer_may_cancel()
    {
        var e = Assert.Throws<SilkgateException>(() => Lifecycle.Next(DeclarationState.Released, DeclarationAction.Cancel, Declarant));
        Assert.Equal("SG-AUTH-002", e.Code);
        Assert.Contains("only an officer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_declarant_sees_only_its_own_enterprise()
    {
        Declarant.EnsureMaySee("E100");
        Assert.Equal("SG-AUTH-001", Assert.Throws<SilkgateException>(() => Declarant.EnsureMaySee("E200")).Code);
        Officer.EnsureMaySee("E200");
    }

    [Fact]
    public void States_round_trip_through_their_names()
    {
        foreach (var s in Enum.GetValues<DeclarationState>())
            Assert.Equal(s, Lifecycle.ParseState(Lifecycle.StateName(s)));
        Assert.Equal("SG-DEC-102", Assert.Throws<SilkgateException>(() => Lifecycle.ParseState("limbo")).Code);
    }
}
