using Silkgate.Ports;

namespace Silkgate.Reference;

/// <summary>
/// A snapshot of all reference data, read once from the store. Domain services take it as an argument, so
/// rules never reach for I/O.
/// </summary>
public sealed class ReferenceData(
    IEnumerable<Country> countries,
    IEnumerable<Currency> currencies,
    HsNomenclature hs,
    IEnumerable<Port> ports,
    IEnumerable<CalendarRule> calendarRules,
    PartnerGroups groups,
    IEnumerable<TradeMode> tradeModes,
    ExchangeRateTable rates)
{
    private readonly Dictionary<string, Country> _countries = countries.ToDictionary(c => c.Alpha2, StringComparer.Ordinal);
    private readonly Dictionary<string, Currency> _currencies = currencies.ToDictionary(c => c.Code, StringComparer.Ordinal);
    private readonly Dictionary<string, Port> _ports = ports.ToDictionary(p => p.Code, StringComparer.Ordinal);
    private readonly Dictionary<string, TradeMode> _tradeModes = tradeModes.ToDictionary(t => t.Code, StringComparer.Ordinal);
    private readonly CalendarRule[] _calendarRules = calendarRules.ToArray();

    public HsNomenclature Hs { get; } = hs;

    public IReadOnlyCollection<Currency> Currencies => _currencies.Values;

    public IReadOnlyList<CalendarRule> CalendarRules => _calendarRules;

    public PartnerGroups Groups { get; } = groups;

    public ExchangeRateTable Rates { get; } = rates;

    public IReadOnlyCollection<Country> Countries => _countries.Values;

    public IReadOnlyCollection<Port> Ports => _ports.Values;

    public IReadOnlyCollection<TradeMode> TradeModes => _tradeModes.Values;

    public Country? Country(string alpha2) => _countries.GetValueOrDefault(alpha2);

    public Currency? Currency(string code) => _currencies.GetValueOrDefault(code);

    public Port? Port(string code) => _ports.GetValueOrDefault(code);

    public TradeMode? TradeMode(string code) => _tradeModes.GetValueOrDefault(code);

    public PortCalendar CalendarOf(string port) => new(port, _calendarRules);

    /// <summary>The same snapshot with other exchange rates (e.g. a rates file given for one import).</summary>
    public ReferenceData WithRates(ExchangeRateTable newRates) =>
        new(Countries, Currencies, Hs, Ports, CalendarRules, Groups, TradeModes, newRates);
}
