using System.Globalization;
using Silkgate.Declarations;

namespace Silkgate.Risk.Model;

/// <summary>
/// The trained model behind the lifecycle's risk lanes (<see cref="IRiskScorer"/>): maps a Silkgate declaration's
/// items onto the model's 22 columns (<see cref="Map"/>), scores each item and answers with the riskiest item's
/// percentile against the model's reference population and the features that raised its score, in words an
/// officer reads. Fields Silkgate does not have get <see cref="Unknown"/>, a code no training row carries: the model
/// treats them as never seen (the prior rate, a count of 0). Thread-safe; no I/O after <see cref="Load"/>.
/// </summary>
public sealed class ModelRiskScorer : IRiskScorer
{
    /// <summary>The code given to fields a Silkgate declaration does not carry (seller, importer, payment, ...).</summary>
    public const string Unknown = "?";

    /// <summary>KRW per CNY used to put CNY customs values on the scale of the model's item prices (KRW).</summary>
    public const decimal DefaultKrwPerCny = 190m;

    /// <summary>The prefix the KCS import mapping (data/mappings/kcs-synthetic.json) gives the customs office as port.</summary>
    public const string KcsPortPrefix = "KCS-";

    private readonly RiskModel _model;
    private readonly decimal _krwPerCny;
    private readonly int _top;

    /// <param name="model">The trained model.</param>
    /// <param name="krwPerCny">Scale from CNY customs values to the model's KRW prices (declarations in KRW keep their values).</param>
    /// <param name="top">How many contributing features to give as reasons.</param>
    public ModelRiskScorer(RiskModel model, decimal krwPerCny = DefaultKrwPerCny, int top = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(krwPerCny);
        _model = model;
        _krwPerCny = krwPerCny;
        _top = top;
        // At most 40 characters (the stored risk_model column): the format version, training date and seed.
        Name = string.Create(CultureInfo.InvariantCulture, $"risk-model-v{model.Info.FormatVersion}-{model.Info.TrainedAtUtc:yyyyMMdd}-s{model.Info.Seed}");
    }

    /// <summary>Loads a model file (refused with SG-RISK-008 / SG-RISK-009 when it is not one, or of another version).</summary>
    public static ModelRiskScorer Load(string path) => new(RiskModel.Load(path));

    public string Name { get; }

    public RiskModel Model => _model;

    /// <summary>The declaration's items as the model's rows (labels absent), in item order.</summary>
    public IReadOnlyList<RiskDeclaration> Map(RiskInput input)
    {
        var draft = input.Draft;
        var body = draft.Body;
        var krw = string.Equals(body.Currency, "KRW", StringComparison.OrdinalIgnoreCase);
        var office = body.Port.StartsWith(KcsPortPrefix, StringComparison.Ordinal) ? body.Port[KcsPortPrefix.Length..] : body.Port;
        var rows = new RiskDeclaration[body.Items.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var item = body.Items[i];
            var price = krw ? item.Value : (i < input.CustomsValuesCny.Count ? input.CustomsValuesCny[i] : item.Value) * _krwPerCny;
            rows[i] = new RiskDeclaration
            {
                DeclarationId = $"item-{i + 1}",
                Date = body.Date,
                OfficeId = office,
                ProcessType = Unknown,
                ImportType = Unknown,
                ImportUse = Unknown,
                PaymentType = Unknown,
                TransportMode = TransportCode(draft.TransportMode),
                DeclarantId = draft.Declarant,
                ImporterId = Unknown,
                SellerId = Unknown,
                // Silkgate's declarations are cargo, not express consignments: no courier, as in most training rows.
                CourierId = "",
                Hs6 = item.HsCode.Length > 6 ? item.HsCode[..6] : item.HsCode,
                Departure = body.Flow == Flow.Import ? draft.PartnerCountry ?? item.Origin : Unknown,
                Origin = item.Origin,
                TaxRate = input.DutyRatesPercent is { } rates && i < rates.Count ? (double)rates[i] : 0,
                TaxType = Unknown,
                OriginIndicator = Unknown,
                NetMass = (double)(item.NetMassKg ?? 0m),
                ItemPrice = (double)Math.Max(0m, price),
            };
        }
        return rows;
    }

