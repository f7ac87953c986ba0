using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Reference;

namespace Silkgate.Scenario;

/// <summary>
/// Turns a calibrated <see cref="ScenarioPlan"/> into released declarations, month by month and deterministically
/// for the plan's seed: each cell's planned value (to the fen) and mass split over items of goods that cell trades,
/// items grouped into declarations of one to six, each released on a day its port is open.
/// </summary>
public sealed class ScenarioGenerator
{
    public const string Source = "scenario";

    private const decimal FreightShare = 0.02m;

    private readonly ScenarioPlan _plan;
    private readonly ScenarioPlanner _planner;
    private readonly ReferenceData _reference;
    private readonly IReadOnlyList<TradeModePorts> _tradeModePorts;
    private readonly List<int>[] _cellsByMonth;
    private readonly Dictionary<(Flow, Channel), ScenarioCommodity[]> _commodities;
    private readonly string[] _enterprises;
    private readonly Func<string, string, DateOnly, string?> _preferenceOf;

    /// <param name="preferenceOf">The preference an importer claims for goods (HS, origin, date), if any: from the tariff schedule.</param>
    public ScenarioGenerator(ScenarioPlan plan, ScenarioPlanner planner, IReadOnlyList<ScenarioCommodity> commodities, ReferenceData reference,
        IReadOnlyList<TradeModePorts> tradeModePorts, Func<string, string, DateOnly, string?>? preferenceOf = null)
    {
        _preferenceOf = preferenceOf ?? ((_, _, _) => null);
        _plan = plan;
        _planner = planner;
        _reference = reference;
        _tradeModePorts = tradeModePorts;
        _cellsByMonth = plan.Months.Select(_ => new List<int>()).ToArray();
        for (var c = 0; c < plan.Cells.Count; c++)
        {
            if (plan.Cells.Value[c] > 0)
                _cellsByMonth[plan.Cells.Month[c]].Add(c);
        }
        _commodities = commodities.GroupBy(c => (c.Flow, c.Channel)).ToDictionary(g => g.Key, g => g.ToArray());
        var random = new Random(plan.Settings.Seed);
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"; // the unified social credit code's characters
        _enterprises = Enumerable.Range(0, plan.Settings.Enterprises)
            .Select(_ => "91653100" + new string(Enumerable.Range(0, 10).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()))
            .Distinct()
            .ToArray();
    }

    public IReadOnlyList<YearMonth> Months => _plan.Months;

    /// <summary>How many items the month carries: its value over the typical item value, with a floor, times the scale.</summary>
    public int PlannedItems(int month)
    {
        var settings = _plan.Settings;
        var cells = _cellsByMonth[month];
        var total = cells.Sum(c => _plan.Cells.Value[c]);
        var recent = _plan.Months[month].Year >= _plan.Months[^1].Year - 1;
        var wanted = Math.Max(recent ? settings.MinItemsRecent : settings.MinItemsEarly, total / (double)settings.TypicalItemCny);
        return Math.Max(cells.Count, (int)Math.Ceiling(wanted * settings.Scale));
    }

    public int PlannedItemsTotal() => Enumerable.Range(0, _plan.Months.Length).Sum(PlannedItems);

    public IEnumerable<Declaration> All() => Enumerable.Range(0, _plan.Months.Length).SelectMany(Month);

    /// <summary>The released declarations of one month of the plan (by index into <see cref="Months"/>).</summary>
    public IEnumerable<Declaration> Month(int month)
    {
        var random = new Random(unchecked((_plan.Settings.Seed * 7919) + month));
        var cells = _cellsByMonth[month];
        var total = cells.Sum(c => _plan.Cells.Value[c]);
        var items = PlannedItems(month);
        var ym = _plan.Months[month];
        var sequence = 0;
        foreach (var c in cells)
        {
            var value = _plan.Cells.Value[c];
            var count = Math.Max(1, (int)Math.Round(items * value / total));
            foreach (var d in Cell(c, ym, count, random, () => ++sequence))
                yield return d;
        }
    }

    private IEnumerable<Declaration> Cell(int c, YearMonth month, int count, Random random, Func<int> next)
    {
        var cells = _plan.Cells;
        var flow = cells.Flow[c];
        var channel = cells.Channel[c];
        var partner = _plan.Partners[cells.Partner[c]].Country;
        var port = _plan.Ports[cells.Port[c]];
        var goods = _commodities[(flow, channel)].Where(g => g.Serves(port, partner, month)).ToArray();
        var fen = (long)Math.Round(cells.Value[c] * 100);
        count = (int)Math.Min(count, Math.Max(1, fen / 100)); // at least a yuan an item
        var grams = Math.Max(count, (long)Math.Round(cells.Mass[c] * 1000));

        // Split value and mass: lognormal value shares; mass follows each item's value per kg, scaled to the plan.
        var picked = new ScenarioCommodity[count];
        var shares = new double[count];
        var perKg = new double[count];
        for (var i = 0; i < count; i++)
        {
            picked[i] = Pick(goods, random);
            shares[i] = Math.Exp(0.7 * Normal(random));
            perKg[i] = (double)picked[i].MinCnyPerKg + (random.NextDouble() * (double)(picked[i].MaxCnyPerKg - picked[i].MinCnyPerKg));
        }
        var valuesFen = Split(fen, shares);
        var massWeights = valuesFen.Select((v, i) => Math.Max(v, 1) / perKg[i]).ToArray();
        var massGrams = cells.MassPinned[c]
            ? Split(grams, massWeights)
            : massWeights.Select(w => Math.Max(1L, (long)Math.Round(w * 10))).ToArray(); // fen per (CNY/kg) → grams

        var days = _planner.OpenDays(port, month).Where(_planner.StableDays(partner, month).Contains).ToArray();
        var start = 0;
        while (start < count)
        {
            var size = Math.Min(count - start, 1 + random.Next(6));
            yield return Declaration(month, days[random.Next(days.Length)], flow, channel, partner, port, picked, valuesFen, massGrams, start, size, random, next());
            start += size;
        }
    }

