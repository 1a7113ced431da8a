import type { SyncReport } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { OrgTree } from '../../server/src/org/org-tree.repository';
import { DingTalkFake, type FakeCallbackRequest, type FakeDingTalkUser } from '../fakes/dingtalk-fake';
import { makeMember } from '../support/factory';
import { expectProblem, type TestContext, useTestApp } from '../support/test-app';

const LISTSUB = '/topapi/v2/department/listsub';
const USER_LIST = '/topapi/v2/user/list';
const USER_GET = '/topapi/v2/user/get';
const DEPT_GET = '/topapi/v2/department/get';

/**
 * A county in the fake: 4 bureaus with 2 offices each, 4 towns with 4 villages each, 6 village
 * groups below (38 departments, 4 levels with the root, one id beyond 2^32); 300 users, 120 of
 * them in one bureau (user/list pages past 100), every 15th also in 县政府办, the first user placed
 * in a department its head, three without a mobile number.
 */
function buildCounty(fake: DingTalkFake): Record<string, number> {
  const ids: Record<string, number> = {};
  const add = (name: string, parent?: string, deptId?: number) => (ids[name] = fake.addDept({ name, parentId: parent ? ids[parent] : 1, deptId }).deptId);
  const bureaus: Record<string, string[]> = { 县教育局: ['教育人事股', '教育综合科'], 县财政局: ['财政人事股', '财政预算股'], 县政府办: ['政府办秘书股', '政府办综合科'], 县卫健委: ['卫健人事股', '卫健医政股'] };
  const towns: Record<string, string[]> = {
    城关镇: ['东风村', '西湖村', '城南社区', '城北社区'],
    石门乡: ['石门村', '桃园村', '梨花村', '杏林村'],
    东门街道: ['东门社区', '南关社区', '北关社区', '文化社区'],
    河口镇: ['河口村', '沙洲村', '柳林村', '新桥村'],
  };
  for (const [b, offices] of Object.entries(bureaus)) {
    add(b);
    for (const o of offices) add(o, b);
  }
  for (const [t, villages] of Object.entries(towns)) {
    add(t, undefined, t === '城关镇' ? 912_345_678_901 : undefined);
    for (const v of villages) add(v, t);
  }
  for (const [v, groups] of Object.entries({ 东风村: 2, 西湖村: 1, 石门村: 1, 桃园村: 1, 河口村: 1 })) {
    for (let g = 1; g <= groups; g++) add(`${v}第${'一二'[g - 1]}村民小组`, v);
  }

  const surnames = '张王李赵刘陈杨黄周吴徐孙马朱胡';
  const given = '伟芳娜敏静丽强磊军洋勇艳杰涛明超秀英华平';
  const titles = ['科员', '股长', '主任', undefined, '村支书', '副局长'];
  const others = Object.keys(ids).filter((n) => n !== '县教育局');
  const headed = new Set<number>();
  for (let i = 1; i <= 300; i++) {
    const main = i <= 5 ? 1 : i <= 125 ? ids['县教育局'] : ids[others[(i - 126) % others.length]];
    const deptIds = i % 15 === 0 && main !== ids['县政府办'] ? [main, ids['县政府办']] : [main];
    const leaderIn = headed.has(main) ? [] : [main];
    headed.add(main);
    fake.addUser({
      userid: `u${String(i).padStart(3, '0')}`,
      name: surnames[i % surnames.length] + given[i % given.length] + given[(i * 7) % given.length],
      mobile: i >= 298 ? undefined : `135${String(i).padStart(8, '0')}`,
      title: titles[i % titles.length],
      deptIds,
      leaderIn,
    });
  }
  return ids;
}

interface MemberState {
  name: string;
  phone: string;
  title: string | null;
  status: string;
}

