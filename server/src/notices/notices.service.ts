import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ConfirmStatus,
  NoticeKind,
  ErrorCode,
  LiveEventType,
  type ConfirmNoticeRequest,
  type CreateNoticeRequest,
  type MyReceipt,
  type NoticeListItem,
  type NoticeNewEvent,
  type NoticeView,
  type Page,
  type UnreadCountView,
} from '@lianxin/shared';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../common/decorators.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import { PG_POOL } from '../database/database.module.js';
import { EventsService } from '../events/events.service.js';
import { MemberDirectoryService } from '../org/member-directory.service.js';
import { ScopeService } from '../org/scope.service.js';
import { AttachmentsService } from './attachments.service.js';
import { MARK_READ_SQL, WRITE_RECEIPTS_SQL } from './audience.sql.js';
import { NoticeAccess, notFound, type NoticeRow } from './notice-access.js';
import { NoticeTrackingService } from './notice-tracking.service.js';

interface ReceiptRow {
  delivered_at: Date;
  read_at: Date | null;
  confirmed_at: Date | null;
  confirm_status: ConfirmStatus | null;
  leave_reason: string | null;
  unit_id: string;
}

const toReceipt = (r: ReceiptRow): MyReceipt => ({
  deliveredAt: r.delivered_at.toISOString(),
  readAt: r.read_at?.toISOString() ?? null,
  confirmedAt: r.confirmed_at?.toISOString() ?? null,
  confirmStatus: r.confirm_status,
  leaveReason: r.leave_reason,
});

/**
 * What other modules add to a send, inside its transaction (escalation steps, the DingTalk
 * announcement), and what they check before it (their channels are configured). Registered by
 * those modules, so notices do not depend on them.
 */
export interface NoticeSendHook {
  check?(req: CreateNoticeRequest): void;
  inTransaction(tx: EntityManager, sent: { noticeId: string; senderId: string; sentAt: Date; req: CreateNoticeRequest }): Promise<void>;
  /** What the notice page shows of it (escalation steps). */
  describe?(noticeId: string): Promise<Partial<Pick<NoticeView, 'escalation'>>>;
}

/** Sending notices and what recipients do with them: read, confirm, their inbox; the sender's sent box. */
/** Meeting sign-in opens this long before the start. */
export const SIGN_IN_OPENS_BEFORE_MS = 30 * 60_000;

