import ExcelJS from 'exceljs';
import pg from 'pg';
import { SpotTargetStatusLabel, type SpotCheckUpdateEvent, type SpotCheckView, type SpotDemandView, type SpotTargetStatus } from '@lianxin/shared';
import { seededSample } from '../../server/src/attendance/domain/sample';
import { createApp } from '../../server/src/app.factory';
import { loadConfig } from '../../server/src/config/app-config';
import { AliyunFake } from '../fakes/aliyun-fake';
import { as, buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { startServer, type ServerProcess } from '../support/server-process';
import {
  binary,
  buildSpotTown,
  checkIn,
  clients,
  near,
  parseCsv,
  sleep,
  until,
  type Client,
  type Person,
  type SpotTown,
} from '../support/spot-fixture';
import { openSse, type SseClient } from '../support/sse';
import { ADMIN, expectProblem, useTestApp } from '../support/test-app';

/**
 * Spot checks (抽查) through the API on a real database: the draw reproduced from the stored seed,
 * every way a target can end, the live demand and updates, scope, the weekly cap, DING by SMS, the
 * deadline job across a restart and with two instances, and the export.
 *
 * One "minute" of a spot-check window lasts MINUTE_MS here (SPOT_CHECK_MINUTE_MS), so a window of
 * 1 closes after a second and 240 stays open for four minutes. Each test builds its own town, so
 * the weekly cap (2 here) and earlier answers never leak between tests.
 */
const MINUTE_MS = 1000;
const CAP = 2;
const aliyun = new AliyunFake();
beforeAll(() => aliyun.start(), 10_000); // before the app, which reads its address
const ctx = useTestApp('attendance-spot', () => ({
  ...aliyun.env(),
  NOTICE_QUIET_HOURS: 'off',
  SPOT_CHECK_MINUTE_MS: String(MINUTE_MS),
  SPOT_CHECKS_PER_WEEK: String(CAP),
  DING_RETRY_DELAY_SECONDS: '1',
}));
let org: OrgFixture;
let admin: Client;
let base: string;
const streams: SseClient[] = [];

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  admin = await as(ctx, { id: '', ...ADMIN });
  if (!ctx.created.app.getHttpServer().listening) await ctx.created.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = ctx.created.app.getHttpServer().address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  streams.forEach((s) => s.close());
  await aliyun.stop();
});

const REASON = '群众反映工作时间找不到人，随机抽查在岗情况';
const start = (client: Client, body: object) => client.post('/api/attendance/spot-checks', { reason: REASON, windowMinutes: 240, ...body });
const view = async (client: Client, id: string) => (await client.get(`/api/attendance/spot-checks/${id}`)).body as SpotCheckView;
const target = (v: SpotCheckView, memberId: string) => v.targets.find((t) => t.member.id === memberId)!;
const ids = (v: SpotCheckView) => v.targets.map((t) => t.member.id).sort();
const ofTown = (town: SpotTown) => town.members.map((m) => m.id).sort();

/** China date of now plus `days`, 'YYYY-MM-DD'. */
const chinaDay = (days = 0) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

async function sse(token: string): Promise<SseClient> {
  const s = await openSse(`${base}/api/events`, token);
  streams.push(s);
  await s.next((e) => e.type === 'hello');
  return s;
}
const tokenOf = async (p: Person) => (await ctx.login(p.phone, p.password)).accessToken;

/** Answers a spot check where the person stands. */
const answer = (client: Client, spotCheckId: string, at: { latitude: number; longitude: number }) => checkIn(client, { kind: 'spot', spotCheckId, ...at });

