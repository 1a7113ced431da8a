import { Role, UnitKind } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { nameKeys } from '../../server/src/org/domain/pinyin';
import { OrgTree } from '../../server/src/org/org-tree.repository';
import { makeMember, type MadeMember } from './factory';
import type { TestContext } from './test-app';

/**
 * A small county for org tests, under the bootstrap root (测试县):
 *
 *   测试县 ─ 财政局 ─ 预算科
 *         ├ 兴州街道 ─ 五郎坪村, 何家岩村
 *         └ 接官亭镇 ─ 石门村
 *
 * with a head in each town and village (张三丰 heads 五郎坪村) and one ordinary villager per village.
 */
export interface OrgFixture {
  ds: DataSource;
  rootId: string;
  units: Record<'finance' | 'budget' | 'xingzhou' | 'wulangping' | 'hejiayan' | 'jieguanting' | 'shimen', string>;
  heads: Record<'xingzhou' | 'wulangping' | 'jieguanting' | 'shimen', MadeMember>;
  villagers: Record<'wulangping' | 'hejiayan' | 'shimen', MadeMember>;
  /** A member with `role` granted at `unitId` (and primary membership there). */
  memberWithRole(role: Role | null, unitId: string, name?: string): Promise<MadeMember>;
}

export async function buildOrgFixture(ctx: TestContext): Promise<OrgFixture> {
  const ds = ctx.created.app.get(DataSource);
  const [{ id: rootId }] = await ds.query<{ id: string }[]>(`SELECT id FROM unit WHERE parent_id IS NULL`);
  const unit = (parentId: string, name: string, kind: UnitKind) => ds.transaction((tx) => OrgTree.insertUnit(tx, { parentId, name, kind }));
  const finance = await unit(rootId, '财政局', UnitKind.Bureau);
  const budget = await unit(finance, '预算科', UnitKind.Office);
  const xingzhou = await unit(rootId, '兴州街道', UnitKind.Town);
  const wulangping = await unit(xingzhou, '五郎坪村', UnitKind.Village);
  const hejiayan = await unit(xingzhou, '何家岩村', UnitKind.Village);
  const jieguanting = await unit(rootId, '接官亭镇', UnitKind.Town);
  const shimen = await unit(jieguanting, '石门村', UnitKind.Village);
  const head = async (unitId: string, name: string, title: string) => {
    const m = await makeMember(ds, { unitId, name, title });
    await ds.query(`UPDATE membership SET is_head = true WHERE member_id = $1`, [m.id]);
    await keys(ds, m.id, name);
    return m;
  };
  const plain = async (unitId: string, name: string) => {
    const m = await makeMember(ds, { unitId, name, title: '村民小组长' });
    await keys(ds, m.id, name);
    return m;
  };
  const heads = {
    xingzhou: await head(xingzhou, '王建国', '街道办主任'),
    wulangping: await head(wulangping, '张三丰', '村支书'),
    jieguanting: await head(jieguanting, '赵德明', '镇长'),
    shimen: await head(shimen, '钱进', '村主任'),
  };
  const villagers = {
    wulangping: await plain(wulangping, '李四'),
    hejiayan: await plain(hejiayan, '周小红'),
    shimen: await plain(shimen, '孙立'),
  };
  return {
    ds,
    rootId,
    units: { finance, budget, xingzhou, wulangping, hejiayan, jieguanting, shimen },
    heads,
    villagers,
    async memberWithRole(role, unitId, name = `角色${role ?? '无'}`) {
      const m = await makeMember(ds, { unitId, name });
      if (role) await ds.query(`INSERT INTO role_grant (member_id, unit_id, role) VALUES ($1, $2, $3)`, [m.id, unitId, role]);
      return m;
    },
  };
}

/** makeMember does not fill the pinyin search keys; the API does, so fixtures do too. */
async function keys(ds: DataSource, memberId: string, name: string): Promise<void> {
  const k = nameKeys(name);
  await ds.query(`UPDATE member SET name_initials = $2, name_pinyin = $3 WHERE id = $1`, [memberId, k.initials, k.pinyin]);
}

/** Signs in as a fixture member and returns an authorised request builder. */
export async function as(ctx: TestContext, m: MadeMember) {
  const { accessToken } = await ctx.login(m.phone, m.password);
  const auth = { Authorization: `Bearer ${accessToken}` };
  return {
    get: (path: string) => ctx.http().get(path).set(auth),
    post: (path: string, body?: object) => ctx.http().post(path).set(auth).send(body),
    patch: (path: string, body?: object) => ctx.http().patch(path).set(auth).send(body),
    delete: (path: string) => ctx.http().delete(path).set(auth),
  };
}
