import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Ding1795441172842 implements MigrationInterface {
  name = 'Ding1795441172842';

  async up(q: QueryRunner): Promise<void> {
    await q.query("CREATE TABLE \"ding\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"notice_id\" uuid, \"sender_id\" uuid NOT NULL, \"channel\" character varying(16) NOT NULL, \"target\" character varying(16) NOT NULL, \"purpose\" character varying(16) NOT NULL DEFAULT 'ding', \"step\" integer, \"text\" text NOT NULL, \"total\" integer NOT NULL DEFAULT '0', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_ding_purpose\" CHECK (purpose IN ('ding', 'escalation', 'announce')), CONSTRAINT \"PK_918ff64e25d28e4dd0a59316e87\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE INDEX \"ix_ding_notice\" ON \"ding\"  (\"notice_id\", \"created_at\") ");
    await q.query("CREATE TABLE \"ding_delivery\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"ding_id\" uuid NOT NULL, \"member_id\" uuid NOT NULL, \"channel\" character varying(16) NOT NULL, \"status\" character varying(12) NOT NULL DEFAULT 'queued', \"provider_id\" character varying(128), \"error\" character varying(500), \"note\" character varying(200), \"attempts\" integer NOT NULL DEFAULT '0', \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_ding_delivery_status\" CHECK (status IN ('queued', 'sending', 'retrying', 'sent', 'delivered', 'failed')), CONSTRAINT \"PK_04de64c397f24ccb6c77a8a3953\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE INDEX \"ix_ding_delivery_status\" ON \"ding_delivery\"  (\"ding_id\", \"status\") ");
    await q.query("CREATE UNIQUE INDEX \"ux_ding_delivery\" ON \"ding_delivery\"  (\"ding_id\", \"member_id\", \"channel\") ");
    await q.query("CREATE TABLE \"notice_escalation\" (\"notice_id\" uuid NOT NULL, \"step\" integer NOT NULL, \"after_minutes\" integer NOT NULL, \"target\" character varying(16) NOT NULL, \"channel\" character varying(16) NOT NULL, \"to_supervisor\" boolean NOT NULL DEFAULT false, \"urgent\" boolean NOT NULL DEFAULT false, \"fire_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"status\" character varying(12) NOT NULL DEFAULT 'pending', \"fired_at\" TIMESTAMP WITH TIME ZONE, \"ding_id\" uuid, CONSTRAINT \"ck_notice_escalation_status\" CHECK (status IN ('pending', 'fired', 'skipped', 'stopped')), CONSTRAINT \"PK_6c3eb74d4a8e6c14bb26cf8d8e8\" PRIMARY KEY (\"notice_id\", \"step\"))");
    await q.query("ALTER TABLE \"ding\" ADD CONSTRAINT \"fk_ding_notice\" FOREIGN KEY (\"notice_id\") REFERENCES \"notice\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"ding\" ADD CONSTRAINT \"fk_ding_sender\" FOREIGN KEY (\"sender_id\") REFERENCES \"member\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"ding_delivery\" ADD CONSTRAINT \"fk_ding_delivery_ding\" FOREIGN KEY (\"ding_id\") REFERENCES \"ding\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"notice_escalation\" ADD CONSTRAINT \"fk_notice_escalation_notice\" FOREIGN KEY (\"notice_id\") REFERENCES \"notice\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE \"notice_escalation\" DROP CONSTRAINT \"fk_notice_escalation_notice\"");
    await q.query("ALTER TABLE \"ding_delivery\" DROP CONSTRAINT \"fk_ding_delivery_ding\"");
    await q.query("ALTER TABLE \"ding\" DROP CONSTRAINT \"fk_ding_sender\"");
    await q.query("ALTER TABLE \"ding\" DROP CONSTRAINT \"fk_ding_notice\"");
    await q.query("DROP TABLE \"notice_escalation\"");
    await q.query("DROP INDEX \"public\".\"ux_ding_delivery\"");
    await q.query("DROP INDEX \"public\".\"ix_ding_delivery_status\"");
    await q.query("DROP TABLE \"ding_delivery\"");
    await q.query("DROP INDEX \"public\".\"ix_ding_notice\"");
    await q.query("DROP TABLE \"ding\"");
  }
}
