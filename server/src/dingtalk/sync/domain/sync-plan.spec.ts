import { nameKeys } from '../../../org/domain/pinyin.js';
import type { DirDept, DirUser } from './directory.js';
import { planMembers, planUnits, type MemberPlanInput, type MemberRow, type UnitRow } from './sync-plan.js';

const ids = () => {
  let n = 0;
  return () => `new-${++n}`;
};
const unit = (id: string, parentId: string | null, name: string, dingtalkDeptId: string | null, kind: UnitRow['kind'] = 'office', sortOrder = 0): UnitRow => ({
  id,
  parentId,
  name,
  kind,
  sortOrder,
  dingtalkDeptId,
});
const dept = (deptId: string, parentId: string, name: string): DirDept => ({ deptId, parentId, name });

describe('planUnits', () => {
  const root = unit('root', null, '测试县', null, 'county');

  it('first sync: links the root, creates every department parents first with kinds from names', () => {
    const plan = planUnits([root], [dept('30', '20', '东风村'), dept('20', '1', '城关镇'), dept('10', '1', '县教育局')], { complete: true, newId: ids() });
    expect(plan.linkRoot).toBe(true);
    expect(plan.updated).toBe(1);
    expect(plan.creates).toEqual([
      { id: 'new-1', parentId: 'root', name: '城关镇', kind: 'town', sortOrder: 0, dingtalkDeptId: '20' },
      { id: 'new-2', parentId: 'root', name: '县教育局', kind: 'bureau', sortOrder: 1, dingtalkDeptId: '10' },
      { id: 'new-3', parentId: 'new-1', name: '东风村', kind: 'village', sortOrder: 0, dingtalkDeptId: '30' },
    ]);
    expect([...plan.deptUnit]).toEqual([
      ['1', 'root'],
      ['20', 'new-1'],
      ['10', 'new-2'],
      ['30', 'new-3'],
    ]);
    expect(plan.removals).toEqual([]);
  });

  it('a second run over the same departments plans nothing', () => {
    const units = [unit('root', null, '测试县', '1', 'county'), unit('a', 'root', '城关镇', '20', 'town'), unit('b', 'a', '东风村', '30', 'village')];
    const plan = planUnits(units, [dept('20', '1', '城关镇'), dept('30', '20', '东风村')], { complete: true, newId: ids() });
    expect(plan).toMatchObject({ linkRoot: false, links: [], creates: [], renames: [], moves: [], removals: [], updated: 0 });
  });

  it('takes over an unlinked unit of the same name under the same parent, and its unlinked children likewise', () => {
    const units = [unit('root', null, '县', '1', 'county'), unit('fin', 'root', '县财政局', null, 'bureau'), unit('off', 'fin', '预算股', null), unit('x', 'root', '预算股', null)];
    const plan = planUnits(units, [dept('10', '1', '县财政局'), dept('11', '10', '预算股'), dept('12', '1', '县财政局')], { complete: true, newId: ids() });
    expect(plan.links).toEqual([
      { id: 'fin', dingtalkDeptId: '10' },
      { id: 'off', dingtalkDeptId: '11' },
    ]);
    expect(plan.creates).toEqual([expect.objectContaining({ dingtalkDeptId: '12', name: '县财政局' })]); // a unit is taken over once
    expect(plan.updated).toBe(2);
  });

  it('a rename re-reads the kind, unless an administrator chose another kind than the old name suggests', () => {
    const units = [unit('root', null, '测试县', '1', 'county'), unit('a', 'root', '石门乡', '20', 'town'), unit('b', 'root', '综合组', '21', 'bureau')];
    const plan = planUnits(units, [dept('20', '1', '石门村'), dept('21', '1', '综合股')], { complete: true, newId: ids() });
    expect(plan.renames).toEqual([
      { id: 'a', name: '石门村', kind: 'village' },
      { id: 'b', name: '综合股', kind: 'bureau' }, // 综合组 reads as office; bureau was set by hand and stays
    ]);
    expect(plan.updated).toBe(2);
  });

  it('orders moves parent before child, so swapping two units never makes a cycle', () => {
    // Ours: X ⊃ Y. DingTalk now: Y under the root, X under Y.
    const units = [unit('root', null, '县', '1', 'county'), unit('x', 'root', 'X', '10'), unit('y', 'x', 'Y', '20')];
    const plan = planUnits(units, [dept('10', '20', 'X'), dept('20', '1', 'Y')], { complete: true, newId: ids() });
    expect(plan.moves.map((m) => [m.id, m.parentId])).toEqual([
      ['y', 'root'],
      ['x', 'y'],
    ]);
  });

  it('places a new unit after its siblings, and lists gone departments deepest first', () => {
    const units = [
      unit('root', null, '县', '1', 'county'),
      unit('a', 'root', 'A', '10', 'office', 4),
      unit('b', 'a', 'B', '11'),
      unit('c', 'b', 'C', '12'),
      unit('local', 'root', '专班', null, 'office', 9),
    ];
    const plan = planUnits(units, [dept('13', '1', 'D')], { complete: true, newId: ids() });
    expect(plan.creates).toEqual([expect.objectContaining({ parentId: 'root', sortOrder: 10 })]);
    expect(plan.removals.map((r) => r.id)).toEqual(['c', 'b', 'a']); // the hand-made unit is not DingTalk's to remove
  });

  it('for an event, removes only what DingTalk confirmed gone, and hangs an orphan under the root', () => {
    const units = [unit('root', null, '县', '1', 'county'), unit('a', 'root', 'A', '10'), unit('b', 'root', 'B', '11')];
    const plan = planUnits(units, [dept('30', '99', '孤儿')], { complete: false, gone: ['11', '404'], newId: ids() });
    expect(plan.removals).toEqual([{ id: 'b', name: 'B' }]);
    expect(plan.creates).toEqual([expect.objectContaining({ parentId: 'root', dingtalkDeptId: '30' })]);
  });

  it('refuses a database without exactly one root', () => {
    expect(() => planUnits([], [], { complete: true, newId: ids() })).toThrow(/exactly one root/);
  });
});

