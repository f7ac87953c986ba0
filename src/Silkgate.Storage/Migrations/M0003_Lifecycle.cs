using FluentMigrator;
using FluentMigrator.Builders.Create;

namespace Silkgate.Storage.Migrations;

/// <summary>
/// Version 3: the declaration lifecycle. Lane, risk and tax results on declarations and items; amendment versions;
/// idempotency keys; the hash-chained audit log (one chain per enterprise, so it distributes with its tenant);
/// inspections; and the risk and validation data (rules, lane settings, value bounds, trade modes by port).
/// </summary>
[Migration(3, "declaration lifecycle, audit, risk")]
public sealed class M0003_Lifecycle : Migration
{
    public override void Up()
    {
        foreach (var (isDb, dec) in new (Predicate<string>, string)[] { (M0001_Schema.IsSqlite, "TEXT"), (M0001_Schema.IsPostgres, "NUMERIC(28,10)") })
        {
            var root = IfDatabase(isDb);
            root.Alter.Table("declaration")
                .AddColumn("lane").AsString(10).Nullable()
                .AddColumn("risk_percentile").AsCustom(dec).Nullable()
                .AddColumn("risk_model").AsString(40).Nullable()
                .AddColumn("risk_reasons").AsString(4000).Nullable()
                .AddColumn("warnings").AsString(4000).Nullable()
                .AddColumn("duty_fen").AsInt64().Nullable()
                .AddColumn("consumption_tax_fen").AsInt64().Nullable()
                .AddColumn("vat_fen").AsInt64().Nullable()
                .AddColumn("tax_total_fen").AsInt64().Nullable()
                .AddColumn("updated_at").AsString(40).Nullable();
            root.Alter.Table("declaration_item")
                .AddColumn("customs_value_fen").AsInt64().Nullable()
                .AddColumn("duty_fen").AsInt64().Nullable()
                .AddColumn("consumption_tax_fen").AsInt64().Nullable()
                .AddColumn("vat_fen").AsInt64().Nullable()
                .AddColumn("mfn_duty_fen").AsInt64().Nullable()
                .AddColumn("duty_rate_kind").AsString(20).Nullable()
                .AddColumn("duty_agreement").AsString(20).Nullable()
                .AddColumn("origin_country").AsString(2).Nullable();
            Define(root.Create, dec);
            root.Create.Index("ix_declaration_id").OnTable("declaration").OnColumn("declaration_id").Ascending();
        }
    }

    public override void Down()
    {
        foreach (var t in new[] { "declaration_version", "idempotency_key", "audit_log", "audit_head", "inspection", "risk_rule", "lane_setting", "value_bounds", "trade_mode_port" })
            Delete.Table(t);
    }

    private static void Define(ICreateExpressionRoot create, string dec)
    {
        create.Table("declaration_version")
            .WithColumn("enterprise_id").AsString(40).PrimaryKey()
            .WithColumn("declaration_id").AsString(80).PrimaryKey()
            .WithColumn("version").AsInt32().PrimaryKey()
            .WithColumn("created_at").AsString(40).NotNullable()
            .WithColumn("actor").AsString(80).NotNullable()
            .WithColumn("document").AsString(int.MaxValue).NotNullable();

        create.Table("idempotency_key")
            .WithColumn("enterprise_id").AsString(40).PrimaryKey()
            .WithColumn("idempotency_key").AsString(200).PrimaryKey()
            .WithColumn("declaration_id").AsString(80).NotNullable()
            .WithColumn("request_hash").AsString(64).NotNullable()
            .WithColumn("created_at").AsString(40).NotNullable();

        create.Table("audit_head")
            .WithColumn("enterprise_id").AsString(40).PrimaryKey()
            .WithColumn("seq").AsInt64().NotNullable()
            .WithColumn("hash").AsString(64).NotNullable();

        create.Table("audit_log")
            .WithColumn("enterprise_id").AsString(40).PrimaryKey()
            .WithColumn("seq").AsInt64().PrimaryKey()
            .WithColumn("declaration_id").AsString(80).NotNullable()
            .WithColumn("at").AsString(40).NotNullable()
            .WithColumn("actor").AsString(80).NotNullable()
            .WithColumn("action").AsString(40).NotNullable()
            .WithColumn("from_state").AsString(30).Nullable()
            .WithColumn("to_state").AsString(30).NotNullable()
            .WithColumn("details").AsString(4000).Nullable()
            .WithColumn("prev_hash").AsString(64).NotNullable()
            .WithColumn("hash").AsString(64).NotNullable();

        create.Table("inspection")
            .WithColumn("enterprise_id").AsString(40).PrimaryKey()
            .WithColumn("declaration_id").AsString(80).PrimaryKey()
            .WithColumn("inspection_no").AsInt32().PrimaryKey()
            .WithColumn("at").AsString(40).NotNullable()
            .WithColumn("officer").AsString(80).NotNullable()
            .WithColumn("lane").AsString(10).NotNullable()
            .WithColumn("result").AsString(20).NotNullable()
            .WithColumn("extra_duty_fen").AsInt64().NotNullable()
            .WithColumn("note").AsString(2000).Nullable();

        create.Table("risk_rule")
            .WithColumn("rule_id").AsString(40).PrimaryKey()
            .WithColumn("description").AsString(400).NotNullable()
            .WithColumn("lane").AsString(10).NotNullable()
            .WithColumn("origin").AsString(2).Nullable()
            .WithColumn("hs_prefix").AsString(10).Nullable()
            .WithColumn("declarant").AsString(40).Nullable()
            .WithColumn("preference_claimed").AsString(5).Nullable()
            .WithColumn("value_per_kg_below_min_share").AsCustom(dec).Nullable()
            .WithColumn("min_discrepancies").AsInt32().Nullable()
            .WithColumn("valid_from").AsDate().NotNullable()
            .WithColumn("valid_to").AsDate().Nullable();

        create.Table("lane_setting")
            .WithColumn("name").AsString(40).PrimaryKey()
            .WithColumn("value").AsCustom(dec).NotNullable()
            .WithColumn("note").AsString(400).Nullable();

        create.Table("value_bounds")
            .WithColumn("heading").AsString(4).PrimaryKey()
            .WithColumn("min_cny_per_kg").AsCustom(dec).NotNullable()
            .WithColumn("max_cny_per_kg").AsCustom(dec).NotNullable()
            .WithColumn("note").AsString(400).Nullable();

        create.Table("trade_mode_port")
            .WithColumn("trade_mode").AsString(4).PrimaryKey()
            .WithColumn("port").AsString(40).PrimaryKey()
            .WithColumn("note").AsString(400).Nullable();
    }
}
