using Silkgate.Reference;

namespace Silkgate.Tests.Reference;

public sealed class HsNomenclatureTests
{
    private static readonly HsNomenclature Hs = new(
    [
        new HsEntry("08", 2, "II", null, "Fruit and nuts, edible; peel of citrus fruit or melons"),
        new HsEntry("0804", 4, "II", "08", "Dates, figs, pineapples, avocados, guavas, mangoes and mangosteens; fresh or dried"),
        new HsEntry("080410", 6, "II", "0804", "Fruit, edible; dates, fresh or dried"),
        new HsEntry("0813", 4, "II", "08", "Fruit, dried; other than that of heading no. 0801 to 0806"),
        new HsEntry("081310", 6, "II", "0813", "Fruit, edible; apricots, dried"),
        new HsEntry("99", 2, "TOTAL", null, "Commodities not specified according to kind"),
        new HsEntry("999999", 6, "TOTAL", "9999", "Commodities not specified according to kind"),
    ], [new HsSection("II", "Vegetable products")]);

    private static readonly DateOnly In2023 = new(2023, 6, 1);
    private static readonly DateOnly In2020 = new(2020, 6, 1);

    [Fact]
    public void A_known_subheading_is_valid_with_or_without_national_digits()
    {
        Assert.Equal(HsValidation.Known, Hs.Validate("080410", In2023));
        Assert.Equal(HsValidation.Known, Hs.Validate("0804100000", In2023));
    }

    [Fact]
    public void HS2017_codes_declared_before_2022_need_only_a_known_heading()
    {
        Assert.Equal(HsValidation.KnownHeadingOnly, Hs.Validate("081390", In2020));
        Assert.Equal(HsValidation.Unknown, Hs.Validate("081390", In2023));
    }

    [Fact]
    public void Chapter_99_is_not_a_real_code()
    {
        Assert.Equal(HsValidation.Unknown, Hs.Validate("999999", In2023));
        Assert.Empty(Hs.ByPrefix("99"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0804")]
    [InlineData("08041A")]
    [InlineData("08041000001")]
    public void Malformed_codes_are_refused(string? code) =>
        Assert.Equal(HsValidation.Malformed, Hs.Validate(code, In2023));

    [Fact]
    public void Search_by_words_matches_every_word_case_insensitively()
    {
        var hits = Hs.Search("Dried APRICOTS").Select(e => e.Code).ToList();
        Assert.Equal(["081310"], hits);
    }

    [Fact]
    public void Search_by_code_prefix_lists_the_subtree_in_code_order()
    {
        Assert.Equal(["0804", "080410"], Hs.Search("0804").Select(e => e.Code));
        Assert.Equal(["08", "0804", "080410", "0813", "081310"], Hs.ByPrefix("08").Select(e => e.Code));
    }

    [Fact]
    public void Section_of_a_code_comes_from_its_chapter() =>
        Assert.Equal("Vegetable products", Hs.SectionOf("081310")?.Name);
}
