import { randomUUID } from 'node:crypto';
import { Role, type CheckInView, type MyAttendanceView } from '@lianxin/shared';
import {
  buildAttendanceFixture,
  checkInBody,
  chinaDateOf,
  countCheckIns,
  jpeg,
  PLACES,
  session,
  type Api,
  type AttendanceFixture,
} from '../support/attendance-fixture';
import type { MadeMember } from '../support/factory';
import { buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { expectProblem, useTestApp } from '../support/test-app';

/**
 * Who may read and change what in attendance (DESIGN: a town cadre must not read another town's
 * check-ins, by id or by list). Reads out of scope answer 404 exactly like ids that do not exist;
 * writes 403. And bad input to POST /attendance/check-ins: 400 with a Chinese message, nothing stored.
 */
const ctx = useTestApp('attendance-scope');
let org: OrgFixture;
let att: AttendanceFixture;

const actors = new Map<Role, MadeMember>();
const apis = new Map<Role, Api>();
/** Supervisor of 接官亭镇, the other town. */
let otherTown: Api;
let lisi: Api; // 五郎坪村 (兴州街道)
let zhou: Api; // 何家岩村 (兴州街道)
let sunli: Api; // 石门村 (接官亭镇)
const mine: Record<string, CheckInView> = {};
let sunliPhoto: string;

const at = (p: { latitude: number; longitude: number }) => ({ latitude: p.latitude, longitude: p.longitude });

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  att = await buildAttendanceFixture(ctx, org);
  for (const role of Object.values(Role)) {
    const m = await org.memberWithRole(role, org.units.xingzhou, `兴州${role}`);
    actors.set(role, m);
    apis.set(role, await session(ctx, m));
  }
  otherTown = await session(ctx, await org.memberWithRole(Role.Supervisor, org.units.jieguanting, '接官亭督查'));
  lisi = await session(ctx, org.villagers.wulangping);
  zhou = await session(ctx, org.villagers.hejiayan);
  sunli = await session(ctx, org.villagers.shimen);
  for (const [name, api, place] of [
    ['李四', lisi, PLACES.wulangping],
    ['周小红', zhou, PLACES.hejiayan],
    ['孙立', sunli, PLACES.shimen],
  ] as const) {
    const res = await api.post('/api/attendance/check-ins', checkInBody(at(place)));
    expect(res.status).toBe(201);
    mine[name] = res.body;
  }
  const photo = await sunli.raw('/api/attendance/photos', 'image/jpeg', jpeg());
  expect(photo.status).toBe(201);
  sunliPhoto = photo.body.id;
});

const ids = (res: { body: { items: CheckInView[] } }) => res.body.items.map((c) => c.id);
const readers: Role[] = [Role.Admin, Role.Leader, Role.Supervisor, Role.Auditor];

