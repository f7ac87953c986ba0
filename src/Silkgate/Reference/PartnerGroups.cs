namespace Silkgate.Reference;

/// <summary>A dated membership of a country in a partner group (CA5, BRI). <c>ValidTo</c> null means open.</summary>
public sealed record PartnerGroupMembership(string Group, string Country, DateOnly ValidFrom, DateOnly? ValidTo, string Source)
{
    public bool CoversDate(DateOnly date) => date >= ValidFrom && (ValidTo is null || date <= ValidTo);
}

/// <summary>Partner groups as dated membership tables: a country counts for a group on the dates it was a member.</summary>
public sealed class PartnerGroups(IEnumerable<PartnerGroupMembership> memberships)
{
    private readonly ILookup<string, PartnerGroupMembership> _byGroup =
        memberships.ToLookup(m => m.Group, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> Names => _byGroup.Select(g => g.Key);

    public IEnumerable<PartnerGroupMembership> All => _byGroup.SelectMany(g => g);

    public bool Exists(string group) => _byGroup.Contains(group);

    public bool IsMember(string group, string country, DateOnly date) =>
        _byGroup[group].Any(m => m.Country == country && m.CoversDate(date));

    public IEnumerable<string> GroupsOf(string country, DateOnly date) =>
        _byGroup.Where(g => g.Any(m => m.Country == country && m.CoversDate(date))).Select(g => g.Key);
}
