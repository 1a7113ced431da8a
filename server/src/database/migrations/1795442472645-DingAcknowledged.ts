import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DingAcknowledged1795442472645 implements MigrationInterface {
  name = 'DingAcknowledged1795442472645';

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE \"ding_delivery\" ADD \"acknowledged_at\" TIMESTAMP WITH TIME ZONE");
    await q.query("CREATE INDEX \"ix_ding_delivery_unacknowledged\" ON \"ding_delivery\"  (\"member_id\") WHERE channel = 'app' AND acknowledged_at IS NULL");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP INDEX \"public\".\"ix_ding_delivery_unacknowledged\"");
    await q.query("ALTER TABLE \"ding_delivery\" DROP COLUMN \"acknowledged_at\"");
  }
}
