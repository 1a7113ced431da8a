import ExcelJS from 'exceljs';
import { DayStatusLabel, Role, type DailyBoardView, type DayStatus } from '@lianxin/shared';
import type { DataSource as DS } from 'typeorm';
import { DataSource } from 'typeorm';
import { DEMO_PASSWORD, SIGN_IN_PHONES } from '../../server/src/org/seed/demo-county';
import { binary, parseCsv } from '../support/spot-fixture';
import { expectProblem, useTestApp } from '../support/test-app';

/**
 * The monthly attendance report on the demo county, whose seed also lays down places, the county
 * attendance group, the 2026 calendar and this month's check-ins up to yesterday. Everything the
 * report says is recounted here: its rows against the roster in the database, each member's totals
 * against their own day cells, the summary's 合计 against the member rows, and a sample of cells
 * against GET /attendance/daily.
 */
const ctx = useTestApp('attendance-report', { DEMO_SEED: 'true', LOGIN_THROTTLE_LIMIT: '10000' });
let ds: DS;
let rootId: string;
let rootName: string;
let token: string;

const chinaDay = (days = 0) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
const TODAY = chinaDay();
const MONTH = TODAY.slice(0, 7);
const NEXT_MONTH = (() => {
  const [y, m] = MONTH.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
})();
const datesOf = (month: string) => {
  const out: string[] = [];
  for (let d = new Date(`${month}-01T00:00:00Z`); d.toISOString().startsWith(month); d = new Date(d.getTime() + 86_400_000)) out.push(d.toISOString().slice(0, 10));
  return out;
};
const WEEKDAY = ['日', '一', '二', '三', '四', '五', '六'];
/** The totals columns, in the order the report promises. */
const TOTALS: DayStatus[] = ['normal', 'late', 'serious_late', 'early_leave', 'missing', 'absent', 'field', 'leave', 'rest', 'pending'];
const headerFor = (month: string) => [
  '姓名',
  '单位',
  ...datesOf(month).map((d) => `${d.slice(5)} ${WEEKDAY[new Date(`${d}T00:00:00Z`).getUTCDay()]}`),
  '正常（天）',
  '迟到（天）',
  '严重迟到（天）',
  '早退（天）',
  '缺卡（天）',
  '旷工（天）',
  '外勤（天）',
  '请假（天）',
  '休息（天）',
  '未到时间（天）',
  '迟到（分钟）',
  '早退（分钟）',
  '缺卡（次）',
];
const LABEL_TO_STATUS = new Map(Object.entries(DayStatusLabel).map(([s, l]) => [l, s as DayStatus]));

const auth = () => ({ authorization: `Bearer ${token}` });
const report = (query: string, t = token) => binary(ctx.http().get(`/api/attendance/reports?${query}`).set({ authorization: `Bearer ${t}` }));

type Cell = string | number;
function sheetRows(ws: ExcelJS.Worksheet, width: number): Cell[][] {
  const out: Cell[][] = [];
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: Cell[] = [];
    for (let c = 1; c <= width; c++) {
      const v = row.getCell(c).value;
      cells.push(v === null || v === undefined ? '' : typeof v === 'number' ? v : String(v));
    }
    out.push(cells);
  }
  return out;
}

async function workbook(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
  return wb;
}

/** Active members whose primary unit is at or under `unitId`, helpers left out, as the report must list them. */
async function roster(unitId: string): Promise<Array<{ id: string; name: string; unit_id: string; unit_name: string }>> {
  return ds.query(
    `SELECT m.id, m.name, u.id AS unit_id, u.name AS unit_name
       FROM member m JOIN membership ms ON ms.member_id = m.id AND ms.is_primary JOIN unit u ON u.id = ms.unit_id
      WHERE m.status = 'active' AND ms.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $1)
        AND m.id NOT IN (SELECT member_id FROM role_grant WHERE role = 'helper')`,
    [unitId],
  );
}
const key = (name: Cell, unit: Cell) => `${name}\u0000${unit}`;
const multiset = (keys: string[]) => [...keys].sort();

