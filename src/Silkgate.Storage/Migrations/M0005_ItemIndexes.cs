using FluentMigrator;

namespace Silkgate.Storage.Migrations;

/// <summary>
/// Version 5: item indexes for the bulletin's look-ups that the cube does not answer. The release-month index gains
/// the partner country, so the boundary months of dated group memberships (a partner joining mid-month) read only
/// that partner's items; two partial indexes find the released imports taxed at an agreement rate (the preference
/// saving) and the imports without a stored assessment, without reading every item of the period.
/// </summary>
[Migration(5, "item indexes for partner months and assessments")]
public sealed class M0005_ItemIndexes : Migration
{
    public override void Up()
    {
        Delete.Index("ix_item_release_month").OnTable("declaration_item");
        Create.Index("ix_item_month_partner").OnTable("declaration_item").OnColumn("release_month").Ascending().OnColumn("partner_country").Ascending();
        Execute.Sql("CREATE INDEX ix_item_preference ON declaration_item (release_month) WHERE duty_agreement IS NOT NULL");
        Execute.Sql("CREATE INDEX ix_item_unassessed ON declaration_item (release_month) WHERE duty_fen IS NULL AND flow = 'import'");
    }

    public override void Down()
    {
        Execute.Sql("DROP INDEX ix_item_unassessed");
        Execute.Sql("DROP INDEX ix_item_preference");
        Delete.Index("ix_item_month_partner").OnTable("declaration_item");
        Create.Index("ix_item_release_month").OnTable("declaration_item").OnColumn("release_month").Ascending();
    }
}
