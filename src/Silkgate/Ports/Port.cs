namespace Silkgate.Ports;

/// <summary>One of the Kashgar ports, identified by its code (KHUNJERAB, KARASU, ...); UN/LOCODE is an attribute.</summary>
public sealed record Port(
    string Code,
    string NameEn,
    string NameZh,
    string Kind,
    string? NeighbourCountry,
    string? NeighbourPlace,
    string? UnLocode,
    decimal? Latitude,
    decimal? Longitude,
    string? Notes);
