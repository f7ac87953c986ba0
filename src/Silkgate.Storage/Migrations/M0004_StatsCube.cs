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
        // SQLite: a WITHOUT ROWID table clustered on the key, so that a range of months is one contiguous read of
        // cells with their measures (no index-to-row look-ups). PostgreSQL: a heap with the key as primary key.
        IfDatabase(M0001_Schema.IsSqlite).Execute.Sql(
            "CREATE TABLE stats_cube (release_month INTEGER NOT NULL, flow TEXT NOT NULL, partner_country TEXT NOT NULL, port TEXT NOT NULL, " +
            "trade_mode TEXT NOT NULL, in_zone INTEGER NOT NULL, ecommerce INTEGER NOT NULL, hs4 TEXT NOT NULL, value_fen INTEGER NOT NULL, " +
            "mass_g INTEGER NOT NULL, items INTEGER NOT NULL, declarations INTEGER NOT NULL, partner_declarations INTEGER NOT NULL, " +
            "PRIMARY KEY (release_month, flow, partner_country, port, trade_mode, in_zone, ecommerce, hs4)) WITHOUT ROWID");
        IfDatabase(M0001_Schema.IsPostgres).Create.Table("stats_cube")
            .WithColumn("release_month").AsInt32().PrimaryKey()
            .WithColumn("flow").AsString(6).PrimaryKey()
            .WithColumn("partner_country").AsString(2).PrimaryKey()
            .WithColumn("port").AsString(40).PrimaryKey()
            .WithColumn("trade_mode").AsString(4).PrimaryKey()
            .WithColumn("in_zone").AsBoolean().PrimaryKey()
            .WithColumn("ecommerce").AsBoolean().PrimaryKey()
            .WithColumn("hs4").AsString(4).PrimaryKey()
            .WithColumn("value_fen").AsInt64().NotNullable()
            .WithColumn("mass_g").AsInt64().NotNullable()
            .WithColumn("items").AsInt64().NotNullable()
            .WithColumn("declarations").AsInt64().NotNullable()
            .WithColumn("partner_declarations").AsInt64().NotNullable();
        // The primary key is the key ON CONFLICT of the incremental upsert names.
        Execute.Sql(Statistics.CubeMaintainer.RecomputeSql);
    }

    public override void Down() => Delete.Table("stats_cube");
}