describe('the draw', () => {
  it('draws seededSample(population, N, seed); GET /draw redoes it and matches; the same seed and population draw the same people again', async () => {
    const town = await buildSpotTown(org, admin, '抽样', { villages: 3, perVillage: 4 });
    const sup = await as(ctx, town.supervisor);
    const seed = 'audit-2026-11-a';
    const first = await start(sup, { units: [{ unitId: town.townId, includeSubUnits: true }], sampleSize: 5, seed });
    expect(first.status).toBe(201);
    const population = ofTown(town); // everyone under the town but the supervisor who started it
    const expected = seededSample(population, 5, seed, (id) => id).sort();
    expect(first.body).toMatchObject({ seed, sampleSize: 5, populationSize: 12, skippedOverCap: 0, reason: REASON, windowMinutes: 240 });
    expect(ids(first.body)).toEqual(expected);
    expect(first.body.counts).toEqual({ pending: 5, passed: 0, failed: 0, no_response: 0, excused: 0 });
    const stored = await org.ds.query<{ population: string[] }[]>(`SELECT population FROM spot_check WHERE id = $1`, [first.body.id]);
    expect([...stored[0].population].sort()).toEqual(population);

    const draw = await sup.get(`/api/attendance/spot-checks/${first.body.id}/draw`);
    expect(draw.status).toBe(200);
    expect(draw.body).toEqual({ seed, populationSize: 12, sampleSize: 5, drawn: expected, matches: true });
    // an auditor-like reader (the county admin) may redo it too
    expect((await admin.get(`/api/attendance/spot-checks/${first.body.id}/draw`)).body.matches).toBe(true);

    const again = await start(sup, { units: [{ unitId: town.townId, includeSubUnits: true }], sampleSize: 5, seed, reason: '复查同一批人' });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
    expect(ids(again.body)).toEqual(expected);
    expect((await sup.get(`/api/attendance/spot-checks/${again.body.id}/draw`)).body).toMatchObject({ drawn: expected, matches: true });

    // a fresh seed when none is given, stored and shown
    const random = await start(sup, { members: [population[0]], sampleSize: 1 });
    expect(random.body.seed).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a tampered target list no longer matches the stored draw', async () => {
    const town = await buildSpotTown(org, admin, '核对', { villages: 1, perVillage: 4 });
    const sup = await as(ctx, town.supervisor);
    const res = await start(sup, { units: [{ unitId: town.villageIds[0], includeSubUnits: false }], sampleSize: 2, seed: 'tamper-check' });
    const outsider = ofTown(town).find((id) => !ids(res.body).includes(id))!;
    await org.ds.query(`UPDATE spot_check_target SET member_id = $2 WHERE spot_check_id = $1 AND member_id = $3`, [res.body.id, outsider, ids(res.body)[0]]);
    expect((await sup.get(`/api/attendance/spot-checks/${res.body.id}/draw`)).body.matches).toBe(false);
  });
});

