import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NoticeAttachments1795442316937 implements MigrationInterface {
  name = 'NoticeAttachments1795442316937';

  async up(q: QueryRunner): Promise<void> {
    await q.query("CREATE TABLE \"notice_attachment\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"uploader_id\" uuid NOT NULL, \"notice_id\" uuid, \"filename\" character varying(200) NOT NULL, \"content_type\" character varying(100) NOT NULL, \"size\" integer NOT NULL, \"sha256\" character(64) NOT NULL, \"data\" bytea NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_917f9ec35ce5167e322919e73c9\" PRIMARY KEY (\"id\"))");
    await q.query("CREATE INDEX \"ix_notice_attachment_notice\" ON \"notice_attachment\"  (\"notice_id\") ");
    await q.query("ALTER TABLE \"notice_attachment\" ADD CONSTRAINT \"fk_notice_attachment_notice\" FOREIGN KEY (\"notice_id\") REFERENCES \"notice\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE \"notice_attachment\" DROP CONSTRAINT \"fk_notice_attachment_notice\"");
    await q.query("DROP INDEX \"public\".\"ix_notice_attachment_notice\"");
    await q.query("DROP TABLE \"notice_attachment\"");
  }
}
