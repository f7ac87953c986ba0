using System.Globalization;
using System.Text;
using Silkgate.Common;
using Silkgate.Declarations;
using Silkgate.Reference;
using Silkgate.Storage.Reference;

namespace Silkgate.Bench;

/// <summary>One generated declaration, before it becomes CSV rows or a domain <see cref="Declaration"/>.</summary>
internal sealed record GenDeclaration(
    string Id, string Enterprise, bool Export, DateOnly DeclarationDate, DateOnly ReleaseDate, string Port,
    string TradeMode, string Currency, decimal Freight, decimal Insurance, GenItem[] Items);

internal readonly record struct GenItem(string Hs, string Partner, decimal Quantity, string Unit, decimal MassKg, decimal Value);

/// <summary>
/// Deterministic (seeded) generator of Kashgar-like declarations in the format of the integration tests'
/// SampleFiles: declarations of 1–8 items released 2013–2023 at the five Kashgar ports, trade modes
/// 0110/4019/9610/1210, about a hundred real partner countries weighted towards the neighbours, real HS 2022
/// subheadings, imports and exports, positive values and masses. Rows of one declaration are consecutive.
/// </summary>
internal sealed class KashgarGenerator
{
    public const string Source = "kashgar-bench";

    /// <summary>The header of tests/Silkgate.IntegrationTests/Support/SampleFiles.cs.</summary>
    public const string Header = "decl_id,enterprise,flow,decl_date,release_date,port,trade_mode,currency,freight,insurance,item,hs,partner,qty,unit,mass,value";

    /// <summary>The mapping of SampleFiles, with its own name and source.</summary>
    public const string MappingJson = """
        {
          "name": "kashgar-bench",
          "source": "kashgar-bench",
          "columns": {
            "external_id": "decl_id", "enterprise_id": "enterprise", "flow": "flow", "declaration_date": "decl_date",
            "release_date": "release_date", "port": "port", "trade_mode": "trade_mode", "currency": "currency",
            "freight": "freight", "insurance": "insurance", "item_no": "item", "hs_code": "hs", "partner_country": "partner",
            "quantity": "qty", "quantity_unit": "unit", "net_mass_kg": "mass", "value": "value"
          }
        }
        """;

    // Partner weights: the neighbours dominate Kashgar's trade; the rest is a long tail of real ISO codes.
    private const string PartnerWeights =
        "KG:220 KZ:90 TJ:80 PK:80 UZ:60 RU:50 AF:25 TM:15 TR:20 IN:10 MN:8 AZ:8 GE:6 AM:4 BY:6 UA:6 IR:10 AE:12 SA:6 " +
        "DE:10 FR:5 IT:5 ES:4 NL:4 BE:3 AT:2 PL:4 CZ:2 HU:2 RO:2 BG:1 GR:1 PT:1 SE:2 FI:1 DK:1 NO:1 IE:1 GB:5 CH:2 " +
        "US:10 CA:2 MX:1 BR:2 AR:1 CL:1 PE:1 CO:1 JP:8 KR:10 VN:5 TH:4 MY:4 SG:3 ID:3 PH:2 MM:2 KH:1 LA:1 BD:3 LK:1 " +
        "NP:2 AU:3 NZ:1 EG:2 MA:1 DZ:1 TN:1 NG:1 KE:1 ET:1 TZ:1 ZA:2 GH:1 SN:1 AO:1 IQ:2 JO:1 LB:1 SY:1 IL:1 KW:1 " +
        "QA:1 OM:1 BH:1 YE:1 LV:1 LT:1 EE:1 SK:1 SI:1 HR:1 RS:1 MD:1 HK:3 MO:1";