describe('how a target ends', () => {
  it('passed inside their place, failed outside with the distance, excused for approved leave and for field work today; live demand and updates', async () => {
    const town = await buildSpotTown(org, admin, '状态', { villages: 2, perVillage: 2 });
    const [onLeave, inField, inside, outside] = town.members;
    const [sup, leaveC, fieldC, insideC, outsideC] = await clients(ctx, [town.supervisor, onLeave, inField, inside, outside]);
    const placeOf = (p: Person) => town.places[p.unitId];

    // 请假: yesterday to tomorrow (so the test does not depend on the hour it runs), approved by the supervisor
    const leave = await leaveC.post('/api/attendance/requests', { kind: 'leave', date: chinaDay(-1), endDate: chinaDay(1), reason: '陪父亲到县医院复查' });
    expect(leave.status).toBe(201);
    expect((await sup.post(`/api/attendance/requests/${leave.body.id}/decision`, { approve: true })).status).toBe(200);
    // 外勤 today: the town's group lets field check-ins go without a photo
    expect((await admin.post('/api/attendance/shifts', { unitId: town.townId, name: '状态镇考勤组', segments: [{ start: '08:30', end: '17:30' }], fieldPhotoRequired: false })).status).toBe(201);
    const field = await checkIn(fieldC, { kind: 'field', ...near(placeOf(inField), 5000), note: '入户走访低保户' });
    expect(field.body.verdict).toBe('field');

    const [supSse, insideSse, leaveSse] = await Promise.all([sse(await tokenOf(town.supervisor)), sse(await tokenOf(inside)), sse(await tokenOf(onLeave))]);
    const res = await start(sup, { units: [{ unitId: town.townId, includeSubUnits: true }] });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect(res.body.sampleSize).toBeNull();
    expect(ids(res.body)).toEqual(ofTown(town));
    expect(res.body.counts).toEqual({ pending: 2, passed: 0, failed: 0, no_response: 0, excused: 2 });
    const lv = target(res.body, onLeave.id);
    expect(lv.status).toBe('excused');
    expect(lv.excuse).toBe(`今天请假（${chinaDay(-1).slice(5)} 至 ${chinaDay(1).slice(5)}）：陪父亲到县医院复查`);
    const fd = target(res.body, inField.id);
    expect(fd.status).toBe('excused');
    expect(fd.excuse).toMatch(/^今天外勤（\d\d:\d\d 打卡）：入户走访低保户$/);

    // the demand reaches the pending target, naming who and why; GET /mine lists it
    const demand = await insideSse.next((e) => e.type === 'spotcheck.demand' && (e.data as SpotDemandView).spotCheckId === id);
    expect(demand.data).toEqual({
      spotCheckId: id,
      by: { id: town.supervisor.id, name: town.supervisor.name, title: expect.anything() },
      reason: REASON,
      deadline: res.body.deadline,
      place: null,
      status: 'pending',
      serverTime: expect.any(String),
    });
    const mine = (await insideC.get('/api/attendance/spot-checks/mine')).body as SpotDemandView[];
    expect(mine).toEqual([expect.objectContaining({ spotCheckId: id, reason: REASON, by: expect.objectContaining({ name: town.supervisor.name }), status: 'pending' })]);
    expect((await leaveC.get('/api/attendance/spot-checks/mine')).body).toEqual([]);
    expect((await insideC.get('/api/attendance/me')).body.spotChecks.map((s: SpotDemandView) => s.spotCheckId)).toEqual([id]);

    // inside their village's fence: passed
    const ok = await answer(insideC, id, near(placeOf(inside), 40));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'spot', verdict: 'ok', spotCheckId: id });
    const up1 = await supSse.next((e) => e.type === 'spotcheck.update' && (e.data as SpotCheckUpdateEvent).memberId === inside.id);
    expect(up1.data).toEqual({ spotCheckId: id, memberId: inside.id, status: 'passed', counts: { pending: 1, passed: 1, failed: 0, no_response: 0, excused: 2 } });

    // 2 km from it: failed, with the out-of-range reason and the distance
    const far = await answer(outsideC, id, near(placeOf(outside), -2000));
    expect(far.status).toBe(201);
    expect(far.body.verdict).toBe('out_of_range');
    const up2 = await supSse.next((e) => e.type === 'spotcheck.update' && (e.data as SpotCheckUpdateEvent).memberId === outside.id);
    expect(up2.data).toEqual({ spotCheckId: id, memberId: outside.id, status: 'failed', counts: { pending: 0, passed: 1, failed: 1, no_response: 0, excused: 2 } });

    const after = await view(sup, id);
    expect(after.counts).toEqual({ pending: 0, passed: 1, failed: 1, no_response: 0, excused: 2 });
    const passed = target(after, inside.id);
    expect(passed).toMatchObject({ status: 'passed', reasons: [], excuse: null, checkIn: { id: ok.body.id, verdict: 'ok' } });
    expect(passed.checkIn!.distance).toBeGreaterThanOrEqual(35);
    expect(passed.checkIn!.distance).toBeLessThanOrEqual(45);
    expect(passed.answeredAt).not.toBeNull();
    const failed = target(after, outside.id);
    expect(failed.status).toBe('failed');
    expect(failed.checkIn).toMatchObject({ id: far.body.id, verdict: 'out_of_range' });
    expect(Math.abs(failed.checkIn!.distance! - 2000)).toBeLessThanOrEqual(10);
    expect(failed.reasons).toEqual([expect.objectContaining({ code: 'out_of_range', placeId: placeOf(outside).id, message: expect.stringContaining('不在打卡范围内') })]);
    expect(failed.reasons[0].value).toBeGreaterThan(1600);
    expect(failed.reasons[0].value).toBeLessThan(1800);
    // the list shows the same counts
    const list = (await sup.get('/api/attendance/spot-checks')).body.items as { id: string; total: number; counts: Record<SpotTargetStatus, number> }[];
    expect(list.find((s) => s.id === id)).toMatchObject({ total: 4, counts: after.counts });

    // answering again, or as someone not checked, is refused; nothing changes
    expectProblem(await answer(insideC, id, near(placeOf(inside))), 409, 'SPOT_CHECK_CLOSED');
    expectProblem(await answer(leaveC, id, near(placeOf(onLeave))), 409, 'SPOT_CHECK_CLOSED');
    const stranger = await as(ctx, org.villagers.shimen);
    expectProblem(await answer(stranger, id, near(placeOf(inside))), 404, 'SPOT_CHECK_NOT_FOUND');
    expectProblem(await checkIn(insideC, { kind: 'spot', ...near(placeOf(inside)) }), 400, 'VALIDATION_FAILED');
    expect((await view(sup, id)).counts).toEqual(after.counts);
    expect((await insideC.get('/api/attendance/spot-checks/mine')).body).toEqual([]);
    // the excused member was never asked
    expect(leaveSse.events.filter((e) => e.type === 'spotcheck.demand')).toEqual([]);
  });

  it('with a named place, one’s own place does not count: only the named place passes', async () => {
    const town = await buildSpotTown(org, admin, '指定', { villages: 1, perVillage: 2 });
    const [a, b] = town.members;
    const [sup, ac, bc] = await clients(ctx, [town.supervisor, a, b]);
    const hall = town.places[town.townId];
    const res = await start(sup, { members: [a.id, b.id], placeId: hall.id });
    expect(res.body.place).toEqual({ id: hall.id, name: hall.name });
    // the checked person's phone gets the place's fence, to show the verdict before sending
    expect((await ac.get('/api/attendance/spot-checks/mine')).body[0].place).toEqual({
      id: hall.id,
      name: hall.name,
      latitude: hall.latitude,
      longitude: hall.longitude,
      radius: hall.radius,
      bssids: hall.bssids,
    });
    expect((await answer(ac, res.body.id, near(town.places[a.unitId]))).body.verdict).toBe('out_of_range');
    expect((await answer(bc, res.body.id, near(hall, 20))).body.verdict).toBe('ok');
    const v = await view(sup, res.body.id);
    expect({ a: target(v, a.id).status, b: target(v, b.id).status }).toEqual({ a: 'failed', b: 'passed' });
    expectProblem(await start(sup, { members: [a.id], placeId: '00000000-0000-4000-8000-000000000000' }), 400, 'VALIDATION_FAILED');
  });

  it('a fix too poor to judge leaves the target pending to try again; a check-in kept offline from before the demand cannot answer it', async () => {
    const town = await buildSpotTown(org, admin, '重试', { villages: 1, perVillage: 2 });
    const [a, b] = town.members;
    const [sup, ac, bc] = await clients(ctx, [town.supervisor, a, b]);
    const res = await start(sup, { members: [a.id, b.id] });
    const place = town.places[a.unitId];
    // ±2 km around a point just outside the fence: mostly outside, so low accuracy, and still pending
    const poor = await checkIn(ac, { kind: 'spot', spotCheckId: res.body.id, ...near(place, 400), accuracy: 2000 });
    expect(poor.body.verdict).toBe('low_accuracy');
    expect(target(await view(sup, res.body.id), a.id).status).toBe('pending');
    expect((await answer(ac, res.body.id, near(place, 20))).body.verdict).toBe('ok');
    expect(target(await view(sup, res.body.id), a.id).status).toBe('passed');
    // made 30 minutes ago on the phone (before the spot check), sent now
    const made = new Date(Date.now() - 30 * 60_000).toISOString();
    const stale = await checkIn(bc, { kind: 'spot', spotCheckId: res.body.id, ...near(town.places[b.unitId], 10), clientAt: made, sentAt: new Date().toISOString() });
    expectProblem(stale, 409, 'SPOT_CHECK_CLOSED');
    expect(target(await view(sup, res.body.id), b.id).status).toBe('pending');
  });

  it('no_response when the window closes: the deadline job sets it at the deadline; a late answer is refused', async () => {
    const town = await buildSpotTown(org, admin, '超时', { villages: 1, perVillage: 3 });
    const [sup, late] = await clients(ctx, [town.supervisor, town.members[0]]);
    const supSse = await sse(await tokenOf(town.supervisor));
    const res = await start(sup, { units: [{ unitId: town.villageIds[0], includeSubUnits: false }], windowMinutes: 1 });
    expect(res.status).toBe(201);
    expect(res.body.windowMinutes).toBe(1);
    const done = await until(() => view(sup, res.body.id), (v) => v.counts.pending === 0);
    expect(done.counts).toEqual({ pending: 0, passed: 0, failed: 0, no_response: 3, excused: 0 });
    for (const t of done.targets) expect({ status: t.status, answeredAt: t.answeredAt, checkIn: t.checkIn }).toEqual({ status: 'no_response', answeredAt: res.body.deadline, checkIn: null });
    const closed = expectProblem(await answer(late, res.body.id, near(town.places[town.members[0].unitId])), 409, 'SPOT_CHECK_CLOSED');
    expect(closed.detail).toContain('截止');
    expect((await view(sup, res.body.id)).counts.no_response).toBe(3);
    expect((await late.get('/api/attendance/spot-checks/mine')).body).toEqual([]);
    // the supervisor heard about each of them, once
    await until(() => Promise.resolve(supSse.events.filter((e) => e.type === 'spotcheck.update').length), (n) => n >= 3, 5000);
    const updates = supSse.events.filter((e) => e.type === 'spotcheck.update').map((e) => e.data as SpotCheckUpdateEvent);
    expect(updates.map((u) => u.memberId).sort()).toEqual(ofTown(town));
    expect(updates.every((u) => u.status === 'no_response' && u.spotCheckId === res.body.id && u.counts.no_response === 3)).toBe(true);
  });
});

