import { Role } from '@lianxin/shared';
import type { MadeMember } from '../support/factory';
import { as, buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { expectProblem, useTestApp } from '../support/test-app';

/**
 * The scope matrix: for every role granted at 兴州街道, what its holder may do inside (五郎坪村 and its
 * people) and outside (接官亭镇's 石门村) — read by id, list, write. Reads outside scope are 404 (the
 * record's existence is not revealed), writes 403.
 */
const ctx = useTestApp('org-scope');
let org: OrgFixture;
const actors = new Map<Role, MadeMember>();

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  for (const role of Object.values(Role)) actors.set(role, await org.memberWithRole(role, org.units.xingzhou, `${role}-actor`));
});

const readers: Role[] = [Role.Admin, Role.Leader, Role.Supervisor, Role.Auditor, Role.Approver, Role.Staff];

describe.each(Object.values(Role))('role %s granted at 兴州街道', (role) => {
  const reads = readers.includes(role);
  const writes = role === Role.Admin;

  it(`reads by id inside its subtree: ${reads ? 'allowed' : '404'}`, async () => {
    const api = await as(ctx, actors.get(role)!);
    const unit = await api.get(`/api/org/units/${org.units.wulangping}`);
    const member = await api.get(`/api/org/members/${org.villagers.wulangping.id}`);
    const chain = await api.get(`/api/org/members/${org.villagers.wulangping.id}/chain`);
    if (reads) {
      expect([unit.status, member.status, chain.status]).toEqual([200, 200, 200]);
      expect(unit.body.name).toBe('五郎坪村');
      expect(member.body.name).toBe('李四');
    } else {
      expectProblem(unit, 404, 'ORG_UNIT_NOT_FOUND');
      expectProblem(member, 404, 'ORG_MEMBER_NOT_FOUND');
      expectProblem(chain, 404, 'ORG_MEMBER_NOT_FOUND');
    }
  });

  it('reads by id outside its subtree: 404, exactly as for an id that does not exist', async () => {
    const api = await as(ctx, actors.get(role)!);
    expectProblem(await api.get(`/api/org/units/${org.units.shimen}`), 404, 'ORG_UNIT_NOT_FOUND');
    expectProblem(await api.get(`/api/org/units/${org.units.shimen}/members`), 404, 'ORG_UNIT_NOT_FOUND');
    expectProblem(await api.get(`/api/org/members/${org.villagers.shimen.id}`), 404, 'ORG_MEMBER_NOT_FOUND');
    expectProblem(await api.get(`/api/org/members/${org.villagers.shimen.id}/chain`), 404, 'ORG_MEMBER_NOT_FOUND');
    expectProblem(await api.get(`/api/org/units/tree?root=${org.units.jieguanting}`), 404, 'ORG_UNIT_NOT_FOUND');
    const missing = await api.get(`/api/org/members/00000000-0000-4000-8000-000000000000`);
    expectProblem(missing, 404, 'ORG_MEMBER_NOT_FOUND');
  });

  it(`lists only what is in scope`, async () => {
    const api = await as(ctx, actors.get(role)!);
    const tree = await api.get('/api/org/units/tree?depth=5');
    const search = await api.get('/api/org/members?limit=200');
    const subtree = await api.get(`/api/org/units/${org.units.xingzhou}/members?recursive=true&limit=200`);
    expect([tree.status, search.status]).toEqual([200, 200]);
    const names = (search.body.items as { name: string }[]).map((m) => m.name);
    if (reads) {
      expect(tree.body.roots.map((r: { name: string }) => r.name)).toEqual(['兴州街道']);
      expect(names).toEqual(expect.arrayContaining(['李四', '周小红', '张三丰', '王建国']));
      expect(subtree.status).toBe(200);
      expect((subtree.body.items as { name: string }[]).map((m) => m.name)).toEqual(expect.arrayContaining(['李四', '周小红', '张三丰']));
    } else {
      expect(tree.body.roots).toEqual([]);
      expect(names).toEqual([]);
      expectProblem(subtree, 404, 'ORG_UNIT_NOT_FOUND');
    }
    expect(names).not.toContain('孙立');
    expect(names).not.toContain('钱进');
    expect(JSON.stringify(tree.body)).not.toContain('接官亭镇');
  });

  it(`writes inside its subtree: ${writes ? 'allowed' : '403'}`, async () => {
    const api = await as(ctx, actors.get(role)!);
    const rename = await api.patch(`/api/org/units/${org.units.hejiayan}`, { name: writes ? '何家岩村' : '改名' });
    const edit = await api.patch(`/api/org/members/${org.villagers.hejiayan.id}`, { title: '文书' });
    const create = await api.post('/api/org/units', { parentId: org.units.hejiayan, name: `${role}新组`, kind: 'office' });
    if (writes) {
      expect([rename.status, edit.status, create.status]).toEqual([200, 200, 201]);
      expect(await api.delete(`/api/org/units/${create.body.id}`).then((r) => r.status)).toBe(204);
    } else {
      expectProblem(rename, 403, 'AUTH_FORBIDDEN');
      expectProblem(edit, 403, 'AUTH_FORBIDDEN');
      expectProblem(create, 403, 'AUTH_FORBIDDEN');
      const [u] = await org.ds.query<{ name: string }[]>(`SELECT name FROM unit WHERE id = $1`, [org.units.hejiayan]);
      expect(u.name).toBe('何家岩村');
    }
  });

  it('writes outside its subtree: 403, nothing changed', async () => {
    const api = await as(ctx, actors.get(role)!);
    expectProblem(await api.patch(`/api/org/units/${org.units.shimen}`, { name: '改名' }), 403, 'AUTH_FORBIDDEN');
    expectProblem(await api.delete(`/api/org/units/${org.units.shimen}`), 403, 'AUTH_FORBIDDEN');
    expectProblem(await api.patch(`/api/org/members/${org.villagers.shimen.id}`, { title: '改' }), 403, 'AUTH_FORBIDDEN');
    expectProblem(await api.post('/api/org/units', { parentId: org.units.jieguanting, name: '新村', kind: 'village' }), 403, 'AUTH_FORBIDDEN');
    const newMember = await api.post('/api/org/members', { name: '新人', phone: '13712345678', units: [{ unitId: org.units.shimen }] });
    expectProblem(newMember, 403, 'AUTH_FORBIDDEN');
    const [[u], [m], [n]] = await Promise.all([
      org.ds.query(`SELECT name FROM unit WHERE id = $1`, [org.units.shimen]),
      org.ds.query(`SELECT title FROM member WHERE id = $1`, [org.villagers.shimen.id]),
      org.ds.query(`SELECT count(*)::int AS n FROM member WHERE phone = '13712345678'`),
    ]);
    expect([u.name, m.title, n.n]).toEqual(['石门村', '村民小组长', 0]);
  });
});

