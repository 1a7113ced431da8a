import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, type EscalationStepInput, type EscalationStepView } from '@lianxin/shared';
import type { Job } from 'pg-boss';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../common/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PG_POOL } from '../database/database.module.js';
import { JobsService } from '../jobs/jobs.service.js';
import { NoticeAccess, notFound } from '../notices/notice-access.js';
import { DingService } from './ding.service.js';
import { reminderText, supervisorText } from './ding-text.js';
import { afterQuietHours } from './quiet-hours.js';

export const ESCALATE_QUEUE = 'notice-escalate';

interface EscalateJob {
  noticeId: string;
  step: number;
}

interface StepRow {
  notice_id: string;
  step: number;
  after_minutes: number;
  target: 'unread' | 'unconfirmed';
  channel: EscalationStepInput['channel'];
  to_supervisor: boolean;
  urgent: boolean;
  fire_at: Date;
  status: EscalationStepView['status'];
  fired_at: Date | null;
  ding_id: string | null;
}

/**
 * Escalation policies: after N minutes, DING whoever is still unread (or unconfirmed) — or their
 * supervisors. Each step is a row and a pg-boss job starting at its time. Firing moves the row from
 * pending to fired in one conditional UPDATE inside the transaction that writes the DING, so a
 * restart, a retried job or a second server instance never fires a step twice; quiet hours push
 * non-urgent steps to the end of the window.
 */
@Injectable()
export class EscalationService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Escalation');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsService,
    private readonly dings: DingService,
    private readonly access: NoticeAccess,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.worker<EscalateJob>(ESCALATE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => this.fire(job));
  }

  /** Checks a policy's channels before anything is written: an unconfigured channel is refused, not dropped. */
  validate(steps: EscalationStepInput[]): void {
    for (const s of steps) this.dings.assertConfigured(s.channel);
  }

  /** Writes the steps and their jobs inside the notice's own transaction. */
  async schedule(tx: EntityManager, noticeId: string, sentAt: Date, steps: EscalationStepInput[]): Promise<void> {
    const minute = this.config.notices.escalationMinuteMs;
    const rows = steps.map((s, i) => ({ ...s, step: i + 1, fireAt: new Date(sentAt.getTime() + s.afterMinutes * minute) }));
    await tx.query(
      `INSERT INTO notice_escalation (notice_id, step, after_minutes, target, channel, to_supervisor, urgent, fire_at)
       SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::boolean[], $7::boolean[], $8::timestamptz[])`,
      [
        noticeId,
        rows.map((r) => r.step),
        rows.map((r) => r.afterMinutes),
        rows.map((r) => r.target),
        rows.map((r) => r.channel),
        rows.map((r) => !!r.toSupervisor),
        rows.map((r) => !!r.urgent),
        rows.map((r) => r.fireAt),
      ],
    );
    await this.jobs.boss.insert(
      ESCALATE_QUEUE,
      rows.map((r) => ({ data: { noticeId, step: r.step }, startAfter: r.fireAt, singletonKey: `${noticeId}:${r.step}:${r.fireAt.getTime()}`, retryLimit: 5, retryBackoff: true })),
      this.jobs.within(tx),
    );
  }

  /** Runs a due step once: postpones it out of quiet hours, or writes its DING to whoever is still behind. */
  async fire(job: Job<EscalateJob>): Promise<void> {
    const { noticeId, step } = job.data;
    await this.ds.transaction(async (tx) => {
      const [row] = await tx.query<(StepRow & { title: string; sender_id: string })[]>(
        `SELECT e.*, n.title, n.sender_id FROM notice_escalation e JOIN notice n ON n.id = e.notice_id
          WHERE e.notice_id = $1 AND e.step = $2 FOR UPDATE OF e`,
        [noticeId, step],
      );
      if (!row || row.status !== 'pending') return; // fired already, or stopped
      const now = new Date();
      if (row.fire_at.getTime() > now.getTime() + 1000) return; // an older job for a step that was postponed
      const allowed = row.urgent ? now : afterQuietHours(now, this.config.notices.quietHours);
      if (allowed.getTime() > now.getTime()) {
        await tx.query(`UPDATE notice_escalation SET fire_at = $3 WHERE notice_id = $1 AND step = $2`, [noticeId, step, allowed]);
        await this.jobs.boss.insert(
          ESCALATE_QUEUE,
          [{ data: { noticeId, step }, startAfter: allowed, singletonKey: `${noticeId}:${step}:${allowed.getTime()}`, retryLimit: 5, retryBackoff: true }],
          this.jobs.within(tx),
        );
        this.logger.log({ noticeId, step, until: allowed.toISOString() }, 'escalation step postponed by quiet hours');
        return;
      }
      const text = row.to_supervisor
        ? supervisorText({ title: row.title, step, at: now })
        : reminderText({ title: row.title, purpose: 'escalation', step, target: row.target, at: now });
      const { dingId, total } = await this.dings.create(tx, {
        noticeId,
        senderId: row.sender_id,
        channel: row.channel,
        target: row.target,
        purpose: 'escalation',
        step,
        text,
        toSupervisor: row.to_supervisor,
      });
      await tx.query(`UPDATE notice_escalation SET status = $3, fired_at = now(), ding_id = $4 WHERE notice_id = $1 AND step = $2`, [
        noticeId,
        step,
        total > 0 ? 'fired' : 'skipped',
        dingId,
      ]);
      this.logger.log({ noticeId, step, dingId, recipients: total }, 'escalation step fired');
    });
  }

  /** The sender stops whatever has not fired yet. */
  async stop(principal: Principal, noticeId: string): Promise<EscalationStepView[]> {
    const notice = await this.access.load(noticeId);
    if (notice.sender_id !== principal.memberId) {
      if (await this.access.tracking(principal, notice)) throw new DomainError(ErrorCode.Forbidden, '只有发送人可以停止自动提醒');
      throw notFound();
    }
    await this.pool.query(`UPDATE notice_escalation SET status = 'stopped' WHERE notice_id = $1 AND status = 'pending'`, [noticeId]);
    return this.steps(noticeId);
  }

  async steps(noticeId: string): Promise<EscalationStepView[]> {
    const { rows } = await this.pool.query<StepRow>(`SELECT * FROM notice_escalation WHERE notice_id = $1 ORDER BY step`, [noticeId]);
    return rows.map((r) => ({
      step: r.step,
      afterMinutes: r.after_minutes,
      target: r.target,
      channel: r.channel,
      toSupervisor: r.to_supervisor,
      urgent: r.urgent,
      status: r.status,
      fireAt: r.fire_at.toISOString(),
      firedAt: r.fired_at?.toISOString() ?? null,
      dingId: r.ding_id,
    }));
  }
}