describe('who may start and see a spot check', () => {
  it('needs a reason and someone to check; refuses units and people outside the supervisor’s scope (403); other towns’ supervisors get 404', async () => {
    const a = await buildSpotTown(org, admin, '甲镇', { villages: 1, perVillage: 2 });
    const b = await buildSpotTown(org, admin, '乙镇', { villages: 1, perVillage: 2 });
    const [supA, supB] = await clients(ctx, [a.supervisor, b.supervisor]);
    const before = (await org.ds.query(`SELECT count(*)::int AS n FROM spot_check`))[0].n;
    expectProblem(await supA.post('/api/attendance/spot-checks', { members: [a.members[0].id] }), 400, 'VALIDATION_FAILED');
    expectProblem(await supA.post('/api/attendance/spot-checks', { reason: '   ', members: [a.members[0].id] }), 400, 'VALIDATION_FAILED');
    expectProblem(await start(supA, {}), 400, 'VALIDATION_FAILED');
    expectProblem(await start(supA, { units: [{ unitId: b.townId, includeSubUnits: true }] }), 403, 'AUTH_FORBIDDEN');
    expectProblem(await start(supA, { members: [a.members[0].id, b.members[0].id] }), 403, 'AUTH_FORBIDDEN');
    expectProblem(await start(supA, { units: [{ unitId: org.rootId, includeSubUnits: true }] }), 403, 'AUTH_FORBIDDEN');
    // a member with no role may not start one at all
    expectProblem(await start(await as(ctx, a.members[0]), { members: [a.members[1].id] }), 403, 'AUTH_FORBIDDEN');
    // the town itself without its villages holds nobody but the supervisor
    expectProblem(await start(supA, { units: [{ unitId: a.townId, includeSubUnits: false }] }), 422, 'SPOT_CHECK_NOBODY');
    expect((await org.ds.query(`SELECT count(*)::int AS n FROM spot_check`))[0].n).toBe(before);

    const res = await start(supA, { units: [{ unitId: a.townId, includeSubUnits: true }] });
    expect(res.status).toBe(201);
    const id = res.body.id;
    expectProblem(await supB.get(`/api/attendance/spot-checks/${id}`), 404, 'SPOT_CHECK_NOT_FOUND');
    expectProblem(await supB.get(`/api/attendance/spot-checks/${id}/draw`), 404, 'SPOT_CHECK_NOT_FOUND');
    expectProblem(await supB.get(`/api/attendance/spot-checks/${id}/report?format=csv`), 404, 'SPOT_CHECK_NOT_FOUND');
    expect((await supB.get('/api/attendance/spot-checks')).body.items.map((s: { id: string }) => s.id)).not.toContain(id);
    // the county admin, whose scope covers the town, sees every target
    expect(ids(await view(admin, id))).toEqual(ofTown(a));
  });
});

