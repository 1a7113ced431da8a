import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Notices1795440547180 implements MigrationInterface {
  name = 'Notices1795440547180';

  async up(q: QueryRunner): Promise<void> {
    await q.query("CREATE TABLE \"notice\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"sender_id\" uuid NOT NULL, \"sender_unit_id\" uuid, \"kind\" character varying(16) NOT NULL, \"title\" character varying(200) NOT NULL, \"body\" text NOT NULL, \"starts_at\" TIMESTAMP WITH TIME ZONE, \"place\" character varying(200), \"require_confirm\" boolean NOT NULL DEFAULT false, \"audience\" jsonb NOT NULL, \"recipient_count\" integer NOT NULL DEFAULT '0', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_notice_kind\" CHECK (kind IN ('notice', 'meeting')), CONSTRAINT \"PK_705062b14410ff1a04998f86d72\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE INDEX \"ix_notice_sender\" ON \"notice\"  (\"sender_id\", \"created_at\") ");
    await q.query("CREATE TABLE \"notice_receipt\" (\"notice_id\" uuid NOT NULL, \"member_id\" uuid NOT NULL, \"unit_id\" uuid NOT NULL, \"delivered_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"read_at\" TIMESTAMP WITH TIME ZONE, \"confirmed_at\" TIMESTAMP WITH TIME ZONE, \"confirm_status\" character varying(8), \"leave_reason\" character varying(200), CONSTRAINT \"ck_notice_receipt_confirm\" CHECK (confirm_status IN ('attend', 'leave')), CONSTRAINT \"PK_ca92d9ede130bca59a1cf406363\" PRIMARY KEY (\"notice_id\", \"member_id\"))");
    await q.query("CREATE INDEX \"ix_notice_receipt_unread\" ON \"notice_receipt\"  (\"notice_id\", \"unit_id\", \"member_id\") WHERE read_at IS NULL");
    await q.query("CREATE INDEX \"ix_notice_receipt_inbox\" ON \"notice_receipt\"  (\"member_id\", \"delivered_at\") ");
    await q.query("CREATE TABLE \"notice_unit_stat\" (\"notice_id\" uuid NOT NULL, \"unit_id\" uuid NOT NULL, \"total\" integer NOT NULL, \"read_count\" integer NOT NULL DEFAULT '0', \"confirmed_count\" integer NOT NULL DEFAULT '0', \"leave_count\" integer NOT NULL DEFAULT '0', CONSTRAINT \"PK_2273875fa6e6b654488f9dbc442\" PRIMARY KEY (\"notice_id\", \"unit_id\"))");
    await q.query("ALTER TABLE \"notice\" ADD CONSTRAINT \"fk_notice_sender\" FOREIGN KEY (\"sender_id\") REFERENCES \"member\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"notice_receipt\" ADD CONSTRAINT \"fk_notice_receipt_notice\" FOREIGN KEY (\"notice_id\") REFERENCES \"notice\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"notice_unit_stat\" ADD CONSTRAINT \"fk_notice_unit_stat_notice\" FOREIGN KEY (\"notice_id\") REFERENCES \"notice\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE \"notice_unit_stat\" DROP CONSTRAINT \"fk_notice_unit_stat_notice\"");
    await q.query("ALTER TABLE \"notice_receipt\" DROP CONSTRAINT \"fk_notice_receipt_notice\"");
    await q.query("ALTER TABLE \"notice\" DROP CONSTRAINT \"fk_notice_sender\"");
    await q.query("DROP TABLE \"notice_unit_stat\"");
    await q.query("DROP INDEX \"public\".\"ix_notice_receipt_inbox\"");
    await q.query("DROP INDEX \"public\".\"ix_notice_receipt_unread\"");
    await q.query("DROP TABLE \"notice_receipt\"");
    await q.query("DROP INDEX \"public\".\"ix_notice_sender\"");
    await q.query("DROP TABLE \"notice\"");
  }
}
