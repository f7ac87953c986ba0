using FluentMigrator;

namespace Silkgate.Storage.Migrations;

/// <summary>
/// Version 9 (PostgreSQL only): room on each page of the three statistics tables for updated row versions. Every
/// bulk batch adds to cells that already exist (a heading's cell in stats_hs is touched by almost every batch), and
/// PostgreSQL writes an updated row as a new version. With full pages (fillfactor 100) the new version goes to
/// another page and needs a new entry in the primary-key index, so the index and the conflict checks of later
/// upserts wade through dead entries. With free room the update is HOT (same page, no index entry, the old version
/// pruned in place). The measures are not indexed, so every cube update qualifies. Pages written from now on keep
/// the room; existing pages keep theirs until the table is rewritten (VACUUM FULL, or a recompute's DELETE + INSERT
/// over time). SQLite updates rows in place and is unchanged.
/// </summary>
[Migration(9, "room for HOT updates in the statistics tables (PostgreSQL)")]
public sealed class M0009_StatsFillFactor : Migration
{
    public override void Up() =>
        IfDatabase(M0001_Schema.IsPostgres).Execute.Sql(
            "ALTER TABLE stats_cube SET (fillfactor = 70); ALTER TABLE stats_rollup SET (fillfactor = 50); ALTER TABLE stats_hs SET (fillfactor = 50);");

    public override void Down() =>
        IfDatabase(M0001_Schema.IsPostgres).Execute.Sql(
            "ALTER TABLE stats_cube RESET (fillfactor); ALTER TABLE stats_rollup RESET (fillfactor); ALTER TABLE stats_hs RESET (fillfactor);");
}