describe.each(Object.values(Role))('role %s granted at 兴州街道', (role) => {
  const reads = readers.includes(role);

  it(`reads 李四's check-ins by member and by unit: ${reads ? 'allowed' : '404'}`, async () => {
    const api = apis.get(role)!;
    const byMember = await api.get(`/api/attendance/check-ins?memberId=${org.villagers.wulangping.id}`);
    const byUnit = await api.get(`/api/attendance/check-ins?unitId=${org.units.wulangping}`);
    const board = await api.get(`/api/attendance/daily?unitId=${org.units.xingzhou}&date=2026-10-12`);
    if (reads) {
      expect([byMember.status, byUnit.status, board.status]).toEqual([200, 200, 200]);
      expect(ids(byMember)).toEqual([mine.李四.id]);
      expect(ids(byUnit)).toEqual([mine.李四.id]);
    } else {
      expectProblem(byMember, 404, 'ORG_MEMBER_NOT_FOUND');
      expectProblem(byUnit, 404, 'ORG_UNIT_NOT_FOUND');
      expectProblem(board, 404, 'ORG_UNIT_NOT_FOUND');
    }
  });

  it("never reads 接官亭镇's: by member, by unit, its board — 404 as for ids that do not exist", async () => {
    const api = apis.get(role)!;
    expectProblem(await api.get(`/api/attendance/check-ins?memberId=${org.villagers.shimen.id}`), 404, 'ORG_MEMBER_NOT_FOUND');
    expectProblem(await api.get(`/api/attendance/check-ins?memberId=${randomUUID()}`), 404, 'ORG_MEMBER_NOT_FOUND');
    expectProblem(await api.get(`/api/attendance/check-ins?unitId=${org.units.shimen}`), 404, 'ORG_UNIT_NOT_FOUND');
    expectProblem(await api.get(`/api/attendance/check-ins?unitId=${org.units.jieguanting}`), 404, 'ORG_UNIT_NOT_FOUND');
    expectProblem(await api.get(`/api/attendance/check-ins?unitId=${randomUUID()}`), 404, 'ORG_UNIT_NOT_FOUND');
    expectProblem(await api.get(`/api/attendance/check-ins?unitId=${org.rootId}`), 404, 'ORG_UNIT_NOT_FOUND');
    expectProblem(await api.get(`/api/attendance/daily?unitId=${org.units.jieguanting}&date=2026-10-12`), 404, 'ORG_UNIT_NOT_FOUND');
    expectProblem(await api.get(`/api/attendance/daily?unitId=${org.units.shimen}&date=2026-10-12`), 404, 'ORG_UNIT_NOT_FOUND');
    expectProblem(await api.get(`/api/attendance/photos/${sunliPhoto}`), 404, 'ATTENDANCE_PHOTO_NOT_FOUND');
  });

  it('reads its own check-ins, whatever the role', async () => {
    const api = apis.get(role)!;
    const own = await api.post('/api/attendance/check-ins', checkInBody(at(PLACES.xingzhou)));
    expect(own.status).toBe(201);
    const plain = await api.get('/api/attendance/check-ins');
    const byId = await api.get(`/api/attendance/check-ins?memberId=${actors.get(role)!.id}`);
    expect([plain.status, byId.status]).toEqual([200, 200]);
    expect(ids(plain)).toEqual([own.body.id]);
    expect(ids(byId)).toEqual([own.body.id]);
  });

  it('GET /attendance/me answers', async () => {
    const res = await apis.get(role)!.get('/api/attendance/me');
    expect(res.status).toBe(200);
    const me = res.body as MyAttendanceView;
    expect(me.date).toBe(chinaDateOf(new Date(me.serverTime)));
    expect(me.places.map((p) => p.name)).toEqual(['兴州街道办']);
    expect(me.shift).toMatchObject({ name: '县机关考勤组' });
    expect(me).toEqual(expect.objectContaining({ workday: expect.any(Boolean), checkIns: expect.any(Array), spotChecks: expect.any(Array), meetings: expect.any(Array) }));
  });
});

