using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Reference;
using Silkgate.Statistics;

namespace Silkgate.Scenario;

/// <summary>
/// Calibrates the Kashgar scenario to a targets file (DESIGN.md §10). Trade is planned in cells — month × partner ×
/// port × channel × flow — starting from a smooth baseline (a growth curve fitted to the prefecture levels of the
/// targets, seasonality, partner weights, port routes, port calendars). Value targets are then met by iterative
/// proportional fitting: each target scales the cells it covers (a relation to a base period splits the factor
/// between the two periods), sweep after sweep until every target holds. Partner counts decide which partners trade
/// in which months; cargo-mass targets scale values per kg within a plausible band. Months that no target touches
/// are levelled from their neighbours so the series has no cliffs. No figure lives in code: all come from the targets.
/// </summary>
public sealed class ScenarioPlanner(
    ReferenceData reference,
    IReadOnlyList<ScenarioPartner> namedPartners,
    IReadOnlyList<ScenarioCommodity> commodities,
    ScenarioSettings settings)
{
    // Territories with no trade to speak of: never picked as tail partners.
    private static readonly HashSet<string> NoTrade = new(StringComparer.Ordinal)
    {
        "CN", "ZZ", "AQ", "BV", "HM", "TF", "UM", "IO", "GS", "PN", "CX", "CC", "NF", "SJ", "EH", "VA", "TK", "NU", "BL", "MF", "PM", "WF", "YT", "AX", "GG", "JE", "IM", "FK", "SH", "MS", "AI", "BQ", "SX", "CW", "AS", "GU", "MP", "VI", "PR", "KP",
    };

    private static readonly double[] Season = [0.80, 0.72, 0.95, 1.02, 1.05, 1.05, 1.05, 1.05, 1.06, 1.05, 1.08, 1.12];

    private const double Tolerance = 1e-11;

    public ScenarioPlan Plan(IReadOnlyList<PublishedTarget> targets)
    {
        var problems = new List<CalibrationProblem>();
        var (from, to) = Range(targets);
        var months = Enumerable.Range(0, to.Index - from.Index + 1).Select(from.AddMonths).ToArray();
        var partners = Partners();
        var ports = reference.Ports.Select(p => p.Code).Order(StringComparer.Ordinal).ToArray();
        var active = ActivePartners(targets, months, partners.Count, problems);
        var cells = BuildCells(months, partners, ports, active, Baseline(targets, months));

        var valueTargets = new List<TargetSets>();
        var massTargets = new List<TargetSets>();
        foreach (var t in targets)
        {
            switch (t.Measure)
            {
                case "trade_value" or "ecommerce_value" or "cargo_mass":
                    var sets = SetsOf(t, cells, months, partners, ports, problems);
                    if (sets is not null)
                        (t.Measure == "cargo_mass" ? massTargets : valueTargets).Add(sets);
                    break;
                case "partner_count":
                    break; // decided by ActivePartners
                default:
                    problems.Add(new CalibrationProblem(t.Id, $"{t.Measure} is not calibrated: the generator sets volumes from its settings (verify still reports the figure)."));
                    break;
            }
        }

        CheckContainment(valueTargets, problems);
        Rake(cells.Value, valueTargets);
        var pinned = new bool[cells.Count];
        foreach (var s in valueTargets.Concat(massTargets))
        {
            foreach (var c in s.A.Concat(s.B))
                pinned[c] = true;
        }
        Level(cells, months.Length, pinned);

        cells.Mass = new double[cells.Count];
        for (var c = 0; c < cells.Count; c++)
            cells.Mass[c] = cells.Value[c] * cells.KgPerCny[c];
        cells.MassPinned = new bool[cells.Count];
        foreach (var c in massTargets.SelectMany(s => s.A.Concat(s.B)))
            cells.MassPinned[c] = true;
        RakeMass(cells, massTargets, problems);

        foreach (var s in valueTargets.Concat(massTargets))
        {
            var x = s.Target.Measure == "cargo_mass" ? cells.Mass : cells.Value;
            var value = (decimal)s.A.Sum(c => x[c]);
            decimal? baseValue = s.B.Length > 0 ? (decimal)s.B.Sum(c => x[c]) : null;
            if (problems.Any(p => p.TargetId == s.Target.Id))
                continue;
            bool ok;
            try
            {
                ok = s.Target.Matches(s.Target.Figure(value, baseValue));
            }
            catch (SilkgateException)
            {
                ok = false;
            }
            if (!ok)
                problems.Add(new CalibrationProblem(s.Target.Id, "cannot be met together with the other targets: the figures conflict (calibration did not converge)."));
        }
        return new ScenarioPlan(months, partners, ports, cells, active, problems, settings);
    }

    private (YearMonth From, YearMonth To) Range(IReadOnlyList<PublishedTarget> targets)
    {
        if (settings.From is { } f && settings.To is { } t)
            return (f, t);
        if (targets.Count == 0)
            throw new SilkgateException("SG-SCN-001", "The targets file has no targets: nothing to calibrate the scenario to.");
        var all = targets.SelectMany(x => new[] { x.From, x.To, x.BaseFrom ?? x.From, x.BaseTo ?? x.To }).ToList();
        return (settings.From ?? new YearMonth(all.Min().Year, 1), settings.To ?? new YearMonth(all.Max().Year, 12));
    }

    private List<ScenarioPartner> Partners()
    {
        var list = new List<ScenarioPartner>();
        foreach (var p in namedPartners.OrderByDescending(p => p.Weight))
        {
            if (reference.Country(p.Country) is null)
                throw new SilkgateException("SG-SCN-002", $"Scenario partner {p.Country} is not a known country.");
            list.Add(p);
        }
        var named = list.Select(p => p.Country).ToHashSet(StringComparer.Ordinal);
        // The tail: partners of the Belt and Road first (they trade through Kashgar more), then the rest, each in a seeded order.
        var random = new Random(settings.Seed);
        var inGroups = reference.Groups.All.Select(m => m.Country).ToHashSet(StringComparer.Ordinal);
        var tail = reference.Countries.Where(c => !named.Contains(c.Alpha2) && !NoTrade.Contains(c.Alpha2))
            .OrderBy(c => inGroups.Contains(c.Alpha2) ? 0 : 1)
            .ThenBy(c => c.Alpha2, StringComparer.Ordinal)
            .Select(c => (Country: c.Alpha2, Key: random.Next()))
            .OrderBy(x => inGroups.Contains(x.Country) ? 0 : 1).ThenBy(x => x.Key)
            .Select(x => x.Country);
        var weight = settings.TailWeight;
        var tailPorts = new Dictionary<string, double> { ["IRKESHTAM"] = 0.4, ["TORUGART"] = 0.2, ["KASHGAR_AIRPORT"] = 0.4 }
            .Where(kv => reference.Port(kv.Key) is not null).ToDictionary();
        var routes = tailPorts.Keys.Order(StringComparer.Ordinal).ToArray();
        foreach (var country in tail)
        {
            // A small partner's goods come one way only: the airport or one of the Kyrgyz road ports.
            var port = routes[random.Next(routes.Length)];
            list.Add(new ScenarioPartner(country, weight, new Dictionary<string, double> { [port] = 1.0 }, 0.15, new HashSet<Channel> { Channel.General }));
            weight *= settings.TailDecay;
        }
        return list;
    }

    /// <summary>
    /// How many partners (the top ones by weight) trade in each month. A prefecture partner count of N over a period
    /// makes exactly the top N trade in every month of it; shorter periods are settled first; months no count covers
    /// follow their neighbours.
    /// </summary>
    private int[] ActivePartners(IReadOnlyList<PublishedTarget> targets, YearMonth[] months, int universe, List<CalibrationProblem> problems)
    {
        var n = new int[months.Length];
        var first = months[0];
        foreach (var t in targets.Where(t => t.Measure == "partner_count").OrderBy(t => t.To.Index - t.From.Index))
        {
            if (t.Scope.Kind != ScopeKind.Prefecture || t.Flow != StatsFlow.Total || t.Relation is not (TargetRelation.Level or TargetRelation.AtLeast))
            {
                problems.Add(new CalibrationProblem(t.Id, "partner counts are calibrated for the prefecture, both flows, as a level or at_least only."));
                continue;
            }
            var want = (int)Math.Round(t.Relation == TargetRelation.AtLeast ? Math.Floor(t.Value) + 1 : t.Value);
            if (want > universe)
            {
                problems.Add(new CalibrationProblem(t.Id, $"{want} partners asked but only {universe} countries can trade in the scenario."));
                continue;
            }
            var span = Enumerable.Range(t.From.Index - first.Index, t.To.Index - t.From.Index + 1).Where(i => i >= 0 && i < n.Length).ToList();
            var set = span.Where(i => n[i] > 0).Select(i => n[i]).DefaultIfEmpty(0).Max();
            if (set > want)
            {
                problems.Add(new CalibrationProblem(t.Id, $"{want} partners over {t.From}..{t.To} conflicts with a shorter period inside it that already has {set}."));
                continue;
            }
            if (span.All(i => n[i] > 0) && set < want)
            {
                problems.Add(new CalibrationProblem(t.Id, $"{want} partners over {t.From}..{t.To} conflicts with the shorter periods that cover it ({set} at most)."));
                continue;
            }
            foreach (var i in span.Where(i => n[i] == 0))
                n[i] = want;
        }
        var fixedAt = Enumerable.Range(0, n.Length).Where(i => n[i] > 0).ToList();
        var fallback = Math.Min(universe, Math.Max(namedPartners.Count, settings.DefaultPartners));
        for (var i = 0; i < n.Length; i++)
        {
            if (n[i] > 0)
                continue;
            var before = fixedAt.LastOrDefault(j => j < i, -1);
            var after = fixedAt.FirstOrDefault(j => j > i, -1);
            n[i] = (before, after) switch
            {
                (-1, -1) => fallback,
                (-1, _) => Math.Max(Math.Min(namedPartners.Count, n[after]), n[after] - ((after - i) / 4)), // fewer partners further back
                (_, -1) => n[before],
                _ => n[before] + (int)Math.Round((n[after] - n[before]) * (double)(i - before) / (after - before)),
            };
        }
        return n;
    }

    /// <summary>Baseline monthly totals: a log-linear trend through the prefecture level targets, times seasonality.</summary>
    private double[] Baseline(IReadOnlyList<PublishedTarget> targets, YearMonth[] months)
    {
        var first = months[0].Index;
        var points = targets
            .Where(t => t is { Measure: "trade_value", Relation: TargetRelation.Level, Flow: StatsFlow.Total } && t.Scope.Kind == ScopeKind.Prefecture)
            .Select(t =>
            {
                var span = Enumerable.Range(t.From.Index, t.To.Index - t.From.Index + 1).ToList();
                var perSeason = (double)PublishedTarget.FromUnit(t.Value, t.Unit) / span.Sum(i => Season[i % 12]);
                return (T: span.Average() - first, Log: Math.Log(perSeason));
            })
            .ToList();
        double a, g;
        if (points.Count == 0)
        {
            (a, g) = (Math.Log((double)settings.DefaultMonthlyCny), Math.Log(1 + settings.DefaultGrowth) / 12);
        }
        else if (points.Count == 1 || points.Max(p => p.T) - points.Min(p => p.T) < 6)
        {
            g = Math.Log(1 + settings.DefaultGrowth) / 12;
            a = points.Average(p => p.Log - (g * p.T));
        }
        else
        {
            var mt = points.Average(p => p.T);
            var ml = points.Average(p => p.Log);
            g = points.Sum(p => (p.T - mt) * (p.Log - ml)) / points.Sum(p => (p.T - mt) * (p.T - mt));
            a = ml - (g * mt);
        }
        return months.Select((m, i) => Math.Exp(a + (g * i)) * Season[m.Month - 1]).ToArray();
    }

    private ScenarioCells BuildCells(YearMonth[] months, List<ScenarioPartner> partners, string[] ports, int[] active, double[] baseline)
    {
        var cells = new ScenarioCells();
        var portIndex = ports.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        for (var m = 0; m < months.Length; m++)
        {
            var month = months[m];
            var openShare = ports.Select(p => OpenDays(p, month).Count / (double)DateTime.DaysInMonth(month.Year, month.Month)).ToArray();
            var top = partners.Take(active[m]).ToList();
            var weightSum = top.Sum(p => p.Weight);
            for (var p = 0; p < top.Count; p++)
            {
                var partner = top[p];
                var stable = StableDays(partner.Country, month);
                var channels = partner.Channels.Where(ch => ch switch
                {
                    Channel.Zone => month >= settings.ZoneOpens,
                    Channel.Ecommerce => month >= settings.EcommerceFrom,
                    _ => true,
                }).ToList();
                var zone = channels.Contains(Channel.Zone) ? settings.ZoneShare : 0;
                var ecom = channels.Contains(Channel.Ecommerce) ? settings.EcommerceShare : 0;
                foreach (var (port, routeShare) in partner.Ports)
                {
                    if (!portIndex.TryGetValue(port, out var pi) || openShare[pi] == 0 || !OpenDays(port, month).Any(stable.Contains))
                        continue;
                    foreach (var channel in channels)
                    {
                        var channelShare = channel switch
                        {
                            Channel.Zone => zone,
                            Channel.Ecommerce => ecom,
                            _ => 1 - zone - ecom,
                        };
                        foreach (var flow in new[] { Flow.Import, Flow.Export })
                        {
                            var served = commodities.Where(c => c.Flow == flow && c.Channel == channel && c.Serves(port, partner.Country, month)).ToList();
                            if (served.Count == 0)
                                continue;
                            var flowShare = flow == Flow.Import ? partner.ImportShare : 1 - partner.ImportShare;
                            var kgPerCny = served.Sum(c => c.Weight * 2 / (double)(c.MinCnyPerKg + c.MaxCnyPerKg)) / served.Sum(c => c.Weight);
                            cells.Add(m, p, pi, channel, flow, baseline[m] * partner.Weight / weightSum * routeShare * openShare[pi] * channelShare * flowShare, kgPerCny);
                        }
                    }
                }
            }
        }
        return cells;
    }

    private readonly Dictionary<(string, int), List<int>> _openDays = [];

    /// <summary>Days of the month (1-based) on which the port is open by its calendar.</summary>
    public List<int> OpenDays(string port, YearMonth month)
    {
        if (_openDays.TryGetValue((port, month.Index), out var days))
            return days;
        var calendar = reference.CalendarOf(port);
        days = Enumerable.Range(1, DateTime.DaysInMonth(month.Year, month.Month))
            .Where(d => calendar.IsOpen(new DateOnly(month.Year, month.Month, d))).ToList();
        _openDays[(port, month.Index)] = days;
        return days;
    }

    /// <summary>
    /// Days on which the partner's group memberships are those of the month's last day: the plan counts a partner in
    /// a group for whole months, so items are released only on days that agree (memberships can start mid-month).
    /// </summary>
    public HashSet<int> StableDays(string country, YearMonth month)
    {
        if (_stableDays.TryGetValue((country, month.Index), out var cached))
            return cached;
        _memberships ??= reference.Groups.All.ToLookup(m => m.Country, StringComparer.Ordinal);
        var memberships = _memberships[country].ToList();
        var stable = StableDays(memberships, month);
        _stableDays[(country, month.Index)] = stable;
        return stable;
    }

    private readonly Dictionary<(string, int), HashSet<int>> _stableDays = [];
    private ILookup<string, PartnerGroupMembership>? _memberships;

    private static HashSet<int> StableDays(List<PartnerGroupMembership> memberships, YearMonth month)
    {
        var days = Enumerable.Range(1, DateTime.DaysInMonth(month.Year, month.Month));
        if (memberships.Count == 0)
            return days.ToHashSet();
        bool[] StatusOn(DateOnly d) => memberships.Select(m => m.CoversDate(d)).ToArray();
        var last = StatusOn(month.LastDay);
        return days.Where(d => StatusOn(new DateOnly(month.Year, month.Month, d)).SequenceEqual(last)).ToHashSet();
    }

    private TargetSets? SetsOf(PublishedTarget t, ScenarioCells cells, YearMonth[] months, List<ScenarioPartner> partners, string[] ports, List<CalibrationProblem> problems)
    {
        int? portFilter = null;
        if (t.Scope.Kind == ScopeKind.Port)
        {
            portFilter = Array.IndexOf(ports, t.Scope.Name);
            if (portFilter < 0)
            {
                problems.Add(new CalibrationProblem(t.Id, $"unknown port '{t.Scope.Name}' (known: {string.Join(", ", ports)})."));
                return null;
            }
        }
        if (t.Scope.Kind == ScopeKind.Group && !reference.Groups.Exists(t.Scope.Name!))
        {
            problems.Add(new CalibrationProblem(t.Id, $"unknown partner group '{t.Scope.Name}' (known: {string.Join(", ", reference.Groups.Names)})."));
            return null;
        }
        int[] Select(YearMonth from, YearMonth to)
        {
            var list = new List<int>();
            for (var c = 0; c < cells.Count; c++)
            {
                var month = months[cells.Month[c]];
                if (month < from || month > to)
                    continue;
                if (t.Flow != StatsFlow.Total && (cells.Flow[c] == Flow.Import) != (t.Flow == StatsFlow.Import))
                    continue;
                if (t.Measure == "ecommerce_value" && cells.Channel[c] != Channel.Ecommerce)
                    continue;
                var inScope = t.Scope.Kind switch
                {
                    ScopeKind.Zone => cells.Channel[c] != Channel.General,
                    ScopeKind.Port => cells.Port[c] == portFilter,
                    ScopeKind.Group => reference.Groups.IsMember(t.Scope.Name!, partners[cells.Partner[c]].Country, month.LastDay),
                    _ => true,
                };
                if (inScope)
                    list.Add(c);
            }
            return list.ToArray();
        }
        var a = Select(t.From, t.To);
        var b = t.BaseFrom is { } bf && t.BaseTo is { } bt ? Select(bf, bt) : [];
        if (a.Length == 0 || (t.BaseFrom is not null && b.Length == 0))
        {
            problems.Add(new CalibrationProblem(t.Id, $"no trade in the scenario can carry it (scope {t.Scope}, {t.From}..{t.To}{(t.BaseFrom is null ? "" : $", base {t.BaseFrom}..{t.BaseTo}")}): e.g. the zone not yet open, or the port closed all period."));
            return null;
        }
        if (a.Intersect(b).Any())
        {
            problems.Add(new CalibrationProblem(t.Id, "the period and its base period overlap: a ratio between them is not calibrated."));
            return null;
        }
        return new TargetSets(t, a, b);
    }

    /// <summary>A level can't exceed the level of a set that contains it ("a group larger than the total").</summary>
    private static void CheckContainment(List<TargetSets> targets, List<CalibrationProblem> problems)
    {
        var levels = targets.Where(s => s.Target.Relation == TargetRelation.Level).ToList();
        foreach (var inner in levels)
        {
            foreach (var outer in levels)
            {
                if (ReferenceEquals(inner, outer) || inner.A.Length > outer.A.Length)
                    continue;
                var innerValue = PublishedTarget.FromUnit(inner.Target.Value, inner.Target.Unit);
                var outerValue = PublishedTarget.FromUnit(outer.Target.Value, outer.Target.Unit);
                if (innerValue > outerValue && inner.A.All(new HashSet<int>(outer.A).Contains))
                {
                    problems.Add(new CalibrationProblem(inner.Target.Id, $"{inner.Target.Value} {inner.Target.Unit} is larger than {outer.Target.Id} ({outer.Target.Value} {outer.Target.Unit}), which contains it."));
                    targets.Remove(inner);
                    break;
                }
            }
        }
    }

    /// <summary>
    /// The factor on the target's cells that brings its figure inside the published rounding interval (1 when it
    /// already is). Accepts within 0.4 of a published unit of the value and aims within 0.3, so that targets that
    /// agree only at the published precision (12.44 and 49.31 bn against "3.96 times") settle instead of fighting.
    /// </summary>
    private static double Needed(TargetSets s, double[] x)
    {
        var t = s.Target;
        var a = s.A.Sum(c => x[c]);
        if (a <= 0)
            return 1;
        var b = s.B.Sum(c => x[c]);
        var level = t.Relation is TargetRelation.Level or TargetRelation.AtLeast;
        if (!level && b <= 0)
            return 1;
        var scale = level ? (double)PublishedTarget.FromUnit(1m, t.Unit) : 1;
        var u = (double)Unit(t.Decimals);
        var v = (double)t.Value;
        var figure = t.Relation switch
        {
            TargetRelation.Level or TargetRelation.AtLeast => a / scale,
            TargetRelation.YoyPct => ((a / b) - 1) * 100,
            TargetRelation.TimesBase => a / b,
            _ => (a / b) - 1,
        };
        var atLeast = t.Relation == TargetRelation.AtLeast;
        if (figure >= (atLeast ? v + (0.1 * u) : v - (0.4 * u)) && (atLeast || figure <= v + (0.4 * u)))
            return 1;
        var want = atLeast ? v + (0.2 * u) : Math.Clamp(figure, v - (0.3 * u), v + (0.3 * u));
        return t.Relation switch
        {
            TargetRelation.Level or TargetRelation.AtLeast => want * scale / a,
            TargetRelation.YoyPct => (1 + (want / 100)) * b / a,
            TargetRelation.TimesBase => want * b / a,
            _ => (1 + want) * b / a,
        };
    }

    private static decimal Unit(int decimals) => 1m / (decimal)Math.Pow(10, decimals);

    private static void Apply(TargetSets s, double[] x, double f)
    {
        if (s.B.Length == 0)
        {
            foreach (var c in s.A)
                x[c] *= f;
            return;
        }
        // A ratio: move the period up and the base down by the same factor, so neither absorbs it all.
        var half = Math.Sqrt(f);
        foreach (var c in s.A)
            x[c] *= half;
        foreach (var c in s.B)
            x[c] /= half;
    }

    private static void Rake(double[] x, List<TargetSets> targets)
    {
        for (var sweep = 0; sweep < 5000; sweep++)
        {
            var worst = 0.0;
            foreach (var s in targets)
            {
                var f = Needed(s, x);
                worst = Math.Max(worst, Math.Abs(f - 1));
                Apply(s, x, f);
            }
            if (worst < Tolerance)
                return;
        }
    }

    private void RakeMass(ScenarioCells cells, List<TargetSets> targets, List<CalibrationProblem> problems)
    {
        if (targets.Count == 0)
            return;
        var before = (double[])cells.Mass.Clone();
        Rake(cells.Mass, targets);
        for (var c = 0; c < cells.Count; c++)
        {
            if (before[c] <= 0)
                continue;
            var k = cells.Mass[c] / before[c];
            if (k is < 0.4 or > 2.5)
            {
                foreach (var s in targets.Where(s => s.A.Contains(c) || s.B.Contains(c)))
                {
                    if (problems.All(p => p.TargetId != s.Target.Id))
                        problems.Add(new CalibrationProblem(s.Target.Id, $"cargo mass would need values per kg {1 / k:0.##} times the plausible ones for its goods."));
                }
                cells.Mass[c] = before[c] * Math.Clamp(k, 0.4, 2.5);
            }
        }
    }

    /// <summary>
    /// Months that no target touches take their level from the months around them — a year earlier times the
    /// latest year-on-year growth of the months a target fixed — so a calibrated period does not end in a cliff.
    /// </summary>
    private static void Level(ScenarioCells cells, int monthCount, bool[] pinned)
    {
        var total = new double[monthCount];
        var touched = new bool[monthCount];
        for (var c = 0; c < cells.Count; c++)
        {
            total[cells.Month[c]] += cells.Value[c];
            touched[cells.Month[c]] |= pinned[c];
        }
        var firstTouched = Array.IndexOf(touched, true);
        var lastTouched = Array.LastIndexOf(touched, true);
        if (firstTouched < 0)
            return;
        var wanted = (double[])total.Clone();
        double Growth(int end, int step)
        {
            // Growth over the three touched months nearest the edge against the same months a year away.
            double now = 0, then = 0;
            for (var i = end; i != end - (3 * step) && i >= 0 && i < monthCount; i -= step)
            {
                var j = i - (12 * step);
                if (j < 0 || j >= monthCount)
                    return 1;
                now += wanted[i];
                then += wanted[j];
            }
            return then > 0 ? now / then : 1;
        }
        var forward = Growth(lastTouched, 1);
        for (var m = lastTouched + 1; m < monthCount; m++)
        {
            if (m >= 12)
                wanted[m] = wanted[m - 12] * forward;
        }
        var backward = Growth(firstTouched, -1);
        for (var m = firstTouched - 1; m >= 0; m--)
        {
            if (m + 12 < monthCount && backward > 0)
                wanted[m] = wanted[m + 12] * backward;
        }
        for (var c = 0; c < cells.Count; c++)
        {
            var m = cells.Month[c];
            if (!touched[m] && total[m] > 0)
                cells.Value[c] *= wanted[m] / total[m];
        }
    }

    private sealed record TargetSets(PublishedTarget Target, int[] A, int[] B);
}

