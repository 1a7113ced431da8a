import { DayStatus, Role, type DailyBoardView, type DayRecordView } from '@lianxin/shared';
import {
  addDays,
  buildAttendanceFixture,
  china,
  chinaDateOf,
  COUNTY_SHIFT,
  isoWeekday,
  pastCheckIn,
  PLACES,
  session,
  storedCheckIns,
  type Api,
  type AttendanceFixture,
} from '../support/attendance-fixture';
import type { MadeMember } from '../support/factory';
import { buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { expectProblem, useTestApp } from '../support/test-app';

/**
 * GET /attendance/daily against hand-worked days. The county shift is 08:30–12:00 and 14:30–17:30,
 * Monday to Friday, 5 minutes' grace either way, 30 minutes late is serious; the attendance day
 * runs from 04:30 to 04:30 and the two halves split at 13:15. Past check-ins are written straight
 * into the database (the API stamps the server's clock); 补卡 and leave go through the API.
 *
 * Calendar 2026: 10-01…10-07 国庆节 (holidays), 10-10 (a Saturday) 调休 workday.
 * Fixed dates: 2026-10-01 Thursday (holiday), 10-10 Saturday (调休), 10-11 Sunday, 10-12 Monday, 10-13 Tuesday.
 */
const ctx = useTestApp('attendance-daily');
let org: OrgFixture;
let att: AttendanceFixture;
let supervisor: Api;
/** 考勤测试组 (under 兴州街道): only the people below, so the board's counts are known. */
let team: string;
/** 夜班组 (under 兴州街道): one span 09:00–17:00. */
let nightTeam: string;
/** 补卡组 (under 兴州街道): corrections on a recent date. */
let fixTeam: string;
/** 限补组 (under 兴州街道): one correction a month. */
let limitTeam: string;

const MONDAY = '2026-10-12';
const TUESDAY = '2026-10-13';
const SUNDAY = '2026-10-11';
const HOLIDAY = '2026-10-01';
const TIAOXIU = '2026-10-10';

/** The dates the calendar below sets: relative dates avoid them. */
const CALENDAR_DATES = new Set(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-10']);

const people: Record<string, MadeMember> = {};
/** Punches on 2026-10-12 per person, China time; `kind:verdict` after the time when not an ordinary passing one. */
const MONDAY_PUNCHES: Record<string, string[]> = {
  正常: ['08:20', '12:05', '14:25', '17:40'],
  踩点: ['08:35', '12:00', '14:35', '17:25'],
  迟到: ['08:40', '12:05', '14:25', '17:40'],
  严重迟到: ['09:10', '12:05', '14:25', '17:40'],
  早退: ['08:20', '12:05', '14:25', '17:00'],
  旷工: [],
  缺卡: ['08:20', '17:40'],
  外勤: ['08:25 field:field', '12:02 field:field', '14:28 field:field', '17:35 field:field'],
  不算: ['08:20 in:out_of_range', '12:05 in:suspicious', '14:25', '17:40'],
  全无效: ['08:20 in:out_of_range', '17:40 out:low_accuracy'],
  请假: [],
};

/** The two boundary punches are 'in' and 'out' unless told. */
async function punch(member: MadeMember, date: string, spec: string, i: number, n: number) {
  const [time, kv] = spec.split(' ');
  const [kind, verdict] = kv ? kv.split(':') : [i < n / 2 ? 'in' : 'out', 'ok'];
  return pastCheckIn(org, member.id, china(date, time), { kind, verdict });
}

async function newUnit(name: string): Promise<string> {
  const res = await att.admin.post('/api/org/units', { parentId: org.units.xingzhou, name, kind: 'office' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function board(api: Api, unitId: string, date: string): Promise<DailyBoardView> {
  const res = await api.get(`/api/attendance/daily?unitId=${unitId}&date=${date}`);
  expect({ status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({ status: 200, body: 'ok' });
  return res.body as DailyBoardView;
}

const recordOf = (b: DailyBoardView, m: MadeMember): DayRecordView => {
  const r = b.records.find((x) => x.member.id === m.id);
  if (!r) throw new Error(`no record for ${m.id}`);
  return r;
};

/** The record's numbers in one line, to compare with the hand-worked ones. */
const summary = (r: DayRecordView) => ({ status: r.status, firstIn: r.firstIn, lastOut: r.lastOut, late: r.lateMinutes, early: r.earlyMinutes, missing: r.missingCount });
const at = (date: string, hhmm: string) => china(date, hhmm).toISOString();

/** Every status the contract knows, at zero (past days never come out pending). */
const noCounts = Object.fromEntries(Object.values(DayStatus).map((s) => [s, 0])) as Record<DayStatus, number>;

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  att = await buildAttendanceFixture(ctx, org);
  const sup = await org.memberWithRole(Role.Supervisor, org.units.xingzhou, '街道督查');
  people.督查 = sup;
  supervisor = await session(ctx, sup);

  const cal = await att.admin.put('/api/attendance/calendar/2026', {
    days: [
      ...[...CALENDAR_DATES].filter((d) => d !== TIAOXIU).map((date) => ({ date, kind: 'holiday', name: '国庆节' })),
      { date: TIAOXIU, kind: 'workday', name: '国庆节调休' },
    ],
  });
  expect(cal.status).toBe(200);
  expect(cal.body).toHaveLength(8);

  team = await newUnit('考勤测试组');
  for (const name of Object.keys(MONDAY_PUNCHES)) {
    people[name] = await org.memberWithRole(null, team, name);
    const list = MONDAY_PUNCHES[name];
    for (const [i, spec] of list.entries()) await punch(people[name], MONDAY, spec, i, list.length);
  }
  // The holiday and the 调休 Saturday: 正常 punches a full day on both; the others stay home.
  for (const date of [HOLIDAY, TIAOXIU]) {
    for (const [i, t] of ['08:20', '12:05', '14:25', '17:40'].entries()) await punch(people.正常, date, t, i, 4);
  }

  nightTeam = await newUnit('夜班组');
  const night = await att.admin.post('/api/attendance/shifts', { unitId: nightTeam, name: '夜班组考勤', segments: [{ start: '09:00', end: '17:00' }] });
  expect(night.status).toBe(201);
  people.夜归 = await org.memberWithRole(null, nightTeam, '夜归');
  await pastCheckIn(org, people.夜归.id, china(MONDAY, '08:55'), { kind: 'in' });
  await pastCheckIn(org, people.夜归.id, china(TUESDAY, '00:40'), { kind: 'out' });
  await pastCheckIn(org, people.夜归.id, china(TUESDAY, '08:50'), { kind: 'in' });
  await pastCheckIn(org, people.夜归.id, china(TUESDAY, '17:05'), { kind: 'out' });

  fixTeam = await newUnit('补卡组');
  limitTeam = await newUnit('限补组');
  const limited = await att.admin.post('/api/attendance/shifts', { unitId: limitTeam, ...COUNTY_SHIFT, name: '限补组考勤', correctionsPerMonth: 1 });
  expect(limited.status).toBe(201);
});

describe('the calendar', () => {
  it('reads back as set, in date order', async () => {
    const res = await att.admin.get('/api/attendance/calendar/2026');
    expect(res.status).toBe(200);
    expect(res.body[0]).toEqual({ date: '2026-10-01', kind: 'holiday', name: '国庆节' });
    expect(res.body[7]).toEqual({ date: '2026-10-10', kind: 'workday', name: '国庆节调休' });
  });

  it('is set by the county admin only: a town admin is refused, nothing changed', async () => {
    const townAdmin = await session(ctx, await org.memberWithRole(Role.Admin, org.units.xingzhou, '街道管理员'));
    expectProblem(await townAdmin.put('/api/attendance/calendar/2026', { days: [] }), 403, 'AUTH_FORBIDDEN');
    expect((await att.admin.get('/api/attendance/calendar/2026')).body).toHaveLength(8);
  });

  it('refuses a day of another year and a date given twice, keeping what was there', async () => {
    const other = await att.admin.put('/api/attendance/calendar/2026', { days: [{ date: '2027-01-01', kind: 'holiday', name: '元旦' }] });
    expect(expectProblem(other, 400, 'VALIDATION_FAILED').errors).toEqual([expect.objectContaining({ path: 'days.0.date' })]);
    const twice = await att.admin.put('/api/attendance/calendar/2026', {
      days: [
        { date: '2026-10-01', kind: 'holiday', name: '国庆节' },
        { date: '2026-10-01', kind: 'workday', name: '国庆节' },
      ],
    });
    expectProblem(twice, 400, 'VALIDATION_FAILED');
    const noSuchDay = await att.admin.put('/api/attendance/calendar/2026', { days: [{ date: '2026-02-30', kind: 'holiday', name: '不存在' }] });
    expect(expectProblem(noSuchDay, 400, 'VALIDATION_FAILED').errors).toEqual([expect.objectContaining({ path: 'days.0.date' })]);
    expect((await att.admin.get('/api/attendance/calendar/2026')).body).toHaveLength(8);
  });
});

describe('Monday 2026-10-12, every status worked by hand', () => {
  let b: DailyBoardView;
  beforeAll(async () => {
    b = await board(supervisor, team, MONDAY);
  });

  it('lists everyone of the unit once', () => {
    expect(b.unit).toMatchObject({ id: team, name: '考勤测试组' });
    expect(b.date).toBe(MONDAY);
    expect(b.records.map((r) => r.member.name).sort()).toEqual(Object.keys(MONDAY_PUNCHES).sort());
    expect(b.records.every((r) => r.unit?.id === team && r.date === MONDAY)).toBe(true);
  });

  it.each([
    // name, status, first in, last out, late, early, missing
    ['正常', 'normal', '08:20', '17:40', 0, 0, 0],
    // 08:35 is 08:30 + 5 minutes' grace; 17:25 is 17:30 − 5: on time exactly.
    ['踩点', 'normal', '08:35', '17:25', 0, 0, 0],
    ['迟到', 'late', '08:40', '17:40', 10, 0, 0],
    ['严重迟到', 'serious_late', '09:10', '17:40', 40, 0, 0],
    ['早退', 'early_leave', '08:20', '17:00', 0, 30, 0],
    ['旷工', 'absent', null, null, 0, 0, 4],
    // Lunch break: 08:20 in and 17:40 out but nothing at noon — the morning's out and the afternoon's in are missing.
    ['缺卡', 'missing', '08:20', '17:40', 0, 0, 2],
    ['外勤', 'field', '08:25', '17:35', 0, 0, 0],
    // The out-of-range 08:20 and the suspicious 12:05 do not count: the morning has neither; the afternoon's in is the first.
    ['不算', 'missing', '14:25', '17:40', 0, 0, 2],
    // Punches exist but none passed: as if nobody came.
    ['全无效', 'absent', null, null, 0, 0, 4],
  ] as const)('%s: %s (in %s, out %s, late %i, early %i, missing %i)', (name, status, firstIn, lastOut, late, early, missing) => {
    expect(summary(recordOf(b, people[name]))).toEqual({
      status,
      firstIn: firstIn && at(MONDAY, firstIn),
      lastOut: lastOut && at(MONDAY, lastOut),
      late,
      early,
      missing,
    });
  });

  it('counts per status add up to the records', () => {
    expect(b.counts).toEqual({ ...noCounts, normal: 2, late: 1, serious_late: 1, early_leave: 1, absent: 3, missing: 2, field: 1 });
  });

  it('the day is written down on first read (attendance_day)', async () => {
    const rows = await org.ds.query<{ name: string; status: string; late_minutes: number }[]>(
      `SELECT m.name, d.status, d.late_minutes FROM attendance_day d JOIN member m ON m.id = d.member_id WHERE d.date = $1 AND d.unit_id = $2`,
      [MONDAY, team],
    );
    expect(Object.fromEntries(rows.map((r) => [r.name, r.status]))).toMatchObject({ 正常: 'normal', 严重迟到: 'serious_late', 缺卡: 'missing', 请假: 'absent' });
    expect(rows.find((r) => r.name === '迟到')?.late_minutes).toBe(10);
  });

  it('approved leave makes the day leave (recomputed at once, though the day was already written down)', async () => {
    const me = await session(ctx, people.请假);
    const req = await me.post('/api/attendance/requests', { kind: 'leave', date: MONDAY, reason: '陪父亲看病' });
    expect(req.status).toBe(201);
    expect(req.body).toMatchObject({ kind: 'leave', date: MONDAY, endDate: MONDAY, status: 'pending', time: null, member: { id: people.请假.id, name: '请假' } });
    // Pending leave changes nothing.
    expect(recordOf(await board(supervisor, team, MONDAY), people.请假).status).toBe('absent');
    const decided = await supervisor.post(`/api/attendance/requests/${req.body.id}/decision`, { approve: true, comment: '同意' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'approved', decidedBy: { id: people.督查.id, name: '街道督查' }, comment: '同意' });
    const after = await board(supervisor, team, MONDAY);
    expect(recordOf(after, people.请假)).toMatchObject({ status: 'leave', firstIn: null, lastOut: null, lateMinutes: 0, earlyMinutes: 0 });
    expect(after.counts).toEqual({ ...noCounts, normal: 2, late: 1, serious_late: 1, early_leave: 1, absent: 2, missing: 2, field: 1, leave: 1 });
    const [row] = await org.ds.query(`SELECT status FROM attendance_day WHERE member_id = $1 AND date = $2`, [people.请假.id, MONDAY]);
    expect(row.status).toBe('leave');
  });

  it('a rejected leave leaves the day as it was', async () => {
    const me = await session(ctx, people.旷工);
    const req = await me.post('/api/attendance/requests', { kind: 'leave', date: MONDAY, reason: '事假' });
    const decided = await supervisor.post(`/api/attendance/requests/${req.body.id}/decision`, { approve: false, comment: '事后请假不批' });
    expect(decided.body.status).toBe('rejected');
    expect(recordOf(await board(supervisor, team, MONDAY), people.旷工).status).toBe('absent');
  });
});

describe('holidays, weekends and 调休', () => {
  it('the Sunday before is rest for everyone, punches or not', async () => {
    const b = await board(supervisor, team, SUNDAY);
    expect(b.counts).toEqual({ ...noCounts, rest: b.records.length });
    expect(recordOf(b, people.旷工)).toMatchObject({ status: 'rest', firstIn: null, lateMinutes: 0 });
  });

  it('国庆节 (a Thursday) is rest, even for 正常 who came in', async () => {
    const b = await board(supervisor, team, HOLIDAY);
    expect(b.counts).toEqual({ ...noCounts, rest: b.records.length });
    expect(summary(recordOf(b, people.正常))).toEqual({ status: 'rest', firstIn: at(HOLIDAY, '08:20'), lastOut: at(HOLIDAY, '17:40'), late: 0, early: 0, missing: 0 });
  });

  it('the 调休 Saturday is a workday: 正常 is normal, those who stayed home are absent', async () => {
    const b = await board(supervisor, team, TIAOXIU);
    expect(recordOf(b, people.正常).status).toBe('normal');
    expect(recordOf(b, people.旷工).status).toBe('absent');
    expect(b.counts).toEqual({ ...noCounts, normal: 1, absent: b.records.length - 1 });
  });
});

describe('a one-span shift 09:00–17:00 (夜班组): the day runs 05:00 to 05:00', () => {
  it('the shift is set on the unit and followed by its members', async () => {
    const res = await att.admin.get('/api/attendance/shifts');
    expect(res.body.find((s: { unit: { id: string } }) => s.unit.id === nightTeam)).toMatchObject({
      segments: [{ start: '09:00', end: '17:00' }],
      workdays: [1, 2, 3, 4, 5],
      lateGraceMinutes: 5,
    });
  });

  it('out at 00:40 the next morning counts for the day before: Monday normal, leaving at 00:40 Tuesday', async () => {
    const b = await board(supervisor, nightTeam, MONDAY);
    expect(summary(recordOf(b, people.夜归))).toEqual({ status: 'normal', firstIn: at(MONDAY, '08:55'), lastOut: at(TUESDAY, '00:40'), late: 0, early: 0, missing: 0 });
  });

  it('and is not Tuesday’s: Tuesday runs 08:50 to 17:05', async () => {
    const b = await board(supervisor, nightTeam, TUESDAY);
    expect(summary(recordOf(b, people.夜归))).toEqual({ status: 'normal', firstIn: at(TUESDAY, '08:50'), lastOut: at(TUESDAY, '17:05'), late: 0, early: 0, missing: 0 });
  });
});

describe('补卡 approved late', () => {
  /** A Monday–Thursday 4 to 20 days ago (China time), off the calendar: within the 31 days a correction may reach. */
  function recentWorkday(): string {
    const today = chinaDateOf(new Date());
    for (let back = 4; back <= 20; back++) {
      const d = addDays(today, -back);
      if (isoWeekday(d) <= 4 && !CALENDAR_DATES.has(d) && !CALENDAR_DATES.has(addDays(d, 1))) return d;
    }
    throw new Error('no recent workday');
  }

  it('missing the morning check-in; 补卡 08:30 approved by the town supervisor: missing becomes normal, the check-ins stay as they were', async () => {
    const date = recentWorkday();
    const m = await org.memberWithRole(null, fixTeam, '忘打卡');
    for (const t of ['12:05', '14:25', '17:40']) await pastCheckIn(org, m.id, china(date, t), { kind: t === '14:25' ? 'in' : 'out' });
    const rowsBefore = await storedCheckIns(org, m.id);

    const first = await board(supervisor, fixTeam, date);
    expect(summary(recordOf(first, m))).toEqual({ status: 'missing', firstIn: at(date, '14:25'), lastOut: at(date, '17:40'), late: 0, early: 0, missing: 1 });
    const [stored] = await org.ds.query(`SELECT status, missing_count FROM attendance_day WHERE member_id = $1 AND date = $2`, [m.id, date]);
    expect(stored).toEqual({ status: 'missing', missing_count: 1 });

    const me = await session(ctx, m);
    const req = await me.post('/api/attendance/requests', { kind: 'correction', date, time: '08:30', reason: '早上忘记打卡' });
    expect(req.status).toBe(201);
    expect(req.body).toMatchObject({ kind: 'correction', date, endDate: date, time: '08:30', status: 'pending', decidedBy: null });
    expect(recordOf(await board(supervisor, fixTeam, date), m).status).toBe('missing');

    const todo = await supervisor.get('/api/attendance/requests?box=todo');
    expect(todo.body.items.map((r: { id: string }) => r.id)).toContain(req.body.id);
    const mine = await me.get('/api/attendance/requests?box=mine');
    expect(mine.body.items).toEqual([expect.objectContaining({ id: req.body.id, status: 'pending' })]);

    const decided = await supervisor.post(`/api/attendance/requests/${req.body.id}/decision`, { approve: true });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'approved', decidedBy: { id: people.督查.id }, time: '08:30' });

    const after = await board(supervisor, fixTeam, date);
    expect(summary(recordOf(after, m))).toEqual({ status: 'normal', firstIn: at(date, '08:30'), lastOut: at(date, '17:40'), late: 0, early: 0, missing: 0 });
    const [restored] = await org.ds.query(`SELECT status, missing_count FROM attendance_day WHERE member_id = $1 AND date = $2`, [m.id, date]);
    expect(restored).toEqual({ status: 'normal', missing_count: 0 });
    expect(await storedCheckIns(org, m.id)).toEqual(rowsBefore);

    // A second decision, either way, is refused and changes nothing.
    expectProblem(await supervisor.post(`/api/attendance/requests/${req.body.id}/decision`, { approve: false }), 409, 'ATTENDANCE_REQUEST_DECIDED');
    expect((await me.get('/api/attendance/requests?box=mine')).body.items[0].status).toBe('approved');
    expect(recordOf(await board(supervisor, fixTeam, date), m).status).toBe('normal');
  });

  it('补卡 at 08:50 fills the gap but is late by 20 minutes', async () => {
    const date = recentWorkday();
    const m = await org.memberWithRole(null, fixTeam, '晚补卡');
    for (const t of ['12:05', '14:25', '17:40']) await pastCheckIn(org, m.id, china(date, t));
    const req = await (await session(ctx, m)).post('/api/attendance/requests', { kind: 'correction', date, time: '08:50', reason: '手机没电' });
    await supervisor.post(`/api/attendance/requests/${req.body.id}/decision`, { approve: true });
    expect(summary(recordOf(await board(supervisor, fixTeam, date), m))).toEqual({ status: 'late', firstIn: at(date, '08:50'), lastOut: at(date, '17:40'), late: 20, early: 0, missing: 0 });
  });

  it('补卡 of a check-out after midnight (夜班组, out 00:40 the next morning) mends the day it belongs to', async () => {
    const date = recentWorkday();
    const next = addDays(date, 1);
    const m = await org.memberWithRole(null, nightTeam, '夜里忘打卡');
    await pastCheckIn(org, m.id, china(date, '08:55'), { kind: 'in' });
    expect(summary(recordOf(await board(supervisor, nightTeam, date), m))).toEqual({ status: 'missing', firstIn: at(date, '08:55'), lastOut: null, late: 0, early: 0, missing: 1 });
    // The check-out should have been at 00:40 the next calendar day: that instant is what is asked for.
    const req = await (await session(ctx, m)).post('/api/attendance/requests', { kind: 'correction', date: next, time: '00:40', reason: '加班到半夜，下班忘记打卡' });
    expect(req.status).toBe(201);
    expect((await supervisor.post(`/api/attendance/requests/${req.body.id}/decision`, { approve: true })).status).toBe(200);
    expect(summary(recordOf(await board(supervisor, nightTeam, date), m))).toEqual({ status: 'normal', firstIn: at(date, '08:55'), lastOut: at(next, '00:40'), late: 0, early: 0, missing: 0 });
  });

  it("the shift's correctionsPerMonth is the limit: the second 补卡 in a month is 409 until the first is rejected", async () => {
    const date = recentWorkday();
    const m = await org.memberWithRole(null, limitTeam, '补卡一次');
    const me = await session(ctx, m);
    const body = { kind: 'correction', date, time: '08:30', reason: '忘记打卡' };
    const first = await me.post('/api/attendance/requests', body);
    expect(first.status).toBe(201);
    const second = await me.post('/api/attendance/requests', { ...body, time: '17:30' });
    expect(expectProblem(second, 409, 'ATTENDANCE_REQUEST_LIMIT').detail).toContain('1 次');
    const month = await me.get(`/api/attendance/me/month?month=${date.slice(0, 7)}`);
    expect(month.body.correctionsLeft).toBe(0);
    expect((await org.ds.query(`SELECT count(*)::int AS n FROM attendance_request WHERE member_id = $1`, [m.id]))[0].n).toBe(1);

    await supervisor.post(`/api/attendance/requests/${first.body.id}/decision`, { approve: false, comment: '理由不充分' });
    expect((await me.post('/api/attendance/requests', { ...body, time: '17:30' })).status).toBe(201);
  });

  it('nobody decides their own request: 403, still pending', async () => {
    const date = recentWorkday();
    const req = await supervisor.post('/api/attendance/requests', { kind: 'correction', date, time: '08:30', reason: '早上下村忘记打卡' });
    expect(req.status).toBe(201);
    expectProblem(await supervisor.post(`/api/attendance/requests/${req.body.id}/decision`, { approve: true }), 403, 'AUTH_FORBIDDEN');
    const [row] = await org.ds.query(`SELECT status, decided_by FROM attendance_request WHERE id = $1`, [req.body.id]);
    expect(row).toEqual({ status: 'pending', decided_by: null });
    expect((await supervisor.get('/api/attendance/requests?box=todo')).body.items.map((r: { id: string }) => r.id)).not.toContain(req.body.id);
  });

  it('a correction needs a time, a past date within 31 days; leave cannot end before it starts', async () => {
    const me = await session(ctx, await org.memberWithRole(null, fixTeam, '乱填'));
    const today = chinaDateOf(new Date());
    const cases: Array<[object, string]> = [
      [{ kind: 'correction', date: recentWorkday(), reason: '忘了' }, 'time'],
      [{ kind: 'correction', date: addDays(today, 2), time: '08:30', reason: '忘了' }, 'date'],
      [{ kind: 'correction', date: addDays(today, -40), time: '08:30', reason: '忘了' }, 'date'],
      [{ kind: 'leave', date: MONDAY, endDate: SUNDAY, reason: '病假' }, 'endDate'],
      [{ kind: 'leave', date: '2026-10-32', reason: '病假' }, 'date'],
      [{ kind: 'leave', date: '2026-02-30', reason: '病假' }, 'date'],
      [{ kind: 'leave', date: '2026-10-12', endDate: '2026-11-31', reason: '病假' }, 'endDate'],
      [{ kind: 'correction', date: recentWorkday(), time: '25:00', reason: '忘了' }, 'time'],
      [{ kind: 'correction', date: recentWorkday(), time: '08:30', reason: '   ' }, 'reason'],
    ];
    for (const [body, path] of cases) {
      const res = await me.post('/api/attendance/requests', body);
      const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
    expect((await me.get('/api/attendance/requests?box=mine')).body.items).toEqual([]);
  });
});

describe('check-ins that arrive late', () => {
  it('a day already written down takes in the offline check-ins uploaded afterwards (no signal in the village for days)', async () => {
    // A Monday–Friday 2 to 6 days ago: within the 7 days an offline check-in may wait.
    const today = chinaDateOf(new Date());
    const date = [2, 3, 4, 5, 6].map((n) => addDays(today, -n)).find((d) => isoWeekday(d) <= 5 && !CALENDAR_DATES.has(d))!;
    const unit = org.units.wulangping;
    const m = await org.memberWithRole(null, unit, '山里信号差');
    const first = await board(supervisor, unit, date);
    expect(recordOf(first, m).status).toBe('absent');

    // The phone kept the day's four check-ins at the village committee and sends them now.
    const phone = await session(ctx, m);
    const sentAt = new Date().toISOString();
    for (const t of ['08:20', '12:05', '14:25', '17:40']) {
      const res = await phone.post('/api/attendance/check-ins', {
        kind: t === '08:20' || t === '14:25' ? 'in' : 'out',
        latitude: PLACES.wulangping.latitude,
        longitude: PLACES.wulangping.longitude,
        accuracy: 15,
        coordSystem: 'gcj02',
        clientAt: at(date, t),
        sentAt,
        idempotencyKey: `offline-${date}-${t}`,
      });
      expect(res.status).toBe(201);
      expect(res.body.verdict).toBe('ok');
      expect(res.body.reasons.map((r: { code: string }) => r.code)).toEqual(['in_range', 'offline']);
      expect(Math.abs(Date.parse(res.body.madeAt) - Date.parse(at(date, t)))).toBeLessThan(30_000);
    }
    expect(recordOf(await board(supervisor, unit, date), m)).toMatchObject({ status: 'normal', missingCount: 0 });
  });
});

describe('the board refuses what it cannot answer', () => {
  it('a future date, a malformed date or unit id: 400 naming the field', async () => {
    const tomorrow = addDays(chinaDateOf(new Date()), 1);
    expect(expectProblem(await supervisor.get(`/api/attendance/daily?unitId=${team}&date=${tomorrow}`), 400, 'VALIDATION_FAILED').errors).toEqual([expect.objectContaining({ path: 'date' })]);
    expectProblem(await supervisor.get(`/api/attendance/daily?unitId=${team}&date=2026-13-01`), 400, 'VALIDATION_FAILED');
    // Shaped like a date but not one: February has no 30th.
    expect(expectProblem(await supervisor.get(`/api/attendance/daily?unitId=${team}&date=2026-02-30`), 400, 'VALIDATION_FAILED').errors).toEqual([expect.objectContaining({ path: 'date' })]);
    expectProblem(await supervisor.get(`/api/attendance/daily?unitId=not-a-unit&date=${MONDAY}`), 400, 'VALIDATION_FAILED');
    expectProblem(await supervisor.get(`/api/attendance/daily?unitId=${team}`), 400, 'VALIDATION_FAILED');
  });

  it('a town board lists its sub-units too', async () => {
    const b = await board(supervisor, org.units.xingzhou, MONDAY);
    const names = b.records.map((r) => r.member.name);
    expect(names).toEqual(expect.arrayContaining(['正常', '夜归', '李四', '周小红', '张三丰']));
    expect(names).not.toContain('孙立');
    expect(Object.values(b.counts).reduce((a, n) => a + n, 0)).toBe(b.records.length);
  });
});