    // Currencies with customs rates in data/rates (2013-01..2023-12); CNY needs no rate.
    private static readonly Dictionary<string, string> LocalCurrency = new(StringComparer.Ordinal)
    {
        ["KG"] = "KGS", ["KZ"] = "KZT", ["TJ"] = "TJS", ["UZ"] = "UZS", ["TM"] = "TMT", ["PK"] = "PKR", ["AF"] = "AFN",
        ["IN"] = "INR", ["KR"] = "KRW", ["DE"] = "EUR", ["FR"] = "EUR", ["IT"] = "EUR", ["ES"] = "EUR", ["NL"] = "EUR",
        ["BE"] = "EUR", ["AT"] = "EUR", ["PT"] = "EUR", ["GR"] = "EUR", ["FI"] = "EUR", ["IE"] = "EUR",
    };

    // Rough units of each currency per CNY, so that amounts look plausible in their currency.
    private static readonly Dictionary<string, decimal> PerCny = new(StringComparer.Ordinal)
    {
        ["CNY"] = 1m, ["USD"] = 0.14m, ["EUR"] = 0.13m, ["KGS"] = 12m, ["KZT"] = 60m, ["TJS"] = 1.5m, ["UZS"] = 1600m,
        ["TMT"] = 0.5m, ["PKR"] = 35m, ["AFN"] = 11m, ["INR"] = 11.5m, ["KRW"] = 180m,
    };

    private static readonly int[] ItemCountWeights = [30, 20, 15, 10, 8, 7, 5, 5];

    private static readonly DateOnly First = new(2013, 1, 1);
    private static readonly DateOnly Last = new(2023, 12, 31);

    private readonly string[] _partners;
    private readonly double[] _partnerCumulative;
    private readonly string[] _hsCodes;
    private readonly int _seed;

    private KashgarGenerator(string[] partners, double[] cumulative, string[] hsCodes, int seed)
    {
        _partners = partners;
        _partnerCumulative = cumulative;
        _hsCodes = hsCodes;
        _seed = seed;
    }

    public int PartnerCount => _partners.Length;

    public int HsCount => _hsCodes.Length;

    /// <summary>
    /// Builds the generator from the shipped reference files: the HS codes are every k-th HS 2022 subheading
    /// (level 6, not chapter 99), about <paramref name="hsCodes"/> of them; every partner code is checked against
    /// the ISO 3166 list.
    /// </summary>
    public static KashgarGenerator Create(int seed, int hsCodes = 400)
    {
        using var hsReader = new StringReader(ReferenceStore.ReadShipped("data/reference/hs2022.csv"));
        var subheadings = CsvFiles.Read(hsReader, "hs2022.csv", "hscode", "level")
            .Where(r => r["level"] == "6" && !r["hscode"].StartsWith("99", StringComparison.Ordinal))
            .Select(r => r["hscode"])
            .ToList();
        var step = Math.Max(1, subheadings.Count / hsCodes);
        var hs = subheadings.Where((_, i) => i % step == 0).Select(c => c + "0000").ToArray();

        using var countryReader = new StringReader(ReferenceStore.ReadShipped("data/reference/country-codes.csv"));
        var iso = CsvFiles.Read(countryReader, "country-codes.csv", "ISO3166-1-Alpha-2")
            .Select(r => r["ISO3166-1-Alpha-2"]).ToHashSet(StringComparer.Ordinal);
        var pairs = PartnerWeights.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(':'))
            .Select(p => (Code: p[0], Weight: double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();
        var unknown = pairs.Where(p => !iso.Contains(p.Code)).Select(p => p.Code).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException($"generator partners not in ISO 3166: {string.Join(", ", unknown)}");
        var cumulative = new double[pairs.Count];
        double sum = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            sum += pairs[i].Weight;
            cumulative[i] = sum;
        }
        for (var i = 0; i < cumulative.Length; i++)
            cumulative[i] /= sum;
        return new KashgarGenerator(pairs.Select(p => p.Code).ToArray(), cumulative, hs, seed);
    }

