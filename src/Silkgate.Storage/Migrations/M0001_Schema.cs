using FluentMigrator;
using FluentMigrator.Builders.Create;

namespace Silkgate.Storage.Migrations;

/// <summary>
/// Version 1: reference data and declarations. Conventions, the same on SQLite and PostgreSQL:
/// money in CNY is integer fen and net mass integer grams (exact sums everywhere); other decimals (rates,
/// original values, quantities) are NUMERIC on PostgreSQL and TEXT on SQLite, where NUMERIC affinity would
/// silently turn them into doubles. Every declaration row carries enterprise_id, the tenant and the future
/// Citus distribution key; reference tables are global (Citus reference tables).
/// </summary>
[Migration(1, "reference data and declarations")]
public sealed class M0001_Schema : Migration
{
    public override void Up()
    {
        Define(IfDatabase(IsSqlite).Create, "TEXT");
        Define(IfDatabase(IsPostgres).Create, "NUMERIC(28,10)");
        // SQLite cannot add a composite foreign key after the fact; there the writer's one transaction per
        // declaration (header and items together) is what keeps items from being orphaned.
        IfDatabase(IsPostgres).Create.ForeignKey("fk_item_declaration")
            .FromTable("declaration_item").ForeignColumns("enterprise_id", "declaration_id")
            .ToTable("declaration").PrimaryColumns("enterprise_id", "declaration_id");
    }