let xlsxRows: Cell[][];
let header: string[];

beforeAll(async () => {
  ds = ctx.created.app.get(DataSource);
  [{ id: rootId, name: rootName }] = await ds.query(`SELECT id, name FROM unit WHERE parent_id IS NULL`);
  token = (await ctx.login(SIGN_IN_PHONES[Role.Admin], DEMO_PASSWORD)).accessToken;
}, 120_000);

describe('the monthly report (xlsx)', () => {
  it('has a frozen Chinese header and one row per active non-helper member; each member’s totals equal their day cells; 合计 equals the member rows', async () => {
    const res = await report(`unitId=${rootId}&month=${MONTH}&format=xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(decodeURIComponent(res.headers['content-disposition'])).toContain(`考勤月报-${rootName}-${MONTH}.xlsx`);
    const wb = await workbook(res.body);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['考勤明细', '汇总']);
    const ws = wb.getWorksheet('考勤明细')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, xSplit: 2 });
    const dates = datesOf(MONTH);
    header = headerFor(MONTH);
    xlsxRows = sheetRows(ws, header.length);
    expect(xlsxRows[0]).toEqual(header);
    const rows = xlsxRows.slice(1);

    const people = await roster(rootId);
    expect(people.length).toBeGreaterThan(2500);
    expect(rows).toHaveLength(people.length);
    expect(multiset(rows.map((r) => key(r[0], r[1])))).toEqual(multiset(people.map((p) => key(p.name, p.unit_name))));

    const firstDay = 2;
    const totalsAt = 2 + dates.length;
    const sums = { totals: Object.fromEntries(TOTALS.map((s) => [s, 0])) as Record<DayStatus, number>, late: 0 };
    for (const r of rows) {
      const counted = Object.fromEntries(TOTALS.map((s) => [s, 0])) as Record<DayStatus, number>;
      dates.forEach((d, i) => {
        const cell = r[firstDay + i];
        if (d > TODAY) expect(cell).toBe('');
        else {
          const status = LABEL_TO_STATUS.get(String(cell));
          expect({ date: d, cell, known: status !== undefined }).toEqual({ date: d, cell, known: true });
          counted[status!]++;
        }
      });
      expect(TOTALS.map((_, i) => r[totalsAt + i])).toEqual(TOTALS.map((s) => counted[s]));
      for (const s of TOTALS) sums.totals[s] += counted[s];
      sums.late += r[totalsAt + TOTALS.length] as number;
      // minutes late only with late (or part-missing) days, early only with early (or part-missing) days,
      // missing punches only with 缺卡 days — never from weekends, leave or 旷工 days (their own columns)
      const [lateMin, earlyMin, missingN] = r.slice(totalsAt + TOTALS.length) as number[];
      if (counted.late + counted.serious_late + counted.missing === 0) expect({ row: r[0], lateMin }).toEqual({ row: r[0], lateMin: 0 });
      if (counted.early_leave + counted.missing === 0) expect({ row: r[0], earlyMin }).toEqual({ row: r[0], earlyMin: 0 });
      if (counted.missing === 0) expect({ row: r[0], missingN }).toEqual({ row: r[0], missingN: 0 });
      else expect(missingN).toBeGreaterThanOrEqual(counted.missing);
    }
    // the demo's mix shows up once a week or more of the month has passed
    const workdaysPast = (await ds.query(
      `SELECT count(*)::int AS n FROM generate_series($1::date, $2::date - 1, interval '1 day') d
        WHERE coalesce((SELECT kind = 'workday' FROM attendance_calendar c WHERE c.date = d::date), extract(isodow FROM d) < 6)`,
      [`${MONTH}-01`, TODAY],
    ))[0].n as number;
    if (workdaysPast >= 5) {
      for (const s of ['normal', 'late', 'missing', 'absent', 'field', 'leave'] as DayStatus[]) expect({ s, n: sums.totals[s] > 0 }).toEqual({ s, n: true });
    }

    const sum = wb.getWorksheet('汇总')!;
    const sumHeader = ['单位', '人数', ...TOTALS.map((s) => `${DayStatusLabel[s]}（人天）`), '迟到（分钟）'];
    const sumRows = sheetRows(sum, sumHeader.length);
    expect(sumRows[0]).toEqual(sumHeader);
    expect(sum.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const total = sumRows[sumRows.length - 1];
    const units = sumRows.slice(1, -1);
    expect(total[0]).toBe('合计');
    expect(total.slice(1)).toEqual([rows.length, ...TOTALS.map((s) => sums.totals[s]), sums.late]);
    // and the unit rows add up to it: one per unit that has members
    expect(units).toHaveLength(new Set(people.map((p) => p.unit_id)).size);
    expect(total.slice(1)).toEqual(total.slice(1).map((_, i) => units.reduce((n, u) => n + (u[1 + i] as number), 0)));
    // each unit row counts that unit's people (several units share a name, such as 办公室: compared as a multiset)
    const perUnit = new Map<string, { name: string; n: number }>();
    for (const p of people) perUnit.set(p.unit_id, { name: p.unit_name, n: (perUnit.get(p.unit_id)?.n ?? 0) + 1 });
    expect(multiset(units.map((u) => key(u[0], u[1])))).toEqual(multiset([...perUnit.values()].map((u) => key(u.name, u.n))));
  });

  it('agrees with GET /attendance/daily and with the seeded records for a sample of members and days', async () => {
    expect(xlsxRows).toBeDefined();
    const dates = datesOf(MONTH).filter((d) => d < TODAY);
    if (dates.length === 0) return; // the first of the month: nothing before today to compare
    const people = await roster(rootId);
    const byKey = new Map<string, typeof people>();
    for (const p of people) byKey.set(key(p.name, p.unit_name), [...(byKey.get(key(p.name, p.unit_name)) ?? []), p]);
    // one member and day for each status that occurs, plus the first few rows on every past day
    const picks: Array<{ row: Cell[]; date: string }> = [];
    const wanted = new Set<string>(['迟到', '严重迟到', '缺卡', '旷工', '外勤', '请假', '休息', '正常']);
    for (const row of xlsxRows.slice(1)) {
      if (byKey.get(key(row[0], row[1]))!.length !== 1) continue; // same name in the same unit: cannot tell them apart
      dates.forEach((d, i) => {
        const label = String(row[2 + i]);
        if (wanted.delete(label)) picks.push({ row, date: d });
      });
      if (wanted.size === 0) break;
    }
    expect(picks.length).toBeGreaterThan(5);
    const boards = new Map<string, DailyBoardView>();
    for (const { row, date } of picks) {
      const [p] = byKey.get(key(row[0], row[1]))!;
      const k = `${p.unit_id}/${date}`;
      if (!boards.has(k)) {
        const res = await ctx.http().get(`/api/attendance/daily?unitId=${p.unit_id}&date=${date}`).set(auth());
        expect(res.status).toBe(200);
        boards.set(k, res.body);
      }
      const rec = boards.get(k)!.records.find((r) => r.member.id === p.id)!;
      const cell = row[2 + datesOf(MONTH).indexOf(date)];
      expect({ member: p.name, date, status: DayStatusLabel[rec.status] }).toEqual({ member: p.name, date, status: cell });
      // what the seed wrote for that day explains the status
      const [raw] = await ds.query(
        `SELECT (SELECT count(*)::int FROM check_in c WHERE c.member_id = $1 AND (c.made_at AT TIME ZONE 'Asia/Shanghai')::date = $2::date) AS punches,
                (SELECT count(*)::int FROM check_in c WHERE c.member_id = $1 AND (c.made_at AT TIME ZONE 'Asia/Shanghai')::date = $2::date AND c.kind = 'field') AS field,
                EXISTS (SELECT 1 FROM attendance_request r WHERE r.member_id = $1 AND r.kind = 'leave' AND r.status = 'approved' AND $2::date BETWEEN r.date AND r.end_date) AS on_leave`,
        [p.id, date],
      );
      if (rec.status === 'leave') expect(raw.on_leave).toBe(true);
      if (rec.status === 'absent') expect({ punches: raw.punches, on_leave: raw.on_leave }).toEqual({ punches: 0, on_leave: false });
      if (rec.status === 'missing') expect(raw.punches).toBe(2);
      if (rec.status === 'normal' || rec.status === 'late') expect(raw.punches).toBe(4);
      if (rec.status === 'field') expect(raw.field).toBe(4);
    }
  });
});

describe('one unit day by day', () => {
  it('every cell and every member’s minutes and missing punches equal GET /attendance/daily summed over the month', async () => {
    expect(xlsxRows).toBeDefined();
    const all = datesOf(MONTH);
    const dates = all.filter((d) => d <= TODAY);
    // the village with the most people, all of them told apart by name
    const [unit] = await ds.query<{ id: string; name: string }[]>(
      `SELECT u.id, u.name FROM unit u JOIN membership ms ON ms.unit_id = u.id AND ms.is_primary JOIN member m ON m.id = ms.member_id AND m.status = 'active'
        WHERE u.kind = 'village' AND (SELECT count(*) FROM unit o WHERE o.name = u.name) = 1
        GROUP BY u.id, u.name HAVING count(*) = count(DISTINCT m.name) ORDER BY count(*) DESC, u.name LIMIT 1`,
    );
    const members = (await roster(unit.id)).filter((p) => p.unit_id === unit.id);
    expect(members.length).toBeGreaterThan(3);
    const boards = await Promise.all(
      dates.map(async (d) => {
        const res = await ctx.http().get(`/api/attendance/daily?unitId=${unit.id}&date=${d}`).set(auth());
        expect(res.status).toBe(200);
        return res.body as DailyBoardView;
      }),
    );
    for (const p of members) {
      const row = xlsxRows.find((r) => r[0] === p.name && r[1] === unit.name)!;
      expect(row).toBeDefined();
      let late = 0;
      let early = 0;
      let missing = 0;
      dates.forEach((d, i) => {
        const rec = boards[i].records.find((r) => r.member.id === p.id)!;
        expect({ member: p.name, date: d, status: row[2 + all.indexOf(d)] }).toEqual({ member: p.name, date: d, status: DayStatusLabel[rec.status] });
        // a weekend, a day on leave and a day of 旷工 add nothing to the minutes or the missing punches
        if (!['rest', 'leave', 'absent'].includes(rec.status)) {
          late += rec.lateMinutes;
          early += rec.earlyMinutes;
          missing += rec.missingCount;
        }
      });
      const at = 2 + all.length + TOTALS.length;
      expect({ member: p.name, late: row[at], early: row[at + 1], missing: row[at + 2] }).toEqual({ member: p.name, late, early, missing });
    }
  });
});

describe('the monthly report (csv)', () => {
  it('starts with a UTF-8 BOM and has the same header and rows as the xlsx', async () => {
    expect(xlsxRows).toBeDefined();
    const res = await report(`unitId=${rootId}&month=${MONTH}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(decodeURIComponent(res.headers['content-disposition'])).toContain(`考勤月报-${rootName}-${MONTH}.csv`);
    expect([...res.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.body.toString('utf8');
    expect(text.slice(1, 3)).toBe('姓名');
    const lines = parseCsv(text.slice(1));
    expect(lines[0]).toEqual(header);
    const asText = (rows: Cell[][]) => rows.map((r) => r.map(String).join('\u0001')).sort();
    expect(lines.length).toBe(xlsxRows.length);
    expect(asText(lines.slice(1))).toEqual(asText(xlsxRows.slice(1)));
  });
});

describe('a month with no data yet', () => {
  it(`${NEXT_MONTH}: every member has a row, with empty days and zero totals (xlsx and csv)`, async () => {
    const people = await roster(rootId);
    const res = await report(`unitId=${rootId}&month=${NEXT_MONTH}`);
    expect(res.status).toBe(200);
    const wb = await workbook(res.body);
    const h = headerFor(NEXT_MONTH);
    const rows = sheetRows(wb.getWorksheet('考勤明细')!, h.length);
    expect(rows[0]).toEqual(h);
    expect(rows.length - 1).toBe(people.length);
    const days = datesOf(NEXT_MONTH).length;
    for (const r of rows.slice(1)) expect(r.slice(2)).toEqual([...Array(days).fill(''), ...Array(TOTALS.length + 3).fill(0)]);
    const total = sheetRows(wb.getWorksheet('汇总')!, 2 + TOTALS.length + 1).at(-1)!;
    expect(total).toEqual(['合计', people.length, ...Array(TOTALS.length + 1).fill(0)]);

    const csv = parseCsv((await report(`unitId=${rootId}&month=${NEXT_MONTH}&format=csv`)).body.toString('utf8').slice(1));
    expect(csv).toHaveLength(people.length + 1);
    expect(csv.slice(1).every((r) => r.slice(2, 2 + days).every((c) => c === '') && r.slice(2 + days).every((c) => c === '0'))).toBe(true);
  });
});

describe('who may have the report', () => {
  it('a town’s supervisor gets their town (its roster only) and 404 for the county root; bad queries are 400', async () => {
    const [sup] = await ds.query<{ id: string; phone: string; unit_id: string; unit_name: string }[]>(
      `SELECT m.id, m.phone, u.id AS unit_id, u.name AS unit_name FROM role_grant g JOIN unit u ON u.id = g.unit_id AND u.kind = 'town' JOIN member m ON m.id = g.member_id
        WHERE g.role = 'supervisor' AND m.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM role_grant o JOIN unit ou ON ou.id = o.unit_id WHERE o.member_id = m.id AND ou.kind IN ('county', 'bureau', 'office'))
        ORDER BY m.phone LIMIT 1`,
    );
    expect(sup).toBeDefined();
    // give this demo member the demo password, as the other documented sign-ins have
    await ds.query(`UPDATE member SET password_hash = (SELECT password_hash FROM member WHERE phone = $2) WHERE id = $1`, [sup.id, SIGN_IN_PHONES[Role.Admin]]);
    const supToken = (await ctx.login(sup.phone, DEMO_PASSWORD)).accessToken;
    expectProblem(await ctx.http().get(`/api/attendance/reports?unitId=${rootId}&month=${MONTH}`).set({ authorization: `Bearer ${supToken}` }), 404, 'ORG_UNIT_NOT_FOUND');
    const [other] = await ds.query<{ id: string }[]>(`SELECT id FROM unit WHERE kind = 'town' AND id <> $1 ORDER BY name LIMIT 1`, [sup.unit_id]);
    expectProblem(await ctx.http().get(`/api/attendance/reports?unitId=${other.id}&month=${MONTH}&format=csv`).set({ authorization: `Bearer ${supToken}` }), 404, 'ORG_UNIT_NOT_FOUND');

    const own = await report(`unitId=${sup.unit_id}&month=${MONTH}&format=csv`, supToken);
    expect(own.status).toBe(200);
    const rows = parseCsv(own.body.toString('utf8').slice(1)).slice(1);
    const people = await roster(sup.unit_id);
    expect(multiset(rows.map((r) => key(r[0], r[1])))).toEqual(multiset(people.map((p) => key(p.name, p.unit_name))));

    expectProblem(await ctx.http().get(`/api/attendance/reports?unitId=${rootId}&month=2026-13`).set(auth()), 400, 'VALIDATION_FAILED');
    expectProblem(await ctx.http().get(`/api/attendance/reports?unitId=${rootId}&month=${MONTH}&format=pdf`).set(auth()), 400, 'VALIDATION_FAILED');
    expectProblem(await ctx.http().get(`/api/attendance/reports?month=${MONTH}`).set(auth()), 400, 'VALIDATION_FAILED');
  });
});
