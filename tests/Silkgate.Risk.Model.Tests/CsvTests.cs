using Silkgate.Common;

namespace Silkgate.Risk.Model.Tests;

/// <summary>The declarations CSV contract: columns by name, values parsed or refused with their place.</summary>
public class CsvTests
{
    private static SilkgateException Refusal(string csv, bool labels = true) =>
        Assert.Throws<SilkgateException>(() => RiskCsv.Read(new StringReader(csv), "in.csv", labels));

    [Fact]
    public void AllTwentyTwoColumnsAreRead()
    {
        var r = Sample.Rows(0, 1)[0];
        // 97061800,2020-01-01,30,B,11,21,11,10,ZZR1LT6,QLRUBN9,0VKY2BR,,440890,BE,BE,0.0,FEU1,G,108.0,372254.4,0,0
        Assert.Equal("97061800", r.DeclarationId);
        Assert.Equal(new DateOnly(2020, 1, 1), r.Date);
        Assert.Equal(("30", "B", "11", "21", "11", "10"), (r.OfficeId, r.ProcessType, r.ImportType, r.ImportUse, r.PaymentType, r.TransportMode));
        Assert.Equal(("ZZR1LT6", "QLRUBN9", "0VKY2BR", ""), (r.DeclarantId, r.ImporterId, r.SellerId, r.CourierId));
        Assert.Equal(("440890", "BE", "BE", "FEU1", "G"), (r.Hs6, r.Departure, r.Origin, r.TaxType, r.OriginIndicator));
        Assert.Equal((0.0, 108.0, 372254.4), (r.TaxRate, r.NetMass, r.ItemPrice));
        Assert.Equal((0, 0), (r.Fraud, r.CriticalFraud));
    }

    [Fact]
    public void CodesKeepTheirLeadingZeros()
    {
        var csv = Sample.MapColumn(Sample.Csv(0, 1), "HS6 Code", (_, _) => "071290");
        Assert.Equal("071290", RiskCsv.Read(new StringReader(csv), "in.csv", true)[0].Hs6);
    }

    [Fact]
    public void ColumnsMayComeInAnyOrder()
    {
        var lines = Sample.Csv(0, 3).TrimEnd('\n').Split('\n').Select(l => string.Join(',', l.Split(',').Reverse()));
        var reversed = RiskCsv.Read(new StringReader(string.Join('\n', lines)), "in.csv", true);
        Assert.Equal(Sample.Rows(0, 3), reversed);
    }

    [Fact]
    public void MissingColumnsAreNamed()
    {
        var e = Refusal(Sample.DropColumn(Sample.DropColumn(Sample.Csv(0, 3), "Net Mass"), "Importer ID"));
        Assert.Equal("SG-RISK-002", e.Code);
        Assert.Contains("'Net Mass'", e.Message);
        Assert.Contains("'Importer ID'", e.Message);
    }

    [Fact]
    public void ExtraColumnsAreNamed()
    {
        var lines = Sample.Csv(0, 3).TrimEnd('\n').Split('\n');
        var csv = string.Join('\n', lines.Select((l, i) => l + (i == 0 ? ",Freight" : ",12"))) + "\n";
        var e = Refusal(csv);
        Assert.Equal("SG-RISK-003", e.Code);
        Assert.Contains("'Freight'", e.Message);
    }

    [Fact]
    public void RepeatedColumnIsRefused()
    {
        var lines = Sample.Csv(0, 2).TrimEnd('\n').Split('\n');
        var csv = string.Join('\n', lines.Select((l, i) => l + (i == 0 ? ",Date" : ",2020-01-01")));
        var e = Refusal(csv);
        Assert.Equal("SG-RISK-003", e.Code);
        Assert.Contains("'Date' (repeated)", e.Message);
    }

    [Fact]
    public void UnparsableNumberNamesLineRowAndColumn()
    {
        var csv = Sample.MapColumn(Sample.Csv(0, 5), "Item Price", (i, v) => i == 2 ? "125x" : v);
        var e = Refusal(csv);
        Assert.Equal("SG-RISK-004", e.Code);
        Assert.Contains("line 4 (row 3)", e.Message);
        Assert.Contains("'Item Price'", e.Message);
        Assert.Contains("'125x'", e.Message);
    }

    [Fact]
    public void UnparsableDateNamesLineRowAndColumn()
    {
        var e = Refusal(Sample.MapColumn(Sample.Csv(0, 3), "Date", (i, v) => i == 0 ? "2020-02-30" : v));
        Assert.Equal("SG-RISK-004", e.Code);
        Assert.Contains("line 2 (row 1), column 'Date'", e.Message);
    }

    [Fact]
    public void NegativeMassIsRefused()
    {
        var e = Refusal(Sample.MapColumn(Sample.Csv(0, 3), "Net Mass", (i, v) => i == 1 ? "-3" : v));
        Assert.Equal("SG-RISK-004", e.Code);
        Assert.Contains("'Net Mass'", e.Message);
    }

    [Fact]
    public void LabelOutsideItsValuesIsRefused()
    {
        var e = Refusal(Sample.MapColumn(Sample.Csv(0, 3), "Critical Fraud", (i, v) => i == 0 ? "3" : v));
        Assert.Equal("SG-RISK-004", e.Code);
        Assert.Contains("'Critical Fraud'", e.Message);
    }

    [Fact]
    public void RowWithWrongFieldCountIsRefused()
    {
        var e = Refusal(Sample.Csv(0, 2) + "1,2,3\n");
        Assert.Equal("SG-RISK-005", e.Code);
        Assert.Contains("line 4 (row 3)", e.Message);
    }

    [Fact]
    public void EmptyFileIsRefused()
    {
        Assert.Equal("SG-RISK-001", Refusal("").Code);
    }

    [Fact]
    public void HeaderOnlyFileIsRefused()
    {
        Assert.Equal("SG-RISK-006", Refusal(Sample.Header + "\n").Code);
    }

    [Fact]
    public void LabelsAreRequiredForTrainingButNotForScoring()
    {
        var unlabelled = Sample.DropColumn(Sample.DropColumn(Sample.Csv(0, 3), "Fraud"), "Critical Fraud");
        Assert.Equal("SG-RISK-002", Refusal(unlabelled, labels: true).Code);
        var rows = RiskCsv.Read(new StringReader(unlabelled), "in.csv", requireLabels: false);
        Assert.All(rows, r => Assert.Null(r.Fraud));
    }

    [Fact]
    public void MissingFileIsRefused()
    {
        var e = Assert.Throws<SilkgateException>(() => RiskCsv.Read(Path.Combine(Sample.Scratch(), "none.csv"), true));
        Assert.Equal("SG-IO-001", e.Code);
    }
}
