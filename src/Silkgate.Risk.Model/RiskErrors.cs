namespace Silkgate.Risk.Model;

/// <summary>The risk model's refusal codes (docs/errors.md).</summary>
public static class RiskErrors
{
    /// <summary>A declarations CSV is empty: not even a header row.</summary>
    public const string EmptyFile = "SG-RISK-001";

    /// <summary>The header lacks required columns (named).</summary>
    public const string MissingColumns = "SG-RISK-002";

    /// <summary>The header has columns that are not in the format, or a column twice (named).</summary>
    public const string ExtraColumns = "SG-RISK-003";

    /// <summary>A value cannot be parsed (line, row and column named).</summary>
    public const string BadValue = "SG-RISK-004";

    /// <summary>A row has more or fewer fields than the header.</summary>
    public const string FieldCount = "SG-RISK-005";

    /// <summary>A file has a header but no data rows.</summary>
    public const string NoRows = "SG-RISK-006";

    /// <summary>Training data cannot train a model (too few rows, or a single class).</summary>
    public const string CannotTrain = "SG-RISK-007";

    /// <summary>The model file is not a Silkgate risk model, or is damaged.</summary>
    public const string BadModel = "SG-RISK-008";

    /// <summary>The model file was written by another model format version.</summary>
    public const string ModelVersion = "SG-RISK-009";

    /// <summary>An option value is out of range.</summary>
    public const string BadOption = "SG-RISK-010";
}
