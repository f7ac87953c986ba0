namespace Silkgate.Risk.Model;

/// <summary>
/// One declaration item as the risk model sees it: the 22 columns of the customs declarations format
/// (data/README.md). Codes are kept as strings (leading zeros matter). <see cref="Fraud"/> and
/// <see cref="CriticalFraud"/> are the labels: present for training and evaluation, absent when scoring.
/// </summary>
public sealed record RiskDeclaration
{
    public required string DeclarationId { get; init; }

    public DateOnly Date { get; init; }

    public string OfficeId { get; init; } = "";

    public string ProcessType { get; init; } = "";

    public string ImportType { get; init; } = "";

    public string ImportUse { get; init; } = "";

    public string PaymentType { get; init; } = "";

    public string TransportMode { get; init; } = "";

    public string DeclarantId { get; init; } = "";

    public string ImporterId { get; init; } = "";

    public string SellerId { get; init; } = "";

    public string CourierId { get; init; } = "";

    public string Hs6 { get; init; } = "";

    public string Departure { get; init; } = "";

    public string Origin { get; init; } = "";

    /// <summary>Tariff rate in percent.</summary>
    public double TaxRate { get; init; }

    public string TaxType { get; init; } = "";

    public string OriginIndicator { get; init; } = "";

    /// <summary>Net mass, kg.</summary>
    public double NetMass { get; init; }

    /// <summary>Item price (the data's currency; KRW for the KCS files).</summary>
    public double ItemPrice { get; init; }

    /// <summary>0 or 1; null when the row carries no label.</summary>
    public int? Fraud { get; init; }

    /// <summary>0 none, 1 fraud, 2 critical fraud; null when the row carries no label.</summary>
    public int? CriticalFraud { get; init; }

    /// <summary>True for critical fraud (<see cref="CriticalFraud"/> = 2).</summary>
    public bool IsCritical => CriticalFraud == 2;
}
