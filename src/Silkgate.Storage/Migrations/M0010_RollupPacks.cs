using FluentMigrator;

namespace Silkgate.Storage.Migrations;

/// <summary>
/// Version 10, for the bulletin's two reads of a period:
/// <list type="bullet">
/// <item>stats_rollup_pack: the roll-up's cells of one release month in one blob (RollupPacks; docs/statistics.md).
/// At 10 M items a bulletin reads about 10,000 roll-up cells; as rows that costs about 25 ms of column calls, as
/// 24 blobs about 1 ms. A cache: a month's blob is deleted in the same transaction as any change to that month's
/// roll-up, and written again by the next reader. Starts empty.</item>
/// <item>ix_item_preference covers the preference-saving query (agreement, rate kind, flow, duty paid, MFN duty),
/// so it no longer fetches each agreement-rate item's row.</item>
/// </list>
/// </summary>
[Migration(10, "roll-up packs by month; covering preference index")]
public sealed class M0010_RollupPacks : Migration
{
    public override void Up()
    {
        Create.Table("stats_rollup_pack")
            .WithColumn("release_month").AsInt32().PrimaryKey()
            .WithColumn("cells").AsBinary(int.MaxValue).NotNullable();
        Execute.Sql("DROP INDEX ix_item_preference");
        Execute.Sql("CREATE INDEX ix_item_preference ON declaration_item (release_month, duty_agreement, duty_rate_kind, flow, duty_fen, mfn_duty_fen) " +
                    "WHERE duty_agreement IS NOT NULL");
    }

    public override void Down()
    {
        Execute.Sql("DROP INDEX ix_item_preference");
        Execute.Sql("CREATE INDEX ix_item_preference ON declaration_item (release_month) WHERE duty_agreement IS NOT NULL");
        Delete.Table("stats_rollup_pack");
    }
}
