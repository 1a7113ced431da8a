import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type CalendarDay, type CalendarDayKind, type PlaceInput, type PlaceView, type ShiftInput, type ShiftView, type UnitKind } from '@lianxin/shared';
import type pg from 'pg';
import type { Principal } from '../common/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { PG_POOL } from '../database/database.module.js';
import { ScopeService } from '../org/scope.service.js';
import type { ShiftRule } from './domain/day-status.js';
import { toGcj02 } from '@lianxin/shared';
import type { FencePlace } from './domain/verdict.js';

/** What every county office works when no group says otherwise: 08:30–12:00 and 14:30–17:30, Monday to Friday. */
export const DEFAULT_SHIFT: Omit<ShiftView, 'id' | 'unit'> = {
  name: '默认考勤组',
  segments: [
    { start: '08:30', end: '12:00' },
    { start: '14:30', end: '17:30' },
  ],
  workdays: [1, 2, 3, 4, 5],
  lateGraceMinutes: 5,
  earlyGraceMinutes: 5,
  seriousLateMinutes: 30,
  fieldAllowed: true,
  fieldPhotoRequired: true,
  fieldNoteRequired: true,
  correctionsPerMonth: 3,
};

interface PlaceRow {
  id: string;
  unit_id: string;
  unit_name: string;
  unit_kind: UnitKind;
  name: string;
  kind: PlaceView['kind'];
  latitude: number;
  longitude: number;
  radius: number;
  bssids: string[];
  address: string | null;
  covers_sub_units: boolean;
}

interface ShiftRow {
  id: string;
  unit_id: string;
  unit_name: string;
  unit_kind: UnitKind;
  name: string;
  segments: ShiftView['segments'];
  workdays: number[];
  late_grace_minutes: number;
  early_grace_minutes: number;
  serious_late_minutes: number;
  field_allowed: boolean;
  field_photo_required: boolean;
  field_note_required: boolean;
  corrections_per_month: number;
}

const PLACE_COLUMNS = `p.id, p.unit_id, u.name AS unit_name, u.kind AS unit_kind, p.name, p.kind, p.latitude, p.longitude, p.radius, p.bssids, p.address, p.covers_sub_units`;
const SHIFT_COLUMNS = `s.id, s.unit_id, u.name AS unit_name, u.kind AS unit_kind, s.name, s.segments, s.workdays, s.late_grace_minutes, s.early_grace_minutes,
  s.serious_late_minutes, s.field_allowed, s.field_photo_required, s.field_note_required, s.corrections_per_month`;

/**
 * Places a member may check in at: those of every unit they belong to, and those of ancestor
 * units that cover their sub-units. `$1` is the member.
 */
export const MEMBER_PLACES_SQL = `
  SELECT DISTINCT ON (p.id) ${PLACE_COLUMNS}
    FROM membership ms
    JOIN unit_closure c ON c.descendant_id = ms.unit_id
    JOIN attendance_place p ON p.unit_id = c.ancestor_id AND p.active AND (c.depth = 0 OR p.covers_sub_units)
    JOIN unit u ON u.id = p.unit_id
   WHERE ms.member_id = $1`;

/**
 * The attendance group each member follows: the nearest one up from their primary unit.
 * `members` is an SQL array expression; members without one are missing from the result.
 */
export const memberShiftsSql = (members: string) => `
  SELECT ms.member_id, ${SHIFT_COLUMNS}
    FROM membership ms
    CROSS JOIN LATERAL (
      SELECT s.* FROM unit_closure c JOIN attendance_shift s ON s.unit_id = c.ancestor_id
       WHERE c.descendant_id = ms.unit_id ORDER BY c.depth LIMIT 1) s
    JOIN unit u ON u.id = s.unit_id
   WHERE ms.is_primary AND ms.member_id = ANY(${members})`;

/** 'aa:bb:cc:dd:ee:ff', lower case, from any common spelling (dashes, no separators, upper case). */
export function normalizeBssid(raw: string): string | null {
  const hex = raw.trim().toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12) return null;
  return hex.match(/../g)!.join(':');
}

export function toPlaceView(r: PlaceRow): PlaceView {
  return {
    id: r.id,
    unit: { id: r.unit_id, name: r.unit_name, kind: r.unit_kind },
    name: r.name,
    kind: r.kind,
    latitude: r.latitude,
    longitude: r.longitude,
    radius: r.radius,
    bssids: r.bssids,
    address: r.address,
    coversSubUnits: r.covers_sub_units,
  };
}

export function toShiftView(r: ShiftRow): ShiftView {
  return {
    id: r.id,
    unit: { id: r.unit_id, name: r.unit_name, kind: r.unit_kind },
    name: r.name,
    segments: r.segments,
    workdays: r.workdays,
    lateGraceMinutes: r.late_grace_minutes,
    earlyGraceMinutes: r.early_grace_minutes,
    seriousLateMinutes: r.serious_late_minutes,
    fieldAllowed: r.field_allowed,
    fieldPhotoRequired: r.field_photo_required,
    fieldNoteRequired: r.field_note_required,
    correctionsPerMonth: r.corrections_per_month,
  };
}

