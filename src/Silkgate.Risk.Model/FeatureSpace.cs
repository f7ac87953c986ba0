namespace Silkgate.Risk.Model;

/// <summary>
/// The model's features, and the statistics they need, fitted on training rows only: smoothed fraud and critical
/// fraud rates and counts per entity and code (target encodings), value-per-kg and mass norms per HS code and
/// origin (medians and spreads), and plain fields. Training rows get their encodings out of fold
/// (<see cref="OutOfFold"/>): a row's own label never reaches its own features. Rows to score get them from all
/// training rows; nothing about a scored row (label or otherwise) reaches the statistics.
/// </summary>
internal sealed class FeatureSpace
{
    private sealed record KeyDef(string Name, Func<RiskDeclaration, ulong> Key, double Smoothing, bool Critical, string Meaning);

    private struct Stat
    {
        public int N;
        public int Fraud;
        public int Critical;
    }

    private readonly record struct Norm(float Median, float Spread, int N);

    /// <summary>A table entry's three features, computed once when the tables are built.</summary>
    private readonly record struct Encoded(float FraudRate, float LogCount, float CriticalRate);

    /// <summary>A norm group's norms of all three values (default where a set lacks the group: N = 0 is never used but as the last level).</summary>
    private readonly record struct Norms(Norm ValuePerKg, Norm Mass, Norm Price);

    /// <summary>Minimum rows for a norm to be used; below it the next coarser group's norm is used.</summary>
    private const int MinNormRows = 5;

    private static ulong K(int t, ReadOnlySpan<char> a) => KeyHash.Add(KeyHash.Start(t), a);

    private static ulong K(int t, ReadOnlySpan<char> a, ReadOnlySpan<char> b) => KeyHash.Add(KeyHash.Add(KeyHash.Start(t), a), b);

    private static ReadOnlySpan<char> Hs4(RiskDeclaration r) => r.Hs6.Length >= 4 ? r.Hs6.AsSpan(0, 4) : r.Hs6;

    private static ReadOnlySpan<char> Hs2(RiskDeclaration r) => r.Hs6.Length >= 2 ? r.Hs6.AsSpan(0, 2) : r.Hs6;

    /// <summary>The target-encoded keys: name, key, smoothing (pseudo-rows at the prior), critical rate too.</summary>
    private static readonly KeyDef[] Keys =
    [
        new("pair", PairKey, 1, true, "the exact (net mass, item price) pair in training"),
        new("mass", r => KeyHash.Add(KeyHash.Start(2), r.NetMass), 5, false, "the exact net mass in training"),
        new("price", r => KeyHash.Add(KeyHash.Start(3), r.ItemPrice), 5, false, "the exact item price in training"),
        new("hs6", r => K(4, r.Hs6), 20, true, "HS6 code"),
        new("hs4", r => K(5, Hs4(r)), 20, false, "HS heading"),
        new("hs2", r => K(6, Hs2(r)), 20, false, "HS chapter"),
        new("origin", r => K(7, r.Origin), 20, false, "country of origin"),
        new("departure", r => K(8, r.Departure), 20, true, "country of departure"),
        new("departure_origin", r => K(9, r.Departure, r.Origin), 20, false, "departure and origin"),
        new("hs6_origin", r => K(10, r.Hs6, r.Origin), 10, false, "HS6 from this origin"),
        new("hs4_departure", r => K(11, Hs4(r), r.Departure), 10, false, "HS heading from this departure country"),
        new("office", r => K(12, r.OfficeId), 20, false, "customs office"),
        new("declarant", r => K(13, r.DeclarantId), 10, true, "declarant's history"),
        new("importer", r => K(14, r.ImporterId), 10, true, "importer's history"),
        new("seller", r => K(15, r.SellerId), 10, false, "seller's history"),
        new("courier", r => K(16, r.CourierId), 10, false, "courier's history"),
        new("declarant_importer", r => K(17, r.DeclarantId, r.ImporterId), 5, false, "declarant with this importer"),
        new("importer_hs6", r => K(18, r.ImporterId, r.Hs6), 5, false, "importer with this HS6"),
        new("payment", r => K(19, r.PaymentType), 20, false, "payment type"),
        new("transport", r => K(20, r.TransportMode), 20, false, "mode of transport"),
        new("tax_type", r => K(21, r.TaxType), 20, false, "tax type"),
        new("origin_indicator", r => K(22, r.OriginIndicator), 20, false, "origin indicator"),
        new("import_type", r => K(23, r.ImportType), 20, false, "import type"),
        new("import_use", r => K(24, r.ImportUse), 20, false, "import use"),
        new("process_type", r => K(25, r.ProcessType), 20, false, "process type"),
        new("office_hs6", r => K(26, r.OfficeId, r.Hs6), 10, false, "office with this HS6"),
    ];