@Injectable()
export class NoticesService {
  private readonly logger = new Logger('Notices');
  private readonly hooks: NoticeSendHook[] = [];

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly scope: ScopeService,
    private readonly access: NoticeAccess,
    private readonly directory: MemberDirectoryService,
    private readonly events: EventsService,
    private readonly tracking: NoticeTrackingService,
    private readonly attachments: AttachmentsService,
  ) {}

  addSendHook(hook: NoticeSendHook): void {
    this.hooks.push(hook);
  }

  /**
   * Sends a notice: checks the sender may reach every unit, member and role-holder unit named, then
   * writes the notice, every receipt and the per-unit counters in one transaction (the receipts in
   * one INSERT … SELECT). Recipients are told over SSE once it is committed.
   */
  async send(principal: Principal, req: CreateNoticeRequest): Promise<NoticeView> {
    const units = req.audience.units ?? [];
    const members = [...new Set(req.audience.members ?? [])];
    const roles = req.audience.roles ?? [];
    if (units.length + members.length + roles.length === 0) {
      throw new DomainError(ErrorCode.ValidationFailed, '请选择接收范围：单位、人员或角色', [{ path: 'audience', message: '接收范围为空' }]);
    }
    await this.assertReach(principal, [...units.map((u) => u.unitId), ...roles.map((r) => r.unitId)], members);
    const endsAt = this.meetingEnd(req);
    if (req.attendancePlaceId) await this.assertPlace(principal, req.attendancePlaceId);
    for (const h of this.hooks) h.check?.(req);
    const { id, count } = await this.ds.transaction(async (tx) => {
      const [notice] = await tx.query<{ id: string; created_at: Date }[]>(
        `INSERT INTO notice (sender_id, sender_unit_id, kind, title, body, starts_at, ends_at, place, attendance_place_id, require_confirm, audience)
         VALUES ($1, (SELECT unit_id FROM membership WHERE member_id = $1 AND is_primary), $2, $3, $4, $5, $6, $7, $8, $9, $10)
         RETURNING id, created_at`,
        [principal.memberId, req.kind, req.title, req.body, req.startsAt ?? null, endsAt, req.place || null, req.attendancePlaceId ?? null, !!req.requireConfirm, req.audience],
      );
      const [{ recipients }] = await tx.query<{ recipients: number }[]>(WRITE_RECEIPTS_SQL, [
        notice.id,
        principal.memberId,
        units.map((u) => u.unitId),
        units.map((u) => u.includeSubUnits),
        members,
        roles.map((r) => r.role),
        roles.map((r) => r.unitId),
        roles.map((r) => r.includeSubUnits),
      ]);
      if (recipients === 0) throw new DomainError(ErrorCode.NoticeAudienceEmpty, '接收范围内没有在职人员，通知未发送');
      await tx.query(`UPDATE notice SET recipient_count = $2 WHERE id = $1`, [notice.id, recipients]);
      await this.attachments.attach(tx, notice.id, principal.memberId, req.attachmentIds ?? []);
      for (const h of this.hooks) await h.inTransaction(tx, { noticeId: notice.id, senderId: principal.memberId, sentAt: notice.created_at, req });
      return { id: notice.id, count: recipients };
    });
    this.logger.log({ noticeId: id, recipients: count }, 'notice sent');
    void this.announce(id).catch((err) => this.logger.error({ err, noticeId: id }, 'could not announce a notice'));
    return this.view(principal, await this.access.load(id));
  }

  /** A meeting ends when it says, or two hours after it starts; only meetings have an end or a sign-in place. */
  private meetingEnd(req: CreateNoticeRequest): Date | null {
    if (req.kind !== NoticeKind.Meeting) {
      if (req.endsAt || req.attendancePlaceId) throw new DomainError(ErrorCode.ValidationFailed, '只有会议通知才有结束时间和签到地点', [{ path: req.endsAt ? 'endsAt' : 'attendancePlaceId', message: '仅会议通知可用' }]);
      return null;
    }
    const start = new Date(req.startsAt!);
    const end = req.endsAt ? new Date(req.endsAt) : new Date(start.getTime() + 2 * 3_600_000);
    if (end <= start) throw new DomainError(ErrorCode.ValidationFailed, '会议结束时间必须晚于开始时间', [{ path: 'endsAt', message: '早于开始时间' }]);
    return end;
  }

  /** A sign-in place the sender can see (their units' and those below). */
  private async assertPlace(principal: Principal, placeId: string): Promise<void> {
    const f = this.scope.filter(principal, 'org.read', 'unit_id', 2);
    const { rows } = await this.pool.query(`SELECT 1 FROM attendance_place WHERE id = $1 AND active AND ${f.sql}`, [placeId, ...f.params]);
    if (rows.length === 0) throw new DomainError(ErrorCode.ValidationFailed, '签到地点不存在', [{ path: 'attendancePlaceId', message: '找不到这个考勤地点' }]);
  }

  /** Refuses (403) when any audience unit, or any named member's every unit, is outside the sender's reach. */
  private async assertReach(principal: Principal, unitIds: string[], memberIds: string[]): Promise<void> {
    if (!(await this.scope.allowsUnits(principal, 'notices.send', unitIds))) {
      throw new DomainError(ErrorCode.Forbidden, '接收范围中有单位不在您的发送范围内');
    }
    if (memberIds.length === 0) return;
    const f = this.scope.filter(principal, 'notices.send', 'ms.unit_id', 2);
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(DISTINCT ms.member_id)::int AS n FROM membership ms WHERE ms.member_id = ANY($1::uuid[]) AND ${f.sql}`,
      [memberIds, ...f.params],
    );
    if (rows[0].n < memberIds.length) throw new DomainError(ErrorCode.Forbidden, `有 ${memberIds.length - rows[0].n} 名接收人不存在或不在您的发送范围内`);
  }

  /** Tells every recipient over SSE once the notice is committed. */
  private async announce(noticeId: string): Promise<void> {
    const { rows: [n] } = await this.pool.query<{ title: string; kind: 'notice' | 'meeting'; require_confirm: boolean; sender: string }>(
      `SELECT n.title, n.kind, n.require_confirm, m.name AS sender FROM notice n JOIN member m ON m.id = n.sender_id WHERE n.id = $1`,
      [noticeId],
    );
    const { rows } = await this.pool.query<{ member_id: string }>(`SELECT member_id FROM notice_receipt WHERE notice_id = $1`, [noticeId]);
    const data: NoticeNewEvent = { noticeId, title: n.title, kind: n.kind, senderName: n.sender, requireConfirm: n.require_confirm };
    await this.events.publish(rows.map((r) => r.member_id), { type: LiveEventType.NoticeNew, data });
  }

  /** One notice as the caller may see it: recipients, the sender and those tracking it. */
  async get(principal: Principal, noticeId: string): Promise<NoticeView> {
    return this.view(principal, await this.access.load(noticeId));
  }

  private async view(principal: Principal, n: NoticeRow): Promise<NoticeView> {
    const [receipt, track, [sender], attachments] = await Promise.all([
      this.receipt(n.id, principal.memberId),
      this.access.tracking(principal, n),
      this.directory.summaries([n.sender_id]),
      this.attachments.list(n.id),
    ]);
    if (!receipt && !track) throw notFound();
    const extra = track ? await Promise.all(this.hooks.map((h) => h.describe?.(n.id) ?? {})) : [];
    return {
      id: n.id,
      kind: n.kind,
      title: n.title,
      body: n.body,
      startsAt: n.starts_at?.toISOString() ?? null,
      endsAt: n.ends_at?.toISOString() ?? null,
      place: n.place,
      signIn: await this.signIn(n),
      requireConfirm: n.require_confirm,
      sender,
      sentAt: n.created_at.toISOString(),
      recipientCount: n.recipient_count,
      receipt: receipt ? toReceipt(receipt) : null,
      canTrack: !!track,
      escalation: [],
      attachments,
      ...Object.assign({}, ...extra),
    };
  }

  /** A meeting's sign-in: open from 30 minutes before the start to the end. */
  private async signIn(n: NoticeRow): Promise<NoticeView['signIn']> {
    if (!n.attendance_place_id || !n.starts_at || !n.ends_at) return null;
    const { rows: [p] } = await this.pool.query<{ id: string; name: string }>(`SELECT id, name FROM attendance_place WHERE id = $1`, [n.attendance_place_id]);
    if (!p) return null;
    return { place: p, opensAt: new Date(n.starts_at.getTime() - SIGN_IN_OPENS_BEFORE_MS).toISOString(), closesAt: n.ends_at.toISOString() };
  }

  private async receipt(noticeId: string, memberId: string): Promise<ReceiptRow | null> {
    const { rows } = await this.pool.query<ReceiptRow>(
      `SELECT delivered_at, read_at, confirmed_at, confirm_status, leave_reason, unit_id FROM notice_receipt WHERE notice_id = $1 AND member_id = $2`,
      [noticeId, memberId],
    );
    return rows[0] ?? null;
  }

  /** Marks the caller's receipt read; repeats change nothing and answer the first time. */
  async read(principal: Principal, noticeId: string): Promise<MyReceipt> {
    // Named: prepared once per connection, not planned on every read (planning cost as much as running it).
    const { rows: [receipt] } = await this.pool.query<ReceiptRow & { changed: number }>({ name: 'notice-mark-read', text: MARK_READ_SQL, values: [noticeId, principal.memberId] });
    if (!receipt) throw notFound();
    if (receipt.changed) this.tracking.touched(noticeId);
    return toReceipt(receipt);
  }

  /**
   * 回执: attend, or leave with a reason. The first answer stands: the same answer again is a no-op,
   * a different one is refused (409). Confirming also marks the notice read.
   */
  async confirm(principal: Principal, noticeId: string, req: ConfirmNoticeRequest): Promise<MyReceipt> {
    const notice = await this.access.load(noticeId);
    const receipt = await this.ds.transaction(async (tx) => {
      const [r] = await tx.query<ReceiptRow[]>(
        `SELECT delivered_at, read_at, confirmed_at, confirm_status, leave_reason, unit_id FROM notice_receipt
          WHERE notice_id = $1 AND member_id = $2 FOR UPDATE`,
        [noticeId, principal.memberId],
      );
      if (!r) throw notFound();
      if (!notice.require_confirm) throw new DomainError(ErrorCode.NoticeNotConfirmable, '该通知不需要回执');
      if (r.confirm_status) {
        if (r.confirm_status === req.status && (r.leave_reason ?? undefined) === (req.status === ConfirmStatus.Leave ? req.reason : undefined)) return r;
        throw new DomainError(ErrorCode.NoticeAlreadyConfirmed, `您已回执「${r.confirm_status === ConfirmStatus.Attend ? '参加' : '请假'}」，如需更改请联系发送人`);
      }
      await tx.query(
        `UPDATE notice_receipt SET confirmed_at = now(), confirm_status = $3, leave_reason = $4, read_at = COALESCE(read_at, now())
          WHERE notice_id = $1 AND member_id = $2`,
        [noticeId, principal.memberId, req.status, req.status === ConfirmStatus.Leave ? req.reason : null],
      );
      await tx.query(
        `UPDATE notice_unit_stat SET read_count = read_count + $3::int,
                confirmed_count = confirmed_count + $4::int, leave_count = leave_count + $5::int
          WHERE notice_id = $1 AND unit_id = $2`,
        [noticeId, r.unit_id, r.read_at ? 0 : 1, req.status === ConfirmStatus.Attend ? 1 : 0, req.status === ConfirmStatus.Leave ? 1 : 0],
      );
      this.tracking.touched(noticeId);
      return null;
    });
    return toReceipt(receipt ?? (await this.receipt(noticeId, principal.memberId))!);
  }

  async unreadCount(principal: Principal): Promise<UnreadCountView> {
    const { rows: [r] } = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM notice_receipt WHERE member_id = $1 AND read_at IS NULL`, [
      principal.memberId,
    ]);
    return { unread: r.n };
  }

  /** Inbox (newest first, optionally unread only) or sent box (newest first, with read progress). */
  async list(principal: Principal, box: 'inbox' | 'sent', unreadOnly: boolean, cursor: string | undefined, limit = 20): Promise<Page<NoticeListItem>> {
    const after = decodeCursor(cursor, ['string', 'string'] as const);
    const args: unknown[] = [principal.memberId, limit + 1];
    let keyset = '';
    if (after) {
      args.push(after[0], after[1]);
      keyset = box === 'inbox' ? `AND (r.delivered_at, r.notice_id) < ($3::timestamptz, $4::uuid)` : `AND (n.created_at, n.id) < ($3::timestamptz, $4::uuid)`;
    }
    const sql =
      box === 'inbox'
        ? `SELECT n.id, n.kind, n.title, left(n.body, 120) AS excerpt, n.starts_at, n.place, m.name AS sender_name, n.created_at,
                  n.require_confirm, r.read_at, r.confirm_status, n.recipient_count, NULL::int AS read_count, r.delivered_at::text AS k
             FROM notice_receipt r JOIN notice n ON n.id = r.notice_id JOIN member m ON m.id = n.sender_id
            WHERE r.member_id = $1 ${unreadOnly ? 'AND r.read_at IS NULL' : ''} ${keyset}
            ORDER BY r.delivered_at DESC, r.notice_id DESC LIMIT $2`
        : `SELECT n.id, n.kind, n.title, left(n.body, 120) AS excerpt, n.starts_at, n.place, m.name AS sender_name, n.created_at,
                  n.require_confirm, NULL::timestamptz AS read_at, NULL AS confirm_status, n.recipient_count,
                  (SELECT COALESCE(sum(s.read_count), 0)::int FROM notice_unit_stat s WHERE s.notice_id = n.id) AS read_count, n.created_at::text AS k
             FROM notice n JOIN member m ON m.id = n.sender_id
            WHERE n.sender_id = $1 ${keyset}
            ORDER BY n.created_at DESC, n.id DESC LIMIT $2`;
    const { rows } = await this.pool.query(sql, args);
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(
      (r): NoticeListItem & { k: string } => ({
        id: r.id,
        kind: r.kind,
        title: r.title,
        excerpt: r.excerpt,
        startsAt: r.starts_at?.toISOString() ?? null,
        place: r.place,
        senderName: r.sender_name,
        sentAt: r.created_at.toISOString(),
        requireConfirm: r.require_confirm,
        readAt: r.read_at?.toISOString() ?? null,
        confirmStatus: r.confirm_status,
        recipientCount: r.recipient_count,
        readCount: r.read_count,
        k: r.k,
      }),
    );
    const last = items.at(-1);
    return {
      items: items.map(({ k: _k, ...item }) => item),
      // The key keeps PostgreSQL's microseconds: a millisecond ISO string would skip rows on the next page.
      nextCursor: more && last ? encodeCursor([last.k, last.id]) : null,
    };
  }
}
