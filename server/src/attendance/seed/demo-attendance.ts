import type { CalendarDay } from '@lianxin/shared';
import type { EntityManager } from 'typeorm';
import { addDays, chinaDate } from '../domain/china-time.js';

/**
 * 2026 holidays and 调休 workdays as the State Council announced them (State Council General Office notice of November 2025).
 * Admins set other years, or correct this one, with `PUT /api/attendance/calendar/:year`.
 */
export const CALENDAR_2026: CalendarDay[] = [
  ...['01-01', '01-02', '01-03'].map((d) => ({ date: `2026-${d}`, kind: 'holiday' as const, name: '元旦' })),
  { date: '2026-01-04', kind: 'workday', name: '元旦调休上班' },
  { date: '2026-02-14', kind: 'workday', name: '春节调休上班' },
  ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d) => ({ date: `2026-02-${d}`, kind: 'holiday' as const, name: '春节' })),
  { date: '2026-02-28', kind: 'workday', name: '春节调休上班' },
  ...['04', '05', '06'].map((d) => ({ date: `2026-04-${d}`, kind: 'holiday' as const, name: '清明节' })),
  ...['01', '02', '03', '04', '05'].map((d) => ({ date: `2026-05-${d}`, kind: 'holiday' as const, name: '劳动节' })),
  { date: '2026-05-09', kind: 'workday', name: '劳动节调休上班' },
  ...['19', '20', '21'].map((d) => ({ date: `2026-06-${d}`, kind: 'holiday' as const, name: '端午节' })),
  { date: '2026-09-20', kind: 'workday', name: '国庆节调休上班' },
  ...['25', '26', '27'].map((d) => ({ date: `2026-09-${d}`, kind: 'holiday' as const, name: '中秋节' })),
  ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({ date: `2026-10-${d}`, kind: 'holiday' as const, name: '国庆节' })),
  { date: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
];

/** The county seat (略阳县城): demo places are laid out around it. */
const SEAT = { lat: 33.3297, lng: 106.1567 };

export interface DemoAttendanceResult {
  places: number;
  checkIns: number;
}

/**
 * Attendance for the demo county: one county attendance group, a place for every town government,
 * village committee and bureau (bureaus' covering their 科室), the 2026 calendar, and this month's
 * check-ins (the last week's on the embedded database) — mostly on time, some late, missing, absent, out in the field or on leave —
 * so the daily board, the calendar and the monthly report have something true to show.
 */
