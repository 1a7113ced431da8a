import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type MeetingSignInView, type MyAttendanceView } from '@lianxin/shared';
import type pg from 'pg';
import type { Principal } from '../common/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { PG_POOL } from '../database/database.module.js';
import { NoticeAccess, notFound, trackClause } from '../notices/notice-access.js';
import { SIGN_IN_OPENS_BEFORE_MS } from '../notices/notices.service.js';
import { chinaClock } from './domain/china-time.js';
import type { FencePlace } from './domain/verdict.js';
import { toFence } from './rules.service.js';

/** A meeting check-in that counts as having arrived. */
const ARRIVED_SQL = `EXISTS (SELECT 1 FROM check_in c WHERE c.notice_id = r.notice_id AND c.member_id = r.member_id AND c.kind = 'meeting' AND c.verdict IN ('ok', 'wifi'))`;

/**
 * 会议签到: a meeting notice with an attendance place opens sign-in from 30 minutes before its start
 * to its end; attendees check in there (same verdict rules), and the organiser sees arrived, absent
 * and on leave (from the 回执) per unit.
 */
@Injectable()
export class MeetingSignInService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly access: NoticeAccess,
  ) {}

  /** The place a recipient signs in at while the window is open (server time); 404 for non-recipients, 409 outside it. */
  async placeToSignIn(noticeId: string, memberId: string, now: Date): Promise<FencePlace> {
    const { rows: [m] } = await this.pool.query<{ starts_at: Date | null; ends_at: Date | null; place_id: string | null; recipient: boolean }>(
      `SELECT n.starts_at, n.ends_at, n.attendance_place_id AS place_id,
              EXISTS (SELECT 1 FROM notice_receipt r WHERE r.notice_id = n.id AND r.member_id = $2) AS recipient
         FROM notice n WHERE n.id = $1 AND n.kind = 'meeting'`,
      [noticeId, memberId],
    );
    if (!m || !m.recipient) throw notFound();
    if (!m.place_id || !m.starts_at || !m.ends_at) throw new DomainError(ErrorCode.AttendanceNotOpen, '这个会议不需要签到');
    const opens = new Date(m.starts_at.getTime() - SIGN_IN_OPENS_BEFORE_MS);
    if (now < opens || now > m.ends_at) {
      throw new DomainError(ErrorCode.AttendanceNotOpen, `会议签到时间为 ${chinaClock(opens)}–${chinaClock(m.ends_at)}${now > m.ends_at ? '，会议已结束' : '，还没开始'}`);
    }
    const { rows: [p] } = await this.pool.query(`SELECT id, name, latitude, longitude, radius, bssids FROM attendance_place WHERE id = $1`, [m.place_id]);
    return toFence(p);
  }

  /** Meetings a member can sign in to now. */
  async openFor(memberId: string, now: Date): Promise<MyAttendanceView['meetings']> {
    const { rows } = await this.pool.query<{
      id: string;
      title: string;
      ends_at: Date;
      place_id: string;
      place_name: string;
      latitude: number;
      longitude: number;
      radius: number;
      signed_in: boolean;
    }>(
      `SELECT n.id, n.title, n.ends_at, p.id AS place_id, p.name AS place_name, p.latitude, p.longitude, p.radius, ${ARRIVED_SQL} AS signed_in
         FROM notice_receipt r JOIN notice n ON n.id = r.notice_id JOIN attendance_place p ON p.id = n.attendance_place_id
        WHERE r.member_id = $1 AND n.kind = 'meeting' AND $2 BETWEEN n.starts_at - make_interval(secs => $3) AND n.ends_at
        ORDER BY n.starts_at`,
      [memberId, now, SIGN_IN_OPENS_BEFORE_MS / 1000],
    );
    return rows.map((r) => ({
      noticeId: r.id,
      title: r.title,
      place: { id: r.place_id, name: r.place_name, latitude: r.latitude, longitude: r.longitude, radius: r.radius },
      closesAt: r.ends_at.toISOString(),
      signedIn: r.signed_in,
    }));
  }

  /**
   * Arrived / absent / on leave per unit (the recipients' units at send time), for those tracking
   * the notice and limited to their part of it; and who confirmed 参加 but has not arrived.
   */
  async view(principal: Principal, noticeId: string): Promise<MeetingSignInView> {
    const track = await this.access.assertTracking(principal, noticeId);
    const n = track.notice;
    const scope = trackClause(track, 'r.unit_id', 2);
    const { rows } = await this.pool.query<{ unit_id: string; unit_name: string; expected: number; arrived: number; leave: number }>(
      `SELECT r.unit_id, u.name AS unit_name, count(*)::int AS expected,
              count(*) FILTER (WHERE a.arrived)::int AS arrived,
              count(*) FILTER (WHERE NOT a.arrived AND r.confirm_status = 'leave')::int AS leave
         FROM notice_receipt r JOIN unit u ON u.id = r.unit_id
         CROSS JOIN LATERAL (SELECT ${ARRIVED_SQL} AS arrived) a
        WHERE r.notice_id = $1 ${scope.sql}
        GROUP BY r.unit_id, u.name ORDER BY u.name`,
      [noticeId, ...scope.params],
    );
    const { rows: absent } = await this.pool.query<{ id: string; name: string; phone: string; unit_name: string | null }>(
      `SELECT m.id, m.name, m.phone, u.name AS unit_name
         FROM notice_receipt r JOIN member m ON m.id = r.member_id LEFT JOIN unit u ON u.id = r.unit_id
        WHERE r.notice_id = $1 AND r.confirm_status = 'attend' AND NOT ${ARRIVED_SQL} ${scope.sql}
        ORDER BY u.name, m.name LIMIT 500`,
      [noticeId, ...scope.params],
    );
    const units = rows.map((r) => ({
      unit: { id: r.unit_id, name: r.unit_name },
      expected: r.expected,
      arrived: r.arrived,
      leave: r.leave,
      absent: r.expected - r.arrived - r.leave,
    }));
    const totals = units.reduce(
      (t, u) => ({ expected: t.expected + u.expected, arrived: t.arrived + u.arrived, absent: t.absent + u.absent, leave: t.leave + u.leave }),
      { expected: 0, arrived: 0, absent: 0, leave: 0 },
    );
    let place: MeetingSignInView['place'] = null;
    if (n.attendance_place_id) {
      const { rows: [p] } = await this.pool.query<{ id: string; name: string }>(`SELECT id, name FROM attendance_place WHERE id = $1`, [n.attendance_place_id]);
      place = p ?? null;
    }
    return {
      noticeId,
      place,
      opensAt: n.starts_at ? new Date(n.starts_at.getTime() - SIGN_IN_OPENS_BEFORE_MS).toISOString() : null,
      closesAt: n.ends_at?.toISOString() ?? null,
      totals,
      units,
      absentConfirmed: absent.map((a) => ({ id: a.id, name: a.name, phone: a.phone, unitName: a.unit_name })),
    };
  }
}
