using System.Text.RegularExpressions;
using Silkgate.IntegrationTests.Support;

namespace Silkgate.IntegrationTests.Cli;

public sealed partial class ErrorCodeTests
{
    [Fact]
    public void Every_error_code_used_in_the_source_is_documented()
    {
        var documented = File.ReadAllText(Repo.Path("docs", "errors.md"));
        var used = Directory.EnumerateFiles(Repo.Path("src"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => Code().Matches(File.ReadAllText(f)).Select(m => m.Value))
            .Distinct()
            .ToList();
        Assert.NotEmpty(used);
        Assert.All(used, code => Assert.Contains($"| {code} |", documented, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"SG-[A-Z]+-\d{3}")]
    private static partial Regex Code();
}
