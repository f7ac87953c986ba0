using Silkgate.Reference;

namespace Silkgate.Tests.Reference;

public sealed class PartnerGroupsTests
{
    private static readonly PartnerGroups Groups = new(
    [
        new PartnerGroupMembership("CA5", "KG", new DateOnly(1992, 1, 1), null, "test"),
        new PartnerGroupMembership("BRI", "KG", new DateOnly(2013, 9, 1), null, "test"),
        new PartnerGroupMembership("BRI", "IT", new DateOnly(2019, 3, 23), new DateOnly(2024, 3, 22), "test"),
    ]);

    [Fact]
    public void Membership_starts_on_valid_from()
    {
        Assert.False(Groups.IsMember("BRI", "KG", new DateOnly(2013, 8, 31)));
        Assert.True(Groups.IsMember("BRI", "KG", new DateOnly(2013, 9, 1)));
    }

    [Fact]
    public void Membership_ends_after_valid_to_inclusive()
    {
        Assert.True(Groups.IsMember("BRI", "IT", new DateOnly(2024, 3, 22)));
        Assert.False(Groups.IsMember("BRI", "IT", new DateOnly(2024, 3, 23)));
    }

    [Fact]
    public void A_country_can_be_in_several_groups()
    {
        Assert.Equal(["CA5", "BRI"], Groups.GroupsOf("KG", new DateOnly(2023, 1, 1)));
        Assert.Equal(["CA5"], Groups.GroupsOf("KG", new DateOnly(2000, 1, 1)));
    }

    [Fact]
    public void Group_names_are_known() =>
        Assert.True(Groups.Exists("CA5") && !Groups.Exists("EU"));
}