describe('DingTalk org sync and org-change callbacks', () => {
  const fake = new DingTalkFake({ orgName: '测试县', qpsLimit: 20 });
  let ids: Record<string, number>;
  beforeAll(async () => {
    await fake.start();
    ids = buildCounty(fake);
  });
  afterAll(() => fake.stop());
  const ctx = useTestApp('dingtalk-sync', () => fake.env());

  let token: string;
  beforeAll(async () => {
    token = (await ctx.login()).accessToken;
  });
  const ds = () => ctx.created.app.get(DataSource);
  const sync = () => ctx.http().post('/api/org/sync/dingtalk').set('authorization', `Bearer ${token}`);
  const runSync = async (): Promise<SyncReport> => {
    const res = await sync();
    expect(res.status).toBe(200);
    return res.body as SyncReport;
  };
  const callback = (req: FakeCallbackRequest) => ctx.http().post(`/api/dingtalk/callback${req.search}`).send(req.body);
  /** Delivers an event and checks the encrypted `success` answer. */
  const deliver = async (req: FakeCallbackRequest) => {
    const res = await callback(req);
    expect(res.status).toBe(200);
    expect(fake.openCallbackResponse(res.body)).toBe('success');
    return res;
  };
  const zeros = { units: { created: 0, updated: 0, removed: 0, kept: 0 }, members: { created: 0, updated: 0, disabled: 0 } };

  const member = async (userid: string): Promise<MemberState | undefined> =>
    (await ds().query<MemberState[]>(`SELECT name, phone, title, status FROM member WHERE dingtalk_user_id = $1`, [userid]))[0];
  const unitOf = async (deptId: number) =>
    (
      await ds().query<{ id: string; name: string; kind: string; parent_dept: string | null }[]>(
        `SELECT u.id, u.name, u.kind, p.dingtalk_dept_id AS parent_dept FROM unit u LEFT JOIN unit p ON p.id = u.parent_id WHERE u.dingtalk_dept_id = $1`,
        [String(deptId)],
      )
    )[0];
  const membershipsOf = async (userid: string) =>
    ds().query<{ dept: string | null; is_head: boolean; is_primary: boolean }[]>(
      `SELECT u.dingtalk_dept_id AS dept, ms.is_head, ms.is_primary FROM membership ms JOIN member m ON m.id = ms.member_id JOIN unit u ON u.id = ms.unit_id
        WHERE m.dingtalk_user_id = $1 ORDER BY ms.is_primary DESC, u.dingtalk_dept_id`,
      [userid],
    );
  const stamp = async () =>
    (await ds().query<{ s: string }[]>(`SELECT (SELECT max(updated_at) FROM member)::text || '|' || (SELECT max(updated_at) FROM unit)::text || '|' || (SELECT count(*) FROM membership)::text AS s`))[0].s;

  /**
   * The database mirrors the fake: one unit per department under its parent's unit with its
   * name, one active member per user with a mobile (name, phone, title), memberships exactly the
   * user's departments (first primary, heads marked), and an exact closure.
   */
  async function expectMirrorsFake(opts: { keptDepts?: number[] } = {}) {
    const units = await ds().query<{ dept: string; name: string; parent_dept: string | null }[]>(
      `SELECT u.dingtalk_dept_id AS dept, u.name, p.dingtalk_dept_id AS parent_dept FROM unit u LEFT JOIN unit p ON p.id = u.parent_id WHERE u.dingtalk_dept_id IS NOT NULL`,
    );
    const kept = new Set((opts.keptDepts ?? []).map(String));
    const expectedUnits = [{ dept: '1', name: '测试县', parent_dept: null }, ...fake.deptList().map((d) => ({ dept: String(d.deptId), name: d.name, parent_dept: String(d.parentId) }))];
    const sortBy = <T>(list: T[], key: (t: T) => string) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sortBy(units.filter((u) => !kept.has(u.dept)), (u) => u.dept)).toEqual(sortBy(expectedUnits, (u) => u.dept));

    const withMobile = fake.userList().filter((u) => u.mobile);
    const members = await ds().query<{ userid: string; name: string; phone: string; title: string | null }[]>(
      `SELECT dingtalk_user_id AS userid, name, phone, title FROM member WHERE dingtalk_user_id IS NOT NULL AND status = 'active'`,
    );
    expect(sortBy(members, (m) => m.userid)).toEqual(sortBy(withMobile.map((u) => ({ userid: u.userid, name: u.name, phone: u.mobile!, title: u.title ?? null })), (m) => m.userid));

    const rows = await ds().query<{ userid: string; dept: string; is_head: boolean; is_primary: boolean }[]>(
      `SELECT m.dingtalk_user_id AS userid, u.dingtalk_dept_id AS dept, ms.is_head, ms.is_primary
         FROM membership ms JOIN member m ON m.id = ms.member_id JOIN unit u ON u.id = ms.unit_id
        WHERE m.dingtalk_user_id IS NOT NULL AND m.status = 'active' AND u.dingtalk_dept_id IS NOT NULL`,
    );
    const expected = withMobile.flatMap((u: FakeDingTalkUser) =>
      (u.deptIds ?? []).map((d, i) => ({ userid: u.userid, dept: String(d), is_head: u.leaderIn?.includes(d) ?? false, is_primary: i === 0 })),
    );
    const key = (r: { userid: string; dept: string }) => `${r.userid}@${r.dept}`;
    expect(sortBy(rows, key)).toEqual(sortBy(expected, key));
    expect(await OrgTree.closureDrift(ds())).toBe(0);
  }

  describe('POST /api/org/sync/dingtalk', () => {
    it('first run: creates a unit per department and a member per user, takes over a unit and a member made by hand, skips users without a mobile', async () => {
      const existing = await makeMember(ds(), { name: '旧名字', phone: '13500000007' }); // DingTalk's u007, not linked yet
      const [root] = await ds().query(`SELECT id FROM unit WHERE parent_id IS NULL`);
      const finance = await ds().transaction((tx) => OrgTree.insertUnit(tx, { parentId: root.id, name: '县财政局', kind: 'bureau' })); // imported before
      const clerk = await makeMember(ds(), { name: '手工录入', unitId: finance });
      fake.resetCalls();
      const report = await runSync();
      expect(report).toEqual({
        fetched: { departments: 38, users: 300 },
        units: { created: 37, updated: 2, removed: 0, kept: 0 }, // updated: the root linked to department 1, 县财政局 to its department
        members: { created: 296, updated: 1, disabled: 0, skipped: 3 },
        keptUnits: [],
        skippedUsers: ['u298', 'u299', 'u300'].map((id) => ({ dingtalkUserId: id, name: expect.any(String), reason: expect.stringContaining('手机号') })),
        durationMs: expect.any(Number),
      });
      await expectMirrorsFake();
      expect((await ds().query(`SELECT id, dingtalk_user_id, name FROM member WHERE phone = '13500000007'`))[0]).toEqual({ id: existing.id, dingtalk_user_id: 'u007', name: fake.user('u007')!.name });
      expect(await unitOf(ids['县财政局'])).toMatchObject({ id: finance, parent_dept: '1' });
      expect(await ds().query(`SELECT unit_id, is_primary FROM membership WHERE member_id = $1`, [clerk.id])).toEqual([{ unit_id: finance, is_primary: true }]);

      // The admin (not in DingTalk) is untouched; the root is the organisation and mirrors department 1.
      expect(await ds().query(`SELECT status, dingtalk_user_id FROM member WHERE phone = '13900000001'`)).toEqual([{ status: 'active', dingtalk_user_id: null }]);
      expect(await ds().query(`SELECT name, dingtalk_dept_id FROM unit WHERE parent_id IS NULL`)).toEqual([{ name: '测试县', dingtalk_dept_id: '1' }]);

      // Kinds from the names; the 12-digit department id is kept exactly, as text.
      expect(await unitOf(ids['县教育局'])).toMatchObject({ kind: 'bureau', parent_dept: '1' });
      expect(await unitOf(ids['教育人事股'])).toMatchObject({ kind: 'office', parent_dept: String(ids['县教育局']) });
      expect(await unitOf(912_345_678_901)).toMatchObject({ name: '城关镇', kind: 'town', parent_dept: '1' });
      expect(await unitOf(ids['城南社区'])).toMatchObject({ kind: 'village', parent_dept: '912345678901' });
      expect(await unitOf(ids['东门街道'])).toMatchObject({ kind: 'town' });

      // Search keys and head/primary flags.
      const u015 = fake.user('u015')!;
      expect(await membershipsOf('u015')).toEqual([
        { dept: String(u015.deptIds![0]), is_head: false, is_primary: true },
        { dept: String(ids['县政府办']), is_head: false, is_primary: false },
      ]);
      expect(await membershipsOf('u006')).toEqual([{ dept: String(ids['县教育局']), is_head: true, is_primary: true }]);
      const [{ name_initials, name_pinyin }] = await ds().query(`SELECT name_initials, name_pinyin FROM member WHERE dingtalk_user_id = 'u001'`);
      expect(name_initials).toMatch(/^[a-z]{3}$/);
      expect(name_pinyin.length).toBeGreaterThan(3);

      // How DingTalk was asked: listsub once per department (the root included), user/list paged by 100, never over the QPS limit.
      expect(fake.calls(LISTSUB)).toBe(39);
      const lists = fake.callsTo(USER_LIST);
      expect(lists.every((c) => (c.body as { size: number }).size === 100)).toBe(true);
      expect(lists.filter((c) => (c.body as { dept_id: number }).dept_id === ids['县教育局']).map((c) => (c.body as { cursor: number }).cursor)).toEqual([0, 100]);
      expect(lists).toHaveLength(40);
      expect(fake.throttled.size).toBe(0);
      expect(report.durationMs).toBeLessThan(20_000);
    });

    it('a rerun changes nothing and reports zeros (skipped users are reported again, not changed)', async () => {
      const before = await stamp();
      const report = await runSync();
      expect(report).toMatchObject({ ...zeros, members: { ...zeros.members, skipped: 3 } });
      expect(await stamp()).toBe(before);
    });

    it('keeps units and memberships made by hand: a local unit under a synced one, and a second membership there', async () => {
      const [town] = await ds().query(`SELECT id FROM unit WHERE dingtalk_dept_id = '912345678901'`);
      const localId = await ds().transaction((tx) => OrgTree.insertUnit(tx, { parentId: town.id, name: '防汛专班', kind: 'office' }));
      await ds().query(`INSERT INTO membership (member_id, unit_id) SELECT id, $1 FROM member WHERE dingtalk_user_id = 'u140'`, [localId]);
      const report = await runSync();
      expect(report).toMatchObject(zeros);
      expect(await ds().query(`SELECT count(*)::int AS n FROM membership WHERE unit_id = $1`, [localId])).toEqual([{ n: 1 }]);
    });

    it('after a user is modified, one is moved, one removed and a department added, reports exactly those', async () => {
      fake.updateUser('u130', { name: '欧阳新名', title: '副主任' });
      fake.updateUser('u140', { deptIds: [ids['河口村']], leaderIn: [] });
      fake.removeUser('u150');
      const added = fake.addDept({ name: '新建村', parentId: ids['石门乡'] });
      const report = await runSync();
      expect(report).toMatchObject({ units: { created: 1, updated: 0, removed: 0, kept: 0 }, members: { created: 0, updated: 2, disabled: 1, skipped: 3 } });
      expect(await member('u130')).toMatchObject({ name: '欧阳新名', title: '副主任', status: 'active' });
      expect(await membershipsOf('u140')).toEqual([{ dept: String(ids['河口村']), is_head: false, is_primary: true }, { dept: null, is_head: false, is_primary: false }]); // the local unit stays
      // Left: disabled, never deleted, memberships kept for the record.
      expect(await member('u150')).toMatchObject({ status: 'disabled' });
      expect((await membershipsOf('u150')).length).toBeGreaterThan(0);
      expect(await unitOf(added.deptId)).toMatchObject({ name: '新建村', kind: 'village', parent_dept: String(ids['石门乡']) });
      const [{ n }] = await ds().query(`SELECT count(*)::int AS n FROM unit_closure c JOIN unit u ON u.id = c.descendant_id WHERE u.dingtalk_dept_id = $1`, [String(added.deptId)]);
      expect(n).toBe(3); // itself, 石门乡, the root
      await expectMirrorsFake();
      expect(await runSync()).toMatchObject(zeros);
    });

    it('renames and moves departments, removes an emptied one, and keeps (and reports) one whose users left', async () => {
      fake.updateDept(ids['教育人事股'], { name: '教师管理股' });
      fake.updateDept(ids['西湖村'], { parentId: ids['河口镇'] }); // with its village group
      const movedOut = fake.userList().filter((u) => u.deptIds?.includes(ids['杏林村']));
      for (const u of movedOut) fake.updateUser(u.userid, { deptIds: u.deptIds!.map((d) => (d === ids['杏林村'] ? ids['梨花村'] : d)), leaderIn: [] });
      fake.removeDept(ids['杏林村']);
      const left = fake.userList().filter((u) => u.deptIds?.includes(ids['文化社区']));
      for (const u of left) fake.removeUser(u.userid);
      fake.removeDept(ids['文化社区']);
      const leftMembers = left.filter((u) => u.mobile).length;

      const report = await runSync();
      expect(movedOut.length).toBeGreaterThan(0);
      expect(leftMembers).toBeGreaterThan(0);
      expect(report).toMatchObject({
        units: { created: 0, updated: 2, removed: 1, kept: 1 },
        members: { created: 0, updated: movedOut.filter((u) => u.mobile).length, disabled: leftMembers },
        keptUnits: [{ id: expect.any(String), name: '文化社区', kind: 'village', members: leftMembers, children: 0 }],
      });
      expect(await unitOf(ids['教育人事股'])).toMatchObject({ name: '教师管理股', kind: 'office' });
      expect(await unitOf(ids['西湖村'])).toMatchObject({ parent_dept: String(ids['河口镇']) });
      expect(await unitOf(ids['西湖村第一村民小组'])).toMatchObject({ parent_dept: String(ids['西湖村']) });
      expect(await unitOf(ids['杏林村'])).toBeUndefined();
      expect(await unitOf(ids['文化社区'])).toMatchObject({ name: '文化社区' });
      // The moved village's group now sits under 河口镇 in the closure too.
      const [{ ancestors }] = await ds().query(
        `SELECT array_agg(a.dingtalk_dept_id ORDER BY c.depth) AS ancestors FROM unit_closure c JOIN unit a ON a.id = c.ancestor_id JOIN unit d ON d.id = c.descendant_id WHERE d.dingtalk_dept_id = $1`,
        [String(ids['西湖村第一村民小组'])],
      );
      expect(ancestors).toEqual([String(ids['西湖村第一村民小组']), String(ids['西湖村']), String(ids['河口镇']), '1']);
      await expectMirrorsFake({ keptDepts: [ids['文化社区']] });
      // Kept again on the next run, but nothing changes.
      expect(await runSync()).toMatchObject({ ...zeros, units: { ...zeros.units, kept: 1 } });
    });

    it('re-enables a member who comes back to DingTalk', async () => {
      const u = { userid: 'u150', name: '回来了', mobile: '13500000150', deptIds: [ids['县财政局']] };
      fake.addUser(u);
      expect(await runSync()).toMatchObject({ units: { ...zeros.units, kept: 1 }, members: { created: 0, updated: 1, disabled: 0 } });
      expect(await member('u150')).toMatchObject({ name: '回来了', status: 'active' });
      expect((await membershipsOf('u150'))[0]).toEqual({ dept: String(ids['县财政局']), is_head: false, is_primary: true });
    });

    it('refuses a member without org.write over the root: 403, nothing fetched', async () => {
      const plain = await makeMember(ds(), { name: '普通干部' });
      const session = await ctx.login(plain.phone, plain.password);
      const calls = fake.calls();
      const res = await ctx.http().post('/api/org/sync/dingtalk').set('authorization', `Bearer ${session.accessToken}`);
      expectProblem(res, 403, 'AUTH_FORBIDDEN');
      expect(fake.calls()).toBe(calls);
      expectProblem(await ctx.http().post('/api/org/sync/dingtalk'), 401, 'AUTH_UNAUTHENTICATED');
    });

    it('answers 502 with the next step when DingTalk refuses, and changes nothing', async () => {
      fake.updateUser('u200', { name: '等待同步' });
      fake.failNext(USER_LIST, 88, { subCode: '60011', subMsg: '没有调用该接口的权限' });
      const before = await stamp();
      const body = expectProblem(await sync(), 502, 'DINGTALK_UPSTREAM_ERROR');
      expect(body.detail).toContain('60011');
      expect(body.detail).toContain('通讯录读权限');
      expect(await stamp()).toBe(before);
      expect(await member('u200')).not.toMatchObject({ name: '等待同步' });
      expect((await runSync()).members.updated).toBe(1);
      expect(await member('u200')).toMatchObject({ name: '等待同步' });
    });
  });

  describe('POST /api/dingtalk/callback', () => {
    it('answers the check_url probe with the encrypted success, in both parameter styles', async () => {
      await deliver(fake.callbackRequest(fake.orgEvent('check_url')));
      await deliver(fake.callbackRequest({ EventType: 'check_url' }, { style: 'legacy' }));
    });

    it('user_add_org: creates the member, in a department whose create event has not arrived yet', async () => {
      const dept = fake.addDept({ name: '应急管理局' });
      const office = fake.addDept({ name: '应急值班室', parentId: dept.deptId });
      fake.addUser({ userid: 'n001', name: '新来的', mobile: '13600000001', title: '值班员', deptIds: [office.deptId, ids['县政府办']], leaderIn: [office.deptId] });
      await deliver(fake.callbackRequest(fake.orgEvent('user_add_org', { userId: ['n001'] })));
      expect(await member('n001')).toEqual({ name: '新来的', phone: '13600000001', title: '值班员', status: 'active' });
      expect(await membershipsOf('n001')).toEqual([
        { dept: String(ids['县政府办']), is_head: false, is_primary: false },
        { dept: String(office.deptId), is_head: true, is_primary: true },
      ].sort((a, b) => Number(b.is_primary) - Number(a.is_primary)));
      expect(await unitOf(office.deptId)).toMatchObject({ parent_dept: String(dept.deptId), kind: 'office' });
      expect(await unitOf(dept.deptId)).toMatchObject({ parent_dept: '1', kind: 'bureau' });
      expect(await OrgTree.closureDrift(ds())).toBe(0);
    });

    it('user_modify_org: applies the change DingTalk has now (name, title, departments)', async () => {
      fake.updateUser('n001', { name: '改名了', title: '副主任', deptIds: [ids['县卫健委']], leaderIn: [] });
      await deliver(fake.callbackRequest(fake.orgEvent('user_modify_org', { userId: ['n001'] })));
      expect(await member('n001')).toMatchObject({ name: '改名了', title: '副主任' });
      expect(await membershipsOf('n001')).toEqual([{ dept: String(ids['县卫健委']), is_head: false, is_primary: true }]);
    });

    it('a redelivered event (same eventId) changes nothing and asks DingTalk nothing', async () => {
      const req = fake.callbackRequest(fake.orgEvent('user_modify_org', { userId: ['u210'] }, { eventId: 'evt-redeliver-0001' }));
      fake.updateUser('u210', { title: '第一次' });
      await deliver(req);
      expect(await member('u210')).toMatchObject({ title: '第一次' });
      fake.updateUser('u210', { title: '第二次' });
      const gets = fake.calls(USER_GET);
      await deliver(req);
      await deliver(fake.callbackRequest(fake.orgEvent('user_modify_org', { userId: ['u210'] }, { eventId: 'evt-redeliver-0001' }))); // re-encrypted, same id
      expect(fake.calls(USER_GET)).toBe(gets);
      expect(await member('u210')).toMatchObject({ title: '第一次' });
      expect(await ds().query(`SELECT event_type FROM dingtalk_event WHERE event_id = 'evt-redeliver-0001'`)).toEqual([{ event_type: 'user_modify_org' }]);
      fake.updateUser('u210', { title: '第一次' }); // back in step for the full sync at the end
    });

    it('concurrent deliveries of one event apply it once', async () => {
      fake.updateUser('u211', { title: '并发' });
      const ev = fake.orgEvent('user_modify_org', { userId: ['u211'] });
      const req = fake.callbackRequest(ev);
      const results = await Promise.all([callback(req), callback(req), callback(req)]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      for (const r of results) expect(fake.openCallbackResponse(r.body)).toBe('success');
      expect(await member('u211')).toMatchObject({ title: '并发' });
      expect(await ds().query(`SELECT count(*)::int AS n FROM dingtalk_event WHERE event_id = $1`, [ev.eventId])).toEqual([{ n: 1 }]);
    });

    it('user_leave_org: disables the member and keeps the memberships', async () => {
      const before = await membershipsOf('n001');
      fake.removeUser('n001');
      await deliver(fake.callbackRequest(fake.orgEvent('user_leave_org', { userId: ['n001'] })));
      expect(await member('n001')).toMatchObject({ status: 'disabled' });
      expect(await membershipsOf('n001')).toEqual(before);
    });

    it('org_dept_create: adds the unit under its parent with exact closure rows', async () => {
      const d = fake.addDept({ name: '幸福村', parentId: ids['河口镇'] });
      await deliver(fake.callbackRequest(fake.orgEvent('org_dept_create', { deptId: [d.deptId] })));
      expect(await unitOf(d.deptId)).toMatchObject({ name: '幸福村', kind: 'village', parent_dept: String(ids['河口镇']) });
      expect(await OrgTree.closureDrift(ds())).toBe(0);
    });

    it('org_dept_modify: renames and moves the unit', async () => {
      fake.updateDept(ids['石门村'], { name: '石门新村', parentId: 912_345_678_901 });
      await deliver(fake.callbackRequest(fake.orgEvent('org_dept_modify', { deptId: [ids['石门村']] })));
      expect(await unitOf(ids['石门村'])).toMatchObject({ name: '石门新村', kind: 'village', parent_dept: '912345678901' });
      expect(await unitOf(ids['石门村第一村民小组'])).toMatchObject({ parent_dept: String(ids['石门村']) });
      expect(await OrgTree.closureDrift(ds())).toBe(0);
    });

    it('org_dept_remove: removes an empty unit, keeps one that still has members', async () => {
      const empty = fake.addDept({ name: '临时指挥部' });
      await deliver(fake.callbackRequest(fake.orgEvent('org_dept_create', { deptId: [empty.deptId] })));
      expect(await unitOf(empty.deptId)).toBeDefined();
      fake.removeDept(empty.deptId);
      await deliver(fake.callbackRequest(fake.orgEvent('org_dept_remove', { deptId: [empty.deptId] })));
      expect(await unitOf(empty.deptId)).toBeUndefined();

      // A department whose only user left: the member is disabled with the membership kept, so the unit stays.
      const team = fake.addDept({ name: '防疫专班', parentId: ids['县卫健委'] });
      fake.addUser({ userid: 'n003', name: '专班队员', mobile: '13600000003', deptIds: [team.deptId] });
      await deliver(fake.callbackRequest(fake.orgEvent('user_add_org', { userId: ['n003'] })));
      fake.removeUser('n003');
      await deliver(fake.callbackRequest(fake.orgEvent('user_leave_org', { userId: ['n003'] })));
      fake.removeDept(team.deptId);
      await deliver(fake.callbackRequest(fake.orgEvent('org_dept_remove', { deptId: [team.deptId] })));
      expect(await unitOf(team.deptId)).toMatchObject({ name: '防疫专班', parent_dept: String(ids['县卫健委']) });
      expect(await member('n003')).toMatchObject({ status: 'disabled' });
      expect(await OrgTree.closureDrift(ds())).toBe(0);
    });

    it('refuses a bad signature, a wrong owner key, a wrong AES key or missing parameters with 400, changing nothing', async () => {
      fake.addUser({ userid: 'n002', name: '不该出现', mobile: '13600000002', deptIds: [ids['县财政局']] });
      const ev = fake.orgEvent('user_add_org', { userId: ['n002'] });
      const good = fake.callbackRequest(ev);
      const calls = fake.calls();
      const badSig = { ...good, search: good.search.replace(/msg_signature=([0-9a-f])/, (_m, c: string) => `msg_signature=${c === '0' ? '1' : '0'}`) };
      const cases: Array<[FakeCallbackRequest, RegExp]> = [
        [badSig, /签名/],
        [fake.callbackRequest(ev, { keys: { token: 'not-the-token' } }), /签名/],
        [fake.callbackRequest(ev, { keys: { ownerKey: fake.corpId } }), /DINGTALK_APP_KEY/],
        [fake.callbackRequest(ev, { keys: { aesKey: 'x'.repeat(43) } }), /AES_KEY/],
        [{ ...good, search: '' }, /msg_signature/],
        [{ ...good, body: {} as { encrypt: string } }, /encrypt/],
      ];
      for (const [req, detail] of cases) {
        const body = expectProblem(await callback(req), 400, 'DINGTALK_CALLBACK_INVALID');
        expect(body.detail).toMatch(detail);
      }
      expect(fake.calls()).toBe(calls);
      expect(await member('n002')).toBeUndefined();
      expect(await ds().query(`SELECT 1 FROM dingtalk_event WHERE event_id = $1`, [ev.eventId])).toEqual([]);
      // The genuine push still goes through afterwards.
      await deliver(good);
      expect(await member('n002')).toMatchObject({ name: '不该出现' });
    });

    it('acknowledges event types it does not handle without changing anything', async () => {
      const before = await stamp();
      await deliver(fake.callbackRequest({ EventType: 'label_user_change', eventId: 'evt-label-1' }));
      expect(await stamp()).toBe(before);
    });

    it('after the events, a full sync finds nothing left to change', async () => {
      const report = await runSync();
      // 文化社区 and 防疫专班 (removed in DingTalk, their members who left still recorded there) remain kept.
      expect(report).toMatchObject({ ...zeros, units: { ...zeros.units, kept: 2 } });
      expect(report.keptUnits.map((u) => u.name).sort()).toEqual(['文化社区', '防疫专班'].sort());
      const team = (await ds().query<{ dept: string }[]>(`SELECT dingtalk_dept_id AS dept FROM unit WHERE name = '防疫专班'`))[0];
      await expectMirrorsFake({ keptDepts: [ids['文化社区'], Number(team.dept)] });
    });
  });
});

