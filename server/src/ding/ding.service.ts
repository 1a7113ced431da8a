import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DeliveryStatus,
  DingTarget,
  ErrorCode,
  type CreateDingRequest,
  type DeliveryView,
  type DingChannel,
  type DingView,
  type MyDingView,
  type Page,
} from '@lianxin/shared';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../common/decorators.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PG_POOL } from '../database/database.module.js';
import { JobsService } from '../jobs/jobs.service.js';
import { NoticeAccess, trackClause, type TrackView } from '../notices/notice-access.js';
import { directSupervisorLateral } from '../org/supervisor.sql.js';
import type { ChannelName } from './channels/channel.js';
import { ChannelRegistry } from './channels/channel-registry.js';
import { reminderText } from './ding-text.js';

export const DELIVER_QUEUE = 'ding-deliver';

export interface DingSpec {
  noticeId: string;
  senderId: string;
  channel: DingChannel;
  target: DingTarget | 'all';
  purpose: 'ding' | 'escalation' | 'announce';
  step: number | null;
  text: string;
  memberIds?: string[];
  /** DING each laggard's direct supervisor (once each) instead of the laggard. */
  toSupervisor?: boolean;
  /** Only recipients whose receipt unit satisfies this (a tracker's scope). */
  view?: TrackView;
  /** Only people with a DingTalk account (the announcement by work notification). */
  dingtalkOnly?: boolean;
}

const RECEIPT_FILTER: Record<DingSpec['target'], string> = {
  unread: 'r.read_at IS NULL',
  unconfirmed: 'r.confirm_status IS NULL',
  members: 'r.member_id = ANY($3::uuid[])',
  all: 'true',
};

/**
 * DINGs: who gets one (set-based, from the notice's receipts), one delivery row per person per
 * channel (a unique key), and the delivery jobs — all in one transaction, so the jobs exist exactly
 * when their rows do. Workers (DeliveryWorker) send them.
 */