    /// <summary>The declarations of a file of exactly <paramref name="items"/> items (the last one may be cut short). Same seed, same stream.</summary>
    public IEnumerable<GenDeclaration> Declarations(long items)
    {
#pragma warning disable CA5394 // Deterministic test data, not security.
        var random = new Random(_seed);
        long produced = 0, sequence = 0;
        var days = Last.DayNumber - First.DayNumber + 1;
        while (produced < items)
        {
            sequence++;
            var export = random.NextDouble() < 0.72;
            var mode = PickMode(random, export);
            var ecommerce = mode is "9610" or "1210";
            var count = ecommerce ? 1 + random.Next(2) : PickItemCount(random);
            count = (int)Math.Min(count, items - produced);
            var declared = DateOnly.FromDayNumber(First.DayNumber + random.Next(days));
            var released = declared.AddDays(random.Next(4));
            if (released > Last)
                released = Last;
            var partner = PickPartner(random);
            var port = PickPort(random, partner, declared.Month);
            var currency = PickCurrency(random, partner);
            var factor = PerCny[currency];
            var list = new GenItem[count];
            decimal total = 0;
            for (var k = 0; k < count; k++)
            {
                var itemPartner = random.NextDouble() < 0.9 ? partner : PickPartner(random);
                var hs = _hsCodes[random.Next(_hsCodes.Length)];
                var mass = Math.Max(0.001m, Math.Round((decimal)LogNormal(random, ecommerce ? 0.5 : 5.5, 1.4), 3));
                var value = Math.Max(1m, Math.Round((decimal)LogNormal(random, ecommerce ? 5.5 : 9.0, 1.5) * factor, 2));
                var chapter = hs[..2];
                var (quantity, unit) = chapter switch
                {
                    "64" => ((decimal)(1 + random.Next(2000)), "pair"),
                    "61" or "62" or "84" or "85" or "87" or "94" or "95" => ((decimal)(1 + random.Next(500)), "unit"),
                    _ => (mass, "kg"),
                };
                list[k] = new GenItem(hs, itemPartner, quantity, unit, mass, value);
                total += value;
            }
            // Imports pay freight and insurance to the border (allocated by value); exports are FOB.
            var freight = !export && random.NextDouble() < 0.7 ? Math.Round(total * 0.03m, 2) : 0m;
            var insurance = freight > 0 ? Math.Round(total * 0.003m, 2) : 0m;
            var id = string.Create(CultureInfo.InvariantCulture, $"8004{declared.Year}{sequence:D10}");
            var enterprise = string.Create(CultureInfo.InvariantCulture, $"91653100{random.Next(5000):D4}MA7X{random.Next(100):D2}");
            yield return new GenDeclaration(id, enterprise, export, declared, released, port, mode, currency, freight, insurance, list);
            produced += count;
        }
#pragma warning restore CA5394
    }