export async function seedDemoAttendance(tx: EntityManager, opts: { wholeMonth: boolean; now?: Date }): Promise<DemoAttendanceResult> {
  const now = opts.now ?? new Date();
  await tx.query(
    `INSERT INTO attendance_calendar (date, kind, name) SELECT * FROM unnest($1::date[], $2::text[], $3::text[]) ON CONFLICT (date) DO NOTHING`,
    [CALENDAR_2026.map((d) => d.date), CALENDAR_2026.map((d) => d.kind), CALENDAR_2026.map((d) => d.name)],
  );
  await tx.query(
    `INSERT INTO attendance_shift (unit_id, name, segments) SELECT id, '县机关考勤组', $1 FROM unit WHERE parent_id IS NULL`,
    [JSON.stringify([{ start: '08:30', end: '12:00' }, { start: '14:30', end: '17:30' }])],
  );
  // Towns spread over the county (±0.25°), villages around their town (±0.04°), the county and bureaus in the seat.
  const places = await tx.query<{ id: string }[]>(
    `WITH t AS (
       SELECT u.id, u.name, u.kind, u.parent_id,
              (abs(hashtext(u.id::text)) % 10000) / 10000.0 AS a, (abs(hashtext(u.name)) % 10000) / 10000.0 AS b
         FROM unit u WHERE u.kind IN ('county', 'bureau', 'town', 'village')
     ), towns AS (
       SELECT id, $1::float8 + (a - 0.5) * 0.5 AS lat, $2::float8 + (b - 0.5) * 0.5 AS lng FROM t WHERE kind = 'town'
     )
     INSERT INTO attendance_place (unit_id, name, kind, latitude, longitude, radius, address, covers_sub_units)
     SELECT t.id,
            CASE t.kind WHEN 'village' THEN t.name || '村委会' WHEN 'town' THEN t.name || '人民政府' WHEN 'county' THEN '县政府大楼' ELSE t.name || '办公楼' END,
            CASE t.kind WHEN 'village' THEN 'village' ELSE 'office' END,
            CASE t.kind WHEN 'village' THEN tw.lat + (t.a - 0.5) * 0.08 WHEN 'town' THEN tw2.lat ELSE $1 + (t.a - 0.5) * 0.02 END,
            CASE t.kind WHEN 'village' THEN tw.lng + (t.b - 0.5) * 0.08 WHEN 'town' THEN tw2.lng ELSE $2 + (t.b - 0.5) * 0.02 END,
            CASE t.kind WHEN 'village' THEN 300 ELSE 200 END,
            NULL, t.kind = 'bureau'
       FROM t LEFT JOIN towns tw ON tw.id = t.parent_id LEFT JOIN towns tw2 ON tw2.id = t.id
      WHERE t.kind <> 'village' OR tw.id IS NOT NULL
     RETURNING id`,
    [SEAT.lat, SEAT.lng],
  );

  // This month (or, on the embedded database, which writes ~5,000 rows a second and must start quickly, the
  // last week) up to yesterday: each member's workdays, with a deterministic mix of outcomes.
  const today = chinaDate(now);
  const weekAgo = addDays(today, -7);
  const first = !opts.wholeMonth && weekAgo.slice(0, 7) === today.slice(0, 7) ? weekAgo : `${today.slice(0, 7)}-01`;
  const last = addDays(today, -1);
  if (last < first) return { places: places.length, checkIns: 0 };
  const [{ n }] = await tx.query<{ n: number }[]>(
    `WITH days AS (
       SELECT d::date AS date FROM generate_series($1::date, $2::date, interval '1 day') d
        WHERE coalesce((SELECT kind = 'workday' FROM attendance_calendar c WHERE c.date = d::date), extract(isodow FROM d) < 6)
     ), people AS (
       SELECT m.id, ms.unit_id,
              (SELECT p.latitude FROM unit_closure c JOIN attendance_place p ON p.unit_id = c.ancestor_id WHERE c.descendant_id = ms.unit_id ORDER BY c.depth LIMIT 1) AS lat,
              (SELECT p.longitude FROM unit_closure c JOIN attendance_place p ON p.unit_id = c.ancestor_id WHERE c.descendant_id = ms.unit_id ORDER BY c.depth LIMIT 1) AS lng
         FROM member m JOIN membership ms ON ms.member_id = m.id AND ms.is_primary
        WHERE m.status = 'active' AND NOT EXISTS (SELECT 1 FROM role_grant h WHERE h.member_id = m.id AND h.role = 'helper')
     ), plan AS (
       SELECT p.id, p.unit_id, p.lat, p.lng, d.date, abs(hashtext(p.id::text || d.date::text)) % 100 AS roll,
              abs(hashtext(d.date::text || p.id::text)) % 600 AS jitter
         FROM people p CROSS JOIN days d WHERE p.lat IS NOT NULL
     ), leave AS (
       INSERT INTO attendance_request (member_id, unit_id, kind, date, end_date, reason, status, decided_at)
       SELECT id, unit_id, 'leave', date, date, '家中有事', 'approved', date::timestamp AT TIME ZONE 'Asia/Shanghai' FROM plan WHERE roll = 99
       RETURNING 1
     ), punches AS (
       -- roll: 0–1 absent, 2–4 missing the afternoon, 5–9 late, 10–11 field, 99 on leave, else on time
       SELECT plan.*, v.k, v.t FROM plan CROSS JOIN LATERAL (VALUES
           ('in',  CASE WHEN roll BETWEEN 5 AND 9 THEN '08:40' ELSE '08:05' END, roll NOT IN (0, 1, 99)),
           ('out', '12:01', roll NOT IN (0, 1, 99)),
           ('in',  '14:05', roll NOT IN (0, 1, 2, 3, 4, 99)),
           ('out', '17:35', roll NOT IN (0, 1, 2, 3, 4, 99))) AS v(k, t, keep)
        WHERE v.keep
     ), ins AS (
     INSERT INTO check_in (member_id, unit_id, kind, at, made_at, client_at, latitude, longitude, coord_system, gcj_latitude, gcj_longitude, accuracy,
                           note, idempotency_key, content_hash, verdict, reasons, distance)
     SELECT id, unit_id, CASE WHEN roll IN (10, 11) THEN 'field' ELSE k END, ts, ts, ts,
            lat + (jitter - 300) / 300000.0, lng + (jitter - 300) / 300000.0, 'gcj02', lat + (jitter - 300) / 300000.0, lng + (jitter - 300) / 300000.0, 20 + jitter % 40,
            CASE WHEN roll IN (10, 11) THEN '入户走访' END,
            'demo-' || md5(id::text || ts::text), encode(sha256((id::text || ts::text)::bytea), 'hex'),
            CASE WHEN roll IN (10, 11) THEN 'field' ELSE 'ok' END,
            CASE WHEN roll IN (10, 11) THEN '[{"code":"field","message":"外勤打卡"}]'::jsonb ELSE '[{"code":"in_range","message":"在考勤范围内"}]'::jsonb END,
            jitter / 10
       FROM (SELECT punches.*, (date + t::time + make_interval(secs => jitter % 900)) AT TIME ZONE 'Asia/Shanghai' AS ts FROM punches) x
     RETURNING 1
   ) SELECT count(*)::int AS n FROM ins`,
    [first, last],
  );
  return { places: places.length, checkIns: n };
}