    /// <summary>A row's key in each table of <see cref="Keys"/>, in that order: each hashed once per row.</summary>
    private static void KeysOf(RiskDeclaration r, Span<ulong> keys)
    {
        for (var t = 0; t < Keys.Length; t++)
            keys[t] = Keys[t].Key(r);
    }

    /// <summary>Norm groups, finest first: HS6 × origin, HS6, HS4, HS2, and the global norm (key 0).</summary>
    private const int NormLevels = 5;

    private static void NormKeysOf(RiskDeclaration r, Span<ulong> keys)
    {
        keys[0] = K(101, r.Hs6, r.Origin);
        keys[1] = K(102, r.Hs6);
        keys[2] = K(103, Hs4(r));
        keys[3] = K(104, Hs2(r));
        keys[4] = 0UL;
    }

    private const int NormHs6Origin = 0;
    private const int NormHs6 = 1;
    private const int NormHs4 = 2;

    private static readonly List<(string Name, string Meaning)> Described = Describe();

    public static readonly IReadOnlyList<string> Names = [.. Described.Select(d => d.Name)];

    private static readonly Dictionary<string, string> Meanings = Described.ToDictionary(d => d.Name, d => d.Meaning);

    /// <summary>A readable description of a feature, for the reasons shown to officers.</summary>
    public static string Meaning(string feature) => Meanings.TryGetValue(feature, out var m) ? m : feature;

    private static List<(string, string)> Describe()
    {
        var names = new List<(string, string)>();
        void Add(string n, string m)
        {
            names.Add((n, m));
        }
        foreach (var k in Keys)
        {
            Add(k.Name + "_fraud_rate", "fraud rate of " + k.Meaning);
            Add(k.Name + "_count", "how often training saw " + k.Meaning);
            if (k.Critical)
                Add(k.Name + "_critical_rate", "critical fraud rate of " + k.Meaning);
        }
        Add("value_per_kg_vs_hs6_origin_norm", "value per kg against the norm for the HS6 and origin (log ratio)");
        Add("value_per_kg_vs_hs6_norm", "value per kg against the norm for the HS6 (log ratio)");
        Add("value_per_kg_z_hs6", "value per kg against the HS6 norm, in spreads");
        Add("value_per_kg_vs_hs4_norm", "value per kg against the norm for the HS heading (log ratio)");
        Add("mass_vs_hs6_norm", "net mass against the usual mass for the HS6 (log ratio)");
        Add("price_vs_hs6_norm", "item price against the usual price for the HS6 (log ratio)");
        Add("log_net_mass", "net mass (log)");
        Add("log_item_price", "item price (log)");
        Add("log_value_per_kg", "value per kg (log)");
        Add("tax_rate", "tax rate");
        Add("day_of_week", "day of the week");
        Add("day_of_month", "day of the month");
        Add("month", "month");
        Add("departure_not_origin", "departure country differs from origin");
        Add("no_seller", "no seller given");
        Add("no_courier", "no courier given");
        Add("zero_mass", "net mass is zero");
        Add("zero_price", "item price is zero");
        return names;
    }

    public static int Count => Names.Count;

    /// <summary>Index of the feature counting the row's exact pair in training (0 = a new pair).</summary>
    public static int PairCountIndex { get; } = Names.ToList().IndexOf("pair_count");

    private readonly double _priorFraud;
    private readonly double _priorCritical;
    private readonly Dictionary<ulong, Stat>[] _tables;
    private readonly Dictionary<ulong, Norm>[] _vpk;
    private readonly Dictionary<ulong, Norm>[] _mass;
    private readonly Dictionary<ulong, Norm>[] _price;

