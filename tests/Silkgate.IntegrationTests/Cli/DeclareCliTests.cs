using System.Text.Json;
using Silkgate.IntegrationTests.Support;

namespace Silkgate.IntegrationTests.Cli;

/// <summary>The clearance commands end to end: lodge, show, inspect, pay, release, cancel, list, audit verify.</summary>
public sealed class DeclareCliTests
{
    private const string Coal = """
        {"declarant":"E100","partner":"KG","transport_mode":"road","flow":"import","date":"2023-06-05","port":"KASHGAR_AIRPORT","trade_mode":"0110","currency":"CNY",
         "items":[{"hs_code":"2601110000","description":"iron ore","origin":"KG","value":20000,"quantity":10000,"unit":"kg","net_mass_kg":10000}]}
        """;

    private const string Apricots = """
        {"declarant":"E100","partner":"PK","flow":"import","date":"2023-06-05","port":"KHUNJERAB","trade_mode":"0110","currency":"CNY",
         "items":[{"hs_code":"0813100000","origin":"PK","value":1000,"quantity":2000,"unit":"kg","net_mass_kg":2000}]}
        """;

    private static string Write(string folder, string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static JsonElement Json(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.Error);
        return JsonDocument.Parse(r.Out).RootElement.Clone();
    }

    [Fact]
    public void A_declaration_is_lodged_inspected_paid_released_and_its_trail_verifies()
    {
        var folder = Repo.TempFolder();
        var db = Path.Combine(folder, "d.db");
        // Undervalued apricots: rule R001 sends them to physical inspection.
        var lodged = Json(CliRunner.Run("declare", "lodge", Write(folder, "a.json", Apricots), "--idempotency-key", "a1", "--format", "json", "--db", db));
        var id = lodged.GetProperty("declaration_id").GetString()!;
        Assert.Equal(("under_control", "red"), (lodged.GetProperty("state").GetString(), lodged.GetProperty("lane").GetString()));
        Assert.Contains(lodged.GetProperty("risk_reasons").EnumerateArray(), r => r.GetString()!.StartsWith("rule R001", StringComparison.Ordinal));

        var again = CliRunner.Run("declare", "lodge", Write(folder, "a.json", Apricots), "--idempotency-key", "a1", "--format", "json", "--db", db);
        Assert.Equal(id, Json(again).GetProperty("declaration_id").GetString());
        Assert.Contains("nothing new stored", again.Error, StringComparison.Ordinal);

        Assert.Equal(1, CliRunner.Run("declare", "release", id, "--as", "officer:wang", "--db", db).ExitCode);
        var inspected = CliRunner.Run("declare", "inspect", id, "--result", "discrepancy", "--corrected-value", "1=24000", "--as", "officer:wang", "--db", db);
        Assert.True(inspected.ExitCode == 0, inspected.Error);
        Assert.Contains("assessed", inspected.Out, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("declare", "pay", id, "--db", db).ExitCode);
        var released = CliRunner.Run("declare", "release", id, "--as", "officer:wang", "--db", db);
        Assert.Contains("released on", released.Out, StringComparison.Ordinal);

        var show = CliRunner.Run("declare", "show", id, "--db", db);
        Assert.Contains("version 2", show.Out, StringComparison.Ordinal);
        Assert.Contains("record_inspection", show.Out, StringComparison.Ordinal);
        var verify = CliRunner.Run("audit", "verify", "--db", db);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("audit trail intact", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Lodging_with_a_risk_model_and_an_inspection_share_stores_the_models_lane_and_reasons()
    {
        var folder = Repo.TempFolder();
        var db = Path.Combine(folder, "d.db");
        var model = RiskModels.SmallFile;
        // Everything to control: the lane follows the model percentile (red for the top third of the share, else yellow).
        var lodged = Json(CliRunner.Run("declare", "lodge", Write(folder, "c.json", Coal), "--risk-model", model, "--inspection-share", "1", "--format", "json", "--db", db));
        Assert.Equal("under_control", lodged.GetProperty("state").GetString());
        var percentile = lodged.GetProperty("risk_percentile").GetDecimal();
        Assert.Equal(percentile >= 2m / 3m ? "red" : "yellow", lodged.GetProperty("lane").GetString());
        var reasons = lodged.GetProperty("risk_reasons").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Matches(@"^risk-model-v\d+-\d{8}-s\d+: fraud probability 0\.\d{3} \(HS 260111, origin KG\)", reasons[0]);
        // Nothing to control by the model: green or blue, unless the random share picks it.
        var quiet = Json(CliRunner.Run("declare", "lodge", Write(folder, "c.json", Coal), "--risk-model", model, "--inspection-share", "0", "--format", "json", "--db", db));
        var drawn = quiet.GetProperty("risk_reasons").EnumerateArray().Any(r => r.GetString()!.StartsWith("random selection", StringComparison.Ordinal));
        Assert.Contains(quiet.GetProperty("lane").GetString(), drawn ? new[] { "red", "yellow" } : ["green", "blue"]);
        var bad = CliRunner.Run("declare", "lodge", Write(folder, "c.json", Coal), "--risk-model", model, "--inspection-share", "1.5", "--db", db);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("error SG-RISK-103", bad.Error, StringComparison.Ordinal);
        var notAModel = CliRunner.Run("declare", "lodge", Write(folder, "c.json", Coal), "--risk-model", Write(folder, "m.zip", "not a zip"), "--db", db);
        Assert.Contains("error SG-RISK-008", notAModel.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Roles_and_bad_input_are_refused_with_codes()
    {
        var folder = Repo.TempFolder();
        var db = Path.Combine(folder, "d.db");
        var lodged = Json(CliRunner.Run("declare", "lodge", Write(folder, "c.json", Coal), "--format", "json", "--db", db));
        var id = lodged.GetProperty("declaration_id").GetString()!;

        var stranger = CliRunner.Run("declare", "show", id, "--as", "declarant:E999", "--db", db);
        Assert.Equal(1, stranger.ExitCode);
        Assert.Contains("error SG-AUTH-001", stranger.Error, StringComparison.Ordinal);
        var selfRelease = CliRunner.Run("declare", "release", id, "--as", "declarant:E100", "--db", db);
        Assert.Contains("error SG-AUTH-002", selfRelease.Error, StringComparison.Ordinal);
        var stale = CliRunner.Run("declare", "pay", id, "--version", "7", "--db", db);
        Assert.Contains("error SG-DEC-104", stale.Error, StringComparison.Ordinal);
        var closed = CliRunner.Run("declare", "lodge", Write(folder, "w.json", Apricots.Replace("2023-06-05", "2023-12-15", StringComparison.Ordinal)), "--db", db);
        Assert.Contains("error SG-DEC-005", closed.Error, StringComparison.Ordinal);
        Assert.Contains("1 declaration(s)", CliRunner.Run("declare", "list", "--db", db).Out, StringComparison.Ordinal); // nothing stored by the refusal
    }
}