/// <summary>The planned cells, column-wise: trade value (CNY) and cargo mass (kg) per month × partner × port × channel × flow.</summary>
public sealed class ScenarioCells
{
    private readonly List<int> _month = [];
    private readonly List<int> _partner = [];
    private readonly List<int> _port = [];
    private readonly List<Channel> _channel = [];
    private readonly List<Flow> _flow = [];
    private readonly List<double> _value = [];
    private readonly List<double> _kgPerCny = [];
    private double[]? _valueArray;

    public int Count => _month.Count;

    public IReadOnlyList<int> Month => _month;

    public IReadOnlyList<int> Partner => _partner;

    public IReadOnlyList<int> Port => _port;

    public IReadOnlyList<Channel> Channel => _channel;

    public IReadOnlyList<Flow> Flow => _flow;

    public IReadOnlyList<double> KgPerCny => _kgPerCny;

    /// <summary>Planned statistical value in CNY.</summary>
    public double[] Value => _valueArray ??= _value.ToArray();

    /// <summary>Planned net mass in kg.</summary>
    public double[] Mass { get; set; } = [];

    /// <summary>Cells a cargo-mass target covers: their items' masses add up to the plan exactly; elsewhere mass follows each item's value per kg.</summary>
    public bool[] MassPinned { get; set; } = [];

    internal void Add(int month, int partner, int port, Channel channel, Flow flow, double value, double kgPerCny)
    {
        _month.Add(month);
        _partner.Add(partner);
        _port.Add(port);
        _channel.Add(channel);
        _flow.Add(flow);
        _value.Add(value);
        _kgPerCny.Add(kgPerCny);
        _valueArray = null;
    }
}

/// <summary>What the planner decided: the months, partners, ports, the cells and the targets it could not meet.</summary>
public sealed record ScenarioPlan(
    YearMonth[] Months,
    IReadOnlyList<ScenarioPartner> Partners,
    string[] Ports,
    ScenarioCells Cells,
    int[] ActivePartners,
    IReadOnlyList<CalibrationProblem> Problems,
    ScenarioSettings Settings)
{
    public double TotalValue => Cells.Value.Sum();
}
