using Silkgate.Common;
using Silkgate.Statistics;

namespace Silkgate.Tests.Statistics;

public sealed class StatsQueryTests
{
    [Fact]
    public void A_full_query_parses()
    {
        var q = StatsQuery.Parse("trade_value", "partner, month", "2023-01", "2023-07", "group:CA5", "import", "USD");
        Assert.Equal(StatsMeasure.TradeValue, q.Measure);
        Assert.Equal([StatsDimension.Partner, StatsDimension.Month], q.Dimensions);
        Assert.Equal(new StatsScope(ScopeKind.Group, "CA5"), q.Scope);
        Assert.Equal(StatsFlow.Import, q.Flow);
        Assert.Equal("USD", q.Currency);
    }

    [Fact]
    public void Defaults_are_prefecture_total_CNY_and_no_dimensions()
    {
        var q = StatsQuery.Parse("partner_count", "", "2023-01", "2023-07", null, null, null);
        Assert.Empty(q.Dimensions);
        Assert.Equal(StatsScope.Prefecture, q.Scope);
        Assert.Equal(StatsFlow.Total, q.Flow);
        Assert.Equal("CNY", q.Currency);
    }

    [Theory]
    [InlineData("volume", "", "2023-01", "2023-02", null, null, null, "SG-STAT-001")]
    [InlineData("trade_value", "country", "2023-01", "2023-02", null, null, null, "SG-STAT-002")]
    [InlineData("trade_value", "month,month", "2023-01", "2023-02", null, null, null, "SG-STAT-002")]
    [InlineData("trade_value", "", "2023-01", "2023-02", "city:Kashgar", null, null, "SG-STAT-003")]
    [InlineData("trade_value", "", "2023-01", "2023-02", null, "transit", null, "SG-STAT-004")]
    [InlineData("trade_value", "", "2023-01", "2023-02", null, null, "EUR", "SG-STAT-005")]
    [InlineData("trade_value", "", "2023-03", "2023-02", null, null, null, "SG-STAT-006")]
    [InlineData("trade_value", "", "2023-3", "2023-04", null, null, null, "SG-ARG-001")]
    public void Bad_queries_are_refused_with_a_code(string m, string by, string from, string to, string? scope, string? flow, string? cur, string code)
    {
        var e = Assert.Throws<SilkgateException>(() => StatsQuery.Parse(m, by, from, to, scope, flow, cur));
        Assert.Equal(code, e.Code);
    }

    [Theory]
    [InlineData("prefecture")]
    [InlineData("zone")]
    [InlineData("group:BRI")]
    [InlineData("port:IRKESHTAM")]
    public void Scopes_print_as_they_parse(string text) =>
        Assert.Equal(text, StatsScope.Parse(text).ToString());
}
