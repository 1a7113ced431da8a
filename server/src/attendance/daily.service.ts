import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DayStatus, ErrorCode, PASSING_VERDICTS, type DailyBoardView, type DayRecordView, type MyMonthView, type UnitKind, type Verdict } from '@lianxin/shared';
import type pg from 'pg';
import type { Principal } from '../common/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { PG_POOL } from '../database/database.module.js';
import { JobsService } from '../jobs/jobs.service.js';
import { ScopeService } from '../org/scope.service.js';
import { addDays, chinaDate, monthDates } from './domain/china-time.js';
import { computeDay, dayWindow, type DayResult, type Punch } from './domain/day-status.js';
import { AttendanceRulesService, shiftRule } from './rules.service.js';

export const ROLLUP_QUEUE = 'attendance.rollup';

/** A member as the board and the report list them. */
export interface RosterMember {
  id: string;
  name: string;
  unit_id: string | null;
  unit_name: string | null;
}

interface StoredDay {
  member_id: string;
  date: string;
  status: DayStatus;
  first_in: Date | null;
  last_out: Date | null;
  late_minutes: number;
  early_minutes: number;
  missing_count: number;
}

/** A day's result, and whether its window has closed (only then is it written down). */
export type ComputedDay = DayResult & { final: boolean };

export type DayCell = Pick<DayResult, 'status' | 'firstIn' | 'lastOut' | 'lateMinutes' | 'earlyMinutes' | 'missingCount'>;

/** Active members whose primary unit is `$1` or below it. */
const ROSTER_SQL = `
  SELECT m.id, m.name, ms.unit_id, u.name AS unit_name
    FROM unit_closure c JOIN membership ms ON ms.unit_id = c.descendant_id AND ms.is_primary
    JOIN member m ON m.id = ms.member_id AND m.status = 'active' JOIN unit u ON u.id = ms.unit_id
   WHERE c.ancestor_id = $1
     AND NOT EXISTS (SELECT 1 FROM role_grant h WHERE h.member_id = m.id AND h.role = 'helper')
   ORDER BY u.name, m.name`;

