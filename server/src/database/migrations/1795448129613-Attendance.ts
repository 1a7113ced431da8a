import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Attendance1795448129613 implements MigrationInterface {
  name = 'Attendance1795448129613';

  async up(q: QueryRunner): Promise<void> {
    await q.query("CREATE TABLE \"attendance_place\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"unit_id\" uuid NOT NULL, \"name\" character varying(100) NOT NULL, \"kind\" character varying(16) NOT NULL DEFAULT 'office', \"latitude\" double precision NOT NULL, \"longitude\" double precision NOT NULL, \"radius\" integer NOT NULL DEFAULT '300', \"bssids\" text array NOT NULL DEFAULT '{}', \"address\" character varying(200), \"covers_sub_units\" boolean NOT NULL DEFAULT false, \"active\" boolean NOT NULL DEFAULT true, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_attendance_place_radius\" CHECK (radius BETWEEN 10 AND 5000), CONSTRAINT \"PK_89e775720137bcbe646254d351c\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE INDEX \"ix_attendance_place_unit\" ON \"attendance_place\"  (\"unit_id\") ");
    await q.query("CREATE TABLE \"attendance_shift\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"unit_id\" uuid NOT NULL, \"name\" character varying(100) NOT NULL, \"segments\" jsonb NOT NULL, \"workdays\" smallint array NOT NULL DEFAULT '{1,2,3,4,5}', \"late_grace_minutes\" integer NOT NULL DEFAULT '5', \"early_grace_minutes\" integer NOT NULL DEFAULT '5', \"serious_late_minutes\" integer NOT NULL DEFAULT '30', \"field_allowed\" boolean NOT NULL DEFAULT true, \"field_photo_required\" boolean NOT NULL DEFAULT true, \"field_note_required\" boolean NOT NULL DEFAULT true, \"corrections_per_month\" integer NOT NULL DEFAULT '3', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"UQ_7ddb52c98b638e21b0175f2f61b\" UNIQUE (\"unit_id\"), CONSTRAINT \"PK_fc40f41a0b3686e8c43ed290d70\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE TABLE \"attendance_calendar\" (\"date\" date NOT NULL, \"kind\" character varying(8) NOT NULL, \"name\" character varying(50) NOT NULL, CONSTRAINT \"ck_attendance_calendar_kind\" CHECK (kind IN ('holiday', 'workday')), CONSTRAINT \"PK_4a5bc4944482f9f5a116cd7bb40\" PRIMARY KEY (\"date\"))");
    await q.query("CREATE TABLE \"attendance_photo\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"member_id\" uuid NOT NULL, \"content_type\" character varying(32) NOT NULL, \"size\" integer NOT NULL, \"sha256\" character(64) NOT NULL, \"taken_at\" TIMESTAMP WITH TIME ZONE, \"latitude\" double precision, \"longitude\" double precision, \"data\" bytea NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_d121d08dd2e298743c97bc069da\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE INDEX \"ix_attendance_photo_member\" ON \"attendance_photo\"  (\"member_id\", \"created_at\") ");
    await q.query("CREATE TABLE \"check_in\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"member_id\" uuid NOT NULL, \"unit_id\" uuid, \"kind\" character varying(8) NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"made_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"client_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"latitude\" double precision NOT NULL, \"longitude\" double precision NOT NULL, \"coord_system\" character varying(8) NOT NULL, \"gcj_latitude\" double precision NOT NULL, \"gcj_longitude\" double precision NOT NULL, \"accuracy\" real NOT NULL, \"bssid\" character varying(17), \"photo_id\" uuid, \"note\" character varying(500), \"mock_location\" boolean, \"idempotency_key\" character varying(64) NOT NULL, \"content_hash\" character(64) NOT NULL, \"replay_of\" uuid, \"verdict\" character varying(16) NOT NULL, \"reasons\" jsonb NOT NULL, \"place_id\" uuid, \"distance\" integer, \"spot_check_id\" uuid, \"notice_id\" uuid, CONSTRAINT \"ck_check_in_verdict\" CHECK (verdict IN ('ok', 'out_of_range', 'low_accuracy', 'wifi', 'field', 'suspicious')), CONSTRAINT \"ck_check_in_kind\" CHECK (kind IN ('in', 'out', 'field', 'spot', 'meeting')), CONSTRAINT \"PK_9c026e16735aea10812a3888d6c\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE UNIQUE INDEX \"ux_check_in_key\" ON \"check_in\"  (\"member_id\", \"idempotency_key\") WHERE replay_of IS NULL");
    await q.query("CREATE INDEX \"ix_check_in_unit_made\" ON \"check_in\"  (\"unit_id\", \"made_at\") ");
    await q.query("CREATE INDEX \"ix_check_in_member_made\" ON \"check_in\"  (\"member_id\", \"made_at\") ");
    await q.query("CREATE INDEX \"ix_check_in_notice\" ON \"check_in\"  (\"notice_id\", \"member_id\") WHERE notice_id IS NOT NULL");
    await q.query("CREATE TABLE \"attendance_day\" (\"member_id\" uuid NOT NULL, \"date\" date NOT NULL, \"unit_id\" uuid, \"status\" character varying(16) NOT NULL, \"first_in\" TIMESTAMP WITH TIME ZONE, \"last_out\" TIMESTAMP WITH TIME ZONE, \"late_minutes\" integer NOT NULL DEFAULT '0', \"early_minutes\" integer NOT NULL DEFAULT '0', \"missing_count\" integer NOT NULL DEFAULT '0', \"computed_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_86d0daabede1997fcd7036d303c\" PRIMARY KEY (\"member_id\", \"date\"))");
    await q.query("CREATE INDEX \"ix_attendance_day_unit\" ON \"attendance_day\"  (\"unit_id\", \"date\") ");
    await q.query("CREATE TABLE \"attendance_request\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"member_id\" uuid NOT NULL, \"unit_id\" uuid, \"kind\" character varying(16) NOT NULL, \"date\" date NOT NULL, \"end_date\" date NOT NULL, \"corrected_at\" TIMESTAMP WITH TIME ZONE, \"reason\" character varying(500) NOT NULL, \"status\" character varying(16) NOT NULL DEFAULT 'pending', \"decided_by\" uuid, \"decided_at\" TIMESTAMP WITH TIME ZONE, \"comment\" character varying(500), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_attendance_request_dates\" CHECK (end_date >= date), CONSTRAINT \"ck_attendance_request_status\" CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')), CONSTRAINT \"ck_attendance_request_kind\" CHECK (kind IN ('correction', 'leave')), CONSTRAINT \"PK_bc5802a17182d679384a13d3f28\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE INDEX \"ix_attendance_request_pending\" ON \"attendance_request\"  (\"unit_id\") WHERE status = 'pending'");
    await q.query("CREATE INDEX \"ix_attendance_request_member\" ON \"attendance_request\"  (\"member_id\", \"date\") ");
    await q.query("CREATE TABLE \"spot_check\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_by\" uuid NOT NULL, \"reason\" character varying(500) NOT NULL, \"scope\" jsonb NOT NULL, \"sample_size\" integer, \"seed\" character varying(64) NOT NULL, \"population\" uuid array NOT NULL, \"skipped_over_cap\" integer NOT NULL DEFAULT '0', \"window_minutes\" integer NOT NULL, \"deadline\" TIMESTAMP WITH TIME ZONE NOT NULL, \"place_id\" uuid, \"channels\" character varying array NOT NULL DEFAULT '{}', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_f4e2fad54bc1d694af497b7482a\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE INDEX \"ix_spot_check_creator\" ON \"spot_check\"  (\"created_by\", \"created_at\") ");
    await q.query("CREATE TABLE \"spot_check_target\" (\"spot_check_id\" uuid NOT NULL, \"member_id\" uuid NOT NULL, \"unit_id\" uuid, \"status\" character varying(16) NOT NULL DEFAULT 'pending', \"reasons\" jsonb NOT NULL DEFAULT '[]', \"excuse\" character varying(200), \"check_in_id\" uuid, \"answered_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_spot_check_target_status\" CHECK (status IN ('pending', 'passed', 'failed', 'no_response', 'excused')), CONSTRAINT \"PK_1772c11fdca97715c507bf5038f\" PRIMARY KEY (\"spot_check_id\", \"member_id\"))");
    await q.query("CREATE INDEX \"ix_spot_check_target_member\" ON \"spot_check_target\"  (\"member_id\", \"created_at\") ");
    await q.query("ALTER TABLE \"notice\" ADD \"ends_at\" TIMESTAMP WITH TIME ZONE");
    await q.query("ALTER TABLE \"notice\" ADD \"attendance_place_id\" uuid");
    await q.query("ALTER TABLE \"ding\" DROP CONSTRAINT \"ck_ding_purpose\"");
    await q.query("ALTER TABLE \"ding\" ADD CONSTRAINT \"ck_ding_purpose\" CHECK (purpose IN ('ding', 'escalation', 'announce', 'spotcheck'))");
    await q.query("ALTER TABLE \"ding\" ADD \"title\" character varying(200)");
    await q.query("ALTER TABLE \"ding\" ADD \"url\" character varying(200)");
    await q.query("ALTER TABLE \"attendance_place\" ADD CONSTRAINT \"fk_attendance_place_unit\" FOREIGN KEY (\"unit_id\") REFERENCES \"unit\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"attendance_shift\" ADD CONSTRAINT \"fk_attendance_shift_unit\" FOREIGN KEY (\"unit_id\") REFERENCES \"unit\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await q.query("ALTER TABLE \"spot_check_target\" ADD CONSTRAINT \"fk_spot_check_target_spot_check\" FOREIGN KEY (\"spot_check_id\") REFERENCES \"spot_check\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE \"spot_check_target\" DROP CONSTRAINT \"fk_spot_check_target_spot_check\"");
    await q.query("ALTER TABLE \"attendance_shift\" DROP CONSTRAINT \"fk_attendance_shift_unit\"");
    await q.query("ALTER TABLE \"attendance_place\" DROP CONSTRAINT \"fk_attendance_place_unit\"");
    await q.query("ALTER TABLE \"ding\" DROP COLUMN \"url\"");
    await q.query("ALTER TABLE \"ding\" DROP COLUMN \"title\"");
    await q.query("ALTER TABLE \"ding\" DROP CONSTRAINT \"ck_ding_purpose\"");
    await q.query("ALTER TABLE \"ding\" ADD CONSTRAINT \"ck_ding_purpose\" CHECK (purpose IN ('ding', 'escalation', 'announce'))");
    await q.query("ALTER TABLE \"notice\" DROP COLUMN \"attendance_place_id\"");
    await q.query("ALTER TABLE \"notice\" DROP COLUMN \"ends_at\"");
    await q.query("DROP INDEX \"public\".\"ix_spot_check_target_member\"");
    await q.query("DROP TABLE \"spot_check_target\"");
    await q.query("DROP INDEX \"public\".\"ix_spot_check_creator\"");
    await q.query("DROP TABLE \"spot_check\"");
    await q.query("DROP INDEX \"public\".\"ix_attendance_request_member\"");
    await q.query("DROP INDEX \"public\".\"ix_attendance_request_pending\"");
    await q.query("DROP TABLE \"attendance_request\"");
    await q.query("DROP INDEX \"public\".\"ix_attendance_day_unit\"");
    await q.query("DROP TABLE \"attendance_day\"");
    await q.query("DROP INDEX \"public\".\"ix_check_in_notice\"");
    await q.query("DROP INDEX \"public\".\"ix_check_in_member_made\"");
    await q.query("DROP INDEX \"public\".\"ix_check_in_unit_made\"");
    await q.query("DROP INDEX \"public\".\"ux_check_in_key\"");
    await q.query("DROP TABLE \"check_in\"");
    await q.query("DROP INDEX \"public\".\"ix_attendance_photo_member\"");
    await q.query("DROP TABLE \"attendance_photo\"");
    await q.query("DROP TABLE \"attendance_calendar\"");
    await q.query("DROP TABLE \"attendance_shift\"");
    await q.query("DROP INDEX \"public\".\"ix_attendance_place_unit\"");
    await q.query("DROP TABLE \"attendance_place\"");
  }
}
