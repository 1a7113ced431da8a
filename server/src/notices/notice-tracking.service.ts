import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import {
  ConfirmStatus,
  ErrorCode,
  LiveEventType,
  ReceiptFilter,
  type NoticeCounts,
  type NoticeStatsEvent,
  type NoticeStatsView,
  type Page,
  type ReceiptView,
  type UnitKind,
} from '@lianxin/shared';
import type pg from 'pg';
import type { Principal } from '../common/decorators.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import { PG_POOL } from '../database/database.module.js';
import { EventsService } from '../events/events.service.js';
import { ScopeService } from '../org/scope.service.js';
import { NoticeAccess, trackClause, type TrackView } from './notice-access.js';

/** How often, at most, the sender's page hears that people have read. */
const LIVE_INTERVAL_MS = 400;

interface CountRow {
  total: number;
  read: number;
  confirmed: number;
  leave: number;
}

const counts = (r: CountRow): NoticeCounts => ({
  total: r.total,
  read: r.read,
  unread: r.total - r.read,
  confirmed: r.confirmed,
  onLeave: r.leave,
  unconfirmed: r.total - r.confirmed - r.leave,
});

const SUMS = `COALESCE(sum(s.total), 0)::int AS total, COALESCE(sum(s.read_count), 0)::int AS read,
              COALESCE(sum(s.confirmed_count), 0)::int AS confirmed, COALESCE(sum(s.leave_count), 0)::int AS leave`;

