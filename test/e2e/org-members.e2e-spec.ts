import type { MemberSummary } from '@lianxin/shared';
import { as, buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { ADMIN, expectProblem, useTestApp } from '../support/test-app';

const ctx = useTestApp('org-members');
let org: OrgFixture;
let admin: Awaited<ReturnType<typeof as>>;

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  admin = await as(ctx, { id: '', ...ADMIN });
});

const names = (body: { items: MemberSummary[] }) => body.items.map((m) => m.name);

describe('adding and changing members', () => {
  it('creates a member with units, head flag and roles; they can sign in and read their village', async () => {
    const res = await admin.post('/api/org/members', {
      name: '曾晓燕',
      phone: '13711110001',
      title: '文书',
      password: 'Village-2026',
      units: [{ unitId: org.units.hejiayan, isHead: true }, { unitId: org.units.xingzhou }],
      roles: [{ role: 'approver', unitId: org.units.hejiayan }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: '曾晓燕', phone: '13711110001', title: '文书', status: 'active' });
    expect(res.body.memberships).toEqual([
      expect.objectContaining({ unit: expect.objectContaining({ name: '何家岩村' }), isHead: true, isPrimary: true }),
      expect.objectContaining({ unit: expect.objectContaining({ name: '兴州街道' }), isHead: false, isPrimary: false }),
    ]);
    expect(res.body.roles).toEqual([expect.objectContaining({ role: 'approver', unit: expect.objectContaining({ name: '何家岩村' }) })]);
    // 曾 as a surname reads zeng: county staff type zxy
    const [keys] = await org.ds.query(`SELECT name_initials, name_pinyin FROM member WHERE id = $1`, [res.body.id]);
    expect(keys).toEqual({ name_initials: 'zxy', name_pinyin: 'zengxiaoyan' });
    const self = await as(ctx, { id: res.body.id, phone: '13711110001', password: 'Village-2026' });
    expect((await self.get(`/api/org/members/${org.villagers.hejiayan.id}`)).status).toBe(200);
  });

  it('refuses a taken phone, a second primary unit, a repeated unit and a bad phone; nothing is created', async () => {
    const count = async () => (await org.ds.query(`SELECT count(*)::int AS n FROM member`))[0].n;
    const before = await count();
    expectProblem(await admin.post('/api/org/members', { name: '重号', phone: org.villagers.shimen.phone, units: [{ unitId: org.units.shimen }] }), 409, 'ORG_PHONE_TAKEN');
    expectProblem(
      await admin.post('/api/org/members', { name: '两主', phone: '13711110002', units: [{ unitId: org.units.shimen, isPrimary: true }, { unitId: org.units.hejiayan, isPrimary: true }] }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(await admin.post('/api/org/members', { name: '重复', phone: '13711110003', units: [{ unitId: org.units.shimen }, { unitId: org.units.shimen }] }), 400, 'VALIDATION_FAILED');
    const bad = expectProblem(await admin.post('/api/org/members', { name: '', phone: '12345', units: [] }), 400, 'VALIDATION_FAILED');
    expect((bad.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['name', 'phone', 'units']);
    expectProblem(await admin.post('/api/org/members', { name: '无单位', phone: '13711110004', units: [{ unitId: '00000000-0000-4000-8000-000000000000' }] }), 404, 'ORG_UNIT_NOT_FOUND');
    expect(await count()).toBe(before);
  });

  it('replaces units and roles, changes phone and name (search keys follow)', async () => {
    const m = await org.memberWithRole(null, org.units.shimen, '调动者');
    const res = await admin.patch(`/api/org/members/${m.id}`, {
      name: '吕建华',
      phone: '13711110009',
      units: [{ unitId: org.units.wulangping }],
      roles: [{ role: 'staff', unitId: org.units.wulangping }],
    });
    expect(res.status).toBe(200);
    expect(res.body.memberships.map((x: { unit: { name: string } }) => x.unit.name)).toEqual(['五郎坪村']);
    expect(res.body.roles.map((x: { role: string }) => x.role)).toEqual(['staff']);
    const found = await admin.get('/api/org/members?q=ljh');
    expect(names(found.body)).toEqual(['吕建华']);
    expect(names((await admin.get('/api/org/members?q=lvj')).body)).toEqual(['吕建华']);
    expectProblem(await admin.patch(`/api/org/members/${m.id}`, { phone: org.heads.shimen.phone }), 409, 'ORG_PHONE_TAKEN');
  });

  it('disables, never deletes: hidden from lists by default, still on record, cannot sign in', async () => {
    const m = await org.memberWithRole(null, org.units.shimen, '要离职的');
    const res = await admin.patch(`/api/org/members/${m.id}`, { status: 'disabled' });
    expect(res.body.status).toBe('disabled');
    const list = await admin.get(`/api/org/units/${org.units.shimen}/members`);
    expect(names(list.body)).not.toContain('要离职的');
    const all = await admin.get(`/api/org/units/${org.units.shimen}/members?status=all`);
    expect(names(all.body)).toContain('要离职的');
    expect((await admin.get(`/api/org/members/${m.id}`)).body.status).toBe('disabled');
    const login = await ctx.http().post('/api/auth/login').send({ phone: m.phone, password: m.password });
    expect(login.status).toBe(403);
    expectProblem(await admin.patch(`/api/org/members/${m.id}`, { status: 'gone' }), 400, 'VALIDATION_FAILED');
  });

  it('does not let an admin disable themselves or change their own roles', async () => {
    const [{ id }] = await org.ds.query(`SELECT id FROM member WHERE phone = $1`, [ADMIN.phone]);
    expectProblem(await admin.patch(`/api/org/members/${id}`, { status: 'disabled' }), 409, 'CONFLICT');
    expectProblem(await admin.patch(`/api/org/members/${id}`, { roles: [] }), 409, 'CONFLICT');
  });
});

describe('search and paging', () => {
  it('finds members by pinyin initials, full pinyin, phone digits and name', async () => {
    expect(names((await admin.get('/api/org/members?q=zsf')).body)).toEqual(['张三丰']);
    expect(names((await admin.get('/api/org/members?q=ZhangSan')).body)).toEqual(['张三丰']);
    expect(names((await admin.get(`/api/org/members?q=${org.heads.wulangping.phone.slice(-6)}`)).body)).toEqual(['张三丰']);
    expect(names((await admin.get('/api/org/members?q=三丰')).body)).toEqual(['张三丰']);
    expect(names((await admin.get(`/api/org/units/${org.units.xingzhou}/members?recursive=true&q=ls`)).body)).toEqual(['李四']);
    expect(names((await admin.get('/api/org/members?q=%25')).body)).toEqual([]);
  });

  it('lists a unit with its head first, and a subtree once per member', async () => {
    const direct = await admin.get(`/api/org/units/${org.units.wulangping}/members`);
    expect(direct.body.items[0]).toMatchObject({ name: '张三丰', isHead: true, primaryUnit: expect.objectContaining({ name: '五郎坪村' }) });
    const twice = await org.memberWithRole(null, org.units.wulangping, '一人两村');
    await org.ds.query(`INSERT INTO membership (member_id, unit_id) VALUES ($1, $2)`, [twice.id, org.units.hejiayan]);
    const sub = await admin.get(`/api/org/units/${org.units.xingzhou}/members?recursive=true&limit=200`);
    expect(names(sub.body).filter((n) => n === '一人两村')).toHaveLength(1);
  });

  it('pages with a cursor: every member once, in a stable order', async () => {
    for (let i = 0; i < 23; i++) await org.memberWithRole(null, org.units.budget, `预算员${String(i).padStart(2, '0')}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await admin.get(`/api/org/units/${org.units.finance}/members?recursive=true&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...names(res.body));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    expectProblem(await admin.get(`/api/org/units/${org.units.finance}/members?cursor=garbage`), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.get(`/api/org/units/${org.units.finance}/members?limit=1000`), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.get(`/api/org/members?q=${'x'.repeat(51)}`), 400, 'VALIDATION_FAILED');
  });
});

describe('supervisors', () => {
  it('defaults to the head of the primary unit, then of the nearest ancestor with a head', async () => {
    const chain = await admin.get(`/api/org/members/${org.villagers.wulangping.id}/chain`);
    expect(chain.body.member.name).toBe('李四');
    expect(chain.body.chain.map((s: { name: string; via: string }) => `${s.name}/${s.via}`)).toEqual(['张三丰/unit-head', '王建国/unit-head']);
    // 何家岩村 has no head of its own (until the first test made one), so its people report to the town head
    const card = await admin.get(`/api/org/members/${org.heads.wulangping.id}`);
    expect(card.body.supervisor).toMatchObject({ name: '王建国', via: 'unit-head' });
  });

  it('an explicit supervisor wins; a loop is refused', async () => {
    const res = await admin.patch(`/api/org/members/${org.villagers.shimen.id}`, { supervisorId: org.heads.xingzhou.id });
    expect(res.body.supervisor).toMatchObject({ name: '王建国', via: 'explicit' });
    // 王建国 → (explicit) 孙立 would close 孙立 → 王建国 → 孙立
    expectProblem(await admin.patch(`/api/org/members/${org.heads.xingzhou.id}`, { supervisorId: org.villagers.shimen.id }), 409, 'ORG_SUPERVISOR_CYCLE');
    expectProblem(await admin.patch(`/api/org/members/${org.heads.xingzhou.id}`, { supervisorId: org.heads.xingzhou.id }), 409, 'ORG_SUPERVISOR_CYCLE');
    // 张三丰 reports to 王建国 as unit head; making 王建国 report to 李四 (who reports to 张三丰) loops through heads
    expectProblem(await admin.patch(`/api/org/members/${org.heads.xingzhou.id}`, { supervisorId: org.villagers.wulangping.id }), 409, 'ORG_SUPERVISOR_CYCLE');
    const cleared = await admin.patch(`/api/org/members/${org.villagers.shimen.id}`, { supervisorId: null });
    expect(cleared.body.supervisor).toMatchObject({ name: '钱进', via: 'unit-head' });
  });

  it('skips a disabled explicit supervisor', async () => {
    const boss = await org.memberWithRole(null, org.units.jieguanting, '将离任领导');
    await admin.patch(`/api/org/members/${org.villagers.shimen.id}`, { supervisorId: boss.id });
    await admin.patch(`/api/org/members/${boss.id}`, { status: 'disabled' });
    const card = await admin.get(`/api/org/members/${org.villagers.shimen.id}`);
    expect(card.body.supervisor).toMatchObject({ name: '钱进', via: 'unit-head' });
  });
});
