using FluentMigrator;

namespace Silkgate.Storage.Migrations;

/// <summary>
/// Version 8: the cube rolled up to month × flow × HS heading (table stats_hs; docs/statistics.md). Rankings of HS
/// chapters and headings over the whole prefecture read it instead of the full cube: at 10 M items a year holds
/// about 500 such cells against 30,000 cube cells. Same measures as the cube; kept up to date by CubeMaintainer
/// with the cube, in the same transaction; filled here from the cube.
/// </summary>
[Migration(8, "statistics cube rolled up to month, flow and HS heading")]
public sealed class M0008_StatsHeadings : Migration
{
    public override void Up()
    {
        IfDatabase(M0001_Schema.IsSqlite).Execute.Sql(
            "CREATE TABLE stats_hs (release_month INTEGER NOT NULL, flow TEXT NOT NULL, hs4 TEXT NOT NULL, value_fen INTEGER NOT NULL, " +
            "mass_g INTEGER NOT NULL, items INTEGER NOT NULL, declarations INTEGER NOT NULL, partner_declarations INTEGER NOT NULL, " +
            "PRIMARY KEY (release_month, flow, hs4)) WITHOUT ROWID");
        IfDatabase(M0001_Schema.IsPostgres).Create.Table("stats_hs")
            .WithColumn("release_month").AsInt32().PrimaryKey()
            .WithColumn("flow").AsString(6).PrimaryKey()
            .WithColumn("hs4").AsString(4).PrimaryKey()
            .WithColumn("value_fen").AsInt64().NotNullable()
            .WithColumn("mass_g").AsInt64().NotNullable()
            .WithColumn("items").AsInt64().NotNullable()
            .WithColumn("declarations").AsInt64().NotNullable()
            .WithColumn("partner_declarations").AsInt64().NotNullable();
        Execute.Sql(
            "INSERT INTO stats_hs (release_month, flow, hs4, value_fen, mass_g, items, declarations, partner_declarations) " +
            "SELECT release_month, flow, hs4, sum(value_fen), sum(mass_g), sum(items), sum(declarations), sum(partner_declarations) " +
            "FROM stats_cube GROUP BY release_month, flow, hs4");
    }

    public override void Down() => Delete.Table("stats_hs");
}
