namespace Silkgate.Reference;

/// <summary>An ISO 3166-1 country or territory. <see cref="Unknown"/> (ZZ) stands for "origin not known".</summary>
public sealed record Country(string Alpha2, string Alpha3, string Numeric, string NameEn, string? NameZh, bool IsLeastDeveloped)
{
    /// <summary>ZZ: the user-assigned code that customs data use for an unknown country. Trades, but never counts as a partner.</summary>
    public const string UnknownCode = "ZZ";

    public static readonly Country Unknown = new(UnknownCode, "ZZZ", "999", "Unknown country", "国别不详", false);
}

/// <summary>An ISO 4217 currency that is current (no withdrawal date).</summary>
public sealed record Currency(string Code, string Numeric, string Name, int MinorUnit);

/// <summary>A customs supervision mode (trade mode), e.g. 0110 general trade, 9610 CBEC retail direct.</summary>
public sealed record TradeMode(string Code, string NameEn, string NameZh, string Category, bool Ecommerce, bool InZone);

/// <summary>A UN/LOCODE location after the known defects of the shipped copy were cleaned.</summary>
public sealed record Locode(string Country, string Location, string Name, string? Subdivision, string? Status, string Function, decimal? Latitude, decimal? Longitude, bool Geocoded)
{
    public string Code => Country + Location;
}