describe('the weekly cap', () => {
  it(`after ${CAP} spot checks a member is skipped (skippedOverCap), and a spot check with nobody left is refused (422)`, async () => {
    const town = await buildSpotTown(org, admin, '上限', { villages: 1, perVillage: 3 });
    const [x, y, z] = town.members;
    const sup = await as(ctx, town.supervisor);
    for (let i = 0; i < CAP; i++) expect((await start(sup, { members: [x.id] })).body.skippedOverCap).toBe(0);
    const third = await start(sup, { members: [x.id, y.id] });
    expect(third.status).toBe(201);
    expect(third.body).toMatchObject({ skippedOverCap: 1, populationSize: 1 });
    expect(ids(third.body)).toEqual([y.id]);
    const nobody = expectProblem(await start(sup, { members: [x.id] }), 422, 'SPOT_CHECK_NOBODY');
    expect(nobody.detail).toContain(`${CAP} 次`);
    // by unit, with a sample: the capped member is left out of the population the draw is made from
    const byUnit = await start(sup, { units: [{ unitId: town.villageIds[0], includeSubUnits: false }], sampleSize: 2, seed: 'cap-seed-1' });
    expect(byUnit.body).toMatchObject({ skippedOverCap: 1, populationSize: 2 });
    expect(ids(byUnit.body)).toEqual(seededSample([y.id, z.id], 2, 'cap-seed-1', (s) => s).sort());
    expect((await sup.get(`/api/attendance/spot-checks/${byUnit.body.id}/draw`)).body.matches).toBe(true);
    // y has now been checked twice too: only z is left
    const last = await start(sup, { units: [{ unitId: town.villageIds[0], includeSubUnits: false }] });
    expect(last.body).toMatchObject({ skippedOverCap: 2, populationSize: 1 });
    expect(ids(last.body)).toEqual([z.id]);
    expectProblem(await start(sup, { units: [{ unitId: town.villageIds[0], includeSubUnits: false }] }), 422, 'SPOT_CHECK_NOBODY');
  });
});

