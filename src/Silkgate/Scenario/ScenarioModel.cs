using Silkgate.Common;
using Silkgate.Declarations;

namespace Silkgate.Scenario;

/// <summary>How goods move: general trade (incl. border small-scale), bonded-zone flows, or cross-border e-commerce through the zone.</summary>
public enum Channel
{
    General,
    Zone,
    Ecommerce,
}

/// <summary>A commodity the scenario trades (data/scenario/commodities.csv): plausible value per kg, where and with whom.</summary>
public sealed record ScenarioCommodity(
    Flow Flow,
    string Hs6,
    string Description,
    Channel Channel,
    double Weight,
    decimal MinCnyPerKg,
    decimal MaxCnyPerKg,
    IReadOnlySet<string> Ports,
    IReadOnlySet<string> Partners,
    YearMonth? From)
{
    public bool Serves(string port, string partner, YearMonth month) =>
        (Ports.Count == 0 || Ports.Contains(port)) &&
        (Partners.Count == 0 || Partners.Contains(partner)) &&
        (From is not { } f || month >= f);
}

/// <summary>A named trading partner's shape (data/scenario/partners.csv): relative weight, the ports its goods use, its import share.</summary>
public sealed record ScenarioPartner(
    string Country,
    double Weight,
    IReadOnlyDictionary<string, double> Ports,
    double ImportShare,
    IReadOnlySet<Channel> Channels);

/// <summary>
/// The shape of the scenario that the targets file does not fix: volumes, channel shares, when the zone opened.
/// These are settings, not published figures; every figure comes from the targets file.
/// </summary>
public sealed record ScenarioSettings
{
    public int Seed { get; init; } = 20130101;

    /// <summary>First and last month generated; by default January of the first year to December of the last year the targets mention.</summary>
    public YearMonth? From { get; init; }

    public YearMonth? To { get; init; }

    /// <summary>Typical statistical value of one item: sets how many items a month carries.</summary>
    public decimal TypicalItemCny { get; init; } = 500_000m;

    /// <summary>At least this many items a month in the last two years ("a real gateway's volume"), fewer earlier.</summary>
    public int MinItemsRecent { get; init; } = 10_000;

    public int MinItemsEarly { get; init; } = 1_000;

    /// <summary>Multiplies item counts (tests use a small scale; figures stay calibrated whatever the scale).</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>The comprehensive bonded zone operates from April 2015 (DESIGN.md §1); CBEC through it from 2016.</summary>
    public YearMonth ZoneOpens { get; init; } = new(2015, 4);

    public YearMonth EcommerceFrom { get; init; } = new(2016, 1);

    public double ZoneShare { get; init; } = 0.25;

    public double EcommerceShare { get; init; } = 0.03;

    /// <summary>Yearly growth of the baseline before calibration when the targets give fewer than two prefecture levels.</summary>
    public double DefaultGrowth { get; init; } = 0.10;

    /// <summary>Monthly total of the baseline when the targets give no prefecture level at all.</summary>
    public decimal DefaultMonthlyCny { get; init; } = 1_000_000_000m;

    /// <summary>Weight of the first country beyond the named partners; each next one has this share of the previous one's.</summary>
    public double TailWeight { get; init; } = 0.12;

    public double TailDecay { get; init; } = 0.96;

    /// <summary>Share of general trade declared as border small-scale trade (4019) at road ports.</summary>
    public double BorderTradeShare { get; init; } = 0.3;

    public int Enterprises { get; init; } = 600;

    /// <summary>How many partners trade in a month when no partner-count target says.</summary>
    public int DefaultPartners { get; init; } = 100;

    /// <summary>Names this scenario in its declaration numbers (a fingerprint of targets, shape files and settings), so one store holds one scenario.</summary>
    public string Key { get; init; } = "KS";
}

/// <summary>A target the generator could not calibrate, and why.</summary>
public sealed record CalibrationProblem(string TargetId, string Reason);
