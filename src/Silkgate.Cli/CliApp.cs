using System.CommandLine;
using System.CommandLine.Help;
using Silkgate.Cli.Commands;
using Silkgate.Common;
using Silkgate.Storage;
using Spectre.Console;

namespace Silkgate.Cli;

/// <summary>
/// The `silkgate` command: one route per capability (Commands/*). Every refusal is a coded message on standard
/// error and a non-zero exit: 1 for bad input or a refused operation, 70 for an unexpected failure.
/// </summary>
public static class CliApp
{
    public const int Refused = 1;
    public const int Unexpected = 70;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider? clock = null)
    {
        var context = new CliContext(stdout, stderr, clock ?? TimeProvider.System);
        // A named root (not RootCommand, which takes the assembly name) so that help shows `silkgate`.
        var root = new Command("silkgate", "Silkgate: customs declarations, tariff, ports, bonded zone and trade statistics for the Kashgar land gateway.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        foreach (var command in new[]
                 {
                     DemoCommand.Build(context), ImportCommands.Build(context), ExportCommands.Build(context),
                     StatsCommands.Build(context), ReferenceCommands.Build(context), TariffCommands.Build(context),
                     DeclareCommands.Build(context), DeclareCommands.Audit(context), RiskCommands.Build(context),
                     BulletinCommand.Build(context),
                 })
            root.Subcommands.Add(command);
        var parse = root.Parse(args);
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (SilkgateException e)
        {
            stderr.WriteLine($"error {e.Code}: {e.Message}");
            return Refused;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error SG-IO-002: {e.Message}");
            return Refused;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error SG-INT-001: unexpected failure: {e.Message}");
            stderr.WriteLine(e.ToString());
            return Unexpected;
        }
    }
}

/// <summary>What every command needs: where to write, the clock, and the shared --db option.</summary>
public sealed class CliContext(TextWriter stdout, TextWriter stderr, TimeProvider clock)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public TimeProvider Clock { get; } = clock;

    /// <summary>Tables for people, written to standard output; plain text when output is redirected.</summary>
    public IAnsiConsole Console { get; } = CreateConsole(stdout);

    private static IAnsiConsole CreateConsole(TextWriter stdout)
    {
        var terminal = ReferenceEquals(stdout, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        // Redirected output has no terminal width: do not wrap lines at 80 columns.
        if (!terminal)
            console.Profile.Width = 200;
        return console;
    }

    /// <summary>Progress bars go to the terminal only: never into redirected output or tests.</summary>
    public bool ShowProgress => ReferenceEquals(Error, System.Console.Error) && !System.Console.IsErrorRedirected;

    public static Option<string?> DbOption() => new("--db")
    {
        Description = $"SQLite file path, or a PostgreSQL connection string (Host=...;Database=...). Default: $SILKGATE_DB, else {Database.DefaultLocation}",
    };

    public static Database Db(ParseResult parse, Option<string?> option) => Database.Resolve(parse.GetValue(option));
}
