using System.Text.Json;
using Silkgate.IntegrationTests.Support;

namespace Silkgate.IntegrationTests.Cli;

/// <summary>`tariff calc`, `tariff lookup` and `import schedule` end to end, on the shipped illustrative schedule.</summary>
public sealed class TariffCliTests
{
    private const string Example = """
        {"flow":"import","date":"2023-06-01","port":"KHUNJERAB","trade_mode":"0110","currency":"USD","freight":120.00,"insurance":15.50,
         "items":[{"hs_code":"0804100000","origin":"PK","value":1000.00,"quantity":2000,"unit":"kg","net_mass_kg":2000,"preference":"CPFTA","certificate_of_origin":"CO-123"},
                  {"hs_code":"2204210000","origin":"FR","value":300,"quantity":75,"unit":"l"}]}
        """;

    private static (string Folder, string Db) Setup() { var f = Repo.TempFolder(); return (f, Path.Combine(f, "t.db")); }

    private static string Write(string folder, string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Calc_prints_per_item_taxes_with_traces_and_declaration_totals_as_JSON()
    {
        var (folder, db) = Setup();
        var run = CliRunner.Run("tariff", "calc", Write(folder, "d.json", Example), "--format", "json", "--db", db);
        Assert.True(run.ExitCode == 0, run.Error);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        var items = root.GetProperty("items");
        Assert.Equal(2, items.GetArrayLength());
        var fruit = items[0];
        Assert.Equal("conventional", fruit.GetProperty("duty").GetProperty("trace").GetProperty("rate_kind").GetString());
        Assert.Equal("CPFTA", fruit.GetProperty("duty").GetProperty("trace").GetProperty("agreement").GetString());
        Assert.Equal(0m, fruit.GetProperty("duty").GetProperty("amount").GetDecimal());
        var cv = fruit.GetProperty("customs_value_cny").GetDecimal();
        Assert.Equal(Math.Round(cv * 0.09m, 2, MidpointRounding.AwayFromZero), fruit.GetProperty("vat").GetProperty("amount").GetDecimal());
        var rate = root.GetProperty("exchange_rate").GetProperty("cny_per_unit").GetDecimal();
        Assert.Equal(Math.Round((1000m + 120m * 1000m / 1300m + 15.50m * 1000m / 1300m) * rate, 0), Math.Round(cv, 0));
        var sum = items.EnumerateArray().Sum(i => i.GetProperty("duty").GetProperty("amount").GetDecimal() + i.GetProperty("consumption_tax").GetProperty("amount").GetDecimal() + i.GetProperty("vat").GetProperty("amount").GetDecimal());
        Assert.Equal(sum, root.GetProperty("tax_total").GetDecimal());
        Assert.Equal(root.GetProperty("duty_total").GetDecimal() + root.GetProperty("consumption_tax_total").GetDecimal() + root.GetProperty("vat_total").GetDecimal(), root.GetProperty("tax_total").GetDecimal());
    }

    [Fact]
    public void Calc_in_text_explains_every_amount()
    {
        var (folder, db) = Setup();
        var run = CliRunner.Run("tariff", "calc", Write(folder, "d.json", Example), "--db", db);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("conventional CPFTA", run.Out, StringComparison.Ordinal);
        Assert.Contains("MFN would be", run.Out, StringComparison.Ordinal);
        Assert.Contains("CT = (customs value + duty + specific) / (1 - rate) x rate + specific", run.Out, StringComparison.Ordinal);
        Assert.Contains("tax total:", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_JSON_is_reported_with_line_and_column()
    {
        var (folder, db) = Setup();
        var run = CliRunner.Run("tariff", "calc", Write(folder, "bad.json", "{\n  \"flow\": \"import\",\n  \"date\": 2023-06-01\n}"), "--db", db);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error SG-TAR-017", run.Error, StringComparison.Ordinal);
        Assert.Contains("line 3", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0804990000", "PK", "SG-TAR-010", "080410")]
    [InlineData("0804100000", "QQ", "SG-TAR-011", "QQ")]
    [InlineData("0101210000", "PK", "SG-TAR-014", "0101210000")]
    public void Bad_declarations_are_refused_with_a_coded_reason(string hs, string origin, string code, string mention)
    {
        var (folder, db) = Setup();
        var json = Example.Replace("0804100000", hs, StringComparison.Ordinal).Replace("\"PK\"", $"\"{origin}\"", StringComparison.Ordinal);
        var run = CliRunner.Run("tariff", "calc", Write(folder, "d.json", json), "--db", db);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error " + code, run.Error, StringComparison.Ordinal);
        Assert.Contains(mention, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_month_without_a_rate_is_refused_and_a_rates_file_supplies_it()
    {
        var (folder, db) = Setup();
        var json = Example.Replace("2023-06-01", "2025-03-01", StringComparison.Ordinal);
        var path = Write(folder, "d.json", json);
        var refused = CliRunner.Run("tariff", "calc", path, "--db", db);
        Assert.Contains("USD in 2025-03", refused.Error, StringComparison.Ordinal);
        var rates = Write(folder, "rates.csv", "month,currency,cny_per_unit\n2025-03,USD,7.1780\n");
        var ok = CliRunner.Run("tariff", "calc", path, "--rates", rates, "--format", "json", "--db", db);
        Assert.True(ok.ExitCode == 0, ok.Error);
        Assert.Contains("7.1780", ok.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void An_imported_schedule_replaces_the_stored_one_and_a_bad_one_changes_nothing()
    {
        var (folder, db) = Setup();
        const string header = "hs_code,measure,rate_kind,agreement,origins,ad_valorem_pct,specific_amount,specific_unit,valid_from,valid_to,certificate_required,note\n";
        var overlapping = Write(folder, "bad.csv", header + "0804,duty,mfn,,,15,,,2020-01-01,,false,\n0804,duty,mfn,,,12,,,2022-01-01,,false,\n0804,vat,standard,,,9,,,2020-01-01,,false,\n");
        var bad = CliRunner.Run("import", "schedule", overlapping, "--db", db);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("bad.csv:2 and bad.csv:3", bad.Error, StringComparison.Ordinal);
        var lookup = CliRunner.Run("tariff", "lookup", "0804100000", "--origin", "PK", "--date", "2023-06-01", "--db", db);
        Assert.Contains("CPFTA", lookup.Out, StringComparison.Ordinal); // still the shipped schedule

        var good = Write(folder, "good.csv", header + "0804,duty,mfn,,,7,,,2020-01-01,,false,\n0804,vat,standard,,,9,,,2020-01-01,,false,\n");
        Assert.Equal(0, CliRunner.Run("import", "schedule", good, "--db", db).ExitCode);
        var after = CliRunner.Run("tariff", "lookup", "0804100000", "--origin", "PK", "--date", "2023-06-01", "--db", db);
        Assert.DoesNotContain("CPFTA", after.Out, StringComparison.Ordinal);
        Assert.Contains("mfn 7% = 700.00 CNY", after.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Preferences_report_savings_and_unclaimed_preferences_over_several_declarations()
    {
        var (folder, db) = Setup();
        var file = Write(folder, "many.json", """
            [
             {"flow":"import","date":"2023-06-01","port":"KHUNJERAB","trade_mode":"0110","currency":"CNY","items":[{"hs_code":"0813100000","origin":"PK","value":10000,"preference":"CPFTA","certificate_of_origin":"CO-1"}]},
             {"flow":"import","date":"2023-06-02","port":"KHUNJERAB","trade_mode":"0110","currency":"CNY","items":[{"hs_code":"0813100000","origin":"PK","value":20000}]}
            ]
            """);
        var run = CliRunner.Run("tariff", "preferences", file, "--format", "csv", "--db", db);
        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("kind,preference,origin,port,items,duty_paid,duty_at_mfn_or_with_preference,amount", lines[0]);
        Assert.Contains("saving,CPFTA,PK,KHUNJERAB,1,500.00,2500.00,2000.00", lines);
        Assert.Contains("unclaimed,CPFTA,PK,KHUNJERAB,1,3000.00,1000.00,2000.00", lines);
    }
}
