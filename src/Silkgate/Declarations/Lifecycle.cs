using Silkgate.Common;

namespace Silkgate.Declarations;

public enum Role
{
    Declarant,
    Officer,
    Supervisor,
    /// <summary>The system itself: risk assessment and tax assessment run as part of lodging.</summary>
    System,
}

/// <summary>Who acts: a role, and for a declarant the enterprise it acts for.</summary>
public sealed record Actor(Role Role, string Name, string? EnterpriseId = null)
{
    public static Actor System { get; } = new(Role.System, "system");

    public static Actor Declarant(string enterpriseId) => new(Role.Declarant, enterpriseId, enterpriseId);

    public static Actor Officer(string name) => new(Role.Officer, name);

    public static Actor Supervisor(string name) => new(Role.Supervisor, name);

    public bool IsCustoms => Role is Role.Officer or Role.Supervisor;

    /// <summary>A declarant sees and acts only for its own enterprise; customs and the system see all.</summary>
    public void EnsureMaySee(string enterpriseId)
    {
        if (Role == Role.Declarant && EnterpriseId != enterpriseId)
            throw new SilkgateException("SG-AUTH-001", $"Declarant {Name} may not see or act on declarations of enterprise {enterpriseId}.");
    }
}

public enum DeclarationAction
{
    Lodge,
    AssessRisk,
    Control,
    RecordInspection,
    Seize,
    AssessTaxes,
    Pay,
    Guarantee,
    Release,
    Reject,
    Amend,
    Cancel,
    StartAudit,
    CloseAudit,
}

/// <summary>
/// The states a declaration passes through (DESIGN.md §2, §4) and who may move it: draft → lodged → risk-assessed
/// (lane) → under control (yellow: documents, red: physical) → assessed (taxes) → paid or guaranteed → released;
/// rejected, cancelled, amended (a new version, back to lodged) and post-clearance audit besides. Every other move is
/// refused with SG-DEC-101; a move the role may not make with SG-AUTH-002.
/// </summary>
public static class Lifecycle
{
    private sealed record Rule(DeclarationState From, DeclarationAction Action, DeclarationState To, Role[] Roles);

    private static readonly Role[] Declarant = [Role.Declarant];
    private static readonly Role[] Customs = [Role.Officer, Role.Supervisor];
    private static readonly Role[] SystemOnly = [Role.System];
    private static readonly Role[] Anyone = [Role.Declarant, Role.Officer, Role.Supervisor];

    private static readonly Rule[] Rules =
    [
        new(DeclarationState.Draft, DeclarationAction.Lodge, DeclarationState.Lodged, Declarant),
        new(DeclarationState.Lodged, DeclarationAction.AssessRisk, DeclarationState.RiskAssessed, SystemOnly),
        new(DeclarationState.RiskAssessed, DeclarationAction.Control, DeclarationState.UnderControl, SystemOnly),
        new(DeclarationState.RiskAssessed, DeclarationAction.AssessTaxes, DeclarationState.Assessed, SystemOnly),
        new(DeclarationState.UnderControl, DeclarationAction.RecordInspection, DeclarationState.Assessed, Customs),
        new(DeclarationState.UnderControl, DeclarationAction.Seize, DeclarationState.Rejected, Customs),
        new(DeclarationState.Assessed, DeclarationAction.Pay, DeclarationState.Paid, Declarant),
        new(DeclarationState.Assessed, DeclarationAction.Guarantee, DeclarationState.Guaranteed, Declarant),
        new(DeclarationState.Assessed, DeclarationAction.Release, DeclarationState.Released, Customs),
        new(DeclarationState.Paid, DeclarationAction.Release, DeclarationState.Released, Customs),
        new(DeclarationState.Guaranteed, DeclarationAction.Release, DeclarationState.Released, Customs),
        new(DeclarationState.Lodged, DeclarationAction.Reject, DeclarationState.Rejected, Customs),
        new(DeclarationState.RiskAssessed, DeclarationAction.Reject, DeclarationState.Rejected, Customs),
        new(DeclarationState.UnderControl, DeclarationAction.Reject, DeclarationState.Rejected, Customs),
        new(DeclarationState.UnderControl, DeclarationAction.Amend, DeclarationState.Lodged, Declarant),
        new(DeclarationState.Assessed, DeclarationAction.Amend, DeclarationState.Lodged, Declarant),
        new(DeclarationState.Lodged, DeclarationAction.Amend, DeclarationState.Lodged, Declarant),
        new(DeclarationState.Released, DeclarationAction.StartAudit, DeclarationState.PostClearanceAudit, Customs),
        new(DeclarationState.PostClearanceAudit, DeclarationAction.CloseAudit, DeclarationState.Released, Customs),
        .. new[] { DeclarationState.Draft, DeclarationState.Lodged, DeclarationState.RiskAssessed, DeclarationState.UnderControl, DeclarationState.Assessed, DeclarationState.Paid, DeclarationState.Guaranteed }
            .Select(s => new Rule(s, DeclarationAction.Cancel, DeclarationState.Cancelled, Anyone)),
        new(DeclarationState.Released, DeclarationAction.Cancel, DeclarationState.Cancelled, Customs),
    ];

