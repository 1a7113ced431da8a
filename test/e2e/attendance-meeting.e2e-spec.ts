import { Role, type MeetingSignInView, type MyAttendanceView, type PlaceView } from '@lianxin/shared';
import { as, buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { buildSpotTown, checkIn, near, person, type Client, type Person } from '../support/spot-fixture';
import { ADMIN, expectProblem, useTestApp } from '../support/test-app';

/**
 * 会议签到 through the API: a meeting notice with an attendance place, sent to two villages;
 * attendees answer 参加 or 请假 and sign in (kind 'meeting') at the place or elsewhere; the
 * organiser's per-unit arrived / absent / on-leave numbers and the "said 参加, did not come" list,
 * worked out by hand below, and who may see them.
 */
const ctx = useTestApp('attendance-meeting');
let org: OrgFixture;
let admin: Client;
let hall: PlaceView;
const BSSID = 'a4:56:02:1b:3c:9d';

const MIN = 60_000;
const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();

/**
 * 五郎坪村 (4): 张三丰 参加 and signs in at the hall (twice); 李四 参加, never comes; 王五 参加, signs in
 * a kilometre away; 赵六 请假.
 * 何家岩村 (3): 周小红 no answer, signs in by the hall's Wi-Fi with a poor GPS fix far off; 孙七 请假
 * but comes and signs in at the hall; 周八 no answer, signs in with a fix too coarse to tell.
 */
let people: Record<'zhang' | 'li' | 'wang' | 'zhao' | 'zhou' | 'sun' | 'zhouba', Person>;
let c: Record<keyof typeof people, Client>;
let meeting: { id: string; startsAt: string; endsAt: string };

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  admin = await as(ctx, { id: '', ...ADMIN });
  const placed = await admin.post('/api/attendance/places', {
    unitId: org.units.xingzhou,
    name: '兴州街道办三楼会议室',
    kind: 'meeting',
    latitude: 33.3312,
    longitude: 106.1534,
    radius: 100,
    bssids: [BSSID.toUpperCase()],
  });
  expect(placed.status).toBe(201);
  hall = placed.body;
  expect(hall.bssids).toEqual([BSSID]);

  const extra = async (unitId: string, name: string) => person(org, await org.memberWithRole(null, unitId, name));
  people = {
    zhang: await person(org, org.heads.wulangping),
    li: await person(org, org.villagers.wulangping),
    wang: await extra(org.units.wulangping, '王五'),
    zhao: await extra(org.units.wulangping, '赵六'),
    zhou: await person(org, org.villagers.hejiayan),
    sun: await extra(org.units.hejiayan, '孙七'),
    zhouba: await extra(org.units.hejiayan, '周八'),
  };
  c = Object.fromEntries(await Promise.all(Object.entries(people).map(async ([k, p]) => [k, await as(ctx, p)]))) as typeof c;

  const startsAt = iso(20 * MIN);
  const endsAt = iso(120 * MIN);
  const sent = await admin.post('/api/notices', {
    kind: 'meeting',
    title: '防汛工作部署会',
    body: '请两村参会人员准时到街道办三楼会议室签到。',
    startsAt,
    endsAt,
    place: '街道办三楼会议室',
    attendancePlaceId: hall.id,
    requireConfirm: true,
    audience: { units: [{ unitId: org.units.wulangping, includeSubUnits: false }, { unitId: org.units.hejiayan, includeSubUnits: false }] },
  });
  expect(sent.status).toBe(201);
  expect(sent.body.recipientCount).toBe(7);
  meeting = { id: sent.body.id, startsAt, endsAt };
});

const signIn = (client: Client, at: { latitude: number; longitude: number }, extra: object = {}, noticeId = meeting.id) =>
  checkIn(client, { kind: 'meeting', noticeId, ...at, ...extra });
const confirm = (client: Client, body: object) => client.post(`/api/notices/${meeting.id}/confirm`, body);
const byUnit = (v: MeetingSignInView) => Object.fromEntries(v.units.map((u) => [u.unit.id, { expected: u.expected, arrived: u.arrived, absent: u.absent, leave: u.leave }]));