    /// <summary>Writes the CSV (header and one row per item) and returns its size in bytes.</summary>
    public long WriteCsv(string path, long items)
    {
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20))
        {
            writer.NewLine = "\n";
            writer.WriteLine(Header);
            var line = new StringBuilder(256);
            foreach (var d in Declarations(items))
            {
                for (var k = 0; k < d.Items.Length; k++)
                {
                    var i = d.Items[k];
                    line.Clear();
                    line.Append(CultureInfo.InvariantCulture,
                        $"{d.Id},{d.Enterprise},{(d.Export ? "export" : "import")},{d.DeclarationDate:yyyy-MM-dd},{d.ReleaseDate:yyyy-MM-dd},{d.Port},{d.TradeMode},{d.Currency},{d.Freight},{d.Insurance},{k + 1},{i.Hs},{i.Partner},{i.Quantity},{i.Unit},{i.MassKg},{i.Value}");
                    writer.WriteLine(line);
                }
            }
        }
        return new FileInfo(path).Length;
    }

    /// <summary>The domain declaration the importer builds from these rows (same statistical values, same flags).</summary>
    public static Declaration ToDeclaration(GenDeclaration g, ReferenceData reference)
    {
        var mode = reference.TradeMode(g.TradeMode) ?? throw new InvalidOperationException($"unknown trade mode {g.TradeMode}");
        var rate = reference.Rates.Rate(YearMonth.Of(g.DeclarationDate), g.Currency);
        var flow = g.Export ? Flow.Export : Flow.Import;
        var statistical = StatisticalValue.InCny(flow, g.Items.Select(i => i.Value).ToList(), g.Freight, g.Insurance, rate);
        return new Declaration
        {
            EnterpriseId = g.Enterprise,
            Source = Source,
            ExternalId = g.Id,
            Flow = flow,
            State = DeclarationState.Released,
            DeclarationDate = g.DeclarationDate,
            ReleaseDate = g.ReleaseDate,
            Port = g.Port,
            TradeMode = g.TradeMode,
            Currency = g.Currency,
            Freight = g.Freight,
            Insurance = g.Insurance,
            InZone = mode.InZone,
            Ecommerce = mode.Ecommerce,
            Items = g.Items.Select((i, k) => new DeclarationItem
            {
                ItemNo = k + 1,
                HsCode = i.Hs,
                PartnerCountry = i.Partner,
                Quantity = i.Quantity,
                QuantityUnit = i.Unit,
                NetMassKg = i.MassKg,
                ValueOriginal = i.Value,
                StatisticalValueCny = statistical[k],
            }).ToList(),
        };
    }

    /// <summary>Domain declarations in batches of at least <paramref name="batchItems"/> items, like the importer's.</summary>
    public IEnumerable<List<Declaration>> Batches(long items, ReferenceData reference, int batchItems)
    {
        var batch = new List<Declaration>();
        var count = 0;
        foreach (var g in Declarations(items))
        {
            batch.Add(ToDeclaration(g, reference));
            count += g.Items.Length;
            if (count >= batchItems)
            {
                yield return batch;
                batch = [];
                count = 0;
            }
        }
        if (batch.Count > 0)
            yield return batch;
    }

#pragma warning disable CA5394 // Deterministic test data, not security.
    private string PickPartner(Random random)
    {
        var x = random.NextDouble();
        var i = Array.BinarySearch(_partnerCumulative, x);
        return _partners[Math.Min(i < 0 ? ~i : i, _partners.Length - 1)];
    }

    private static int PickItemCount(Random random)
    {
        var x = random.Next(ItemCountWeights.Sum());
        for (var i = 0; i < ItemCountWeights.Length; i++)
        {
            x -= ItemCountWeights[i];
            if (x < 0)
                return i + 1;
        }
        return ItemCountWeights.Length;
    }

    private static string PickMode(Random random, bool export)
    {
        var x = random.NextDouble();
        return export
            ? x < 0.50 ? "0110" : x < 0.85 ? "4019" : "9610"
            : x < 0.55 ? "0110" : x < 0.85 ? "4019" : x < 0.90 ? "9610" : "1210";
    }

    /// <summary>The road port towards the partner (Khunjerab is closed December to March), else mostly the airport.</summary>
    private static string PickPort(Random random, string partner, int month)
    {
        var x = random.NextDouble();
        return partner switch
        {
            "KG" => x < 0.6 ? "IRKESHTAM" : "TORUGART",
            "TJ" => "KARASU",
            "PK" or "AF" when month is >= 4 and <= 11 => "KHUNJERAB",
            "KZ" or "UZ" or "TM" or "RU" => x < 0.5 ? "IRKESHTAM" : x < 0.8 ? "TORUGART" : "KASHGAR_AIRPORT",
            _ => x < 0.6 ? "KASHGAR_AIRPORT" : x < 0.8 ? "IRKESHTAM" : "TORUGART",
        };
    }

    private static string PickCurrency(Random random, string partner)
    {
        var x = random.NextDouble();
        if (x < 0.45)
            return "CNY";
        if (x < 0.80)
            return "USD";
        return LocalCurrency.TryGetValue(partner, out var local) ? local : x < 0.9 ? "EUR" : "USD";
    }

    private static double LogNormal(Random random, double mu, double sigma)
    {
        // Box–Muller.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        return Math.Exp(mu + (sigma * z));
    }
#pragma warning restore CA5394
}