    /// <summary>The state after <paramref name="action"/>, or a coded refusal.</summary>
    public static DeclarationState Next(DeclarationState from, DeclarationAction action, Actor actor)
    {
        var candidates = Rules.Where(r => r.From == from && r.Action == action).ToList();
        if (candidates.Count == 0)
            throw new SilkgateException("SG-DEC-101", $"A declaration that is {StateName(from)} cannot be {Verb(action)}.");
        var rule = candidates.FirstOrDefault(r => r.Roles.Contains(actor.Role))
            ?? throw new SilkgateException("SG-AUTH-002", $"A {actor.Role.ToString().ToLowerInvariant()} may not {Infinitive(action)} a declaration that is {StateName(from)}" +
                (from == DeclarationState.Released && action == DeclarationAction.Cancel ? " (after release only an officer can cancel, with a reason)." : "."));
        return rule.To;
    }

    public static string StateName(DeclarationState state) => state switch
    {
        DeclarationState.RiskAssessed => "risk_assessed",
        DeclarationState.UnderControl => "under_control",
        DeclarationState.PostClearanceAudit => "post_clearance_audit",
        _ => state.ToString().ToLowerInvariant(),
    };

    public static DeclarationState ParseState(string text)
    {
        foreach (var state in Enum.GetValues<DeclarationState>())
        {
            if (StateName(state) == text)
                return state;
        }
        throw new SilkgateException("SG-DEC-102", $"Unknown state '{text}': expected one of {string.Join(", ", Enum.GetValues<DeclarationState>().Select(StateName))}.");
    }

    private static string Infinitive(DeclarationAction a) => a switch
    {
        DeclarationAction.AssessRisk => "assess the risk of",
        DeclarationAction.AssessTaxes => "assess the taxes of",
        DeclarationAction.RecordInspection => "record an inspection on",
        DeclarationAction.StartAudit => "start a post-clearance audit of",
        DeclarationAction.CloseAudit => "close the post-clearance audit of",
        _ => a.ToString().ToLowerInvariant(),
    };

    private static string Verb(DeclarationAction a) => a switch
    {
        DeclarationAction.Lodge => "lodged",
        DeclarationAction.Pay => "paid",
        DeclarationAction.Release => "released",
        DeclarationAction.Reject => "rejected",
        DeclarationAction.Amend => "amended",
        DeclarationAction.Cancel => "cancelled",
        DeclarationAction.Guarantee => "guaranteed",
        DeclarationAction.Control => "put under control",
        _ => "given: " + Infinitive(a),
    };
}