describe('a meeting with sign-in', () => {
  it('shows the attendee where and when to sign in (NoticeView.signIn, GET /attendance/me)', async () => {
    const seen = await c.li.get(`/api/notices/${meeting.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.endsAt).toBe(meeting.endsAt);
    expect(seen.body.signIn).toEqual({
      place: { id: hall.id, name: '兴州街道办三楼会议室' },
      opensAt: new Date(new Date(meeting.startsAt).getTime() - 30 * MIN).toISOString(),
      closesAt: meeting.endsAt,
    });
    const me = (await c.zhang.get('/api/attendance/me')).body as MyAttendanceView;
    expect(me.meetings).toEqual([
      {
        noticeId: meeting.id,
        title: '防汛工作部署会',
        place: { id: hall.id, name: hall.name, latitude: hall.latitude, longitude: hall.longitude, radius: 100 },
        closesAt: meeting.endsAt,
        signedIn: false,
      },
    ]);
    // nobody outside the two villages is offered it
    expect((await (await as(ctx, org.villagers.shimen)).get('/api/attendance/me')).body.meetings).toEqual([]);
  });

  it('counts arrived, absent and on leave per unit and lists who said 参加 but did not come', async () => {
    expect((await confirm(c.zhang, { status: 'attend' })).status).toBe(200);
    expect((await confirm(c.li, { status: 'attend' })).status).toBe(200);
    expect((await confirm(c.wang, { status: 'attend' })).status).toBe(200);
    expect((await confirm(c.zhao, { status: 'leave', reason: '下乡入户核查' })).status).toBe(200);
    expect((await confirm(c.sun, { status: 'leave', reason: '家中有事' })).status).toBe(200);

    const zhang = await signIn(c.zhang, near(hall, 20));
    expect(zhang.status).toBe(201);
    expect(zhang.body).toMatchObject({ kind: 'meeting', noticeId: meeting.id, verdict: 'ok', place: { id: hall.id } });
    expect((await signIn(c.zhang, near(hall, 30))).body.verdict).toBe('ok'); // twice: still one person arrived
    const wang = await signIn(c.wang, near(hall, 1000));
    expect(wang.body.verdict).toBe('out_of_range');
    expect(wang.body.reasons[0]).toMatchObject({ code: 'out_of_range', placeId: hall.id });
    const zhou = await signIn(c.zhou, near(hall, 800), { accuracy: 60, bssid: BSSID.toUpperCase() });
    expect(zhou.body.verdict).toBe('wifi');
    expect((await signIn(c.sun, near(hall, -50))).body.verdict).toBe('ok');
    expect((await signIn(c.zhouba, near(hall, 200), { accuracy: 500 })).body.verdict).toBe('low_accuracy');

    const res = await admin.get(`/api/notices/${meeting.id}/sign-ins`);
    expect(res.status).toBe(200);
    const v = res.body as MeetingSignInView;
    expect(v).toMatchObject({
      noticeId: meeting.id,
      place: { id: hall.id, name: '兴州街道办三楼会议室' },
      opensAt: new Date(new Date(meeting.startsAt).getTime() - 30 * MIN).toISOString(),
      closesAt: meeting.endsAt,
    });
    // 五郎坪村: 4 expected; 张三丰 arrived; 赵六 on leave; 李四 and 王五 (signed in a kilometre off) absent.
    // 何家岩村: 3 expected; 周小红 (Wi-Fi) and 孙七 (请假, but came) arrived; 周八 (fix too coarse) absent.
    expect(byUnit(v)).toEqual({
      [org.units.wulangping]: { expected: 4, arrived: 1, absent: 2, leave: 1 },
      [org.units.hejiayan]: { expected: 3, arrived: 2, absent: 1, leave: 0 },
    });
    expect(v.units.map((u) => u.unit.name).sort()).toEqual(['五郎坪村', '何家岩村'].sort());
    expect(v.totals).toEqual({ expected: 7, arrived: 3, absent: 3, leave: 1 });
    expect(v.absentConfirmed.map((a) => ({ ...a })).sort((x, y) => x.name.localeCompare(y.name))).toEqual(
      [
        { id: people.li.id, name: '李四', phone: people.li.phone, unitName: '五郎坪村' },
        { id: people.wang.id, name: '王五', phone: people.wang.phone, unitName: '五郎坪村' },
      ].sort((x, y) => x.name.localeCompare(y.name)),
    );
    // 张三丰's page now says he has signed in
    expect((await c.zhang.get('/api/attendance/me')).body.meetings[0].signedIn).toBe(true);

    // 李四 comes after all: he leaves the absent list
    expect((await signIn(c.li, near(hall))).body.verdict).toBe('ok');
    const later = (await admin.get(`/api/notices/${meeting.id}/sign-ins`)).body as MeetingSignInView;
    expect(later.totals).toEqual({ expected: 7, arrived: 4, absent: 2, leave: 1 });
    expect(later.absentConfirmed.map((a) => a.name)).toEqual(['王五']);
  });

  it('trackers see their own units only; trackers outside the meeting’s units and plain recipients get 404', async () => {
    const townSupervisor = await as(ctx, await org.memberWithRole(Role.Supervisor, org.units.xingzhou, '兴州督查'));
    const whole = (await townSupervisor.get(`/api/notices/${meeting.id}/sign-ins`)).body as MeetingSignInView;
    expect(whole.totals.expected).toBe(7);
    const villageLeader = await as(ctx, await org.memberWithRole(Role.Leader, org.units.hejiayan, '何家岩村支书'));
    const part = await villageLeader.get(`/api/notices/${meeting.id}/sign-ins`);
    expect(part.status).toBe(200);
    expect(part.body.units.map((u: { unit: { id: string } }) => u.unit.id)).toEqual([org.units.hejiayan]);
    expect(part.body.totals).toEqual({ expected: 3, arrived: 2, absent: 1, leave: 0 });
    expect(part.body.absentConfirmed).toEqual([]);

    const elsewhere = await as(ctx, await org.memberWithRole(Role.Supervisor, org.units.jieguanting, '接官亭督查'));
    expectProblem(await elsewhere.get(`/api/notices/${meeting.id}/sign-ins`), 404, 'NOTICE_NOT_FOUND');
    expectProblem(await (await as(ctx, await org.memberWithRole(Role.Leader, org.units.finance, '财政局长'))).get(`/api/notices/${meeting.id}/sign-ins`), 404, 'NOTICE_NOT_FOUND');
    expectProblem(await c.li.get(`/api/notices/${meeting.id}/sign-ins`), 404, 'NOTICE_NOT_FOUND');
    expectProblem(await admin.get(`/api/notices/00000000-0000-4000-8000-000000000000/sign-ins`), 404, 'NOTICE_NOT_FOUND');
  });
});

describe('when sign-in is refused', () => {
  const meetingNotice = (extra: object) =>
    admin.post('/api/notices', {
      kind: 'meeting',
      title: '村务公开培训会',
      body: '请准时参加。',
      attendancePlaceId: hall.id,
      audience: { units: [{ unitId: org.units.wulangping, includeSubUnits: false }] },
      ...extra,
    });

  it('before the window opens and after the meeting ends (409 ATTENDANCE_NOT_OPEN); for a meeting without a place (409)', async () => {
    const soon = await meetingNotice({ startsAt: iso(180 * MIN), endsAt: iso(240 * MIN) });
    expect(soon.status).toBe(201);
    const early = expectProblem(await signIn(c.zhang, near(hall), {}, soon.body.id), 409, 'ATTENDANCE_NOT_OPEN');
    expect(early.detail).toContain('还没开始');
    // opens 30 minutes before the start
    const justOpen = await meetingNotice({ startsAt: iso(29 * MIN), endsAt: iso(60 * MIN) });
    expect((await signIn(c.zhang, near(hall), {}, justOpen.body.id)).status).toBe(201);

    const over = await meetingNotice({ startsAt: iso(-180 * MIN), endsAt: iso(-60 * MIN) });
    expect(over.status).toBe(201);
    expect(expectProblem(await signIn(c.zhang, near(hall), {}, over.body.id), 409, 'ATTENDANCE_NOT_OPEN').detail).toContain('会议已结束');

    const noPlace = await admin.post('/api/notices', {
      kind: 'meeting',
      title: '不签到的会议',
      body: '线上参加即可。',
      startsAt: iso(10 * MIN),
      audience: { units: [{ unitId: org.units.wulangping, includeSubUnits: false }] },
    });
    expect(noPlace.body.signIn).toBeNull();
    expect(noPlace.body.endsAt).toBe(new Date(new Date(noPlace.body.startsAt).getTime() + 120 * MIN).toISOString());
    expectProblem(await signIn(c.zhang, near(hall), {}, noPlace.body.id), 409, 'ATTENDANCE_NOT_OPEN');
    // none of these refusals left a check-in behind
    const [{ n }] = await org.ds.query(`SELECT count(*)::int AS n FROM check_in WHERE notice_id = ANY($1::uuid[])`, [[soon.body.id, over.body.id, noPlace.body.id]]);
    expect(n).toBe(0);
  });

  it('for someone the meeting was not sent to, or a notice that is not a meeting (404); without a notice id (400)', async () => {
    const outsider = await as(ctx, org.villagers.shimen);
    expectProblem(await signIn(outsider, near(hall)), 404, 'NOTICE_NOT_FOUND');
    const plain = await admin.post('/api/notices', { kind: 'notice', title: '普通通知', body: '知悉即可。', audience: { units: [{ unitId: org.units.wulangping, includeSubUnits: false }] } });
    expect(plain.body.signIn).toBeNull();
    expectProblem(await signIn(c.zhang, near(hall), {}, plain.body.id), 404, 'NOTICE_NOT_FOUND');
    expectProblem(await checkIn(c.zhang, { kind: 'meeting', ...near(hall) }), 400, 'VALIDATION_FAILED');
  });

  it('a notice that is not a meeting cannot carry a sign-in place or an end (400); nor can a meeting end before it starts or name an unknown place', async () => {
    const before = (await org.ds.query(`SELECT count(*)::int AS n FROM notice`))[0].n;
    const plain = { kind: 'notice', title: '普通通知', body: '知悉即可。', audience: { units: [{ unitId: org.units.wulangping, includeSubUnits: false }] } };
    const withPlace = expectProblem(await admin.post('/api/notices', { ...plain, attendancePlaceId: hall.id }), 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(withPlace)).toContain('attendancePlaceId');
    expectProblem(await admin.post('/api/notices', { ...plain, endsAt: iso(60 * MIN) }), 400, 'VALIDATION_FAILED');
    expectProblem(await meetingNotice({ startsAt: iso(60 * MIN), endsAt: iso(30 * MIN) }), 400, 'VALIDATION_FAILED');
    expectProblem(await meetingNotice({ startsAt: iso(60 * MIN), attendancePlaceId: '00000000-0000-4000-8000-000000000000' }), 400, 'VALIDATION_FAILED');
    expect((await org.ds.query(`SELECT count(*)::int AS n FROM notice`))[0].n).toBe(before);
  });
});

/**
 * The embedded database (PGlite, the default without DATABASE_URL) has a pool of one connection:
 * anything that asks the pool for a second connection while a transaction holds the first waits
 * for the pool's timeout and fails. Meeting sign-in and the spot check that shares its check-in
 * path are run here on it too, whatever DATABASE_URL says.
 */
describe('on the embedded database (one connection)', () => {
  const emb = useTestApp('attendance-meeting-embedded', {}, { embedded: true });

  it('signs in to a meeting and starts and answers a spot check', async () => {
    const org2 = await buildOrgFixture(emb);
    const admin2 = await as(emb, { id: '', ...ADMIN });
    const town = await buildSpotTown(org2, admin2, '单连接', { villages: 1, perVillage: 2 });
    const [a, b] = town.members;
    const [sup, ac, bc] = await Promise.all([as(emb, town.supervisor), as(emb, a), as(emb, b)]);
    const place = town.places[town.townId];

    const sent = await admin2.post('/api/notices', {
      kind: 'meeting',
      title: '单连接会议',
      body: '请签到。',
      startsAt: iso(10 * MIN),
      attendancePlaceId: place.id,
      requireConfirm: true,
      audience: { units: [{ unitId: town.villageIds[0], includeSubUnits: false }] },
    });
    expect(sent.status).toBe(201);
    expect((await bc.post(`/api/notices/${sent.body.id}/confirm`, { status: 'attend' })).status).toBe(200);
    expect((await checkIn(bc, { kind: 'meeting', noticeId: sent.body.id, ...near(place, 10) })).body.verdict).toBe('ok');
    const v = (await admin2.get(`/api/notices/${sent.body.id}/sign-ins`)).body as MeetingSignInView;
    expect(v.totals).toEqual({ expected: 2, arrived: 1, absent: 1, leave: 0 });

    const started = await sup.post('/api/attendance/spot-checks', { reason: '单连接数据库上的抽查', units: [{ unitId: town.villageIds[0], includeSubUnits: false }], windowMinutes: 30 });
    expect(started.status).toBe(201);
    expect(started.body.counts.pending).toBe(2);
    const ok = await checkIn(ac, { kind: 'spot', spotCheckId: started.body.id, ...near(town.places[a.unitId], 10) });
    expect(ok.status).toBe(201);
    // b, at the town hall for the meeting a moment ago, answers from a village 3 km away: not judged present
    const far = await checkIn(bc, { kind: 'spot', spotCheckId: started.body.id, ...near(town.places[b.unitId], -1500) });
    expect(far.status).toBe(201);
    expect(far.body.verdict).not.toBe('ok');
    const after = await sup.get(`/api/attendance/spot-checks/${started.body.id}`);
    expect(after.body.counts).toMatchObject({ pending: 0, passed: 1, failed: 1 });
  });
});