    /// <summary>
    /// The model's mode-of-transport code: KCS codes (digits) pass through; sea is 10 and air 40 as in the training
    /// rows; any other mode (road, rail, pipeline) is <see cref="Unknown"/>.
    /// </summary>
    public static string TransportCode(string? mode) => mode?.Trim().ToLowerInvariant() switch
    {
        null or "" => Unknown,
        "sea" or "maritime" => "10",
        "air" => "40",
        { } m when m.All(char.IsAsciiDigit) => m,
        _ => Unknown,
    };

    public Silkgate.Risk.RiskScore Score(RiskInput input)
    {
        var rows = Map(input);
        if (rows.Count == 0)
            return new Silkgate.Risk.RiskScore(0m, ["no items to score"]);
        var scores = _model.Score(rows);
        var worst = 0;
        for (var i = 1; i < scores.Length; i++)
        {
            if (scores[i].Fraud > scores[worst].Fraud)
                worst = i;
        }
        var s = scores[worst];
        var row = rows[worst];
        var item = rows.Count > 1 ? $"item {worst + 1}: " : "";
        var pair = s.NovelPair ? "its mass and price match no training declaration" : "its mass and price repeat a training declaration";
        var reasons = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{item}fraud probability {s.Fraud:0.000} (HS {row.Hs6}, origin {row.Origin}); {pair}"),
        };
        // Fields the adapter set to Unknown move every Silkgate declaration alike: they are no reason to an officer.
        reasons.AddRange(_model.Explain(row, _top + UnknownFeatures.Count).Where(r => !UnknownFeatures.Contains(r.Feature)).Take(_top).Select(r => item + Describe(r)));
        return new Silkgate.Risk.RiskScore(Math.Round((decimal)s.Percentile, 4), reasons);
    }

    /// <summary>The features computed only from fields a Silkgate declaration does not carry (set to <see cref="Unknown"/>).</summary>
    public static IReadOnlySet<string> UnknownFeatures { get; } = FeatureSpace.Names
        .Where(n => n == "no_seller" || new[] { "importer", "seller", "declarant_importer", "importer_hs6", "payment", "tax_type", "origin_indicator", "import_type", "import_use", "process_type" }
            .Any(k => n == k + "_fraud_rate" || n == k + "_count" || n == k + "_critical_rate"))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>A contributing feature in words: what it is, its value in the unit an officer knows, how much it raised the score.</summary>
    public static string Describe(RiskReason reason)
    {
        var f = reason.Feature;
        var v = reason.Value;
        var meaning = reason.Meaning;
        string text;
        if (f.EndsWith("_fraud_rate", StringComparison.Ordinal) || f.EndsWith("_critical_rate", StringComparison.Ordinal))
            text = string.Create(CultureInfo.InvariantCulture, $"{meaning}: {v * 100:0.#} % in training");
        else if (f.EndsWith("_count", StringComparison.Ordinal))
            text = string.Create(CultureInfo.InvariantCulture, $"{meaning}: {Math.Round(Math.Exp(v) - 1):0} time(s)");
        else if (meaning.EndsWith(" (log ratio)", StringComparison.Ordinal))
            text = string.Create(CultureInfo.InvariantCulture, $"{meaning[..^" (log ratio)".Length]}: {Math.Exp(v):0.##} times the norm");
        else if (f == "log_net_mass")
            text = string.Create(CultureInfo.InvariantCulture, $"net mass {Math.Max(0, Math.Exp(v) - 0.01):0.##} kg");
        else if (f == "log_item_price")
            text = string.Create(CultureInfo.InvariantCulture, $"item price {Math.Max(0, Math.Exp(v) - 1):0} (model currency)");
        else if (f == "log_value_per_kg")
            text = string.Create(CultureInfo.InvariantCulture, $"value per kg {Math.Exp(v):0.##} (model currency)");
        else if (f == "tax_rate")
            text = string.Create(CultureInfo.InvariantCulture, $"duty rate {v:0.##} %");
        else if (f is "departure_not_origin" or "no_seller" or "no_courier" or "zero_mass" or "zero_price")
            text = v != 0 ? meaning : "not: " + meaning;
        else
            text = string.Create(CultureInfo.InvariantCulture, $"{meaning}: {v:0.###}");
        return string.Create(CultureInfo.InvariantCulture, $"{text} (raises the fraud log-odds by {reason.Contribution:0.00})");
    }
}