function firstIndexAtOrAfter(times: number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Daily status: computed from shift, calendar, check-ins, approved leave and corrections. Today is
 * computed on read; past days are kept in attendance_day (rolled up nightly, filled on first read,
 * recomputed when a correction or leave is approved later).
 */
@Injectable()
export class DailyService implements OnApplicationBootstrap {
  private readonly logger = new Logger('AttendanceDaily');

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly scope: ScopeService,
    private readonly rules: AttendanceRulesService,
    private readonly jobs: JobsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.worker<{ date?: string }>(ROLLUP_QUEUE, { batchSize: 1 }, async ([job]) => {
      const today = chinaDate(new Date());
      // Yesterday, and the day before for groups whose day closes late (night shifts): each written once final.
      if (job.data.date) await this.rollup(job.data.date);
      else for (const d of [addDays(today, -2), addDays(today, -1)]) await this.rollup(d);
    });
    // Every morning at 05:00 China time, once yesterday's window has closed (a late check-out counts), its statuses are written down.
    await this.jobs.boss.schedule(ROLLUP_QUEUE, '0 5 * * *', {}, { tz: 'Asia/Shanghai' });
  }

  /**
   * Statuses for members over dates (inclusive), from the raw records: a fixed number of
   * statements whatever the size, then the day rules in memory.
   */
  async compute(memberIds: string[], from: string, to: string, now = new Date()): Promise<Map<string, Map<string, ComputedDay>>> {
    const out = new Map<string, Map<string, ComputedDay>>();
    if (memberIds.length === 0) return out;
    const [shifts, calendar, checkIns, requests] = await Promise.all([
      this.rules.shiftsOf(memberIds),
      this.rules.calendarBetween(from, to),
      // Epoch milliseconds, unsorted: a month of a county is ~400,000 rows, parsed and sorted cheaper here than by PostgreSQL.
      this.pool.query<{ member_id: string; t: number; kind: Punch['kind']; verdict: Verdict }>(
        `SELECT member_id, extract(epoch FROM made_at)::float8 * 1000 AS t, kind, verdict FROM check_in
          WHERE member_id = ANY($1::uuid[]) AND made_at >= $2 AND made_at < $3`,
        [memberIds, new Date(`${addDays(from, -1)}T00:00:00+08:00`), new Date(`${addDays(to, 2)}T00:00:00+08:00`)],
      ),
      this.pool.query<{ member_id: string; kind: 'leave' | 'correction'; date: string; end_date: string; corrected_at: Date | null }>(
        `SELECT member_id, kind, to_char(date, 'YYYY-MM-DD') AS date, to_char(end_date, 'YYYY-MM-DD') AS end_date, corrected_at
           FROM attendance_request WHERE status = 'approved' AND member_id = ANY($1::uuid[]) AND date <= $3 AND end_date >= $2`,
        [memberIds, addDays(from, -1), to],
      ),
    ]);
    const punches = new Map<string, Punch[]>();
    for (const c of checkIns.rows) {
      let list = punches.get(c.member_id);
      if (!list) punches.set(c.member_id, (list = []));
      list.push({ at: new Date(c.t), kind: c.kind, counts: PASSING_VERDICTS.includes(c.verdict) });
    }
    const leaves = new Map<string, Array<{ from: string; to: string }>>();
    for (const r of requests.rows) {
      if (r.kind === 'leave') {
        const list = leaves.get(r.member_id) ?? [];
        list.push({ from: r.date, to: r.end_date });
        leaves.set(r.member_id, list);
      } else if (r.corrected_at) {
        const list = punches.get(r.member_id) ?? [];
        list.push({ at: r.corrected_at, kind: 'correction', counts: true });
        punches.set(r.member_id, list);
      }
    }
    const dates: string[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
    // Members mostly share a few groups: each group's rule and day windows are worked out once.
    const rules = new Map<string, { rule: ReturnType<typeof shiftRule>; windows: Map<string, { from: Date; to: Date }> }>();
    for (const id of memberIds) {
      const shift = shifts.get(id)!;
      let group = rules.get(shift.id);
      if (!group) rules.set(shift.id, (group = { rule: shiftRule(shift), windows: new Map() }));
      const rule = group.rule;
      const mine = (punches.get(id) ?? []).sort((a, b) => a.at.getTime() - b.at.getTime());
      const times = mine.map((p) => p.at.getTime());
      const memberLeaves = leaves.get(id) ?? [];
      const days = new Map<string, ComputedDay>();
      for (const date of dates) {
        let w = group.windows.get(date);
        if (!w) group.windows.set(date, (w = dayWindow(date, rule)));
        const slice = mine.slice(firstIndexAtOrAfter(times, w.from.getTime()), firstIndexAtOrAfter(times, w.to.getTime()));
        days.set(date, {
          final: w.to <= now,
          ...computeDay({
            date,
            rule,
            calendar: calendar.get(date) ?? null,
            onLeave: memberLeaves.some((l) => l.from <= date && date <= l.to),
            punches: slice,
            // A day whose window has not closed is judged as it stands now.
            now: w.to > now ? now : undefined,
          }),
        });
      }
      out.set(id, days);
    }
    return out;
  }

  /**
   * Cells for members over dates: past days from attendance_day where rolled up, the rest computed
   * (and past ones stored); today computed; future days absent from the result.
   */
  async cells(memberIds: string[], from: string, to: string, opts: { storeLater?: boolean } = {}): Promise<Map<string, Map<string, DayCell>>> {
    const started = new Date();
    const today = chinaDate(started);
    const lastPast = to < today ? to : addDays(today, -1);
    const out = new Map<string, Map<string, DayCell>>(memberIds.map((id) => [id, new Map()]));
    if (from <= lastPast) {
      const { rows } = await this.pool.query<StoredDay>(
        `SELECT member_id, to_char(date, 'YYYY-MM-DD') AS date, status, first_in, last_out, late_minutes, early_minutes, missing_count
           FROM attendance_day WHERE member_id = ANY($1::uuid[]) AND date BETWEEN $2 AND $3`,
        [memberIds, from, lastPast],
      );
      for (const r of rows) {
        out.get(r.member_id)!.set(r.date, {
          status: r.status,
          firstIn: r.first_in,
          lastOut: r.last_out,
          lateMinutes: r.late_minutes,
          earlyMinutes: r.early_minutes,
          missingCount: r.missing_count,
        });
      }
    }
    if (from <= lastPast) {
      // Past days not rolled up yet (new members, a fresh database): computed once and stored.
      const span = monthSpan(from, lastPast);
      const incomplete = memberIds.filter((id) => out.get(id)!.size < span);
      if (incomplete.length > 0) {
        const computed = await this.compute(incomplete, from, lastPast);
        const toStore: Array<{ memberId: string; date: string; r: DayResult }> = [];
        for (const [id, days] of computed) {
          const cellsOf = out.get(id)!;
          for (const [date, r] of days) {
            if (cellsOf.has(date)) continue;
            cellsOf.set(date, r);
            if (r.final) toStore.push({ memberId: id, date, r });
          }
        }
        if (opts.storeLater) {
          // A report answers first; the days it worked out are kept afterwards for the next reader.
          void this.store(toStore, started).catch((err) => this.logger.error({ err }, 'could not store computed days'));
        } else {
          await this.store(toStore, started);
        }
      }
    }
    if (from <= today && today <= to) {
      for (const [id, days] of await this.compute(memberIds, today, today)) out.get(id)!.set(today, days.get(today)!);
    }
    return out;
  }

  /**
   * Upserts past days (the rollup table). `computedAt` is when the computation read its inputs: a
   * slower writer with older inputs never overwrites a newer result (say, a recompute after an approval).
   */
  private async store(days: Array<{ memberId: string; date: string; r: DayResult }>, computedAt = new Date()): Promise<void> {
    for (let i = 0; i < days.length; i += 5000) {
      const chunk = days.slice(i, i + 5000);
      await this.pool.query(
        `INSERT INTO attendance_day (member_id, date, unit_id, status, first_in, last_out, late_minutes, early_minutes, missing_count, computed_at)
         SELECT d.member_id, d.date, ms.unit_id, d.status, d.first_in, d.last_out, d.late, d.early, d.missing, $9
           FROM unnest($1::uuid[], $2::date[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::int[], $8::int[])
                AS d(member_id, date, status, first_in, last_out, late, early, missing)
           LEFT JOIN membership ms ON ms.member_id = d.member_id AND ms.is_primary
         ON CONFLICT (member_id, date) DO UPDATE SET status = EXCLUDED.status, first_in = EXCLUDED.first_in, last_out = EXCLUDED.last_out,
           late_minutes = EXCLUDED.late_minutes, early_minutes = EXCLUDED.early_minutes, missing_count = EXCLUDED.missing_count, computed_at = EXCLUDED.computed_at
         WHERE attendance_day.computed_at <= EXCLUDED.computed_at`,
        [
          chunk.map((d) => d.memberId),
          chunk.map((d) => d.date),
          chunk.map((d) => d.r.status),
          chunk.map((d) => d.r.firstIn),
          chunk.map((d) => d.r.lastOut),
          chunk.map((d) => d.r.lateMinutes),
          chunk.map((d) => d.r.earlyMinutes),
          chunk.map((d) => d.r.missingCount),
          computedAt,
        ],
      );
    }
  }

  /** Recomputes and stores a member's past days (after a late approval). Today and later need nothing: they are computed on read. */
  async recompute(memberId: string, from: string, to: string): Promise<void> {
    const today = chinaDate(new Date());
    const last = to < today ? to : addDays(today, -1);
    if (from > last) return;
    const started = new Date();
    const days = (await this.compute([memberId], from, last)).get(memberId)!;
    await this.store([...days].filter(([, r]) => r.final).map(([date, r]) => ({ memberId, date, r })), started);
  }

  /** Writes down one day for every active member (the nightly job), in chunks. */
  async rollup(date: string): Promise<number> {
    const { rows } = await this.pool.query<{ id: string }>(`SELECT id FROM member WHERE status = 'active' ORDER BY id`);
    const ids = rows.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 2000) {
      const chunk = ids.slice(i, i + 2000);
      const started = new Date();
      const days = await this.compute(chunk, date, date);
      const final = chunk.map((id) => ({ memberId: id, date, r: days.get(id)!.get(date)! })).filter((d) => d.r.final);
      await this.store(final, started);
    }
    this.logger.log({ date, members: ids.length }, 'attendance day rolled up');
    return ids.length;
  }

  /** Active members of a unit and its sub-units (by primary unit), when the caller may read its attendance. */
  async roster(principal: Principal, unitId: string): Promise<{ unit: { id: string; name: string; kind: UnitKind }; members: RosterMember[] }> {
    await this.scope.assertUnit(principal, 'attendance.read', unitId, 'read');
    const [{ rows: [unit] }, { rows: members }] = await Promise.all([
      this.pool.query<{ id: string; name: string; kind: UnitKind }>(`SELECT id, name, kind FROM unit WHERE id = $1`, [unitId]),
      this.pool.query<RosterMember>(ROSTER_SQL, [unitId]),
    ]);
    return { unit, members };
  }

  /** `GET /attendance/daily`: everyone's status in a unit (with sub-units) on a date, and counts per status. */
  async board(principal: Principal, unitId: string, date: string): Promise<DailyBoardView> {
    if (date > chinaDate(new Date())) throw new DomainError(ErrorCode.ValidationFailed, '不能查看未来的考勤', [{ path: 'date', message: '日期在今天之后' }]);
    const { unit, members } = await this.roster(principal, unitId);
    const cells = await this.cells(members.map((m) => m.id), date, date);
    const counts = Object.fromEntries(Object.values(DayStatus).map((s) => [s, 0])) as DailyBoardView['counts'];
    const records: DayRecordView[] = members.map((m) => {
      const c = cells.get(m.id)!.get(date)!;
      counts[c.status]++;
      return toRecord(m, date, c);
    });
    return { unit, date, counts, records };
  }

  /** One member's day (today on the check-in page). */
  async day(memberId: string, date: string): Promise<DayRecordView> {
    const { rows: [m] } = await this.pool.query<RosterMember>(
      `SELECT m.id, m.name, ms.unit_id, u.name AS unit_name FROM member m
         LEFT JOIN membership ms ON ms.member_id = m.id AND ms.is_primary LEFT JOIN unit u ON u.id = ms.unit_id WHERE m.id = $1`,
      [memberId],
    );
    const c = (await this.cells([memberId], date, date)).get(memberId)!.get(date)!;
    return toRecord(m, date, c);
  }

  /** My month: each day's status up to today, and how many 补卡 requests I have left. */
  async myMonth(principal: Principal, month: string): Promise<MyMonthView> {
    const dates = monthDates(month);
    const today = chinaDate(new Date());
    const last = dates[dates.length - 1] < today ? dates[dates.length - 1] : today;
    const cells = dates[0] <= today ? (await this.cells([principal.memberId], dates[0], last)).get(principal.memberId)! : new Map<string, DayCell>();
    const [shift] = [...(await this.rules.shiftsOf([principal.memberId])).values()];
    const { rows: [{ used }] } = await this.pool.query<{ used: number }>(
      `SELECT count(*)::int AS used FROM attendance_request WHERE member_id = $1 AND kind = 'correction' AND status IN ('pending', 'approved')
          AND date >= $2::date AND date < ($2::date + interval '1 month')`,
      [principal.memberId, `${month}-01`],
    );
    return {
      month,
      days: dates.map((date) => {
        const c = cells.get(date);
        return { date, status: c?.status ?? null, firstIn: c?.firstIn?.toISOString() ?? null, lastOut: c?.lastOut?.toISOString() ?? null };
      }),
      correctionsLeft: Math.max(0, shift.correctionsPerMonth - used),
    };
  }
}

function monthSpan(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

export function toRecord(m: RosterMember, date: string, c: DayCell): DayRecordView {
  return {
    member: { id: m.id, name: m.name },
    unit: m.unit_id ? { id: m.unit_id, name: m.unit_name ?? '' } : null,
    date,
    status: c.status,
    firstIn: c.firstIn?.toISOString() ?? null,
    lastOut: c.lastOut?.toISOString() ?? null,
    lateMinutes: c.lateMinutes,
    earlyMinutes: c.earlyMinutes,
    missingCount: c.missingCount,
  };
}