describe('DING by SMS', () => {
  it('sends the spot-check text to the pending targets only, one SMS each', async () => {
    const town = await buildSpotTown(org, admin, '短信', { villages: 1, perVillage: 3 });
    const [excused, p1, p2] = town.members;
    const [sup, ex] = await clients(ctx, [town.supervisor, excused]);
    const leave = await ex.post('/api/attendance/requests', { kind: 'leave', date: chinaDay(-1), endDate: chinaDay(1), reason: '病假' });
    await sup.post(`/api/attendance/requests/${leave.body.id}/decision`, { approve: true });
    expectProblem(await start(sup, { members: [p1.id], channels: ['webhook'] }), 422, 'DING_CHANNEL_UNCONFIGURED');
    aliyun.reset();
    const res = await start(sup, { units: [{ unitId: town.villageIds[0], includeSubUnits: false }], channels: ['sms'] });
    expect(res.status).toBe(201);
    expect(res.body.channels).toEqual(['sms']);
    expect(res.body.counts).toMatchObject({ pending: 2, excused: 1 });
    const dings = await org.ds.query<{ id: string; total: number; text: string; channel: string }[]>(
      `SELECT id, total, text, channel FROM ding WHERE purpose = 'spotcheck' AND sender_id = $1`,
      [town.supervisor.id],
    );
    expect(dings).toHaveLength(1);
    expect(dings[0]).toMatchObject({ total: 2, channel: 'sms' });
    expect(dings[0].text).toContain(REASON);
    expect(dings[0].text).toContain(town.supervisor.name);
    const deliveries = await org.ds.query<{ member_id: string }[]>(`SELECT member_id FROM ding_delivery WHERE ding_id = $1`, [dings[0].id]);
    expect(deliveries.map((d) => d.member_id).sort()).toEqual([p1.id, p2.id].sort());
    const sms = await until(() => Promise.resolve([...aliyun.sms]), (s) => s.length >= 2);
    await sleep(500);
    expect(aliyun.sms.map((m) => m.phone).sort()).toEqual([p1.phone, p2.phone].sort());
    expect(sms.map((m) => m.phone)).not.toContain(excused.phone);
    // nothing is sent when everyone is excused
    aliyun.reset();
    const none = await start(sup, { members: [excused.id], channels: ['sms'] });
    expect(none.body.counts).toMatchObject({ pending: 0, excused: 1 });
    expect((await org.ds.query(`SELECT count(*)::int AS n FROM ding WHERE purpose = 'spotcheck' AND sender_id = $1`, [town.supervisor.id]))[0].n).toBe(1);
  });
});

