namespace Silkgate.IntegrationTests.Support;

/// <summary>Small declaration files in a Kashgar-shaped format, with the mapping that reads them.</summary>
public static class SampleFiles
{
    public const string Header = "decl_id,enterprise,flow,decl_date,release_date,port,trade_mode,currency,freight,insurance,item,hs,partner,qty,unit,mass,value";

    public const string Mapping = """
        {
          "name": "kashgar-test",
          "source": "kashgar-test",
          "columns": {
            "external_id": "decl_id", "enterprise_id": "enterprise", "flow": "flow", "declaration_date": "decl_date",
            "release_date": "release_date", "port": "port", "trade_mode": "trade_mode", "currency": "currency",
            "freight": "freight", "insurance": "insurance", "item_no": "item", "hs_code": "hs", "partner_country": "partner",
            "quantity": "qty", "quantity_unit": "unit", "net_mass_kg": "mass", "value": "value"
          }
        }
        """;

    /// <summary>Good rows: two declarations of two items each (imports from KG and PK), one export to TJ.</summary>
    public static readonly string[] GoodRows =
    [
        "D1,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,120,15.5,1,2701120000,KG,20000,kg,20000,1000",
        "D1,E100,import,2023-06-05,2023-06-07,IRKESHTAM,0110,USD,120,15.5,2,0813100000,KG,500,kg,500,3000",
        "D2,E200,import,2023-07-03,2023-07-04,KHUNJERAB,0110,CNY,0,0,1,0804100000,PK,2000,kg,2000,8000.50",
        "D2,E200,import,2023-07-03,2023-07-04,KHUNJERAB,0110,CNY,0,0,2,0813100000,ZZ,10,kg,10,0",
        "D3,E100,export,2022-07-10,2022-07-11,KARASU,0110,CNY,50,5,1,6204620000,TJ,1000,unit,350,45000",
    ];

    public static (string Csv, string Mapping) Write(string folder, IEnumerable<string> rows, string name = "declarations.csv")
    {
        var csv = System.IO.Path.Combine(folder, name);
        File.WriteAllText(csv, Header + "\n" + string.Join("\n", rows) + "\n");
        var mapping = System.IO.Path.Combine(folder, "kashgar-test.json");
        File.WriteAllText(mapping, Mapping);
        return (csv, mapping);
    }
}
