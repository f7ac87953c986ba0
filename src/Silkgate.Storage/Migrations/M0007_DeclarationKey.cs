using FluentMigrator;

namespace Silkgate.Storage.Migrations;

/// <summary>
/// Version 7: one index on a declaration's import key instead of two. Version 1 had a unique
/// <c>ux_declaration_source (enterprise_id, source, external_id)</c> and a plain
/// <c>ix_declaration_external (source, external_id)</c>. Every look-up by the key (the importer's check for stored
/// declarations, <c>DeclarationWriter.FirstStoredId</c>) has no enterprise and reads the second; the first only
/// enforced uniqueness, which the primary key already gives for the rows the writers make (an import's
/// declaration_id is <c>source:external_id</c>, a lodged declaration's is its external id). Both are replaced by a
/// unique <c>ux_declaration_external (source, external_id)</c>: the idempotency key of imports as the writer applies
/// it (source + id, whatever the enterprise), enforced by the database, and one B-tree fewer per stored declaration.
/// A store holding one source + id under two enterprises (no writer makes one) fails here on the unique index.
/// </summary>
[Migration(7, "one unique index on the declaration import key (source, external id)")]
public sealed class M0007_DeclarationKey : Migration
{
    public override void Up()
    {
        Delete.Index("ux_declaration_source").OnTable("declaration");
        Delete.Index("ix_declaration_external").OnTable("declaration");
        Create.Index("ux_declaration_external").OnTable("declaration")
            .OnColumn("source").Ascending().OnColumn("external_id").Ascending()
            .WithOptions().Unique();
    }

    public override void Down()
    {
        Delete.Index("ux_declaration_external").OnTable("declaration");
        Create.Index("ux_declaration_source").OnTable("declaration")
            .OnColumn("enterprise_id").Ascending().OnColumn("source").Ascending().OnColumn("external_id").Ascending()
            .WithOptions().Unique();
        Create.Index("ix_declaration_external").OnTable("declaration")
            .OnColumn("source").Ascending().OnColumn("external_id").Ascending();
    }
}