describe('export', () => {
  it('GET /:id/report as CSV (BOM) and xlsx: Chinese headers, one row per target with its result', async () => {
    const town = await buildSpotTown(org, admin, '导出', { villages: 1, perVillage: 3 });
    const [good, bad] = town.members;
    const [sup, gc, bc] = await clients(ctx, [town.supervisor, good, bad]);
    const res = await start(sup, { units: [{ unitId: town.villageIds[0], includeSubUnits: false }], sampleSize: 3, seed: 'export-seed' });
    const id = res.body.id;
    await answer(gc, id, near(town.places[good.unitId], 10));
    await answer(bc, id, near(town.places[bad.unitId], -3000));
    const v = await view(sup, id);
    expect(v.counts).toMatchObject({ passed: 1, failed: 1, pending: 1 });
    const HEADER = ['姓名', '手机', '单位', '结果', '说明', '打卡时间', '打卡判定', '距离（米）'];

    const csv = await binary(sup.get(`/api/attendance/spot-checks/${id}/report?format=csv`));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(decodeURIComponent(csv.headers['content-disposition'])).toContain('抽查-');
    expect([...csv.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = parseCsv(csv.body.toString('utf8').slice(1));
    expect(lines[0]).toEqual(['发起人', town.supervisor.name]);
    expect(lines[1]).toEqual(['原因', REASON]);
    expect(lines.find((l) => l[0] === '抽取')![1]).toBe('从 3 人中随机抽取 3 人（种子 export-seed）');
    const h = lines.findIndex((l) => l[0] === '姓名');
    expect(lines[h]).toEqual(HEADER);
    const csvRows = lines.slice(h + 1);
    expect(csvRows).toHaveLength(3);
    const byName = new Map(csvRows.map((r) => [r[0], r]));
    expect(byName.get(good.name)!.slice(1, 4)).toEqual([good.phone, expect.stringContaining('导出'), '通过']);
    expect(byName.get(good.name)![6]).toBe('正常');
    expect(byName.get(bad.name)![3]).toBe('未通过');
    expect(byName.get(bad.name)![4]).toContain('不在打卡范围内');
    expect(Number(byName.get(bad.name)![7])).toBeGreaterThan(2900);
    expect(byName.get(town.members[2].name)!.slice(3)).toEqual(['待打卡', '', '', '', '']);

    const xlsx = await binary(sup.get(`/api/attendance/spot-checks/${id}/report?format=xlsx`));
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet('抽查结果')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const rows = sheetRows(ws);
    expect(rows[0]).toEqual(HEADER);
    expect(rows).toHaveLength(1 + v.targets.length);
    for (const t of v.targets) {
      const row = rows.find((r) => r[0] === t.member.name)!;
      expect(row[1]).toBe(t.member.phone);
      expect(row[3]).toBe(SpotTargetStatusLabel[t.status]);
      expect((row[7] ?? '') === '' ? null : row[7]).toBe(t.checkIn?.distance ?? null);
    }
    // the default format is xlsx; 抽查信息 names the reason and the draw
    const dflt = await binary(sup.get(`/api/attendance/spot-checks/${id}/report`));
    expect(dflt.headers['content-type']).toBe(xlsx.headers['content-type']);
    const info = sheetRows(wb.getWorksheet('抽查信息')!);
    expect(info).toEqual(expect.arrayContaining([['原因', REASON], ['发起人', town.supervisor.name]]));
    expectProblem(await sup.get(`/api/attendance/spot-checks/${id}/report?format=pdf`), 400, 'VALIDATION_FAILED');
  });
});

/** Every row of a sheet as plain values ('' for an empty cell), row 1 first. */
function sheetRows(ws: ExcelJS.Worksheet): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: Array<string | number> = [];
    for (let c = 1; c <= ws.columnCount; c++) {
      const v = row.getCell(c).value;
      cells.push(v === null || v === undefined ? '' : typeof v === 'number' ? v : typeof v === 'object' && 'richText' in v ? v.richText.map((t) => t.text).join('') : String(v));
    }
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    out.push(cells);
  }
  return out;
}

/**
 * The deadline job with real server processes (`node server/dist/main.js`) on this file's database.
 * Needs PostgreSQL (the embedded database is one process's alone). The in-process app is stopped
 * first so only the processes run the job, and started again at the end for the harness to close.
 */
const onServer = process.env.DATABASE_URL ? describe : describe.skip;
/** Server processes start in a few seconds on an idle machine; a busy CI runner gets room. */
const PROCESS_TEST_MS = 180_000;

