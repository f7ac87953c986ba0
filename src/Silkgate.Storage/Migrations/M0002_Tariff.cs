using FluentMigrator;
using FluentMigrator.Builders.Create;

namespace Silkgate.Storage.Migrations;

/// <summary>Version 2: the tariff schedule and the dated tax policy, global reference tables like those of version 1.</summary>
[Migration(2, "tariff schedule and tax policy")]
public sealed class M0002_Tariff : Migration
{
    public override void Up()
    {
        Define(IfDatabase(M0001_Schema.IsSqlite).Create, "TEXT");
        Define(IfDatabase(M0001_Schema.IsPostgres).Create, "NUMERIC(28,10)");
    }

    public override void Down()
    {
        Delete.Table("tariff_policy");
        Delete.Table("tariff_line");
    }

    private static void Define(ICreateExpressionRoot create, string decimalType)
    {
        create.Table("tariff_line")
            .WithColumn("line_no").AsInt32().PrimaryKey()
            .WithColumn("hs_code").AsString(10).NotNullable()
            .WithColumn("measure").AsString(20).NotNullable()
            .WithColumn("rate_kind").AsString(20).NotNullable()
            .WithColumn("agreement").AsString(20).Nullable()
            .WithColumn("origins").AsString(2000).NotNullable()
            .WithColumn("ad_valorem_pct").AsCustom(decimalType).Nullable()
            .WithColumn("specific_amount").AsCustom(decimalType).Nullable()
            .WithColumn("specific_unit").AsString(10).Nullable()
            .WithColumn("valid_from").AsDate().NotNullable()
            .WithColumn("valid_to").AsDate().Nullable()
            .WithColumn("certificate_required").AsBoolean().NotNullable()
            .WithColumn("note").AsString(400).Nullable();
        create.Index("ix_tariff_line_hs").OnTable("tariff_line").OnColumn("hs_code").Ascending();

        create.Table("tariff_policy")
            .WithColumn("name").AsString(60).PrimaryKey()
            .WithColumn("valid_from").AsDate().PrimaryKey()
            .WithColumn("value").AsString(200).NotNullable()
            .WithColumn("source").AsString(400).NotNullable();
    }
}