    /// <summary>For scoring: each table's encoded features by key, the prior's where training never saw the key.</summary>
    private readonly KeyTable<Encoded>[] _encoded;

    /// <summary>For scoring: per norm level, the three sets' norms by group, so one look-up serves all three.</summary>
    private readonly KeyTable<Norms>[] _norms;

    private FeatureSpace(double priorFraud, double priorCritical, Dictionary<ulong, Stat>[] tables,
        Dictionary<ulong, Norm>[] vpk, Dictionary<ulong, Norm>[] mass, Dictionary<ulong, Norm>[] price)
    {
        _priorFraud = priorFraud;
        _priorCritical = priorCritical;
        _tables = tables;
        _vpk = vpk;
        _mass = mass;
        _price = price;
        _encoded = new KeyTable<Encoded>[tables.Length];
        for (var t = 0; t < tables.Length; t++)
        {
            var smoothing = Keys[t].Smoothing;
            // The expressions scoring used to evaluate per row: the same bits.
            Encoded Encode(Stat s) => new(
                (float)((s.Fraud + smoothing * _priorFraud) / (s.N + smoothing)),
                MathF.Log(1 + s.N),
                (float)((s.Critical + smoothing * _priorCritical) / (s.N + smoothing)));
            _encoded[t] = new KeyTable<Encoded>([.. tables[t].Select(kv => KeyValuePair.Create(kv.Key, Encode(kv.Value)))], Encode(default));
        }
        _norms = new KeyTable<Norms>[vpk.Length];
        for (var g = 0; g < vpk.Length; g++)
        {
            var level = g;
            Norm In(Dictionary<ulong, Norm>[] set, ulong key) => set[level].GetValueOrDefault(key);
            _norms[g] = new KeyTable<Norms>(
                [.. vpk[g].Keys.Union(mass[g].Keys).Union(price[g].Keys).Select(k => KeyValuePair.Create(k, new Norms(In(vpk, k), In(mass, k), In(price, k))))],
                default);
        }
    }

    /// <summary>Fits the statistics on labelled training rows.</summary>
    public static FeatureSpace Fit(IReadOnlyList<RiskDeclaration> rows)
    {
        var tables = new Dictionary<ulong, Stat>[Keys.Length];
        for (var t = 0; t < Keys.Length; t++)
            tables[t] = [];
        Span<ulong> keys = stackalloc ulong[Keys.Length];
        foreach (var r in rows)
        {
            KeysOf(r, keys);
            for (var t = 0; t < Keys.Length; t++)
            {
                ref var s = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(tables[t], keys[t], out _);
                s.N++;
                s.Fraud += r.Fraud ?? 0;
                s.Critical += r.IsCritical ? 1 : 0;
            }
        }
        var fraud = rows.Sum(r => r.Fraud ?? 0);
        var critical = rows.Count(r => r.IsCritical);
        return new FeatureSpace(
            (fraud + 1.0) / (rows.Count + 2.0), (critical + 1.0) / (rows.Count + 2.0), tables,
            FitNorms(rows, LogValuePerKg), FitNorms(rows, r => MathF.Log((float)r.NetMass + 0.01f)),
            FitNorms(rows, r => MathF.Log((float)r.ItemPrice + 1f)));
    }

    private static Dictionary<ulong, Norm>[] FitNorms(IReadOnlyList<RiskDeclaration> rows, Func<RiskDeclaration, float> value)
    {
        var result = new Dictionary<ulong, Norm>[NormLevels];
        var levels = new Dictionary<ulong, List<float>>[NormLevels];
        for (var g = 0; g < NormLevels; g++)
            levels[g] = [];
        Span<ulong> keys = stackalloc ulong[NormLevels];
        foreach (var r in rows)
        {
            if (r.NetMass <= 0 || r.ItemPrice <= 0)
                continue;
            NormKeysOf(r, keys);
            var v = value(r);
            for (var g = 0; g < NormLevels; g++)
            {
                if (!levels[g].TryGetValue(keys[g], out var list))
                    levels[g][keys[g]] = list = [];
                list.Add(v);
            }
        }
        for (var g = 0; g < NormLevels; g++)
        {
            var groups = levels[g];
            var norms = new Dictionary<ulong, Norm>(groups.Count);
            foreach (var (k, list) in groups)
            {
                list.Sort();
                var median = Median(list);
                var deviations = list.Select(v => MathF.Abs(v - median)).ToList();
                deviations.Sort();
                norms[k] = new Norm(median, Median(deviations), list.Count);
            }
            result[g] = norms;
        }
        return result;
    }

