import type { MigrationInterface, QueryRunner } from 'typeorm';

const APPEND_ONLY = ['approval_event', 'audit_anchor', 'audit_checkpoint', 'audit_chain'];

export class AuditTrail1795453611401 implements MigrationInterface {
  name = 'AuditTrail1795453611401';

  async up(q: QueryRunner): Promise<void> {
    await q.query("CREATE TABLE \"approval_event\" (\"id\" BIGSERIAL NOT NULL, \"instance_id\" uuid NOT NULL, \"seq\" integer NOT NULL, \"type\" character varying(24) NOT NULL, \"actor_id\" uuid, \"actor_name\" character varying(50), \"actor_title\" character varying(100), \"actor_unit_id\" uuid, \"actor_unit_name\" character varying(100), \"node_id\" character varying(64), \"data\" jsonb NOT NULL DEFAULT '{}', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"prev_hash\" character(64) NOT NULL, \"hash\" character(64) NOT NULL, CONSTRAINT \"ck_approval_event_actor\" CHECK (actor_id IS NULL OR actor_name IS NOT NULL), CONSTRAINT \"ck_approval_event_seq\" CHECK (seq >= 1), CONSTRAINT \"PK_4a04c4c5639ee9d282c55fac735\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE INDEX \"ix_approval_event_actor\" ON \"approval_event\"  (\"actor_id\", \"instance_id\") ");
    await q.query("CREATE TABLE \"audit_head\" (\"instance_id\" uuid NOT NULL, \"template_code\" character varying(64) NOT NULL, \"title\" character varying(200) NOT NULL, \"applicant_id\" uuid, \"unit_id\" uuid NOT NULL, \"seq\" integer NOT NULL, \"hash\" character(64) NOT NULL, \"anchored_seq\" integer NOT NULL DEFAULT '0', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_75dd52757639761b36acd1ab4bb\" PRIMARY KEY (\"instance_id\"))");
    await q.query("CREATE INDEX \"ix_audit_head_unanchored\" ON \"audit_head\"  (\"updated_at\", \"instance_id\") WHERE seq > anchored_seq");
    await q.query("CREATE INDEX \"ix_audit_head_template\" ON \"audit_head\"  (\"template_code\", \"created_at\") ");
    await q.query("CREATE INDEX \"ix_audit_head_unit\" ON \"audit_head\"  (\"unit_id\", \"created_at\") ");
    await q.query("CREATE INDEX \"ix_audit_head_started\" ON \"audit_head\"  (\"created_at\", \"instance_id\") ");
    await q.query("CREATE TABLE \"audit_anchor\" (\"position\" bigint NOT NULL, \"instance_id\" uuid NOT NULL, \"seq\" integer NOT NULL, \"instance_hash\" character(64) NOT NULL, \"prev_hash\" character(64) NOT NULL, \"hash\" character(64) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_audit_anchor_position\" CHECK (position >= 1), CONSTRAINT \"PK_a592c24fa37f32e8ec1849e0a0a\" PRIMARY KEY (\"position\"))");
    await q.query("CREATE INDEX \"ix_audit_anchor_instance\" ON \"audit_anchor\"  (\"instance_id\", \"seq\") ");
    await q.query("CREATE TABLE \"audit_checkpoint\" (\"id\" BIGSERIAL NOT NULL, \"position\" bigint NOT NULL, \"hash\" character(64) NOT NULL, \"signed_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"payload\" text NOT NULL, \"signature\" text NOT NULL, \"public_key\" text NOT NULL, CONSTRAINT \"UQ_f768860c856d5eb9d6ea5546c6d\" UNIQUE (\"position\"), CONSTRAINT \"PK_9720e45bb755b61bb1ab7d43839\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE TABLE \"audit_chain\" (\"one\" smallint NOT NULL DEFAULT '1', \"chain_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_audit_chain_one\" CHECK (one = 1), CONSTRAINT \"PK_e87a4288d9ec35f61a9a62980a2\" PRIMARY KEY (\"one\"))");
    // By hand: the chain's links verify from this index alone (an index-only scan in (instance_id, seq) order).
    await q.query(`CREATE UNIQUE INDEX "ux_approval_event_seq" ON "approval_event" ("instance_id", "seq") INCLUDE ("prev_hash", "hash", "created_at")`);
    // By hand: the trail is append-only. No code path updates or deletes it, and the database refuses to.
    await q.query(`CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = '55000', HINT = '审计记录只能追加，不能修改或删除';
      END $$`);
    for (const table of APPEND_ONLY) {
      // Per statement, so it refuses even an UPDATE or DELETE that matches no row.
      await q.query(`CREATE TRIGGER "${table}_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of APPEND_ONLY) {
      await q.query(`DROP TRIGGER "${table}_append_only" ON "${table}"`);
    }
    await q.query(`DROP FUNCTION audit_append_only()`);
    await q.query(`DROP INDEX "public"."ux_approval_event_seq"`);
    await q.query("DROP TABLE \"audit_chain\"");
    await q.query("DROP TABLE \"audit_checkpoint\"");
    await q.query("DROP INDEX \"public\".\"ix_audit_anchor_instance\"");
    await q.query("DROP TABLE \"audit_anchor\"");
    await q.query("DROP INDEX \"public\".\"ix_audit_head_started\"");
    await q.query("DROP INDEX \"public\".\"ix_audit_head_unit\"");
    await q.query("DROP INDEX \"public\".\"ix_audit_head_template\"");
    await q.query("DROP INDEX \"public\".\"ix_audit_head_unanchored\"");
    await q.query("DROP TABLE \"audit_head\"");
    await q.query("DROP INDEX \"public\".\"ix_approval_event_actor\"");
    await q.query("DROP TABLE \"approval_event\"");
  }
}