describe('DingTalk org sync when DingTalk is not configured', () => {
  const ctx = useTestApp('dingtalk-sync-off', {});

  it('refuses the sync with 503 naming the settings, and the callback likewise', async () => {
    const { accessToken } = await ctx.login();
    const body = expectProblem(await ctx.http().post('/api/org/sync/dingtalk').set('authorization', `Bearer ${accessToken}`), 503, 'DINGTALK_NOT_CONFIGURED');
    expect(body.detail).toContain('DINGTALK_APP_KEY');
    const cb = expectProblem(await ctx.http().post('/api/dingtalk/callback?msg_signature=a&timestamp=1&nonce=n').send({ encrypt: 'x' }), 503, 'DINGTALK_NOT_CONFIGURED');
    expect(cb.detail).toContain('DINGTALK_CALLBACK_TOKEN');
  });
});

describe('DingTalk callbacks when the event subscription is not configured', () => {
  const fake = new DingTalkFake();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  const ctx: TestContext = useTestApp('dingtalk-sync-nocb', () => {
    const { DINGTALK_CALLBACK_TOKEN: _t, DINGTALK_CALLBACK_AES_KEY: _k, ...env } = fake.env();
    return env;
  });

  it('refuses pushes with 503 naming DINGTALK_CALLBACK_TOKEN / DINGTALK_CALLBACK_AES_KEY', async () => {
    const req = fake.callbackRequest(fake.orgEvent('check_url'));
    const body = expectProblem(await ctx.http().post(`/api/dingtalk/callback${req.search}`).send(req.body), 503, 'DINGTALK_NOT_CONFIGURED');
    expect(body.detail).toMatch(/DINGTALK_CALLBACK_TOKEN.*DINGTALK_CALLBACK_AES_KEY/);
  });
});