    private static float Median(List<float> sorted) =>
        sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    private static float LogValuePerKg(RiskDeclaration r) => MathF.Log((float)r.ItemPrice + 1f) - MathF.Log((float)r.NetMass + 0.01f);

    /// <summary>
    /// Features of training rows, each computed from the statistics of the other folds only (K-fold target
    /// encoding): the model learns what a look-up is worth on rows it has not seen, including pairs never seen.
    /// Folds are a seeded shuffle of the rows.
    /// </summary>
    public static float[][] OutOfFold(IReadOnlyList<RiskDeclaration> rows, int folds, int seed, bool groupByPair = false)
    {
        var fold = new int[rows.Count];
        var order = Enumerable.Range(0, rows.Count).ToArray();
        new Random(seed).Shuffle(order);
        if (groupByPair)
        {
            // Every copy of a pair in one fold: no row sees its own pair, as a new declaration would not.
            var pairFold = new Dictionary<ulong, int>();
            for (var i = 0; i < order.Length; i++)
            {
                var key = PairKey(rows[order[i]]);
                if (!pairFold.TryGetValue(key, out var f))
                    pairFold[key] = f = pairFold.Count % folds;
                fold[order[i]] = f;
            }
        }
        else
        {
            for (var i = 0; i < order.Length; i++)
                fold[order[i]] = i % folds;
        }
        var features = new float[rows.Count][];
        for (var f = 0; f < folds; f++)
        {
            var rest = new List<RiskDeclaration>(rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                if (fold[i] != f)
                    rest.Add(rows[i]);
            }
            var space = Fit(rest);
            for (var i = 0; i < rows.Count; i++)
            {
                if (fold[i] == f)
                {
                    features[i] = new float[Count];
                    space.Compute(rows[i], features[i]);
                }
            }
        }
        return features;
    }

    /// <summary>The key of a row's exact (net mass, item price) pair.</summary>
    public static ulong PairKey(RiskDeclaration r) => KeyHash.Add(KeyHash.Add(KeyHash.Start(1), r.NetMass), r.ItemPrice);

    /// <summary>True when the row's exact (net mass, item price) pair occurs in the training rows.</summary>
    public bool SeenPair(RiskDeclaration r) => _tables[0].ContainsKey(PairKey(r));

    /// <summary>Writes the row's features into <paramref name="x"/> (length <see cref="Count"/>).</summary>
    public void Compute(RiskDeclaration r, Span<float> x)
    {
        Span<ulong> keys = stackalloc ulong[Keys.Length];
        KeysOf(r, keys);
        var i = 0;
        for (var t = 0; t < Keys.Length; t++)
        {
            ref readonly var e = ref _encoded[t].Find(keys[t]);
            x[i++] = e.FraudRate;
            x[i++] = e.LogCount;
            if (Keys[t].Critical)
                x[i++] = e.CriticalRate;
        }
        Span<ulong> normKeys = stackalloc ulong[NormLevels];
        NormKeysOf(r, normKeys);
        Span<Norms> norms = stackalloc Norms[NormLevels];
        for (var g = 0; g < NormLevels; g++)
            norms[g] = _norms[g].Find(normKeys[g]);
        var logMass = MathF.Log((float)r.NetMass + 0.01f);
        var logPrice = MathF.Log((float)r.ItemPrice + 1f);
        var vpk = logPrice - logMass; // LogValuePerKg
        var valued = r.NetMass > 0 && r.ItemPrice > 0;
        var hs6 = NormOf(norms, NormHs6, n => n.ValuePerKg);
        x[i++] = valued ? vpk - NormOf(norms, NormHs6Origin, n => n.ValuePerKg).Median : 0;
        x[i++] = valued ? vpk - hs6.Median : 0;
        x[i++] = valued ? (vpk - hs6.Median) / MathF.Max(hs6.Spread, 0.1f) : 0;
        x[i++] = valued ? vpk - NormOf(norms, NormHs4, n => n.ValuePerKg).Median : 0;
        x[i++] = valued ? logMass - NormOf(norms, NormHs6, n => n.Mass).Median : 0;
        x[i++] = valued ? logPrice - NormOf(norms, NormHs6, n => n.Price).Median : 0;
        x[i++] = logMass;
        x[i++] = logPrice;
        x[i++] = vpk;
        x[i++] = (float)r.TaxRate;
        x[i++] = (int)r.Date.DayOfWeek;
        x[i++] = r.Date.Day;
        x[i++] = r.Date.Month;
        x[i++] = r.Departure != r.Origin ? 1 : 0;
        x[i++] = r.SellerId.Length == 0 ? 1 : 0;
        x[i++] = r.CourierId.Length == 0 ? 1 : 0;
        x[i++] = r.NetMass == 0 ? 1 : 0;
        x[i++] = r.ItemPrice == 0 ? 1 : 0;
    }