/** Who has read a notice and who has not: totals, per-unit figures, receipt lists, live updates. */
@Injectable()
export class NoticeTrackingService implements OnModuleDestroy {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly access: NoticeAccess,
    private readonly scope: ScopeService,
    private readonly events: EventsService,
  ) {}

  /**
   * Totals in the caller's view and per unit one level below `unitId` — by default the deepest unit
   * that contains every recipient the caller can see (the county for a county-wide notice, the town
   * for a notice to its villages). All from the per-unit counters: no scan of receipts.
   */
  async stats(principal: Principal, noticeId: string, unitId?: string): Promise<NoticeStatsView> {
    const view = await this.access.assertTracking(principal, noticeId);
    const lim = trackClause(view, 's.unit_id', 2);
    const { rows: [total] } = await this.pool.query<CountRow>(`SELECT ${SUMS} FROM notice_unit_stat s WHERE s.notice_id = $1 ${lim.sql}`, [noticeId, ...lim.params]);
    const focus = unitId ? await this.focusUnit(principal, view, unitId) : await this.commonUnit(view);
    if (!focus) return { noticeId, unit: null, units: [], ...counts(total) };
    const lim2 = trackClause(view, 's.unit_id', 3);
    const { rows } = await this.pool.query<CountRow & { id: string; name: string; kind: UnitKind; self: boolean }>(
      `SELECT g.id, g.name, g.kind, g.self, ${SUMS}
         FROM (SELECT ch.id, ch.name, ch.kind, ch.sort_order, false AS self FROM unit ch WHERE ch.parent_id = $2
               UNION ALL SELECT u.id, u.name, u.kind, -1, true FROM unit u WHERE u.id = $2) g
         JOIN unit_closure c ON c.ancestor_id = g.id AND (NOT g.self OR c.depth = 0)
         JOIN notice_unit_stat s ON s.notice_id = $1 AND s.unit_id = c.descendant_id ${lim2.sql}
        GROUP BY g.id, g.name, g.kind, g.self, g.sort_order
        ORDER BY g.sort_order, g.name`,
      [noticeId, focus.id, ...lim2.params],
    );
    return {
      noticeId,
      unit: focus,
      units: rows.map((r) => ({ unit: { id: r.id, name: r.name, kind: r.kind }, self: r.self, ...counts(r) })),
      ...counts(total),
    };
  }

  /** A chosen unit must be one the caller can see (the sender: any unit). */
  private async focusUnit(principal: Principal, view: TrackView, unitId: string) {
    if (view.limit) await this.scope.assertUnit(principal, 'notices.track', unitId, 'read');
    const { rows: [u] } = await this.pool.query<{ id: string; name: string; kind: UnitKind }>(`SELECT id, name, kind FROM unit WHERE id = $1`, [unitId]);
    if (!u) throw new DomainError(ErrorCode.OrgUnitNotFound, '单位不存在');
    return u;
  }

  /** The deepest unit that is an ancestor (or self) of every recipient unit in the caller's view. */
  private async commonUnit(view: TrackView) {
    const lim = trackClause(view, 's.unit_id', 2);
    const { rows: [u] } = await this.pool.query<{ id: string; name: string; kind: UnitKind }>(
      `WITH seen AS (SELECT s.unit_id FROM notice_unit_stat s WHERE s.notice_id = $1 ${lim.sql})
       SELECT a.id, a.name, a.kind
         FROM unit_closure c JOIN unit a ON a.id = c.ancestor_id
        WHERE c.descendant_id IN (SELECT unit_id FROM seen)
        GROUP BY a.id
       HAVING count(*) = (SELECT count(*) FROM seen)
        ORDER BY (SELECT count(*) FROM unit_closure up WHERE up.descendant_id = a.id) DESC
        LIMIT 1`,
      [view.notice.id, ...lim.params],
    );
    return u ?? null;
  }

  /** Receipts by status and unit subtree, paged by (unit, member); the caller's view only. */
  async receipts(
    principal: Principal,
    noticeId: string,
    q: { status?: ReceiptFilter; unitId?: string; cursor?: string; limit?: number },
  ): Promise<Page<ReceiptView>> {
    const view = await this.access.assertTracking(principal, noticeId);
    if (q.unitId && view.limit) await this.scope.assertUnit(principal, 'notices.track', q.unitId, 'read');
    const limit = q.limit ?? 50;
    const args: unknown[] = [noticeId];
    const where = ['r.notice_id = $1'];
    const status = q.status ?? ReceiptFilter.All;
    const byStatus: Record<ReceiptFilter, string | null> = {
      unread: 'r.read_at IS NULL',
      read: 'r.read_at IS NOT NULL',
      unconfirmed: 'r.confirm_status IS NULL',
      confirmed: `r.confirm_status = '${ConfirmStatus.Attend}'`,
      leave: `r.confirm_status = '${ConfirmStatus.Leave}'`,
      all: null,
    };
    if (byStatus[status]) where.push(byStatus[status]!);
    if (q.unitId) {
      args.push(q.unitId);
      where.push(`r.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $${args.length})`);
    }
    const lim = trackClause(view, 'r.unit_id', args.length + 1);
    if (lim.sql) {
      args.push(...lim.params);
      where.push(lim.sql.replace(/^AND /, ''));
    }
    const after = decodeCursor(q.cursor, ['string', 'string'] as const);
    if (after) {
      args.push(after[0], after[1]);
      where.push(`(r.unit_id, r.member_id) > ($${args.length - 1}::uuid, $${args.length}::uuid)`);
    }
    args.push(limit + 1);
    const { rows } = await this.pool.query(
      `SELECT r.member_id, r.unit_id, r.delivered_at, r.read_at, r.confirmed_at, r.confirm_status, r.leave_reason,
              m.name, m.phone, m.title, u.name AS unit_name, u.kind AS unit_kind
         FROM notice_receipt r JOIN member m ON m.id = r.member_id LEFT JOIN unit u ON u.id = r.unit_id
        WHERE ${where.join(' AND ')}
        ORDER BY r.unit_id, r.member_id
        LIMIT $${args.length}`,
      args,
    );
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    const last = items.at(-1);
    return {
      items: items.map((r) => ({
        member: { id: r.member_id, name: r.name, phone: r.phone, title: r.title },
        unit: { id: r.unit_id, name: r.unit_name ?? '（已撤销的单位）', kind: r.unit_kind ?? 'office' },
        deliveredAt: r.delivered_at.toISOString(),
        readAt: r.read_at?.toISOString() ?? null,
        confirmedAt: r.confirmed_at?.toISOString() ?? null,
        confirmStatus: r.confirm_status,
        leaveReason: r.leave_reason,
      })),
      nextCursor: more && last ? encodeCursor([last.unit_id, last.member_id]) : null,
    };
  }

  /**
   * Someone read or confirmed: within LIVE_INTERVAL_MS the sender gets the new totals, once per
   * notice however many people read meanwhile (a county-wide notice is read by thousands at once).
   */
  touched(noticeId: string): void {
    this.pending.add(noticeId);
    this.timer ??= setTimeout(() => void this.flush(), LIVE_INTERVAL_MS);
  }

  private async flush(): Promise<void> {
    this.timer = null;
    const ids = [...this.pending];
    this.pending.clear();
    if (ids.length === 0) return;
    const { rows } = await this.pool
      .query<CountRow & { id: string; sender_id: string }>(
        `SELECT n.id, n.sender_id, ${SUMS} FROM notice n JOIN notice_unit_stat s ON s.notice_id = n.id WHERE n.id = ANY($1::uuid[]) GROUP BY n.id`,
        [ids],
      )
      .catch(() => ({ rows: [] as (CountRow & { id: string; sender_id: string })[] }));
    await Promise.all(
      rows.map((r) => {
        const data: NoticeStatsEvent = { noticeId: r.id, total: r.total, read: r.read, confirmed: r.confirmed, onLeave: r.leave };
        return this.events.publish([r.sender_id], { type: LiveEventType.NoticeStats, data }).catch(() => undefined);
      }),
    );
  }

  onModuleDestroy(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
