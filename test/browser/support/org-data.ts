import { ADMIN } from './server';

/** A member the browser tests look for. */
export interface OrgPerson {
  id: string;
  name: string;
  phone: string;
  title: string;
  dingtalkUserId?: string;
}

export interface OrgUnit {
  id: string;
  name: string;
}

/**
 * 测试县 › 兴州街道 (head 王建国) › 五郎坪村 (head 张三丰, member 李四) and 石门村 (head 刘红梅, whose
 * supervisor is set to 王建国 by hand); 李四's supervisor is not set, so it defaults to 张三丰.
 * 赵六 was in 石门村 and has been disabled: lists and counts leave him out, his card says so.
 */
export interface SmallOrg {
  root: OrgUnit;
  town: OrgUnit;
  village: OrgUnit;
  otherVillage: OrgUnit;
  townHead: OrgPerson;
  zhang: OrgPerson;
  li: OrgPerson;
  liu: OrgPerson;
  retired: OrgPerson;
}

interface UnitAnswer {
  id: string;
  name: string;
}

/** Calls the API as the administrator; any answer but 2xx fails the test with the problem's text. */
export class AdminApi {
  private constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static async signIn(baseUrl: string): Promise<AdminApi> {
    const answer = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    if (answer.status !== 200) throw new Error(`admin sign-in answered ${answer.status}: ${await answer.text()}`);
    const session = (await answer.json()) as { accessToken: string };
    return new AdminApi(baseUrl, session.accessToken);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await fetch(`${this.baseUrl}/api${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    if (answer.status < 200 || answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** Creates the small org above through the API, as the administrator would. */
export async function createSmallOrg(api: AdminApi): Promise<SmallOrg> {
  const tree = await api.call<{ roots: UnitAnswer[] }>('GET', '/org/units/tree?depth=0');
  const root = tree.roots[0];
  if (!root) throw new Error('the server has no root unit');

  const unit = async (parentId: string, name: string, kind: string): Promise<OrgUnit> => {
    const created = await api.call<UnitAnswer>('POST', '/org/units', { parentId, name, kind });
    return { id: created.id, name: created.name };
  };
  const person = async (
    fields: Omit<OrgPerson, 'id'>,
    units: Array<{ unitId: string; isHead?: boolean; isPrimary?: boolean }>,
    supervisorId?: string,
  ): Promise<OrgPerson> => {
    const created = await api.call<{ id: string }>('POST', '/org/members', { ...fields, units, ...(supervisorId ? { supervisorId } : {}) });
    return { id: created.id, ...fields };
  };

  const town = await unit(root.id, '兴州街道', 'town');
  const village = await unit(town.id, '五郎坪村', 'village');
  const otherVillage = await unit(town.id, '石门村', 'village');

  const townHead = await person({ name: '王建国', phone: '13900000101', title: '党工委书记' }, [{ unitId: town.id, isHead: true }]);
  const zhang = await person(
    { name: '张三丰', phone: '13900000102', title: '村党支部书记', dingtalkUserId: 'zhangsanfeng' },
    [{ unitId: village.id, isHead: true, isPrimary: true }],
  );
  const li = await person({ name: '李四', phone: '13900000103', title: '村委委员', dingtalkUserId: 'lisi' }, [{ unitId: village.id }]);
  const liu = await person({ name: '刘红梅', phone: '13900000104', title: '村委会主任' }, [{ unitId: otherVillage.id, isHead: true }], townHead.id);

  const retired = await person({ name: '赵六', phone: '13900000105', title: '原村委委员' }, [{ unitId: otherVillage.id }]);
  await api.call('PATCH', `/org/members/${retired.id}`, { status: 'disabled' });

  return { root: { id: root.id, name: root.name }, town, village, otherVillage, townHead, zhang, li, liu, retired };
}