    /// <summary>The norm of the finest group from <paramref name="level"/> down with enough rows (else global).</summary>
    private static Norm NormOf(ReadOnlySpan<Norms> norms, int level, Func<Norms, Norm> set)
    {
        for (var g = level; g < norms.Length; g++)
        {
            var n = set(norms[g]);
            if (n.N >= MinNormRows || g == norms.Length - 1)
                return n;
        }
        return default;
    }

    // ---- persistence ----

    private const string Magic = "silkgate-risk-features";

    public void Write(BinaryWriter w)
    {
        w.Write(Magic);
        w.Write(Count);
        w.Write(_priorFraud);
        w.Write(_priorCritical);
        w.Write(_tables.Length);
        foreach (var table in _tables)
        {
            w.Write(table.Count);
            foreach (var (k, s) in table.OrderBy(kv => kv.Key))
            {
                w.Write(k);
                w.Write(s.N);
                w.Write(s.Fraud);
                w.Write(s.Critical);
            }
        }
        foreach (var set in new[] { _vpk, _mass, _price })
        {
            w.Write(set.Length);
            foreach (var norms in set)
            {
                w.Write(norms.Count);
                foreach (var (k, n) in norms.OrderBy(kv => kv.Key))
                {
                    w.Write(k);
                    w.Write(n.Median);
                    w.Write(n.Spread);
                    w.Write(n.N);
                }
            }
        }
    }

    private static int Length(BinaryReader r)
    {
        var n = r.ReadInt32();
        return n is >= 0 and <= 100_000_000 ? n : throw new InvalidDataException("a table length is out of range");
    }

    public static FeatureSpace Read(BinaryReader r)
    {
        if (r.ReadString() != Magic || r.ReadInt32() != Count)
            throw new InvalidDataException("feature tables do not match this version's features");
        var priorFraud = r.ReadDouble();
        var priorCritical = r.ReadDouble();
        var tableCount = r.ReadInt32();
        if (tableCount != Keys.Length)
            throw new InvalidDataException("feature tables do not match this version's features");
        var tables = new Dictionary<ulong, Stat>[tableCount];
        for (var t = 0; t < tableCount; t++)
        {
            var n = Length(r);
            var table = new Dictionary<ulong, Stat>(n);
            for (var j = 0; j < n; j++)
                table[r.ReadUInt64()] = new Stat { N = r.ReadInt32(), Fraud = r.ReadInt32(), Critical = r.ReadInt32() };
            tables[t] = table;
        }
        var sets = new Dictionary<ulong, Norm>[3][];
        for (var s = 0; s < 3; s++)
        {
            var levels = r.ReadInt32();
            if (levels != NormLevels)
                throw new InvalidDataException("norm tables do not match this version's features");
            sets[s] = new Dictionary<ulong, Norm>[levels];
            for (var g = 0; g < levels; g++)
            {
                var n = Length(r);
                var norms = new Dictionary<ulong, Norm>(n);
                for (var j = 0; j < n; j++)
                    norms[r.ReadUInt64()] = new Norm(r.ReadSingle(), r.ReadSingle(), r.ReadInt32());
                sets[s][g] = norms;
            }
        }
        return new FeatureSpace(priorFraud, priorCritical, tables, sets[0], sets[1], sets[2]);
    }
}
