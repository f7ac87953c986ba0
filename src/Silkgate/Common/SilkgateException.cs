namespace Silkgate.Common;

/// <summary>
/// A refusal with a stable code (for example SG-IMP-003) and a readable message. The CLI prints both and exits
/// non-zero; the HTTP edge maps them to RFC 9457 problem details.
/// </summary>
public class SilkgateException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;

    public override string ToString() => $"{Code}: {Message}";
}
