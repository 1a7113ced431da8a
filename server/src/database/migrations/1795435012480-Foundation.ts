import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795435012480 implements MigrationInterface {
  name = 'Foundation1795435012480';

  async up(q: QueryRunner): Promise<void> {
    await q.query("CREATE TABLE \"member\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"name\" character varying(50) NOT NULL, \"phone\" character varying(20) NOT NULL, \"title\" character varying(100), \"dingtalk_user_id\" character varying(64), \"password_hash\" text, \"status\" character varying(16) NOT NULL DEFAULT 'active', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_member_status\" CHECK (status IN ('active', 'disabled')), CONSTRAINT \"PK_97cbbe986ce9d14ca5894fdc072\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE UNIQUE INDEX \"ux_member_phone\" ON \"member\"  (\"phone\") ");
    await q.query("CREATE UNIQUE INDEX \"ux_member_dingtalk_user_id\" ON \"member\"  (\"dingtalk_user_id\") ");
    await q.query("CREATE TABLE \"membership\" (\"member_id\" uuid NOT NULL, \"unit_id\" uuid NOT NULL, \"is_head\" boolean NOT NULL DEFAULT false, \"is_primary\" boolean NOT NULL DEFAULT false, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_eda52129e32e83cfef18f0539cc\" PRIMARY KEY (\"member_id\", \"unit_id\"))");
    await q.query("CREATE UNIQUE INDEX \"ux_membership_primary\" ON \"membership\"  (\"member_id\") WHERE is_primary");
    await q.query("CREATE INDEX \"ix_membership_unit\" ON \"membership\"  (\"unit_id\") ");
    await q.query("CREATE TABLE \"role_grant\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"member_id\" uuid NOT NULL, \"unit_id\" uuid NOT NULL, \"role\" character varying(16) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_role_grant_role\" CHECK (role IN ('admin', 'leader', 'supervisor', 'auditor', 'approver', 'staff', 'helper')), CONSTRAINT \"PK_b9e50aafa723c536731c38529fb\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE INDEX \"ix_role_grant_unit\" ON \"role_grant\"  (\"unit_id\") ");
    await q.query("CREATE UNIQUE INDEX \"ux_role_grant\" ON \"role_grant\"  (\"member_id\", \"unit_id\", \"role\") ");
    await q.query("CREATE TABLE \"unit\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"parent_id\" uuid, \"name\" character varying(100) NOT NULL, \"kind\" character varying(16) NOT NULL, \"sort_order\" integer NOT NULL DEFAULT '0', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_unit_kind\" CHECK (kind IN ('county', 'bureau', 'town', 'village', 'office')), CONSTRAINT \"PK_4252c4be609041e559f0c80f58a\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE INDEX \"ix_unit_parent\" ON \"unit\"  (\"parent_id\", \"sort_order\") ");
    await q.query("ALTER TABLE \"membership\" ADD CONSTRAINT \"fk_membership_member\" FOREIGN KEY (\"member_id\") REFERENCES \"member\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"membership\" ADD CONSTRAINT \"fk_membership_unit\" FOREIGN KEY (\"unit_id\") REFERENCES \"unit\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"role_grant\" ADD CONSTRAINT \"fk_role_grant_member\" FOREIGN KEY (\"member_id\") REFERENCES \"member\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"role_grant\" ADD CONSTRAINT \"fk_role_grant_unit\" FOREIGN KEY (\"unit_id\") REFERENCES \"unit\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"unit\" ADD CONSTRAINT \"fk_unit_parent\" FOREIGN KEY (\"parent_id\") REFERENCES \"unit\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE \"unit\" DROP CONSTRAINT \"fk_unit_parent\"");
    await q.query("ALTER TABLE \"role_grant\" DROP CONSTRAINT \"fk_role_grant_unit\"");
    await q.query("ALTER TABLE \"role_grant\" DROP CONSTRAINT \"fk_role_grant_member\"");
    await q.query("ALTER TABLE \"membership\" DROP CONSTRAINT \"fk_membership_unit\"");
    await q.query("ALTER TABLE \"membership\" DROP CONSTRAINT \"fk_membership_member\"");
    await q.query("DROP INDEX \"public\".\"ix_unit_parent\"");
    await q.query("DROP TABLE \"unit\"");
    await q.query("DROP INDEX \"public\".\"ux_role_grant\"");
    await q.query("DROP INDEX \"public\".\"ix_role_grant_unit\"");
    await q.query("DROP TABLE \"role_grant\"");
    await q.query("DROP INDEX \"public\".\"ix_membership_unit\"");
    await q.query("DROP INDEX \"public\".\"ux_membership_primary\"");
    await q.query("DROP TABLE \"membership\"");
    await q.query("DROP INDEX \"public\".\"ux_member_dingtalk_user_id\"");
    await q.query("DROP INDEX \"public\".\"ux_member_phone\"");
    await q.query("DROP TABLE \"member\"");
  }
}
