import type { UnitNode } from '@lianxin/shared';
import { as, buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { ADMIN, expectProblem, useTestApp } from '../support/test-app';

const ctx = useTestApp('org-units');
let org: OrgFixture;
let admin: Awaited<ReturnType<typeof as>>;

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  admin = await as(ctx, { id: '', ...ADMIN });
});

const find = (nodes: UnitNode[], name: string): UnitNode | undefined => {
  for (const n of nodes) {
    if (n.name === name) return n;
    const hit = find(n.children, name);
    if (hit) return hit;
  }
  return undefined;
};

describe('GET /api/org/units/tree', () => {
  it('nests units in sibling order with direct and recursive member counts', async () => {
    const res = await admin.get('/api/org/units/tree?depth=5');
    expect(res.status).toBe(200);
    const [root] = res.body.roots as UnitNode[];
    expect(root.name).toBe('测试县');
    expect(root.children.map((c) => c.name)).toEqual(['财政局', '兴州街道', '接官亭镇']);
    const xingzhou = find(res.body.roots, '兴州街道')!;
    expect(xingzhou.children.map((c) => c.name)).toEqual(['五郎坪村', '何家岩村']);
    // 兴州街道: its head; 五郎坪村: head + villager; 何家岩村: villager.
    expect({ direct: xingzhou.directMembers, total: xingzhou.totalMembers }).toEqual({ direct: 1, total: 4 });
    expect(find(res.body.roots, '五郎坪村')).toMatchObject({ directMembers: 2, totalMembers: 2, hasChildren: false, children: [] });
    // the admin + 7 fixture members, each counted once
    expect(root.totalMembers).toBe(8);
  });

  it('stops at the requested depth and says where there is more', async () => {
    const res = await admin.get(`/api/org/units/tree?root=${org.units.xingzhou}&depth=0`);
    expect(res.body.roots).toHaveLength(1);
    expect(res.body.roots[0]).toMatchObject({ name: '兴州街道', children: [], hasChildren: true });
  });

  it('does not count disabled members', async () => {
    const m = await org.memberWithRole(null, org.units.budget, '停用的科员');
    await org.ds.query(`UPDATE member SET status = 'disabled' WHERE id = $1`, [m.id]);
    const res = await admin.get(`/api/org/units/tree?root=${org.units.finance}`);
    expect(res.body.roots[0]).toMatchObject({ directMembers: 0, totalMembers: 0 });
  });

  it('refuses bad input with a clear 400', async () => {
    expectProblem(await admin.get('/api/org/units/tree?depth=abc'), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.get('/api/org/units/tree?depth=99'), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.get('/api/org/units/tree?root=not-a-uuid'), 400, 'VALIDATION_FAILED');
    expectProblem(await ctx.http().get('/api/org/units/tree'), 401, 'AUTH_UNAUTHENTICATED');
  });
});

describe('GET /api/org/units/:id', () => {
  it('gives the path from the top and the counts', async () => {
    const res = await admin.get(`/api/org/units/${org.units.wulangping}`);
    expect(res.body).toMatchObject({ name: '五郎坪村', kind: 'village', parentId: org.units.xingzhou, childCount: 0, directMembers: 2, totalMembers: 2 });
    expect(res.body.path.map((u: { name: string }) => u.name)).toEqual(['测试县', '兴州街道']);
    expectProblem(await admin.get('/api/org/units/zzz'), 400, 'VALIDATION_FAILED');
  });
});