describe('scope edges', () => {
  it('an admin of a town cannot move its own town or delete it: that changes the county level', async () => {
    const api = await as(ctx, actors.get(Role.Admin)!);
    expectProblem(await api.patch(`/api/org/units/${org.units.xingzhou}`, { parentId: org.units.finance }), 403, 'AUTH_FORBIDDEN');
    expectProblem(await api.delete(`/api/org/units/${org.units.xingzhou}`), 403, 'AUTH_FORBIDDEN');
    expect((await api.patch(`/api/org/units/${org.units.xingzhou}`, { name: '兴州街道' })).status).toBe(200);
  });

  it('a member in two towns is written only by someone who administers both', async () => {
    const both = await org.memberWithRole(null, org.units.wulangping, '两地兼职');
    await org.ds.query(`INSERT INTO membership (member_id, unit_id) VALUES ($1, $2)`, [both.id, org.units.shimen]);
    const api = await as(ctx, actors.get(Role.Admin)!);
    expect((await api.get(`/api/org/members/${both.id}`)).status).toBe(200);
    expectProblem(await api.patch(`/api/org/members/${both.id}`, { title: '改' }), 403, 'AUTH_FORBIDDEN');
    const admin = await as(ctx, { id: '', phone: '13900000001', password: 'Admin-pass-2026' });
    expect((await admin.patch(`/api/org/members/${both.id}`, { title: '驻村干部' })).body.title).toBe('驻村干部');
  });

  it('plain membership lets a villager read their own village only', async () => {
    const api = await as(ctx, org.villagers.wulangping);
    expect((await api.get(`/api/org/members/${org.heads.wulangping.id}`)).status).toBe(200);
    expectProblem(await api.get(`/api/org/members/${org.villagers.hejiayan.id}`), 404, 'ORG_MEMBER_NOT_FOUND');
    expectProblem(await api.get(`/api/org/units/${org.units.xingzhou}`), 404, 'ORG_UNIT_NOT_FOUND');
    const tree = await api.get('/api/org/units/tree');
    expect(tree.body.roots.map((r: { name: string }) => r.name)).toEqual(['五郎坪村']);
  });
});
