import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OrgTree1795437868472 implements MigrationInterface {
  name = 'OrgTree1795437868472';

  async up(q: QueryRunner): Promise<void> {
    await q.query("CREATE TABLE \"unit_closure\" (\"ancestor_id\" uuid NOT NULL, \"descendant_id\" uuid NOT NULL, \"depth\" integer NOT NULL, CONSTRAINT \"PK_0b8d65dac615fc893dc0ef65e68\" PRIMARY KEY (\"ancestor_id\", \"descendant_id\"))");
    await q.query("CREATE INDEX \"ix_unit_closure_descendant\" ON \"unit_closure\"  (\"descendant_id\", \"depth\") ");
    await q.query("CREATE TABLE \"dingtalk_event\" (\"event_id\" character varying(100) NOT NULL, \"event_type\" character varying(50) NOT NULL, \"received_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_ba3373e2f89264f469a63344c9a\" PRIMARY KEY (\"event_id\"))");
    await q.query("ALTER TABLE \"member\" ADD \"supervisor_id\" uuid");
    await q.query("ALTER TABLE \"member\" ADD \"name_initials\" character varying(50) NOT NULL DEFAULT ''");
    await q.query("ALTER TABLE \"member\" ADD \"name_pinyin\" character varying(300) NOT NULL DEFAULT ''");
    await q.query("ALTER TABLE \"unit\" ADD \"dingtalk_dept_id\" character varying(32)");
    await q.query("CREATE INDEX \"ix_member_name_initials\" ON \"member\"  (\"name_initials\") ");
    await q.query("CREATE UNIQUE INDEX \"ux_unit_dingtalk_dept_id\" ON \"unit\"  (\"dingtalk_dept_id\") ");
    await q.query("ALTER TABLE \"member\" ADD CONSTRAINT \"fk_member_supervisor\" FOREIGN KEY (\"supervisor_id\") REFERENCES \"member\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"unit_closure\" ADD CONSTRAINT \"fk_unit_closure_ancestor\" FOREIGN KEY (\"ancestor_id\") REFERENCES \"unit\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"unit_closure\" ADD CONSTRAINT \"fk_unit_closure_descendant\" FOREIGN KEY (\"descendant_id\") REFERENCES \"unit\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    // Closure rows for the units that already exist (hand-written).
    await q.query(`
      WITH RECURSIVE tree(ancestor_id, descendant_id, depth) AS (
        SELECT id, id, 0 FROM unit
        UNION ALL
        SELECT t.ancestor_id, u.id, t.depth + 1 FROM tree t JOIN unit u ON u.parent_id = t.descendant_id
      )
      INSERT INTO unit_closure (ancestor_id, descendant_id, depth) SELECT ancestor_id, descendant_id, depth FROM tree`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE \"unit_closure\" DROP CONSTRAINT \"fk_unit_closure_descendant\"");
    await q.query("ALTER TABLE \"unit_closure\" DROP CONSTRAINT \"fk_unit_closure_ancestor\"");
    await q.query("ALTER TABLE \"member\" DROP CONSTRAINT \"fk_member_supervisor\"");
    await q.query("DROP INDEX \"public\".\"ux_unit_dingtalk_dept_id\"");
    await q.query("DROP INDEX \"public\".\"ix_member_name_initials\"");
    await q.query("ALTER TABLE \"unit\" DROP COLUMN \"dingtalk_dept_id\"");
    await q.query("ALTER TABLE \"member\" DROP COLUMN \"name_pinyin\"");
    await q.query("ALTER TABLE \"member\" DROP COLUMN \"name_initials\"");
    await q.query("ALTER TABLE \"member\" DROP COLUMN \"supervisor_id\"");
    await q.query("DROP TABLE \"dingtalk_event\"");
    await q.query("DROP INDEX \"public\".\"ix_unit_closure_descendant\"");
    await q.query("DROP TABLE \"unit_closure\"");
  }
}
