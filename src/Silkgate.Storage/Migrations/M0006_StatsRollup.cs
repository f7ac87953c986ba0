using FluentMigrator;

namespace Silkgate.Storage.Migrations;

/// <summary>
/// Version 6: the cube rolled up over the HS heading (table stats_rollup; docs/statistics.md). Most figures of a
/// bulletin do not split by commodity; at 10 M items the cube holds about nine cells per heading-free key, so those
/// figures read a table about a ninth of the size. Same key as stats_cube without <c>hs4</c>, same measures (each
/// declaration still counted once, at the cell of its lowest item). Kept up to date by CubeMaintainer in the same
/// statements' transaction as the cube; filled here from the cube.
/// </summary>
[Migration(6, "statistics cube rolled up over the HS heading")]
public sealed class M0006_StatsRollup : Migration
{
    public override void Up()
    {
        IfDatabase(M0001_Schema.IsSqlite).Execute.Sql(
            "CREATE TABLE stats_rollup (release_month INTEGER NOT NULL, flow TEXT NOT NULL, partner_country TEXT NOT NULL, port TEXT NOT NULL, " +
            "trade_mode TEXT NOT NULL, in_zone INTEGER NOT NULL, ecommerce INTEGER NOT NULL, value_fen INTEGER NOT NULL, " +
            "mass_g INTEGER NOT NULL, items INTEGER NOT NULL, declarations INTEGER NOT NULL, partner_declarations INTEGER NOT NULL, " +
            "PRIMARY KEY (release_month, flow, partner_country, port, trade_mode, in_zone, ecommerce)) WITHOUT ROWID");
        IfDatabase(M0001_Schema.IsPostgres).Create.Table("stats_rollup")
            .WithColumn("release_month").AsInt32().PrimaryKey()
            .WithColumn("flow").AsString(6).PrimaryKey()
            .WithColumn("partner_country").AsString(2).PrimaryKey()
            .WithColumn("port").AsString(40).PrimaryKey()
            .WithColumn("trade_mode").AsString(4).PrimaryKey()
            .WithColumn("in_zone").AsBoolean().PrimaryKey()
            .WithColumn("ecommerce").AsBoolean().PrimaryKey()
            .WithColumn("value_fen").AsInt64().NotNullable()
            .WithColumn("mass_g").AsInt64().NotNullable()
            .WithColumn("items").AsInt64().NotNullable()
            .WithColumn("declarations").AsInt64().NotNullable()
            .WithColumn("partner_declarations").AsInt64().NotNullable();
        Execute.Sql(
            "INSERT INTO stats_rollup (release_month, flow, partner_country, port, trade_mode, in_zone, ecommerce, value_fen, mass_g, items, declarations, partner_declarations) " +
            "SELECT release_month, flow, partner_country, port, trade_mode, in_zone, ecommerce, sum(value_fen), sum(mass_g), sum(items), sum(declarations), sum(partner_declarations) " +
            "FROM stats_cube GROUP BY release_month, flow, partner_country, port, trade_mode, in_zone, ecommerce");
    }

    public override void Down() => Delete.Table("stats_rollup");
}