describe('changing the tree', () => {
  it('creates a unit last among its siblings, or at a given position', async () => {
    const last = await admin.post('/api/org/units', { parentId: org.units.jieguanting, name: '白岩村', kind: 'village' });
    expect(last.status).toBe(201);
    expect(last.body.path.map((u: { name: string }) => u.name)).toEqual(['测试县', '接官亭镇']);
    const first = await admin.post('/api/org/units', { parentId: org.units.jieguanting, name: '鱼洞子村', kind: 'village', sortOrder: 0 });
    expect(first.status).toBe(201);
    const tree = await admin.get(`/api/org/units/tree?root=${org.units.jieguanting}&depth=1`);
    expect(tree.body.roots[0].children.map((c: UnitNode) => c.name)).toEqual(['鱼洞子村', '石门村', '白岩村']);
  });

  it('refuses a duplicate sibling name, a bad kind, a missing name and an unknown parent; nothing is created', async () => {
    const before = await org.ds.query(`SELECT count(*)::int AS n FROM unit`);
    expectProblem(await admin.post('/api/org/units', { parentId: org.units.xingzhou, name: '五郎坪村', kind: 'village' }), 409, 'ORG_UNIT_NAME_TAKEN');
    const bad = expectProblem(await admin.post('/api/org/units', { parentId: org.units.xingzhou, name: '', kind: 'city', extra: 1 }), 400, 'VALIDATION_FAILED');
    expect((bad.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['extra', 'kind', 'name']);
    expectProblem(await admin.post('/api/org/units', { parentId: '00000000-0000-4000-8000-000000000000', name: '某村', kind: 'village' }), 404, 'ORG_UNIT_NOT_FOUND');
    expectProblem(await admin.post('/api/org/units', { parentId: org.units.xingzhou, name: '长'.repeat(101), kind: 'village' }), 400, 'VALIDATION_FAILED');
    expect(await org.ds.query(`SELECT count(*)::int AS n FROM unit`)).toEqual(before);
  });

  it('moves a subtree, and refuses moving a unit under itself or its descendants (409)', async () => {
    const town = await admin.post('/api/org/units', { parentId: org.rootId, name: '金家河镇', kind: 'town' });
    const village = await admin.post('/api/org/units', { parentId: town.body.id, name: '石坝村', kind: 'village' });
    expectProblem(await admin.patch(`/api/org/units/${town.body.id}`, { parentId: village.body.id }), 409, 'ORG_UNIT_MOVE_CYCLE');
    expectProblem(await admin.patch(`/api/org/units/${town.body.id}`, { parentId: town.body.id }), 409, 'ORG_UNIT_MOVE_CYCLE');
    expectProblem(await admin.patch(`/api/org/units/${org.rootId}`, { parentId: town.body.id }), 409, 'ORG_ROOT_IMMUTABLE');
    const moved = await admin.patch(`/api/org/units/${village.body.id}`, { parentId: org.units.xingzhou });
    expect(moved.status).toBe(200);
    expect(moved.body.path.map((u: { name: string }) => u.name)).toEqual(['测试县', '兴州街道']);
    const tree = await admin.get(`/api/org/units/tree?root=${org.units.xingzhou}&depth=1`);
    expect(tree.body.roots[0].children.map((c: UnitNode) => c.name)).toEqual(['五郎坪村', '何家岩村', '石坝村']);
  });

  it('renames and re-kinds; the root can be renamed but not deleted', async () => {
    const res = await admin.patch(`/api/org/units/${org.units.budget}`, { name: '预算股', kind: 'office' });
    expect(res.body.name).toBe('预算股');
    expectProblem(await admin.delete(`/api/org/units/${org.rootId}`), 409, 'ORG_ROOT_IMMUTABLE');
    expectProblem(await admin.patch(`/api/org/units/${org.units.budget}`, { name: '  ' }), 400, 'VALIDATION_FAILED');
  });

  it('refuses to delete a unit with members or sub-units, naming the counts', async () => {
    const withChildren = expectProblem(await admin.delete(`/api/org/units/${org.units.xingzhou}`), 409, 'ORG_UNIT_NOT_EMPTY');
    expect(withChildren).toMatchObject({ children: 3, members: 1 });
    expect(withChildren.detail).toContain('3 个下级单位');
    const withMembers = expectProblem(await admin.delete(`/api/org/units/${org.units.hejiayan}`), 409, 'ORG_UNIT_NOT_EMPTY');
    expect(withMembers).toMatchObject({ children: 0, members: 1 });
    const empty = await admin.post('/api/org/units', { parentId: org.units.hejiayan, name: '临时组', kind: 'office' });
    expect((await admin.delete(`/api/org/units/${empty.body.id}`)).status).toBe(204);
    expectProblem(await admin.get(`/api/org/units/${empty.body.id}`), 404, 'ORG_UNIT_NOT_FOUND');
  });
});
