using Silkgate.Cli;

namespace Silkgate.IntegrationTests.Support;

/// <summary>Runs the `silkgate` command in-process, capturing what it prints.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    private static readonly Lock Gate = new();

    public static Result Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code;
        // System.CommandLine's help writes through the configured writer; keep runs from interleaving.
        lock (Gate)
            code = CliApp.Run(args, stdout, stderr, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero)));
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