describe('lists keep to the caller’s town', () => {
  it("a town supervisor's list of the town has 兴州街道's check-ins and none of 接官亭镇's", async () => {
    const api = apis.get(Role.Supervisor)!;
    const res = await api.get(`/api/attendance/check-ins?unitId=${org.units.xingzhou}&limit=200`);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(expect.arrayContaining([mine.李四.id, mine.周小红.id]));
    expect(ids(res)).not.toContain(mine.孙立.id);
    const units = await org.ds.query<{ unit_id: string }[]>(`SELECT DISTINCT unit_id FROM check_in WHERE id = ANY($1::uuid[])`, [ids(res)]);
    const inTown = await org.ds.query<{ id: string }[]>(`SELECT descendant_id AS id FROM unit_closure WHERE ancestor_id = $1`, [org.units.xingzhou]);
    expect(inTown.map((u) => u.id)).toEqual(expect.arrayContaining(units.map((u) => u.unit_id)));
  });

  it('the other town supervisor sees 孙立 and not 李四', async () => {
    const res = await otherTown.get(`/api/attendance/check-ins?unitId=${org.units.jieguanting}`);
    expect(ids(res)).toEqual([mine.孙立.id]);
    expectProblem(await otherTown.get(`/api/attendance/check-ins?memberId=${org.villagers.wulangping.id}`), 404, 'ORG_MEMBER_NOT_FOUND');
  });

  it('pages through a unit newest first with a cursor, never repeating', async () => {
    const api = apis.get(Role.Supervisor)!;
    const first = await api.get(`/api/attendance/check-ins?unitId=${org.units.xingzhou}&limit=2`);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.get(`/api/attendance/check-ins?unitId=${org.units.xingzhou}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(ids(second).filter((id) => ids(first).includes(id))).toEqual([]);
    const all = [...first.body.items, ...second.body.items] as CheckInView[];
    const made = all.map((c) => Date.parse(c.madeAt));
    expect([...made].sort((a, b) => b - a)).toEqual(made);
  });

  it("a member of both towns (primary 石门村) is visible to 兴州街道's supervisor, but not their 石门村 check-ins", async () => {
    const both = await org.memberWithRole(null, org.units.shimen, '两地兼职');
    await org.ds.query(`INSERT INTO membership (member_id, unit_id) VALUES ($1, $2)`, [both.id, org.units.wulangping]);
    const api = await session(ctx, both);
    const c = await api.post('/api/attendance/check-ins', checkInBody(at(PLACES.shimen)));
    expect(c.status).toBe(201);
    const res = await apis.get(Role.Supervisor)!.get(`/api/attendance/check-ins?memberId=${both.id}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    expect(ids(await otherTown.get(`/api/attendance/check-ins?memberId=${both.id}`))).toEqual([c.body.id]);
  });

  it('a villager reads their own and no one else’s, even in the same village', async () => {
    expect(ids(await lisi.get('/api/attendance/check-ins'))).toEqual([mine.李四.id]);
    expectProblem(await lisi.get(`/api/attendance/check-ins?memberId=${org.heads.wulangping.id}`), 404, 'ORG_MEMBER_NOT_FOUND');
    expectProblem(await lisi.get(`/api/attendance/check-ins?unitId=${org.units.wulangping}`), 404, 'ORG_UNIT_NOT_FOUND');
    expectProblem(await lisi.get(`/api/attendance/daily?unitId=${org.units.wulangping}&date=2026-10-12`), 404, 'ORG_UNIT_NOT_FOUND');
  });
});

describe('photos', () => {
  it('the owner and readers over the owner fetch a photo; others get 404, as for an unknown id', async () => {
    expect((await sunli.get(`/api/attendance/photos/${sunliPhoto}`)).status).toBe(200);
    expect((await otherTown.get(`/api/attendance/photos/${sunliPhoto}`)).status).toBe(200);
    expectProblem(await lisi.get(`/api/attendance/photos/${sunliPhoto}`), 404, 'ATTENDANCE_PHOTO_NOT_FOUND');
    expectProblem(await apis.get(Role.Supervisor)!.get(`/api/attendance/photos/${sunliPhoto}`), 404, 'ATTENDANCE_PHOTO_NOT_FOUND');
    expectProblem(await sunli.get(`/api/attendance/photos/${randomUUID()}`), 404, 'ATTENDANCE_PHOTO_NOT_FOUND');
    expectProblem(await sunli.get('/api/attendance/photos/not-an-id'), 400, 'VALIDATION_FAILED');
  });
});

describe('places and shifts are set by admins within their subtree', () => {
  const place = (unitId: string) => ({ unitId, name: '新考勤点', latitude: 33.06, longitude: 106.21, radius: 100 });
  const shift = (unitId: string) => ({ unitId, name: '新考勤组', segments: [{ start: '09:00', end: '17:00' }] });
  const counts = async () => (await org.ds.query(`SELECT (SELECT count(*)::int FROM attendance_place) AS places, (SELECT count(*)::int FROM attendance_shift) AS shifts`))[0];

  it.each([Role.Leader, Role.Supervisor, Role.Auditor, Role.Approver, Role.Staff, Role.Helper])('%s at 兴州街道: 403 for places and shifts inside it, nothing created', async (role) => {
    const api = apis.get(role)!;
    const before = await counts();
    expectProblem(await api.post('/api/attendance/places', place(org.units.wulangping)), 403, 'AUTH_FORBIDDEN');
    expectProblem(await api.post('/api/attendance/shifts', shift(org.units.wulangping)), 403, 'AUTH_FORBIDDEN');
    expectProblem(await api.put('/api/attendance/calendar/2026', { days: [] }), 403, 'AUTH_FORBIDDEN');
    expect(await counts()).toEqual(before);
  });

  it('a plain villager: 403', async () => {
    expectProblem(await lisi.post('/api/attendance/places', place(org.units.wulangping)), 403, 'AUTH_FORBIDDEN');
    expectProblem(await lisi.post('/api/attendance/shifts', shift(org.units.wulangping)), 403, 'AUTH_FORBIDDEN');
  });

  it('the town admin: allowed inside the town, 403 in the other town (and 404 for a unit that does not exist)', async () => {
    const api = apis.get(Role.Admin)!;
    const before = await counts();
    expectProblem(await api.post('/api/attendance/places', place(org.units.shimen)), 403, 'AUTH_FORBIDDEN');
    expectProblem(await api.post('/api/attendance/shifts', shift(org.units.jieguanting)), 403, 'AUTH_FORBIDDEN');
    expectProblem(await api.post('/api/attendance/places', place(randomUUID())), 404, 'ORG_UNIT_NOT_FOUND');
    expect(await counts()).toEqual(before);
    const p = await api.post('/api/attendance/places', place(org.units.hejiayan));
    expect(p.status).toBe(201);
    expect((await api.post('/api/attendance/shifts', shift(org.units.hejiayan))).status).toBe(201);
    // Removing: the other town's place is not theirs to remove.
    expectProblem(await api.delete(`/api/attendance/places/${att.places.shimen.id}`), 403, 'AUTH_FORBIDDEN');
    expect((await api.delete(`/api/attendance/places/${p.body.id}`)).status).toBe(204);
  });
});

describe('requests are decided within approval scope', () => {
  let sunliLeave: string;
  let lisiLeave: string;
  beforeAll(async () => {
    sunliLeave = (await sunli.post('/api/attendance/requests', { kind: 'leave', date: '2026-10-14', reason: '家中有事' })).body.id;
    lisiLeave = (await lisi.post('/api/attendance/requests', { kind: 'leave', date: '2026-10-14', reason: '看病' })).body.id;
  });

  it("兴州街道's approvers cannot decide 孙立's request: 404, still pending, not in their todo", async () => {
    for (const role of [Role.Supervisor, Role.Approver, Role.Admin, Role.Leader]) {
      expectProblem(await apis.get(role)!.post(`/api/attendance/requests/${sunliLeave}/decision`, { approve: true }), 404, 'ATTENDANCE_REQUEST_NOT_FOUND');
      expect(ids(await apis.get(role)!.get('/api/attendance/requests?box=todo'))).not.toContain(sunliLeave);
    }
    const [r] = await org.ds.query(`SELECT status FROM attendance_request WHERE id = $1`, [sunliLeave]);
    expect(r.status).toBe('pending');
    expectProblem(await apis.get(Role.Supervisor)!.post(`/api/attendance/requests/${randomUUID()}/decision`, { approve: true }), 404, 'ATTENDANCE_REQUEST_NOT_FOUND');
  });

  it('roles without approval (auditor, staff, helper) and villagers cannot decide 李四’s either: 404', async () => {
    for (const api of [apis.get(Role.Auditor)!, apis.get(Role.Staff)!, apis.get(Role.Helper)!, zhou]) {
      expectProblem(await api.post(`/api/attendance/requests/${lisiLeave}/decision`, { approve: true }), 404, 'ATTENDANCE_REQUEST_NOT_FOUND');
    }
  });

  it('the approver of 兴州街道 decides 李四’s, 接官亭镇’s supervisor decides 孙立’s', async () => {
    const a = await apis.get(Role.Approver)!.post(`/api/attendance/requests/${lisiLeave}/decision`, { approve: true });
    const b = await otherTown.post(`/api/attendance/requests/${sunliLeave}/decision`, { approve: false, comment: '不批' });
    expect([a.status, a.body.status, b.status, b.body.status]).toEqual([200, 'approved', 200, 'rejected']);
  });

  it('two approvers deciding at once: exactly one decision, the other a clear 409', async () => {
    const id = (await zhou.post('/api/attendance/requests', { kind: 'leave', date: '2026-10-19', reason: '家里农忙' })).body.id;
    const [a, b] = await Promise.all([
      apis.get(Role.Supervisor)!.post(`/api/attendance/requests/${id}/decision`, { approve: true }),
      apis.get(Role.Approver)!.post(`/api/attendance/requests/${id}/decision`, { approve: false }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expectProblem(loser, 409, 'ATTENDANCE_REQUEST_DECIDED');
    const winner = a.status === 200 ? a : b;
    const [row] = await org.ds.query(`SELECT status, decided_by FROM attendance_request WHERE id = $1`, [id]);
    expect(row.status).toBe(winner.body.status);
    expect(row.decided_by).toBe(winner.body.decidedBy.id);
  });

  it('a decision body must say approve true or false', async () => {
    const id = (await zhou.post('/api/attendance/requests', { kind: 'leave', date: '2026-10-15', reason: '看病' })).body.id;
    for (const body of [{}, { approve: 'yes' }, { approve: 1 }, { approve: true, comment: 'x'.repeat(501) }, { approve: true, extra: 1 }]) {
      expectProblem(await apis.get(Role.Supervisor)!.post(`/api/attendance/requests/${id}/decision`, body), 400, 'VALIDATION_FAILED');
    }
    expectProblem(await apis.get(Role.Supervisor)!.post('/api/attendance/requests/not-an-id/decision', { approve: true }), 400, 'VALIDATION_FAILED');
    const [r] = await org.ds.query(`SELECT status FROM attendance_request WHERE id = $1`, [id]);
    expect(r.status).toBe('pending');
  });
});

describe('GET /attendance/me for everyone', () => {
  it('the county admin, a villager, a newcomer in a unit without a place or shift of its own', async () => {
    const root = await att.admin.get('/api/attendance/me');
    expect(root.status).toBe(200);
    const villager = await lisi.get('/api/attendance/me');
    expect(villager.status).toBe(200);
    expect(villager.body.places.map((p: { name: string }) => p.name)).toEqual(['五郎坪村委会']);
    expect(villager.body.places[0].bssids).toEqual(['a4:56:02:1b:3c:9d']);
    expect(villager.body.shift.segments).toEqual([
      { start: '08:30', end: '12:00' },
      { start: '14:30', end: '17:30' },
    ]);
    const newcomer = await att.newcomer(org.rootId, '县直新人');
    const res = await newcomer.get('/api/attendance/me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ places: [], checkIns: [], today: expect.objectContaining({ member: expect.objectContaining({ name: '县直新人' }) }) });
  });
});

describe('bad input to POST /attendance/check-ins: 400 with a Chinese message, nothing stored', () => {
  const good = () => checkInBody(at(PLACES.wulangping));
  const without = (key: string) => {
    const b = good() as unknown as Record<string, unknown>;
    delete b[key];
    return b;
  };
  const cases: Array<[string, () => unknown]> = [
    ['an empty object', () => ({})],
    ['no kind', () => without('kind')],
    ['an unknown kind', () => ({ ...good(), kind: 'teleport' })],
    ['kind as a number', () => ({ ...good(), kind: 1 })],
    ['latitude 200', () => ({ ...good(), latitude: 200 })],
    ['longitude -181', () => ({ ...good(), longitude: -181 })],
    ['latitude null', () => ({ ...good(), latitude: null })],
    ['latitude as a string', () => ({ ...good(), latitude: '33.05' })],
    ['latitude as a string in WGS-84', () => ({ ...good(), latitude: '33.05', coordSystem: 'wgs84' })],
    ['longitude as a string in WGS-84', () => ({ ...good(), longitude: '106.2', coordSystem: 'wgs84' })],
    ['latitude as an object', () => ({ ...good(), latitude: { value: 33 } })],
    ['no latitude', () => without('latitude')],
    ['no accuracy', () => without('accuracy')],
    ['accuracy negative', () => ({ ...good(), accuracy: -1 })],
    ['accuracy as text', () => ({ ...good(), accuracy: 'high' })],
    ['accuracy 10^9', () => ({ ...good(), accuracy: 1e9 })],
    ['an unknown coordSystem', () => ({ ...good(), coordSystem: 'bd09' })],
    ['no coordSystem', () => without('coordSystem')],
    ['a bssid that is not a MAC', () => ({ ...good(), bssid: 'office-wifi' })],
    ['a bssid of five groups', () => ({ ...good(), bssid: 'a4:56:02:1b:3c' })],
    ['a bssid as a number', () => ({ ...good(), bssid: 123456789012 })],
    ['a photoId that is not an id', () => ({ ...good(), photoId: 'photo.jpg' })],
    ['a 501-character note', () => ({ ...good(), note: '记'.repeat(501) })],
    ['a 100 000-character note', () => ({ ...good(), note: 'x'.repeat(100_000) })],
    ['a note as a number', () => ({ ...good(), note: 42 })],
    ['no clientAt', () => without('clientAt')],
    ['clientAt in words', () => ({ ...good(), clientAt: 'yesterday' })],
    ['clientAt as epoch millis', () => ({ ...good(), clientAt: Date.now() })],
    ['clientAt on 30 February', () => ({ ...good(), clientAt: '2026-02-30T08:00:00Z' })],
    ['clientAt as an ISO week date', () => ({ ...good(), clientAt: '2026-W48-1T08:00:00Z' })],
    ['clientAt as an ordinal date', () => ({ ...good(), clientAt: '2026-327T08:00:00Z' })],
    ['clientAt in the year 50', () => ({ ...good(), clientAt: '0050-01-01T08:00:00Z' })],
    ['sentAt in words', () => ({ ...good(), sentAt: 'now' })],
    ['no idempotencyKey', () => without('idempotencyKey')],
    ['a 7-character idempotencyKey', () => ({ ...good(), idempotencyKey: 'abcdefg' })],
    ['a 65-character idempotencyKey', () => ({ ...good(), idempotencyKey: 'k'.repeat(65) })],
    ['idempotencyKey as a number', () => ({ ...good(), idempotencyKey: 12345678 })],
    ['mockLocation as text', () => ({ ...good(), mockLocation: 'yes' })],
    ['a spotCheckId that is not an id', () => ({ ...good(), spotCheckId: '1' })],
    ['kind spot without spotCheckId', () => ({ ...good(), kind: 'spot' })],
    ['kind meeting without noticeId', () => ({ ...good(), kind: 'meeting' })],
    ['an array', () => [good()]],
  ];

  it.each(cases)('%s', async (_label, body) => {
    const before = await countCheckIns(org);
    const res = await zhou.post('/api/attendance/check-ins', body() as object);
    const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(problem.detail).toMatch(/[\u4e00-\u9fff]/);
    // (Unknown properties are the global pipe's wording: the test after this one is about them.)
    for (const e of (problem.errors ?? []) as Array<{ message: string }>) if (!/should not exist/.test(e.message)) expect(e.message).toMatch(/[\u4e00-\u9fff]/);
    expect(await countCheckIns(org)).toBe(before);
  });

  it('fields the server sets (placeId, madeAt, distance): 400 naming each, in Chinese, nothing stored', async () => {
    const before = await countCheckIns(org);
    const res = await zhou.post('/api/attendance/check-ins', { ...good(), placeId: att.places.wulangping.id, madeAt: new Date().toISOString(), distance: 0 });
    const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
    const errors = problem.errors as Array<{ path: string; message: string }>;
    expect(errors.map((e) => e.path).sort()).toEqual(['distance', 'madeAt', 'placeId']);
    for (const e of errors) expect(e.message).toMatch(/[\u4e00-\u9fff]/);
    expect(await countCheckIns(org)).toBe(before);
  });

  it('JSON that does not parse: 400, nothing stored', async () => {
    const before = await countCheckIns(org);
    const res = await zhou.raw('/api/attendance/check-ins', 'application/json', '{"kind":"in",');
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
    expect(await countCheckIns(org)).toBe(before);
  });

  /**
   * '❤️' is two code points (U+2764 U+FE0F); PostgreSQL's varchar counts both, a length check that
   * skips the variation selector counts one. Text that passes the check must fit the column.
   */
  const hearts = (n: number) => '❤️'.repeat(n);

  it('a note of 300 ❤️ (600 characters to PostgreSQL, limit 500): 400 naming note, nothing stored', async () => {
    const before = await countCheckIns(org);
    const res = await zhou.post('/api/attendance/check-ins', { ...good(), note: hearts(300) });
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual([expect.objectContaining({ path: 'note' })]);
    expect(await countCheckIns(org)).toBe(before);
  });

  it('a note of 250 ❤️ (500 characters) is stored whole', async () => {
    const res = await zhou.post('/api/attendance/check-ins', { ...good(), note: hearts(250) });
    expect(res.status).toBe(201);
    expect(res.body.note).toBe(hearts(250));
  });

  it('an idempotency key of 40 ❤️ (80 characters, limit 64): 400 naming idempotencyKey', async () => {
    expect(expectProblem(await zhou.post('/api/attendance/check-ins', { ...good(), idempotencyKey: hearts(40) }), 400, 'VALIDATION_FAILED').errors).toEqual([
      expect.objectContaining({ path: 'idempotencyKey' }),
    ]);
  });

  it('other stored text counts characters the same way: request reason, decision comment, place name and address, shift and holiday names', async () => {
    const reqCount = async () => (await org.ds.query(`SELECT count(*)::int AS n FROM attendance_request`))[0].n;
    const before = await reqCount();
    const reason = await zhou.post('/api/attendance/requests', { kind: 'leave', date: '2026-10-16', reason: hearts(300) });
    expect(expectProblem(reason, 400, 'VALIDATION_FAILED').errors).toEqual([expect.objectContaining({ path: 'reason' })]);
    expect(await reqCount()).toBe(before);

    const id = (await zhou.post('/api/attendance/requests', { kind: 'leave', date: '2026-10-16', reason: '看病' })).body.id;
    const comment = await apis.get(Role.Supervisor)!.post(`/api/attendance/requests/${id}/decision`, { approve: true, comment: hearts(300) });
    expect(expectProblem(comment, 400, 'VALIDATION_FAILED').errors).toEqual([expect.objectContaining({ path: 'comment' })]);
    expect((await org.ds.query(`SELECT status FROM attendance_request WHERE id = $1`, [id]))[0].status).toBe('pending');

    const place = { unitId: org.units.hejiayan, name: '地点', latitude: 33.03, longitude: 106.18 };
    expectProblem(await att.admin.post('/api/attendance/places', { ...place, name: hearts(60) }), 400, 'VALIDATION_FAILED');
    expectProblem(await att.admin.post('/api/attendance/places', { ...place, address: hearts(120) }), 400, 'VALIDATION_FAILED');
    const shift = { unitId: org.units.hejiayan, segments: [{ start: '08:30', end: '17:30' }] };
    expectProblem(await att.admin.post('/api/attendance/shifts', { ...shift, name: hearts(60) }), 400, 'VALIDATION_FAILED');
    expectProblem(await att.admin.put('/api/attendance/calendar/2026', { days: [{ date: '2026-10-01', kind: 'holiday', name: hearts(30) }] }), 400, 'VALIDATION_FAILED');
  });
});

describe('bad input to GET /attendance/check-ins and places: 400, never 500', () => {
  it.each([
    ['memberId=abc', 'memberId'],
    ['unitId=abc', 'unitId'],
    ['limit=0', 'limit'],
    ['limit=1000', 'limit'],
    ['from=yesterday', 'from'],
    ['cursor=%%%', 'cursor'],
    [`cursor=${Buffer.from('[1,2]').toString('base64url')}`, 'cursor'],
    [`cursor=${Buffer.from('["x","y"]').toString('base64url')}`, 'cursor'],
    [`cursor=${Buffer.from(JSON.stringify([new Date().toISOString(), 'not-a-uuid'])).toString('base64url')}`, 'cursor'],
  ])('?%s', async (query, path) => {
    const q = query.startsWith('unitId=') ? query : `unitId=${org.units.xingzhou}&${query}`;
    const res = await apis.get(Role.Supervisor)!.get(`/api/attendance/check-ins?${q}`);
    const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it.each([
    ['box=all', 'box'],
    ['limit=0', 'limit'],
    [`cursor=${Buffer.from('["x","y"]').toString('base64url')}`, 'cursor'],
    [`cursor=${Buffer.from(JSON.stringify([new Date().toISOString(), 'not-a-uuid'])).toString('base64url')}`, 'cursor'],
  ])('GET /attendance/requests?%s: 400', async (query, path) => {
    const problem = expectProblem(await zhou.get(`/api/attendance/requests?${query}`), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it.each([
    ['latitude 91', { latitude: 91 }],
    ['latitude as a string in WGS-84', { latitude: '33.06', coordSystem: 'wgs84' }],
    ['radius 5', { radius: 5 }],
    ['radius 100 km', { radius: 100_000 }],
    ['a bad hotspot', { bssids: ['office'] }],
    ['no name', { name: '  ' }],
    ['unitId not an id', { unitId: 'x' }],
  ])('a place with %s: 400, nothing created', async (_label, over) => {
    const before = (await org.ds.query(`SELECT count(*)::int AS n FROM attendance_place`))[0].n;
    const res = await att.admin.post('/api/attendance/places', { unitId: org.units.wulangping, name: '坏地点', latitude: 33.06, longitude: 106.21, ...over });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect((await org.ds.query(`SELECT count(*)::int AS n FROM attendance_place`))[0].n).toBe(before);
  });

  it.each([
    ['no segments', { segments: [] }],
    ['three segments', { segments: [{ start: '08:00', end: '10:00' }, { start: '11:00', end: '12:00' }, { start: '13:00', end: '14:00' }] }],
    ['overlapping segments', { segments: [{ start: '08:30', end: '12:00' }, { start: '11:00', end: '17:30' }] }],
    ['a time of 24:00', { segments: [{ start: '08:30', end: '24:00' }] }],
    ['workday 8', { workdays: [1, 8] }],
    ['correctionsPerMonth -1', { correctionsPerMonth: -1 }],
  ])('a shift with %s: 400, nothing changed', async (_label, over) => {
    const before = await org.ds.query(`SELECT * FROM attendance_shift ORDER BY id`);
    const res = await att.admin.post('/api/attendance/shifts', { unitId: org.units.wulangping, name: '坏考勤组', segments: [{ start: '08:30', end: '17:30' }], ...over });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(await org.ds.query(`SELECT * FROM attendance_shift ORDER BY id`)).toEqual(before);
  });
});