describe('planMembers', () => {
  const deptUnit = new Map([
    ['1', 'root'],
    ['10', 'ua'],
    ['20', 'ub'],
  ]);
  const synced = new Set(['root', 'ua', 'ub']);
  const user = (over: Partial<DirUser> & { userid: string }): DirUser => ({ name: '张三', mobile: '13500000001', title: null, deptIds: ['10'], leaderIn: [], ...over });
  const row = (over: Partial<MemberRow> & { id: string }): MemberRow => {
    const name = over.name ?? '张三';
    const k = nameKeys(name);
    return { name, phone: '13500000001', title: null, status: 'active', dingtalkUserId: null, nameInitials: k.initials, namePinyin: k.pinyin, ...over };
  };
  const input = (over: Partial<MemberPlanInput>): MemberPlanInput => ({
    users: [],
    members: [],
    memberships: [],
    deptUnit,
    syncedUnitIds: synced,
    rootId: 'root',
    complete: true,
    newId: ids(),
    ...over,
  });

  it('creates a member with search keys and memberships: first department primary, heads marked', () => {
    const plan = planMembers(input({ users: [user({ userid: 'zs', title: '科员', deptIds: ['20', '10', '404'], leaderIn: ['10'] })] }));
    expect(plan.creates).toEqual([{ id: 'new-1', name: '张三', phone: '13500000001', title: '科员', status: 'active', dingtalkUserId: 'zs', nameInitials: 'zs', namePinyin: 'zhangsan' }]);
    expect(plan.memberships.inserts).toEqual([
      { memberId: 'new-1', unitId: 'ub', isHead: false, isPrimary: true },
      { memberId: 'new-1', unitId: 'ua', isHead: true, isPrimary: false },
    ]);
    expect(plan.updated).toBe(0);
  });

  it('puts a user whose departments are all unknown in the root unit', () => {
    const plan = planMembers(input({ users: [user({ userid: 'zs', deptIds: ['404'] })] }));
    expect(plan.memberships.inserts).toEqual([{ memberId: 'new-1', unitId: 'root', isHead: false, isPrimary: true }]);
  });

  it('links an unlinked member holding the mobile, instead of creating one', () => {
    const plan = planMembers(input({ users: [user({ userid: 'zs' })], members: [row({ id: 'm1', name: '旧名' })], memberships: [{ memberId: 'm1', unitId: 'ua', isHead: false, isPrimary: true }] }));
    expect(plan.creates).toEqual([]);
    expect(plan.updates).toEqual([expect.objectContaining({ id: 'm1', name: '张三', dingtalkUserId: 'zs' })]);
    expect(plan.memberships).toEqual({ deletes: [], updates: [], inserts: [] });
    expect(plan.updated).toBe(1);
  });

  it('plans nothing for a member already in step', () => {
    const plan = planMembers(
      input({
        users: [user({ userid: 'zs', leaderIn: ['10'] })],
        members: [row({ id: 'm1', dingtalkUserId: 'zs' })],
        memberships: [{ memberId: 'm1', unitId: 'ua', isHead: true, isPrimary: true }],
      }),
    );
    expect(plan).toEqual({ creates: [], updates: [], disables: [], memberships: { deletes: [], updates: [], inserts: [] }, skipped: [], updated: 0 });
  });

  it('moves memberships in synced units; keeps hand-made ones but takes away their primary mark', () => {
    const plan = planMembers(
      input({
        users: [user({ userid: 'zs', deptIds: ['20', '10'] })],
        members: [row({ id: 'm1', dingtalkUserId: 'zs' })],
        memberships: [
          { memberId: 'm1', unitId: 'local', isHead: true, isPrimary: true },
          { memberId: 'm1', unitId: 'ua', isHead: true, isPrimary: false },
          { memberId: 'm1', unitId: 'root', isHead: false, isPrimary: false },
        ],
      }),
    );
    expect(plan.memberships).toEqual({
      deletes: [{ memberId: 'm1', unitId: 'root' }],
      updates: [
        { memberId: 'm1', unitId: 'local', isHead: true, isPrimary: false },
        { memberId: 'm1', unitId: 'ua', isHead: false, isPrimary: false },
      ],
      inserts: [{ memberId: 'm1', unitId: 'ub', isHead: false, isPrimary: true }],
    });
    expect(plan.updates).toEqual([]);
    expect(plan.updated).toBe(1);
  });

  it('skips a new user without a mobile, but still updates a linked member without one (keeping the phone)', () => {
    const plan = planMembers(
      input({
        users: [user({ userid: 'new', mobile: null }), user({ userid: 'zs', name: '张三丰', mobile: null })],
        members: [row({ id: 'm1', dingtalkUserId: 'zs' })],
        memberships: [{ memberId: 'm1', unitId: 'ua', isHead: false, isPrimary: true }],
      }),
    );
    expect(plan.skipped).toEqual([{ userid: 'new', name: '张三', reason: expect.stringContaining('手机号') }]);
    expect(plan.updates).toEqual([expect.objectContaining({ id: 'm1', name: '张三丰', phone: '13500000001' })]);
    expect(plan.disables).toEqual([]);
  });

  it('skips a user whose mobile belongs to a member linked to someone else, and one whose number another member holds', () => {
    const plan = planMembers(
      input({
        users: [user({ userid: 'zs', mobile: '13500000002' }), user({ userid: 'ls', mobile: '13500000003' })],
        members: [row({ id: 'm1', dingtalkUserId: 'zs' }), row({ id: 'm2', name: '王五', phone: '13500000002', dingtalkUserId: 'ww' }), row({ id: 'm3', name: '赵六', phone: '13500000003' })],
        complete: false,
      }),
    );
    expect(plan.skipped).toEqual([{ userid: 'zs', name: '张三', reason: expect.stringContaining('ww') }]);
    // ls has no member yet and the unlinked 赵六 holds the number: linked.
    expect(plan.updates).toEqual([expect.objectContaining({ id: 'm3', dingtalkUserId: 'ls' })]);
  });

  it('does not hand a number given up in this run to someone else until the next run', () => {
    const plan = planMembers(
      input({
        users: [user({ userid: 'a', mobile: '13500000009' }), user({ userid: 'b', name: '李四', mobile: '13500000001' })],
        members: [row({ id: 'ma', dingtalkUserId: 'a', phone: '13500000001' })],
      }),
    );
    expect(plan.updates).toEqual([expect.objectContaining({ id: 'ma', phone: '13500000009' })]);
    expect(plan.creates).toEqual([]);
    expect(plan.skipped).toEqual([{ userid: 'b', name: '李四', reason: expect.stringContaining('13500000001') }]);
  });

  it('full sync: disables linked members DingTalk no longer lists (never the unlinked), keeping their memberships; re-enables one who is back', () => {
    const plan = planMembers(
      input({
        users: [user({ userid: 'back' })],
        members: [row({ id: 'm1', dingtalkUserId: 'gone', phone: '1' }), row({ id: 'm2', phone: '2' }), row({ id: 'm3', dingtalkUserId: 'back', status: 'disabled' })],
        memberships: [
          { memberId: 'm1', unitId: 'ua', isHead: false, isPrimary: true },
          { memberId: 'm3', unitId: 'ua', isHead: false, isPrimary: true },
        ],
      }),
    );
    expect(plan.disables).toEqual(['m1']);
    expect(plan.updates).toEqual([expect.objectContaining({ id: 'm3', status: 'active' })]);
    expect(plan.memberships.deletes).toEqual([]);
  });

  it('event: disables only users DingTalk confirmed gone', () => {
    const members = [row({ id: 'm1', dingtalkUserId: 'a', phone: '1' }), row({ id: 'm2', dingtalkUserId: 'b', phone: '2' })];
    expect(planMembers(input({ members, complete: false })).disables).toEqual([]);
    expect(planMembers(input({ members, complete: false, gone: ['b'] })).disables).toEqual(['m2']);
  });

  it('cuts names and titles to the column sizes and refuses a phone too long to store', () => {
    const plan = planMembers(input({ users: [user({ userid: 'a', name: '名'.repeat(60), title: '长'.repeat(120) }), user({ userid: 'b', mobile: '+86-135-0000-0000-0000-99' })] }));
    expect(plan.creates[0].name).toHaveLength(50);
    expect(plan.creates[0].title).toHaveLength(100);
    expect(plan.skipped).toEqual([expect.objectContaining({ userid: 'b', reason: expect.stringContaining('过长') })]);
  });
});

