using Silkgate.Reference;

namespace Silkgate.Tests.Reference;

public sealed class LocodeCleanerTests
{
    private static RawLocodeRow Row(string loc, string name, string wo, string sub = "XJ", string status = "AS", string fn = "--3-----", string iata = "", string lat = "39.1", string lon = "75.9", string geo = "") =>
        new("CN", loc, name, wo, sub, status, fn, iata, lat, lon, geo);

    [Fact]
    public void A_name_with_a_comma_that_shifted_the_columns_is_repaired()
    {
        // As in the shipped copy: "Anxi, Quanzhou" split into name/nameWoDiacritics, repeated in subdivision/status.
        var clean = LocodeCleaner.CleanRow(Row("ANX", "\"Anxi", "Quanzhou\"", "\"Anxi", "Quanzhou\"", "FJ", "-23--6--", geo: "true"));
        Assert.Equal("Anxi, Quanzhou", clean.Name);
        Assert.Equal("FJ", clean.Subdivision);
        Assert.Equal("-23--6--", clean.Function);
        Assert.Null(clean.Status);
    }

    [Fact]
    public void A_name_with_replacement_characters_uses_the_name_without_diacritics() =>
        Assert.Equal("Lu-hua Shan", LocodeCleaner.CleanRow(Row("LUH", "L\uFFFD-hua Shan", "Lu-hua Shan")).Name);

    [Fact]
    public void Duplicate_codes_keep_the_first_spelling()
    {
        var clean = LocodeCleaner.Clean([Row("MRM", "Marmagao (Marmugao)", "x"), Row("MRM", "Marmugao (Marmagao)", "x")], new Dictionary<string, (decimal, decimal)>());
        Assert.Single(clean);
        Assert.Equal("Marmagao (Marmugao)", clean[0].Name);
    }

    [Fact]
    public void Wrong_geocoded_coordinates_are_replaced_by_surveyed_ones()
    {
        var fixes = new Dictionary<string, (decimal, decimal)> { ["CNKLS"] = (38.1494m, 74.8014m) };
        var clean = LocodeCleaner.Clean([Row("KLS", "Kalasu", "Kalasu", lat: "44.2005589", lon: "80.4136562", geo: "true")], fixes);
        Assert.Equal(38.1494m, clean[0].Latitude);
        Assert.Equal(74.8014m, clean[0].Longitude);
        Assert.False(clean[0].Geocoded);
    }

    [Fact]
    public void Missing_coordinates_stay_missing() =>
        Assert.Null(LocodeCleaner.CleanRow(Row("YKS", "Yierkeshi", "Yierkeshi", lat: "", lon: "")).Latitude);
}
