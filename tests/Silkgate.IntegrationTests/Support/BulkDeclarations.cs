using System.Globalization;
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

    /// <summary>Released declarations A0, A1, … of one item each (<see cref="Released"/>).</summary>
    public static List<Declaration> Releases(int count) =>
        [.. Enumerable.Range(0, count).Select(n => Released("A" + n.ToString(CultureInfo.InvariantCulture), n))];

    /// <summary>A released import of one item: heading 1000 + n mod 4,000, released in one of three months by n / 4,000.</summary>
    public static Declaration Released(string id, int n)
    {
        var d = Lodged(id, items: 1);
        var heading = (1000 + (n % 4000)).ToString(CultureInfo.InvariantCulture);
        return d with
        {
            State = DeclarationState.Released,
            ReleaseDate = new DateOnly(2023, 1 + (n / 4000), 10),
            Items = [d.Items[0] with { HsCode = heading + "000000" }],
        };
    }
}
