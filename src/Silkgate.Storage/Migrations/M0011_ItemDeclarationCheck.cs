using FluentMigrator;

namespace Silkgate.Storage.Migrations;

/// <summary>
/// Version 11, PostgreSQL only: the link from items to their declaration is checked once per statement instead of
/// once per row. The foreign key <c>fk_item_declaration</c> ran PostgreSQL's row-by-row check for every item (an
/// index probe and a row lock on the header, each with its WAL record): 15 s of the server's 40 s for a million
/// imported items (docs/performance.md). It is replaced by:
/// <list type="bullet">
/// <item><c>item_declaration_exists</c>: after each INSERT or UPDATE statement on declaration_item (COPY included),
/// one query over the statement's new rows (a transition table) refuses, with SQLSTATE 23503 like the foreign key,
/// any item whose (enterprise_id, declaration_id) has no declaration. It probes each distinct declaration once: a
/// 20,000-item COPY of 7,000 declarations makes 7,000 probes, and takes no locks.</item>
/// <item><c>declaration_kept</c>: declarations are records, never deleted and never re-keyed (amendments make
/// versions; no writer deletes one). DELETE, TRUNCATE and a change of (enterprise_id, declaration_id) are refused.
/// That is what makes a check without row locks sound: a declaration seen by the item check cannot disappear
/// before the items' transaction commits, which the foreign key's lock on the header otherwise ensured.</item>
/// </list>
/// SQLite never had the foreign key (it cannot add a composite one after the fact); there the writers' one
/// transaction per declaration keeps items with their header, as before. Distributing with Citus: Citus runs
/// foreign keys between co-located tables but not these triggers by default; put the foreign key back there
/// (this migration's Down).
/// </summary>
[Migration(11, "PostgreSQL: items' declaration checked per statement; declarations never deleted")]
public sealed class M0011_ItemDeclarationCheck : Migration
{
    public override void Up()
    {
        IfDatabase(M0001_Schema.IsPostgres).Execute.Sql("""
            ALTER TABLE declaration_item DROP CONSTRAINT fk_item_declaration;

            CREATE FUNCTION item_declaration_exists() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
              orphan record;
            BEGIN
              SELECT n.enterprise_id, n.declaration_id INTO orphan
              FROM (SELECT DISTINCT enterprise_id, declaration_id FROM new_items) n
              WHERE NOT EXISTS (SELECT 1 FROM declaration d
                                WHERE d.enterprise_id = n.enterprise_id AND d.declaration_id = n.declaration_id)
              LIMIT 1;
              IF FOUND THEN
                RAISE EXCEPTION 'declaration_item refers to no declaration: (enterprise_id, declaration_id) = (%, %)',
                  orphan.enterprise_id, orphan.declaration_id
                  USING ERRCODE = 'foreign_key_violation', TABLE = 'declaration_item', CONSTRAINT = 'item_declaration_exists';
              END IF;
              RETURN NULL;
            END $$;

            CREATE TRIGGER item_declaration_exists_insert AFTER INSERT ON declaration_item
              REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION item_declaration_exists();
            CREATE TRIGGER item_declaration_exists_update AFTER UPDATE ON declaration_item
              REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION item_declaration_exists();

            CREATE FUNCTION declaration_kept() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'declarations are kept: % of a declaration is refused (amend it instead)', lower(TG_OP)
                USING ERRCODE = 'restrict_violation', TABLE = 'declaration', CONSTRAINT = 'declaration_kept';
            END $$;

            CREATE TRIGGER declaration_kept_delete BEFORE DELETE ON declaration
              FOR EACH ROW EXECUTE FUNCTION declaration_kept();
            CREATE TRIGGER declaration_kept_key BEFORE UPDATE OF enterprise_id, declaration_id ON declaration
              FOR EACH ROW WHEN (OLD.enterprise_id IS DISTINCT FROM NEW.enterprise_id OR OLD.declaration_id IS DISTINCT FROM NEW.declaration_id)
              EXECUTE FUNCTION declaration_kept();
            CREATE TRIGGER declaration_kept_truncate BEFORE TRUNCATE ON declaration
              FOR EACH STATEMENT EXECUTE FUNCTION declaration_kept();
            """);
    }

    public override void Down()
    {
        IfDatabase(M0001_Schema.IsPostgres).Execute.Sql("""
            DROP TRIGGER declaration_kept_truncate ON declaration;
            DROP TRIGGER declaration_kept_key ON declaration;
            DROP TRIGGER declaration_kept_delete ON declaration;
            DROP FUNCTION declaration_kept();
            DROP TRIGGER item_declaration_exists_update ON declaration_item;
            DROP TRIGGER item_declaration_exists_insert ON declaration_item;
            DROP FUNCTION item_declaration_exists();
            ALTER TABLE declaration_item ADD CONSTRAINT fk_item_declaration FOREIGN KEY (enterprise_id, declaration_id)
              REFERENCES declaration (enterprise_id, declaration_id);
            """);
    }
}