export function toFence(p: PlaceView | PlaceRow): FencePlace {
  return { id: p.id, name: p.name, latitude: p.latitude, longitude: p.longitude, radius: p.radius, bssids: p.bssids };
}

export function shiftRule(s: Omit<ShiftView, 'id' | 'unit'>): ShiftRule {
  return {
    segments: s.segments,
    workdays: s.workdays,
    lateGraceMinutes: s.lateGraceMinutes,
    earlyGraceMinutes: s.earlyGraceMinutes,
    seriousLateMinutes: s.seriousLateMinutes,
  };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Places, attendance groups and the holiday calendar: set by admins, read by everyone who checks in. */
@Injectable()
export class AttendanceRulesService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly scope: ScopeService,
  ) {}

  async createPlace(principal: Principal, req: PlaceInput): Promise<PlaceView> {
    await this.scope.assertUnit(principal, 'attendance.manage', req.unitId, 'write');
    const bssids = (req.bssids ?? []).map((b, i) => {
      const n = normalizeBssid(b);
      if (!n) throw new DomainError(ErrorCode.ValidationFailed, `第 ${i + 1} 个 Wi-Fi 地址格式不对，应为 aa:bb:cc:dd:ee:ff`, [{ path: `bssids.${i}`, message: '不是 MAC 地址' }]);
      return n;
    });
    const g = toGcj02(req.latitude, req.longitude, req.coordSystem ?? 'gcj02');
    const { rows: [r] } = await this.pool.query<{ id: string }>(
      `INSERT INTO attendance_place (unit_id, name, kind, latitude, longitude, radius, bssids, address, covers_sub_units)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [req.unitId, req.name, req.kind ?? 'office', g.lat, g.lng, req.radius ?? 300, [...new Set(bssids)], req.address ?? null, !!req.coversSubUnits],
    );
    return this.place(r.id);
  }

  async removePlace(principal: Principal, id: string): Promise<void> {
    const p = await this.place(id);
    await this.scope.assertUnit(principal, 'attendance.manage', p.unit.id, 'write');
    // Kept for the records that name it; no longer offered for check-ins.
    await this.pool.query(`UPDATE attendance_place SET active = false WHERE id = $1`, [id]);
  }

  async place(id: string): Promise<PlaceView> {
    const { rows: [r] } = await this.pool.query<PlaceRow>(`SELECT ${PLACE_COLUMNS} FROM attendance_place p JOIN unit u ON u.id = p.unit_id WHERE p.id = $1`, [id]);
    if (!r) throw new DomainError(ErrorCode.AttendancePlaceNotFound, '考勤地点不存在');
    return toPlaceView(r);
  }

  /** Places of the units in the caller's read scope, or of one unit. */
  async places(principal: Principal, unitId?: string): Promise<PlaceView[]> {
    if (unitId) await this.scope.assertUnit(principal, 'org.read', unitId, 'read');
    const f = this.scope.filter(principal, 'org.read', 'p.unit_id', 2);
    const { rows } = await this.pool.query<PlaceRow>(
      `SELECT ${PLACE_COLUMNS} FROM attendance_place p JOIN unit u ON u.id = p.unit_id
        WHERE p.active AND ($1::uuid IS NULL OR p.unit_id = $1) AND ${f.sql} ORDER BY u.name, p.name LIMIT 500`,
      [unitId ?? null, ...f.params],
    );
    return rows.map(toPlaceView);
  }

  async memberPlaces(memberId: string): Promise<PlaceView[]> {
    const { rows } = await this.pool.query<PlaceRow>(MEMBER_PLACES_SQL, [memberId]);
    return rows.map(toPlaceView);
  }

  /** Creates the unit's group or replaces its rules (one group per unit). */
  async saveShift(principal: Principal, req: ShiftInput): Promise<ShiftView> {
    await this.scope.assertUnit(principal, 'attendance.manage', req.unitId, 'write');
    this.checkSegments(req.segments);
    const d = DEFAULT_SHIFT;
    await this.pool.query(
      `INSERT INTO attendance_shift (unit_id, name, segments, workdays, late_grace_minutes, early_grace_minutes, serious_late_minutes,
                                     field_allowed, field_photo_required, field_note_required, corrections_per_month)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (unit_id) DO UPDATE SET name = EXCLUDED.name, segments = EXCLUDED.segments, workdays = EXCLUDED.workdays,
         late_grace_minutes = EXCLUDED.late_grace_minutes, early_grace_minutes = EXCLUDED.early_grace_minutes,
         serious_late_minutes = EXCLUDED.serious_late_minutes, field_allowed = EXCLUDED.field_allowed,
         field_photo_required = EXCLUDED.field_photo_required, field_note_required = EXCLUDED.field_note_required,
         corrections_per_month = EXCLUDED.corrections_per_month`,
      [
        req.unitId,
        req.name,
        JSON.stringify(req.segments),
        [...new Set(req.workdays ?? d.workdays)].sort(),
        req.lateGraceMinutes ?? d.lateGraceMinutes,
        req.earlyGraceMinutes ?? d.earlyGraceMinutes,
        req.seriousLateMinutes ?? d.seriousLateMinutes,
        req.fieldAllowed ?? d.fieldAllowed,
        req.fieldPhotoRequired ?? d.fieldPhotoRequired,
        req.fieldNoteRequired ?? d.fieldNoteRequired,
        req.correctionsPerMonth ?? d.correctionsPerMonth,
      ],
    );
    const { rows: [r] } = await this.pool.query<ShiftRow>(`SELECT ${SHIFT_COLUMNS} FROM attendance_shift s JOIN unit u ON u.id = s.unit_id WHERE s.unit_id = $1`, [req.unitId]);
    return toShiftView(r);
  }

  /** Segments in order within one day's span: each starts after the previous ends, the whole under 24 hours. */
  private checkSegments(segments: ShiftInput['segments']): void {
    let elapsed = 0;
    let prev: number | null = null;
    const first = minutesOf(segments[0].start);
    for (const [i, s] of segments.entries()) {
      const start = (minutesOf(s.start) - first + 1440) % 1440;
      let end = (minutesOf(s.end) - first + 1440) % 1440;
      if (end <= start) end += 1440;
      if ((prev !== null && start < prev) || end - start <= 0) {
        throw new DomainError(ErrorCode.ValidationFailed, `第 ${i + 1} 段时间与前一段重叠`, [{ path: `segments.${i}`, message: '时间段重叠或顺序不对' }]);
      }
      prev = end;
      elapsed = end;
    }
    if (elapsed > 20 * 60) throw new DomainError(ErrorCode.ValidationFailed, '一天的班次不能超过 20 小时', [{ path: 'segments', message: '超过 20 小时' }]);
  }

  async shifts(principal: Principal): Promise<ShiftView[]> {
    const f = this.scope.filter(principal, 'org.read', 's.unit_id', 1);
    const { rows } = await this.pool.query<ShiftRow>(`SELECT ${SHIFT_COLUMNS} FROM attendance_shift s JOIN unit u ON u.id = s.unit_id WHERE ${f.sql} ORDER BY u.name LIMIT 500`, f.params);
    return rows.map(toShiftView);
  }

  /** Each member's group; the built-in default for members under no group. */
  async shiftsOf(memberIds: string[]): Promise<Map<string, ShiftView>> {
    const { rows } = await this.pool.query<ShiftRow & { member_id: string }>(memberShiftsSql('$1::uuid[]'), [memberIds]);
    const out = new Map(rows.map((r) => [r.member_id, toShiftView(r)]));
    for (const id of memberIds) if (!out.has(id)) out.set(id, { ...DEFAULT_SHIFT, id: 'default', unit: { id: '', name: '', kind: 'county' as UnitKind } });
    return out;
  }

  async calendar(year: number): Promise<CalendarDay[]> {
    const { rows } = await this.pool.query<{ date: string; kind: CalendarDayKind; name: string }>(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, kind, name FROM attendance_calendar WHERE date >= make_date($1, 1, 1) AND date < make_date($1 + 1, 1, 1) ORDER BY date`,
      [year],
    );
    return rows;
  }

  /** Replaces a year's holidays and 调休 workdays (county-wide). */
  async setCalendar(principal: Principal, year: number, days: CalendarDay[]): Promise<CalendarDay[]> {
    if (!(await this.isAdminAtRoot(principal))) throw new DomainError(ErrorCode.Forbidden, '只有县级管理员可以设置节假日');
    for (const [i, d] of days.entries()) {
      if (!d.date.startsWith(`${year}-`)) throw new DomainError(ErrorCode.ValidationFailed, `第 ${i + 1} 天不在 ${year} 年`, [{ path: `days.${i}.date`, message: '年份不符' }]);
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`DELETE FROM attendance_calendar WHERE date >= make_date($1, 1, 1) AND date < make_date($1 + 1, 1, 1)`, [year]);
      await client.query(
        `INSERT INTO attendance_calendar (date, kind, name) SELECT * FROM unnest($1::date[], $2::text[], $3::text[])`,
        [days.map((d) => d.date), days.map((d) => d.kind), days.map((d) => d.name)],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      if ((err as { code?: string }).code === '23505') throw new DomainError(ErrorCode.ValidationFailed, '同一天出现了两次', [{ path: 'days', message: '日期重复' }]);
      throw err;
    } finally {
      client.release();
    }
    return this.calendar(year);
  }

  /** Calendar entries between two dates (inclusive) by date. */
  async calendarBetween(from: string, to: string): Promise<Map<string, CalendarDayKind>> {
    const { rows } = await this.pool.query<{ date: string; kind: CalendarDayKind }>(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, kind FROM attendance_calendar WHERE date BETWEEN $1 AND $2`,
      [from, to],
    );
    return new Map(rows.map((r) => [r.date, r.kind]));
  }

  private async isAdminAtRoot(principal: Principal): Promise<boolean> {
    const f = this.scope.filter(principal, 'attendance.manage', 'u.id', 1);
    const { rows } = await this.pool.query(`SELECT 1 FROM unit u WHERE u.parent_id IS NULL AND ${f.sql}`, f.params);
    return rows.length > 0;
  }
}
