import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { DeliveryStatus, DingChannel } from '@lianxin/shared';
import type { Job } from 'pg-boss';
import type pg from 'pg';
import { PG_POOL } from '../database/database.module.js';
import { JobsService } from '../jobs/jobs.service.js';
import { ChannelName, type DeliveryOutcome, type DeliveryTarget } from './channels/channel.js';
import { ChannelRegistry } from './channels/channel-registry.js';
import { DELIVER_QUEUE } from './ding.service.js';
import { DingTalkDelivery } from './dingtalk-delivery.js';
import { RateLimiter } from '../common/rate-limiter.js';

interface DeliverJob {
  dingId: string;
  ids: string[];
  /** Attempts this batch gets (set when queued). */
  attempts: number;
}

/**
 * Sends delivery batches. A batch claims its rows by moving them from queued/retrying to sending in
 * one UPDATE, so a row is handed to a provider by one worker only, even with several instances and
 * job retries; what a retry resends is only what failed in a retryable way. Rows left in 'sending'
 * by a crash are not resent: a DING reaches a person at most once per channel.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger('DingDelivery');
  private readonly limiter = new RateLimiter();

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly jobs: JobsService,
    private readonly channels: ChannelRegistry,
    private readonly dingtalk: DingTalkDelivery,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Batches of jobs, fetched again at once while batches come back full: with one job per fetch a
    // worker waits out the polling interval after every job (800 SMS/s however fast the provider is).
    await this.jobs.worker<DeliverJob>(
      DELIVER_QUEUE,
      { batchSize: 4, burstWhenBatchFull: true, perJobResults: true, localConcurrency: 4, pollingIntervalSeconds: 0.5 },
      async (jobs) =>
        Promise.all(
          jobs.map(async (job) => {
            try {
              await this.deliver(job);
              return { id: job.id, status: 'completed' as const };
            } catch (err) {
              return { id: job.id, status: 'failed' as const, output: { message: (err as Error).message } };
            }
          }),
        ),
    );
  }

  async deliver(job: Job<DeliverJob>): Promise<void> {
    const { dingId, ids } = job.data;
    const { rows: claimed } = await this.pool.query<DeliveryTarget & { channel: DingChannel; title: string | null; text: string; notice_id: string | null; url: string | null; purpose: string; sender_name: string }>(
      `WITH c AS (
         UPDATE ding_delivery SET status = 'sending', attempts = attempts + 1, updated_at = now()
          WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'retrying') -- by primary key: the job carries its DING's own rows
          RETURNING id, member_id, channel
       )
       SELECT c.id AS "deliveryId", c.member_id AS "memberId", m.name, m.phone, m.dingtalk_user_id AS "dingtalkUserId",
              c.channel, coalesce(d.title, n.title) AS title, d.text, d.notice_id, coalesce(d.url, '/notices/' || d.notice_id) AS url, d.purpose, s.name AS sender_name
         FROM c JOIN member m ON m.id = c.member_id JOIN ding d ON d.id = $2 JOIN member s ON s.id = d.sender_id
         LEFT JOIN notice n ON n.id = d.notice_id`,
      [ids, dingId],
    );
    if (claimed.length === 0) return;
    const first = claimed[0];
    const channel = this.channels.get(first.channel as ChannelName);
    const targets: DeliveryTarget[] = claimed.map((c) => ({ deliveryId: c.deliveryId, memberId: c.memberId, name: c.name, phone: c.phone, dingtalkUserId: c.dingtalkUserId }));
    await this.limiter.take(channel.name, channel.ratePerSecond);
    let outcomes: DeliveryOutcome[];
    const robot = channel.name === ChannelName.DingTalk && this.dingtalk.usesRobot(first.purpose);
    try {
      outcomes = robot
        ? await this.dingtalk.robotDing(dingId, targets, first.text)
        : await channel.send(targets, {
        title: first.title ?? '连心提醒',
        text: first.text,
        url: first.url ?? undefined,
        params: { dingId, ...(first.notice_id ? { noticeId: first.notice_id } : {}), title: first.title ?? '', text: first.text, senderName: first.sender_name },
      });
    } catch (err) {
      this.logger.error({ err, dingId }, 'delivery channel threw');
      outcomes = targets.map((t) => ({ deliveryId: t.deliveryId, status: 'failed', providerId: null, error: `发送出错：${(err as Error).message}`, retryable: true }));
    }
    const lastAttempt = job.retryCount + 1 >= job.data.attempts;
    const byId = new Map(outcomes.map((o) => [o.deliveryId, o]));
    const final = targets.map((t) => {
      const o = byId.get(t.deliveryId) ?? { deliveryId: t.deliveryId, status: 'failed' as const, providerId: null, error: '通道没有返回该条的结果', retryable: false };
      const status: DeliveryStatus = o.status === 'failed' ? (o.retryable && !lastAttempt ? 'retrying' : 'failed') : o.status;
      return { id: t.deliveryId, status, providerId: o.providerId, error: o.status === 'failed' ? o.error.slice(0, 500) : null, note: o.status !== 'failed' ? (o.note ?? null) : null };
    });
    await this.pool.query(
      `UPDATE ding_delivery dd SET status = o.status, provider_id = COALESCE(o.provider_id, dd.provider_id), error = o.error,
              note = COALESCE(o.note, dd.note), updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS o(id, status, provider_id, error, note)
        WHERE dd.id = o.id`,
      [final.map((f) => f.id), final.map((f) => f.status), final.map((f) => f.providerId), final.map((f) => f.error), final.map((f) => f.note)],
    );
    if (channel.name === ChannelName.DingTalk && !robot) await this.dingtalk.scheduleCheck(dingId, outcomes);
    const retrying = final.filter((f) => f.status === 'retrying').length;
    // Throwing hands the job back to pg-boss, which runs it again after a backoff: only the retrying rows go out again.
    if (retrying > 0) throw new Error(`${retrying} deliveries of DING ${dingId} will be retried`);
  }
}