    // Processor ids vary by version ("Postgres", "Postgres15_0", ...): match by prefix.
    internal static bool IsSqlite(string processor) => processor.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase);

    internal static bool IsPostgres(string processor) => processor.StartsWith("Postgres", StringComparison.OrdinalIgnoreCase);

    public override void Down()
    {
        foreach (var table in new[] { "declaration_item", "declaration", "exchange_rate", "trade_mode", "partner_group", "port_calendar", "port", "locode", "hs_code", "hs_section", "currency", "country", "reference_dataset" })
            Delete.Table(table);
    }

    private static void Define(ICreateExpressionRoot create, string decimalType)
    {
        create.Table("reference_dataset")
            .WithColumn("kind").AsString(40).PrimaryKey()
            .WithColumn("version").AsString(80).NotNullable()
            .WithColumn("row_count").AsInt32().NotNullable()
            .WithColumn("source").AsString(400).NotNullable()
            .WithColumn("loaded_at").AsString(40).NotNullable();

        create.Table("country")
            .WithColumn("alpha2").AsString(2).PrimaryKey()
            .WithColumn("alpha3").AsString(3).NotNullable()
            .WithColumn("numeric_code").AsString(3).NotNullable()
            .WithColumn("name_en").AsString(200).NotNullable()
            .WithColumn("name_zh").AsString(200).Nullable()
            .WithColumn("least_developed").AsBoolean().NotNullable();

        create.Table("currency")
            .WithColumn("code").AsString(3).PrimaryKey()
            .WithColumn("numeric_code").AsString(3).NotNullable()
            .WithColumn("name").AsString(200).NotNullable()
            .WithColumn("minor_unit").AsInt32().NotNullable();

        create.Table("hs_section")
            .WithColumn("numeral").AsString(8).PrimaryKey()
            .WithColumn("name").AsString(400).NotNullable();

        create.Table("hs_code")
            .WithColumn("code").AsString(10).PrimaryKey()
            .WithColumn("level").AsInt32().NotNullable()
            .WithColumn("section").AsString(8).NotNullable()
            .WithColumn("parent").AsString(10).Nullable()
            .WithColumn("description").AsString(2000).NotNullable();

        create.Table("locode")
            .WithColumn("code").AsString(5).PrimaryKey()
            .WithColumn("country").AsString(2).NotNullable()
            .WithColumn("location").AsString(3).NotNullable()
            .WithColumn("name").AsString(200).NotNullable()
            .WithColumn("subdivision").AsString(10).Nullable()
            .WithColumn("status").AsString(4).Nullable()
            .WithColumn("function").AsString(8).NotNullable()
            .WithColumn("lat").AsCustom(decimalType).Nullable()
            .WithColumn("lon").AsCustom(decimalType).Nullable()
            .WithColumn("geocoded").AsBoolean().NotNullable();

        create.Table("port")
            .WithColumn("code").AsString(40).PrimaryKey()
            .WithColumn("name_en").AsString(200).NotNullable()
            .WithColumn("name_zh").AsString(200).NotNullable()
            .WithColumn("kind").AsString(10).NotNullable()
            .WithColumn("neighbour_country").AsString(2).Nullable()
            .WithColumn("neighbour_place").AsString(200).Nullable()
            .WithColumn("unlocode").AsString(5).Nullable()
            .WithColumn("lat").AsCustom(decimalType).Nullable()
            .WithColumn("lon").AsCustom(decimalType).Nullable()
            .WithColumn("notes").AsString(2000).Nullable();

        // Calendar rules keep the CSV's own text (from/to are MM-DD for seasons, dates otherwise).
        create.Table("port_calendar")
            .WithColumn("port").AsString(40).PrimaryKey()
            .WithColumn("seq").AsInt32().PrimaryKey()
            .WithColumn("rule").AsString(20).NotNullable()
            .WithColumn("date_from").AsString(10).Nullable()
            .WithColumn("date_to").AsString(10).Nullable()
            .WithColumn("weekdays").AsString(40).Nullable()
            .WithColumn("reason").AsString(400).NotNullable();

        create.Table("partner_group")
            .WithColumn("group_code").AsString(20).PrimaryKey()
            .WithColumn("country").AsString(2).PrimaryKey()
            .WithColumn("valid_from").AsDate().PrimaryKey()
            .WithColumn("valid_to").AsDate().Nullable()
            .WithColumn("source").AsString(400).NotNullable();

        create.Table("trade_mode")
            .WithColumn("code").AsString(4).PrimaryKey()
            .WithColumn("name_en").AsString(200).NotNullable()
            .WithColumn("name_zh").AsString(200).NotNullable()
            .WithColumn("category").AsString(20).NotNullable()
            .WithColumn("ecommerce").AsBoolean().NotNullable()
            .WithColumn("in_zone").AsBoolean().NotNullable();

        create.Table("exchange_rate")
            .WithColumn("month").AsInt32().PrimaryKey()
            .WithColumn("currency").AsString(3).PrimaryKey()
            .WithColumn("cny_per_unit").AsCustom(decimalType).NotNullable();

        create.Table("declaration")
            .WithColumn("enterprise_id").AsString(40).PrimaryKey()
            .WithColumn("declaration_id").AsString(80).PrimaryKey()
            .WithColumn("source").AsString(40).NotNullable()
            .WithColumn("external_id").AsString(60).NotNullable()
            .WithColumn("flow").AsString(6).NotNullable()
            .WithColumn("state").AsString(20).NotNullable()
            .WithColumn("declaration_date").AsDate().NotNullable()
            .WithColumn("release_date").AsDate().Nullable()
            .WithColumn("port").AsString(40).NotNullable()
            .WithColumn("trade_mode").AsString(4).NotNullable()
            .WithColumn("transport_mode").AsString(20).Nullable()
            .WithColumn("partner_country").AsString(2).Nullable()
            .WithColumn("currency").AsString(3).NotNullable()
            .WithColumn("freight").AsCustom(decimalType).NotNullable()
            .WithColumn("insurance").AsCustom(decimalType).NotNullable()
            .WithColumn("in_zone").AsBoolean().NotNullable()
            .WithColumn("ecommerce").AsBoolean().NotNullable()
            .WithColumn("item_count").AsInt32().NotNullable()
            .WithColumn("version").AsInt32().NotNullable()
            .WithColumn("created_at").AsString(40).NotNullable();
        // Idempotency key of imports: the same source + external id is never stored twice.
        create.Index("ux_declaration_source").OnTable("declaration")
            .OnColumn("enterprise_id").Ascending().OnColumn("source").Ascending().OnColumn("external_id").Ascending()
            .WithOptions().Unique();
        create.Index("ix_declaration_external").OnTable("declaration")
            .OnColumn("source").Ascending().OnColumn("external_id").Ascending();

        // Items repeat the header fields that statistics filter and group on (flow, release date/month, port,
        // trade mode, zone, e-commerce): one table scan answers a query over millions of items without a join.
        create.Table("declaration_item")
            .WithColumn("enterprise_id").AsString(40).PrimaryKey()
            .WithColumn("declaration_id").AsString(80).PrimaryKey()
            .WithColumn("item_no").AsInt32().PrimaryKey()
            .WithColumn("hs_code").AsString(10).NotNullable()
            .WithColumn("description").AsString(400).Nullable()
            .WithColumn("partner_country").AsString(2).NotNullable()
            .WithColumn("quantity").AsCustom(decimalType).Nullable()
            .WithColumn("quantity_unit").AsString(10).Nullable()
            .WithColumn("net_mass_g").AsInt64().NotNullable()
            .WithColumn("value_original").AsCustom(decimalType).NotNullable()
            .WithColumn("statistical_value_fen").AsInt64().NotNullable()
            .WithColumn("preference").AsString(20).Nullable()
            .WithColumn("certificate_of_origin").AsString(60).Nullable()
            .WithColumn("flow").AsString(6).NotNullable()
            .WithColumn("release_date").AsDate().Nullable()
            .WithColumn("release_month").AsInt32().Nullable()
            .WithColumn("port").AsString(40).NotNullable()
            .WithColumn("trade_mode").AsString(4).NotNullable()
            .WithColumn("in_zone").AsBoolean().NotNullable()
            .WithColumn("ecommerce").AsBoolean().NotNullable();
        create.Index("ix_item_release_month").OnTable("declaration_item").OnColumn("release_month").Ascending();
    }
}