@Injectable()
export class DingService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly access: NoticeAccess,
    private readonly channels: ChannelRegistry,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `POST /notices/:id/ding` by the sender or someone tracking the notice (their part of it only). */
  async dingNotice(principal: Principal, noticeId: string, req: CreateDingRequest): Promise<DingView> {
    const view = await this.access.assertTracking(principal, noticeId);
    this.assertConfigured(req.channel);
    if (req.target === DingTarget.Members && !req.memberIds?.length) {
      throw new DomainError(ErrorCode.ValidationFailed, '请选择要提醒的人', [{ path: 'memberIds', message: '不能为空' }]);
    }
    const text = reminderText({ title: view.notice.title, purpose: 'ding', step: null, target: req.target, at: new Date(), extra: req.message });
    const created = await this.ds.transaction(async (tx) => {
      const { dingId, total } = await this.create(tx, {
        noticeId,
        senderId: principal.memberId,
        channel: req.channel,
        target: req.target,
        purpose: 'ding',
        step: null,
        text,
        memberIds: req.memberIds,
        view,
      });
      if (total === 0) throw new DomainError(ErrorCode.DingNobody, req.target === DingTarget.Unread ? '所有人都已阅读，没有需要提醒的人' : '没有需要提醒的人');
      return { dingId, total };
    });
    // Answered from what the transaction wrote — everyone queued, nobody answered yet — not by recounting.
    const { rows: [d] } = await this.pool.query<{ created_at: Date }>(`SELECT created_at FROM ding WHERE id = $1`, [created.dingId]);
    const byStatus = Object.fromEntries(Object.values(DeliveryStatus).map((st) => [st, 0])) as Record<DeliveryStatus, number>;
    byStatus.queued = created.total;
    return { id: created.dingId, noticeId, channel: req.channel, target: req.target, purpose: 'ding', step: null, text, createdAt: d.created_at.toISOString(), total: created.total, byStatus, answered: 0 };
  }

  /** Refuses a channel whose settings are missing, with the sentence naming what to set. */
  assertConfigured(channel: DingChannel): void {
    const c = this.channels.get(channel as ChannelName);
    if (!c.configured()) throw new DomainError(ErrorCode.DingChannelUnconfigured, c.unconfiguredReason);
  }

  /** Writes a DING, its deliveries and their jobs inside the caller's transaction. Returns how many it reaches. */
  async create(tx: EntityManager, spec: DingSpec): Promise<{ dingId: string; total: number }> {
    const [ding] = await tx.query<{ id: string }[]>(
      `INSERT INTO ding (notice_id, sender_id, channel, target, purpose, step, text) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [spec.noticeId, spec.senderId, spec.channel, spec.target, spec.purpose, spec.step, spec.text],
    );
    const args: unknown[] = [spec.noticeId, ding.id];
    if (spec.target === DingTarget.Members) args.push(spec.memberIds ?? []); // $3 in RECEIPT_FILTER.members
    const { sql: scope, params: scopeParams } = spec.view ? trackClause(spec.view, 'r.unit_id', args.length + 1) : { sql: '', params: [] };
    args.push(...scopeParams);
    args.push(spec.channel);
    const channelParam = `$${args.length}`;
    const laggards = `SELECT r.member_id FROM notice_receipt r WHERE r.notice_id = $1 AND ${RECEIPT_FILTER[spec.target]} ${scope}`;
    const who = spec.toSupervisor
      ? `SELECT DISTINCT sup.member_id FROM (${laggards}) l CROSS JOIN LATERAL ${directSupervisorLateral('l.member_id')} sup WHERE sup.member_id IS NOT NULL`
      : laggards;
    const rows = await tx.query<{ id: string }[]>(
      `INSERT INTO ding_delivery (ding_id, member_id, channel)
       SELECT $2, w.member_id, ${channelParam}
         FROM (${who}) w JOIN member m ON m.id = w.member_id AND m.status = 'active' ${spec.dingtalkOnly ? 'AND m.dingtalk_user_id IS NOT NULL' : ''}
        ORDER BY w.member_id
       ON CONFLICT DO NOTHING
       RETURNING id`,
      args,
    );
    await tx.query(`UPDATE ding SET total = $2 WHERE id = $1`, [ding.id, rows.length]);
    await this.enqueue(tx, ding.id, spec.channel, rows.map((r) => r.id));
    return { dingId: ding.id, total: rows.length };
  }

  /**
   * A DING that is not about a notice (a spot-check demand) to named members, with its own title and
   * link, written with its deliveries and jobs inside the caller's transaction.
   */
  async createDirect(
    tx: EntityManager,
    spec: { senderId: string; channel: DingChannel; purpose: 'spotcheck'; title: string; text: string; url: string; memberIds: string[] },
  ): Promise<{ dingId: string; total: number }> {
    const [ding] = await tx.query<{ id: string }[]>(
      `INSERT INTO ding (sender_id, channel, target, purpose, text, title, url) VALUES ($1, $2, 'members', $3, $4, $5, $6) RETURNING id`,
      [spec.senderId, spec.channel, spec.purpose, spec.text, spec.title, spec.url],
    );
    const rows = await tx.query<{ id: string }[]>(
      `INSERT INTO ding_delivery (ding_id, member_id, channel)
       SELECT $1, m.id, $2 FROM member m WHERE m.id = ANY($3::uuid[]) AND m.status = 'active' ORDER BY m.id
       ON CONFLICT DO NOTHING RETURNING id`,
      [ding.id, spec.channel, spec.memberIds],
    );
    await tx.query(`UPDATE ding SET total = $2 WHERE id = $1`, [ding.id, rows.length]);
    await this.enqueue(tx, ding.id, spec.channel, rows.map((r) => r.id));
    return { dingId: ding.id, total: rows.length };
  }

  /** Delivery jobs of the channel's batch size, in the same transaction. */
  async enqueue(tx: EntityManager, dingId: string, channel: DingChannel, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const batch = this.channels.get(channel as ChannelName).maxBatch;
    const attempts = this.config.notices.deliveryAttempts;
    const jobs = [];
    for (let i = 0; i < ids.length; i += batch) {
      jobs.push({
        data: { dingId, ids: ids.slice(i, i + batch), attempts },
        retryLimit: attempts - 1,
        retryDelay: this.config.notices.retryDelaySeconds,
        retryBackoff: true,
        retryDelayMax: 600,
      });
    }
    await this.jobs.boss.insert(DELIVER_QUEUE, jobs, this.jobs.within(tx));
  }

  /** A DING with its deliveries counted by status, and how many have read the notice since. */
  async view(principal: Principal, dingId: string): Promise<DingView> {
    const d = await this.load(principal, dingId);
    const lim = trackClause(d.view, 'r.unit_id', 4);
    const { rows } = await this.pool.query<{ status: DeliveryStatus; n: number; answered: number }>(
      `SELECT dd.status, count(*)::int AS n,
              count(*) FILTER (WHERE r.read_at > $2)::int AS answered
         FROM ding_delivery dd LEFT JOIN notice_receipt r ON r.notice_id = $3 AND r.member_id = dd.member_id
        WHERE dd.ding_id = $1 ${lim.sql} GROUP BY dd.status`,
      [dingId, d.created_at, d.notice_id, ...lim.params],
    );
    const byStatus = Object.fromEntries(Object.values(DeliveryStatus).map((s) => [s, 0])) as Record<DeliveryStatus, number>;
    let answered = 0;
    for (const r of rows) {
      byStatus[r.status] = r.n;
      answered += r.answered;
    }
    // A tracker's counts cover their part of the DING; the total is the DING's own.
    return {
      id: d.id,
      noticeId: d.notice_id,
      channel: d.channel,
      target: d.target,
      purpose: d.purpose,
      step: d.step,
      text: d.text,
      createdAt: d.created_at.toISOString(),
      total: d.total,
      byStatus,
      answered,
    };
  }

  /** The deliveries of a DING, by status, paged. */
  async deliveries(principal: Principal, dingId: string, q: { status?: DeliveryStatus; cursor?: string; limit?: number }): Promise<Page<DeliveryView>> {
    const d = await this.load(principal, dingId);
    const limit = q.limit ?? 50;
    const lim = trackClause(d.view, 'r.unit_id', 4);
    const args: unknown[] = [dingId, d.created_at, d.notice_id, ...lim.params];
    const where = ['dd.ding_id = $1'];
    if (lim.sql) where.push(lim.sql.replace(/^AND /, ''));
    if (q.status) {
      args.push(q.status);
      where.push(`dd.status = $${args.length}`);
    }
    const after = decodeCursor(q.cursor, ['string'] as const);
    if (after) {
      args.push(after[0]);
      where.push(`dd.id > $${args.length}::uuid`);
    }
    args.push(limit + 1);
    const { rows } = await this.pool.query(
      `SELECT dd.id, dd.member_id, m.name, m.phone, dd.channel, dd.status, dd.provider_id, dd.error, dd.note, dd.attempts, dd.updated_at,
              COALESCE(r.read_at > $2, false) AS answered
         FROM ding_delivery dd JOIN member m ON m.id = dd.member_id
         LEFT JOIN notice_receipt r ON r.notice_id = $3 AND r.member_id = dd.member_id
        WHERE ${where.join(' AND ')} ORDER BY dd.id LIMIT $${args.length}`,
      args,
    );
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    return {
      items: items.map((r) => ({
        id: r.id,
        member: { id: r.member_id, name: r.name, phone: r.phone },
        channel: r.channel,
        status: r.status,
        providerId: r.provider_id,
        error: r.error,
        note: r.note,
        attempts: r.attempts,
        updatedAt: r.updated_at.toISOString(),
        answered: r.answered,
      })),
      nextCursor: more ? encodeCursor([items.at(-1).id]) : null,
    };
  }

  /** DINGs are seen by whoever may track their notice. */
  private async load(principal: Principal, dingId: string) {
    const { rows: [d] } = await this.pool.query<{
      id: string;
      notice_id: string;
      channel: DingChannel;
      target: DingView['target'];
      purpose: DingView['purpose'];
      step: number | null;
      text: string;
      total: number;
      created_at: Date;
    }>(`SELECT id, notice_id, channel, target, purpose, step, text, total, created_at FROM ding WHERE id = $1`, [dingId]);
    if (!d) throw new DomainError(ErrorCode.DingNotFound, 'DING 不存在或不在您的查看范围内');
    let view: TrackView;
    try {
      view = await this.access.assertTracking(principal, d.notice_id);
    } catch {
      throw new DomainError(ErrorCode.DingNotFound, 'DING 不存在或不在您的查看范围内');
    }
    return { ...d, view };
  }

  /** The caller's in-app DINGs not yet acknowledged, newest first: the banner the micro-app shows until they are. */
  async mine(principal: Principal): Promise<MyDingView[]> {
    const { rows } = await this.pool.query(
      `SELECT d.id, d.notice_id, COALESCE(n.title, '提醒') AS title, d.text, s.name AS sender_name, d.created_at
         FROM ding_delivery dd JOIN ding d ON d.id = dd.ding_id JOIN member s ON s.id = d.sender_id
         LEFT JOIN notice n ON n.id = d.notice_id
        WHERE dd.member_id = $1 AND dd.channel = 'app' AND dd.acknowledged_at IS NULL AND d.purpose <> 'announce'
        ORDER BY d.created_at DESC LIMIT 20`,
      [principal.memberId],
    );
    return rows.map((r) => ({ dingId: r.id, noticeId: r.notice_id, title: r.title, text: r.text, senderName: r.sender_name, createdAt: r.created_at.toISOString() }));
  }

  /** The recipient acknowledges an in-app DING (idempotent); 404 when they got none. */
  async acknowledge(principal: Principal, dingId: string): Promise<{ acknowledgedAt: string }> {
    const { rows: [r] } = await this.pool.query<{ acknowledged_at: Date }>(
      `UPDATE ding_delivery SET acknowledged_at = COALESCE(acknowledged_at, now()), updated_at = now()
        WHERE ding_id = $1 AND member_id = $2 AND channel = 'app'
        RETURNING acknowledged_at`,
      [dingId, principal.memberId],
    );
    if (!r) throw new DomainError(ErrorCode.DingNotFound, '没有发给您的这条 DING');
    return { acknowledgedAt: r.acknowledged_at.toISOString() };
  }

  /** The DINGs of a notice, newest first. */
  async forNotice(principal: Principal, noticeId: string): Promise<DingView[]> {
    await this.access.assertTracking(principal, noticeId);
    const { rows } = await this.pool.query<{ id: string }>(`SELECT id FROM ding WHERE notice_id = $1 ORDER BY created_at DESC LIMIT 50`, [noticeId]);
    return Promise.all(rows.map((r) => this.view(principal, r.id)));
  }
}