onServer('the deadline job across processes', () => {
  const running: ServerProcess[] = [];
  let db: pg.Client;
  let town: SpotTown;
  let supToken: string;
  const processEnv = () => ({ ...ctx.env, LOG_LEVEL: 'info', SPOT_CHECK_MINUTE_MS: String(MINUTE_MS) });
  const call = async (s: ServerProcess, path: string, body?: object) => {
    const res = await fetch(`${s.baseUrl}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${supToken}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as SpotCheckView };
  };
  const rows = async (id: string) =>
    (await db.query<{ member_id: string; status: SpotTargetStatus; answered_at: Date | null }>(`SELECT member_id, status, answered_at FROM spot_check_target WHERE spot_check_id = $1 ORDER BY member_id`, [id])).rows;
  const stop = async (s: ServerProcess) => {
    s.child.kill('SIGTERM');
    await s.exited;
    running.splice(running.indexOf(s), 1);
  };

  beforeAll(async () => {
    town = await buildSpotTown(org, admin, '重启', { villages: 2, perVillage: 3 });
    supToken = await tokenOf(town.supervisor);
    streams.forEach((s) => s.close());
    await ctx.created.close();
    db = new pg.Client({ connectionString: ctx.env.DATABASE_URL });
    await db.connect();
  }, PROCESS_TEST_MS);
  afterAll(async () => {
    for (const s of running) s.child.kill('SIGKILL');
    await db?.end();
    ctx.created = await createApp(loadConfig(ctx.env)); // closed by the harness
  }, PROCESS_TEST_MS);

  it('fires after a restart: stopped before the deadline, started (twice over) after it, the pending targets become no_response at the deadline, once', async () => {
    const first = await startServer(processEnv());
    running.push(first);
    const res = await call(first, '/api/attendance/spot-checks', { reason: '重启后截止', units: [{ unitId: town.villageIds[0], includeSubUnits: false }], windowMinutes: 10 });
    expect(res.status).toBe(201);
    await stop(first);
    const deadline = new Date(res.body.deadline);
    expect((await rows(res.body.id)).map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
    // nobody is running when the deadline passes
    await sleep(Math.max(0, deadline.getTime() - Date.now()) + 1000);
    expect((await rows(res.body.id)).map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);

    // two instances come up on the database: one of them closes it, once
    running.push(...(await Promise.all([startServer(processEnv()), startServer(processEnv())])));
    const after = await until(() => rows(res.body.id), (r) => r.every((t) => t.status !== 'pending'), 30_000, 250);
    expect(after.map((r) => ({ status: r.status, answeredAt: r.answered_at?.toISOString() }))).toEqual(
      Array.from({ length: 3 }, () => ({ status: 'no_response', answeredAt: deadline.toISOString() })),
    );
    await sleep(1000);
    const closes = running.flatMap((s) => s.output().split('\n')).filter((l) => l.includes('spot check closed') && l.includes(res.body.id));
    expect(closes).toHaveLength(1);
  }, PROCESS_TEST_MS);

  it('sets each target once with two instances on one database: one update event per target, one close in the logs', async () => {
    while (running.length < 2) running.push(await startServer(processEnv()));
    const [a, b] = running;
    const watch = await openSse(`${b.baseUrl}/api/events`, supToken);
    try {
      await watch.next((e) => e.type === 'hello');
      const one = await call(a, '/api/attendance/spot-checks', { reason: '双实例截止一', units: [{ unitId: town.villageIds[1], includeSubUnits: false }], windowMinutes: 2 });
      const two = await call(b, '/api/attendance/spot-checks', { reason: '双实例截止二', units: [{ unitId: town.townId, includeSubUnits: true }], windowMinutes: 3 });
      expect([one.status, two.status]).toEqual([201, 201]);
      for (const sc of [one.body, two.body]) {
        const pending = sc.counts.pending;
        expect(pending).toBeGreaterThan(0);
        const done = await until(() => rows(sc.id), (r) => r.every((t) => t.status !== 'pending'), 30_000, 250);
        expect(done.filter((r) => r.status === 'no_response')).toHaveLength(pending);
        expect(done.every((r) => r.answered_at?.toISOString() === sc.deadline)).toBe(true);
      }
      const total = one.body.counts.pending + two.body.counts.pending;
      await until(() => Promise.resolve(watch.events.filter((e) => e.type === 'spotcheck.update').length), (n) => n >= total, 10_000);
      await sleep(1500); // a second close would announce within this
      const updates = watch.events.filter((e) => e.type === 'spotcheck.update').map((e) => e.data as SpotCheckUpdateEvent);
      for (const sc of [one.body, two.body]) {
        const mine = updates.filter((u) => u.spotCheckId === sc.id);
        expect(mine.map((u) => u.memberId).sort()).toEqual(sc.targets.map((t) => t.member.id).sort());
        expect(mine.every((u) => u.status === 'no_response')).toBe(true);
        const closes = running.flatMap((s) => s.output().split('\n')).filter((l) => l.includes('spot check closed') && l.includes(sc.id));
        expect(closes).toHaveLength(1);
      }
    } finally {
      watch.close();
      for (const s of [...running]) await stop(s);
    }
  }, PROCESS_TEST_MS);
});
