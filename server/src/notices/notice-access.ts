import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@lianxin/shared';
import type pg from 'pg';
import type { Principal } from '../common/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { PG_POOL } from '../database/database.module.js';
import { ScopeService, type ScopeFilter } from '../org/scope.service.js';

export interface NoticeRow {
  id: string;
  sender_id: string;
  kind: 'notice' | 'meeting';
  title: string;
  body: string;
  starts_at: Date | null;
  ends_at: Date | null;
  place: string | null;
  attendance_place_id: string | null;
  require_confirm: boolean;
  recipient_count: number;
  created_at: Date;
}

/**
 * Who may see what of a notice. The sender sees everything; someone who may track notices
 * ('notices.track') sees the part of its recipients whose units are in their scope; a recipient
 * sees the notice and their own receipt. Anyone else — or a tracker none of whose units got it —
 * gets 404: the notice's existence is not revealed.
 */
export interface TrackView {
  notice: NoticeRow;
  /** Null for the sender (all receipts); otherwise a condition on a receipt/stat `unit_id` column. */
  limit: ((unitColumn: string, first: number) => ScopeFilter) | null;
}

@Injectable()
export class NoticeAccess {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly scope: ScopeService,
  ) {}

  async load(noticeId: string): Promise<NoticeRow> {
    const { rows: [n] } = await this.pool.query<NoticeRow>(
      `SELECT id, sender_id, kind, title, body, starts_at, ends_at, place, attendance_place_id, require_confirm, recipient_count, created_at FROM notice WHERE id = $1`,
      [noticeId],
    );
    if (!n) throw notFound();
    return n;
  }

  /** The caller's tracking view of a notice, or null when they may not track it. */
  async tracking(principal: Principal, notice: NoticeRow): Promise<TrackView | null> {
    if (notice.sender_id === principal.memberId) return { notice, limit: null };
    const limit = (unitColumn: string, first: number) => this.scope.filter(principal, 'notices.track', unitColumn, first);
    const f = limit('s.unit_id', 2);
    const { rows } = await this.pool.query(`SELECT 1 FROM notice_unit_stat s WHERE s.notice_id = $1 AND ${f.sql} LIMIT 1`, [notice.id, ...f.params]);
    return rows.length ? { notice, limit } : null;
  }

  /** As `tracking`, but refuses with 404. */
  async assertTracking(principal: Principal, noticeId: string): Promise<TrackView> {
    const view = await this.tracking(principal, await this.load(noticeId));
    if (!view) throw notFound();
    return view;
  }
}

export const notFound = () => new DomainError(ErrorCode.NoticeNotFound, '通知不存在或不在您的查看范围内');

/** `AND <receipt unit in the caller's scope>` on a unit column for a tracker; nothing for the sender, who sees everything. */
export function trackClause(view: TrackView, unitColumn: string, first: number): { sql: string; params: unknown[] } {
  if (!view.limit) return { sql: '', params: [] };
  const f = view.limit(unitColumn, first);
  return { sql: `AND ${f.sql}`, params: f.params };
}
