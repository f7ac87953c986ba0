using FluentMigrator;

namespace Silkgate.Storage.Migrations;

/// <summary>
/// Version 4: the monthly statistics cube (docs/statistics.md). One row per cell of released items: release month,
/// flow, partner country, port, trade mode, zone and e-commerce flags, HS heading; measures are exact integer sums
/// (value in fen, mass in grams, items) and two declaration counts, each declaration counted once at the cell of
/// its lowest item number (<c>declarations</c>) and once per partner country at the cell of its lowest item number
/// with that partner (<c>partner_declarations</c>). Kept up to date in the transaction that releases items;
/// <c>CubeMaintainer.Recompute</c> rebuilds it from the items. Filled here from the items already stored.
/// </summary>
[Migration(4, "monthly statistics cube")]
public sealed class M0004_StatsCube : Migration
{
    public override void Up()
    {
        Create.Table("stats_cube")
            .WithColumn("release_month").AsInt32().NotNullable()
            .WithColumn("flow").AsString(6).NotNullable()
            .WithColumn("partner_country").AsString(2).NotNullable()
            .WithColumn("port").AsString(40).NotNullable()
            .WithColumn("trade_mode").AsString(4).NotNullable()
            .WithColumn("in_zone").AsBoolean().NotNullable()
            .WithColumn("ecommerce").AsBoolean().NotNullable()
            .WithColumn("hs4").AsString(4).NotNullable()
            .WithColumn("value_fen").AsInt64().NotNullable()
            .WithColumn("mass_g").AsInt64().NotNullable()
            .WithColumn("items").AsInt64().NotNullable()
            .WithColumn("declarations").AsInt64().NotNullable()
            .WithColumn("partner_declarations").AsInt64().NotNullable();
        // The key; ON CONFLICT of the incremental upsert names exactly these columns.
        Create.Index("ux_stats_cube").OnTable("stats_cube")
            .OnColumn("release_month").Ascending().OnColumn("flow").Ascending().OnColumn("partner_country").Ascending()
            .OnColumn("port").Ascending().OnColumn("trade_mode").Ascending().OnColumn("in_zone").Ascending()
            .OnColumn("ecommerce").Ascending().OnColumn("hs4").Ascending()
            .WithOptions().Unique();
        Execute.Sql(Statistics.CubeMaintainer.RecomputeSql);
    }

    public override void Down() => Delete.Table("stats_cube");
}
