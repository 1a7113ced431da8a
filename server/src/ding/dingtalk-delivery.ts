import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DingChannel } from '@lianxin/shared';
import type { Job } from 'pg-boss';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PG_POOL } from '../database/database.module.js';
import { JobsService } from '../jobs/jobs.service.js';
import type { DeliveryOutcome, DeliveryTarget } from './channels/channel.js';
import { ChannelRegistry } from './channels/channel-registry.js';
import { DingTalkChannel } from './channels/dingtalk.channel.js';
import { DingService } from './ding.service.js';

export const RESULT_QUEUE = 'ding-dingtalk-result';

interface ResultJob {
  dingId: string;
  taskId: string;
}

/**
 * What DingTalk needs beyond "send a batch":
 * - a DING by DingTalk is a robot DING where DINGTALK_ROBOT_CODE is set; when DingTalk refuses it
 *   (the edition lacks it, the quota is used up) the same people get it by SMS, or else by voice,
 *   and their DingTalk deliveries say so;
 * - a work notification is only accepted at first: a minute later its send result tells who DingTalk
 *   refused (flow control, same content today, daily cap), and those deliveries become failed, the
 *   readers delivered.
 */
@Injectable()
export class DingTalkDelivery implements OnApplicationBootstrap {
  private readonly logger = new Logger('DingTalkDelivery');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsService,
    private readonly dingtalk: DingTalkChannel,
    private readonly channels: ChannelRegistry,
    private readonly dings: DingService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.worker<ResultJob>(RESULT_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => this.checkResult(job));
  }

  /** True when DINGs by DingTalk go as robot DINGs here. */
  usesRobot(purpose: string): boolean {
    return purpose !== 'announce' && !!this.config.channels.dingtalk.robotCode;
  }

  /** A robot DING to the batch; on refusal, the same people by SMS (or voice), noted on each delivery. */
  async robotDing(dingId: string, targets: DeliveryTarget[], text: string): Promise<DeliveryOutcome[]> {
    const answer = await this.dingtalk.robotDing(targets, text);
    if (answer.kind === 'done') return answer.outcomes;
    const fallback = [DingChannel.Sms, DingChannel.Call].find((c) => this.channels.get(c).configured());
    if (!fallback) {
      return targets.map((t) => ({ deliveryId: t.deliveryId, status: 'failed', providerId: null, error: `钉钉 DING 不可用：${answer.reason}；短信和电话通道也未配置`, retryable: false }));
    }
    const label = fallback === DingChannel.Sms ? '短信' : '电话';
    await this.ds.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }[]>(
        `INSERT INTO ding_delivery (ding_id, member_id, channel, note)
         SELECT $1, m, $2, $3 FROM unnest($4::uuid[]) AS m ON CONFLICT DO NOTHING RETURNING id`,
        [dingId, fallback, `钉钉 DING 不可用，改用${label}`, targets.map((t) => t.memberId)],
      );
      await this.dings.enqueue(tx, dingId, fallback, rows.map((r) => r.id));
    });
    this.logger.warn({ dingId, reason: answer.reason, fallback }, 'robot DING refused; falling back');
    return targets.map((t) => ({ deliveryId: t.deliveryId, status: 'failed', providerId: null, error: `钉钉 DING 不可用：${answer.reason}；已改用${label}`, retryable: false }));
  }

  /** After a work notification is accepted: check its send result later. */
  async scheduleCheck(dingId: string, outcomes: DeliveryOutcome[]): Promise<void> {
    const tasks = new Set(outcomes.filter((o) => o.status === 'sent' && o.providerId).map((o) => o.providerId!));
    for (const taskId of tasks) {
      await this.jobs.boss.send(RESULT_QUEUE, { dingId, taskId }, { startAfter: this.config.channels.dingtalk.resultCheckSeconds, retryLimit: 3, retryDelay: 30 });
    }
  }

  async checkResult(job: Job<ResultJob>): Promise<void> {
    const { dingId, taskId } = job.data;
    const result = await this.dingtalk.getSendResult(taskId);
    const refused = this.dingtalk.undelivered(result);
    await this.pool.query(
      `UPDATE ding_delivery d SET status = 'failed', error = u.error, updated_at = now()
         FROM member m, unnest($3::text[], $4::text[]) AS u(userid, error)
        WHERE d.ding_id = $1 AND d.provider_id = $2 AND d.channel = 'dingtalk' AND m.id = d.member_id AND m.dingtalk_user_id = u.userid`,
      [dingId, taskId, refused.map((r) => r.dingtalkUserId), refused.map((r) => r.error.slice(0, 500))],
    );
    await this.pool.query(
      `UPDATE ding_delivery d SET status = 'delivered', updated_at = now()
         FROM member m
        WHERE d.ding_id = $1 AND d.provider_id = $2 AND d.channel = 'dingtalk' AND d.status = 'sent'
          AND m.id = d.member_id AND m.dingtalk_user_id = ANY($3::text[])`,
      [dingId, taskId, result.read],
    );
  }
}
