using Silkgate.Declarations;

namespace Silkgate.IntegrationTests.Support;

/// <summary>Lodged declarations of source "bulk" for tests that write straight through DeclarationWriter.</summary>
public static class BulkDeclarations
{
    /// <summary>An import at Irkeshtam on 2023-06-05 with <paramref name="items"/> items of iron ore from KG (100 CNY × item number).</summary>
    public static Declaration Lodged(string id, string enterprise = "E1", int items = 0) => new()
    {
        EnterpriseId = enterprise,
        Source = "bulk",
        ExternalId = id,
        Flow = Flow.Import,
        State = DeclarationState.Lodged,
        DeclarationDate = new DateOnly(2023, 6, 5),
        Port = "IRKESHTAM",
        TradeMode = "0110",
        Currency = "CNY",
        Items = [.. Enumerable.Range(1, items).Select(n => new DeclarationItem
        {
            ItemNo = n,
            HsCode = "2601110000",
            PartnerCountry = "KG",
            NetMassKg = 1000m,
            ValueOriginal = 100m * n,
            StatisticalValueCny = 100m * n,
        })],
    };
}