    private Declaration Declaration(YearMonth month, int day, Flow flow, Channel channel, string partner, string port,
        ScenarioCommodity[] goods, long[] valuesFen, long[] massGrams, int start, int size, Random random, int sequence)
    {
        var release = new DateOnly(month.Year, month.Month, day);
        var useUsd = random.NextDouble() < 0.6 && _reference.Rates.TryGetRate(month, "USD", out _);
        var currency = useUsd ? "USD" : "CNY";
        var rate = useUsd ? _reference.Rates.Rate(month, "USD") : 1m;
        // Imports are declared CIF: the invoice is the planned value less freight, the freight on the header.
        var planned = Enumerable.Range(start, size).Select(i => Money.FromFen(valuesFen[i])).ToArray();
        var invoice = planned.Select(p => Math.Round((flow == Flow.Import ? p / (1 + FreightShare) : p) / rate, 2, MidpointRounding.AwayFromZero)).ToArray();
        var freight = flow == Flow.Import ? Math.Max(0m, Math.Round((planned.Sum() / rate) - invoice.Sum(), 2, MidpointRounding.AwayFromZero)) : 0m;
        var statistical = StatisticalValue.InCny(flow, invoice, freight, 0m, rate);
        var items = new DeclarationItem[size];
        for (var k = 0; k < size; k++)
        {
            var i = start + k;
            var kg = Mass.FromGrams(massGrams[i]);
            var preference = flow == Flow.Import && channel == Channel.General ? _preferenceOf(goods[i].Hs6, partner, release) : null;
            items[k] = new DeclarationItem
            {
                ItemNo = k + 1,
                HsCode = goods[i].Hs6,
                Description = goods[i].Description,
                PartnerCountry = partner,
                Quantity = kg,
                QuantityUnit = "kg",
                NetMassKg = kg,
                ValueOriginal = invoice[k],
                StatisticalValueCny = statistical[k],
                Preference = preference,
                CertificateOfOrigin = preference is null ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"CO{month.Key}{sequence:D6}{k + 1:D2}"),
            };
        }
        var zoneEnterprises = Math.Max(1, _enterprises.Length / 8);
        var enterprise = channel == Channel.General
            ? _enterprises[zoneEnterprises + random.Next(_enterprises.Length - zoneEnterprises)]
            : _enterprises[random.Next(zoneEnterprises)];
        return new Declaration
        {
            EnterpriseId = enterprise,
            Source = Source,
            ExternalId = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_plan.Settings.Key}-{month.Key}{sequence:D6}"),
            Flow = flow,
            State = DeclarationState.Released,
            DeclarationDate = release, // land-port clearance the same day: the rate month and the open day are the release's
            ReleaseDate = release,
            Port = port,
            TradeMode = TradeModeOf(channel, flow, port, random),
            TransportMode = _reference.Port(port)?.Kind,
            PartnerCountry = partner,
            Currency = currency,
            Freight = freight,
            InZone = channel != Channel.General,
            Ecommerce = channel == Channel.Ecommerce,
            Items = items,
        };
    }

    private string TradeModeOf(Channel channel, Flow flow, string port, Random random)
    {
        bool AllowedAt(string mode) => _tradeModePorts.FirstOrDefault(t => t.TradeMode == mode) is not { } rule || rule.Ports.Contains(port);
        return channel switch
        {
            Channel.Ecommerce when flow == Flow.Import => "1210",
            Channel.Ecommerce => AllowedAt("9610") ? "9610" : "9710",
            Channel.Zone => random.NextDouble() < 0.7 ? "5034" : "5000",
            _ => AllowedAt("4019") && random.NextDouble() < _plan.Settings.BorderTradeShare ? "4019" : "0110",
        };
    }

    private static ScenarioCommodity Pick(ScenarioCommodity[] goods, Random random)
    {
        var x = random.NextDouble() * goods.Sum(g => g.Weight);
        foreach (var g in goods)
        {
            x -= g.Weight;
            if (x < 0)
                return g;
        }
        return goods[^1];
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Splits a whole amount in proportion to weights; the rounding residue goes to the largest part, so parts add up exactly.</summary>
    public static long[] Split(long amount, IReadOnlyList<double> weights)
    {
        var parts = new long[weights.Count];
        var sum = weights.Sum();
        var largest = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = (long)Math.Floor(amount * weights[i] / sum);
            if (weights[i] > weights[largest])
                largest = i;
        }
        parts[largest] += amount - parts.Sum();
        return parts;
    }
}
