import { MemberStatus, type UnitKind } from '@lianxin/shared';
import { nameKeys } from '../../../org/domain/pinyin.js';
import { inferUnitKind } from '../../../org/domain/unit-kind.js';
import { ROOT_DEPT_ID, type DirDept, type DirUser } from './directory.js';

/*
 * What a sync changes, worked out from our rows and DingTalk's records without touching the
 * database: the full sync passes everything (`complete`), an event passes only the departments and
 * users it names. Applying the plan is the repository's job; a plan of nothing means nothing changed.
 */

export interface UnitRow {
  id: string;
  parentId: string | null;
  name: string;
  kind: UnitKind;
  sortOrder: number;
  dingtalkDeptId: string | null;
}

export interface UnitCreate {
  /** Fresh id; children in the same plan refer to it as their parentId. */
  id: string;
  parentId: string;
  name: string;
  kind: UnitKind;
  sortOrder: number;
  dingtalkDeptId: string;
}

export interface UnitPlan {
  rootId: string;
  /** The root unit is not yet linked to department 1. */
  linkRoot: boolean;
  /** Units made by hand (or imported) that a department of the same name under the same parent takes over. */
  links: Array<{ id: string; dingtalkDeptId: string }>;
  /** Parents before children. */
  creates: UnitCreate[];
  renames: Array<{ id: string; name: string; kind: UnitKind }>;
  /** In DingTalk's parent-before-child order, so applying them one by one never builds a cycle. */
  moves: Array<{ id: string; parentId: string; sortOrder: number }>;
  /** Units whose department is gone from DingTalk, deepest first: removed when empty, kept otherwise. */
  removals: Array<{ id: string; name: string }>;
  /** DingTalk department id → unit id, for every linked unit once the plan is applied. */
  deptUnit: Map<string, string>;
  /** Units renamed, moved or (the root) linked. */
  updated: number;
}

const UNIT_NAME_MAX = 100;

/**
 * Units for DingTalk departments. A department without a unit takes over an unlinked unit of the
 * same name under the same parent (an org imported before it was synced), or else becomes a new
 * unit whose kind is read from its name; a renamed one gets the kind of its new name unless an
 * administrator had chosen another kind.
 */
export function planUnits(units: UnitRow[], depts: DirDept[], opts: { complete: boolean; gone?: string[]; newId: () => string }): UnitPlan {
  const roots = units.filter((u) => u.parentId === null);
  if (roots.length !== 1) throw new Error(`expected exactly one root unit, found ${roots.length}`);
  const root = roots[0];
  const byId = new Map(units.map((u) => [u.id, { ...u }]));
  const deptUnit = new Map<string, string>();
  for (const u of units) if (u.dingtalkDeptId && u.id !== root.id) deptUnit.set(u.dingtalkDeptId, u.id);
  deptUnit.set(ROOT_DEPT_ID, root.id);
  const plan: UnitPlan = { rootId: root.id, linkRoot: root.dingtalkDeptId !== ROOT_DEPT_ID, links: [], creates: [], renames: [], moves: [], removals: [], deptUnit, updated: 0 };
  const unlinked = new Map<string, UnitRow>(); // "parentId/name" → a unit no department claims yet
  for (const u of units) if (!u.dingtalkDeptId && u.parentId && !unlinked.has(`${u.parentId}/${u.name}`)) unlinked.set(`${u.parentId}/${u.name}`, u);
  if (plan.linkRoot) plan.updated++;

  const nextSort = new Map<string, number>();
  for (const u of units) if (u.parentId) nextSort.set(u.parentId, Math.max(nextSort.get(u.parentId) ?? 0, u.sortOrder + 1));
  const takeSort = (parentId: string) => {
    const n = nextSort.get(parentId) ?? 0;
    nextSort.set(parentId, n + 1);
    return n;
  };

  /** The kind a department name suggests where it sits: 局/办/委 are bureaus only directly under the county. */
  const kindOf = (name: string, parentId: string | null) => {
    const parent = parentId ? byId.get(parentId) : undefined;
    return inferUnitKind(name, { isRoot: parent?.parentId === null, kind: parent?.kind ?? ('office' as UnitKind) });
  };

  const seen = new Set<string>();
  for (const d of parentsFirst(depts.filter((d) => d.deptId !== ROOT_DEPT_ID), new Set(deptUnit.keys()))) {
    if (seen.has(d.deptId)) continue;
    seen.add(d.deptId);
    const parentId = deptUnit.get(d.parentId) ?? root.id;
    const name = d.name.trim().slice(0, UNIT_NAME_MAX) || `部门${d.deptId}`;
    const unitId = deptUnit.get(d.deptId);
    const unit = unitId ? byId.get(unitId) : undefined;
    const adopt = unit ? undefined : unlinked.get(`${parentId}/${name}`);
    if (adopt) {
      unlinked.delete(`${parentId}/${name}`);
      plan.links.push({ id: adopt.id, dingtalkDeptId: d.deptId });
      deptUnit.set(d.deptId, adopt.id);
      plan.updated++;
      continue;
    }
    if (!unit) {
      const created: UnitCreate = { id: opts.newId(), parentId, name, kind: kindOf(name, parentId), sortOrder: takeSort(parentId), dingtalkDeptId: d.deptId };
      plan.creates.push(created);
      deptUnit.set(d.deptId, created.id);
      byId.set(created.id, { ...created });
      continue;
    }
    let changed = false;
    if (unit.name !== name) {
      const kind = unit.kind === kindOf(unit.name, unit.parentId) ? kindOf(name, unit.parentId) : unit.kind;
      plan.renames.push({ id: unit.id, name, kind });
      unit.name = name;
      unit.kind = kind;
      changed = true;
    }
    if (unit.parentId !== parentId) {
      const sortOrder = takeSort(parentId);
      plan.moves.push({ id: unit.id, parentId, sortOrder });
      unit.parentId = parentId;
      changed = true;
    }
    if (changed) plan.updated++;
  }

  const goneDepts = opts.complete
    ? [...deptUnit.keys()].filter((id) => id !== ROOT_DEPT_ID && !seen.has(id))
    : (opts.gone ?? []).filter((id) => id !== ROOT_DEPT_ID && deptUnit.has(id) && !seen.has(id));
  const depth = (id: string) => {
    let n = 0;
    for (let u = byId.get(id); u?.parentId && n < 1000; u = byId.get(u.parentId)) n++;
    return n;
  };
  plan.removals = goneDepts
    .map((dept) => byId.get(deptUnit.get(dept)!)!)
    .sort((a, b) => depth(b.id) - depth(a.id))
    .map((u) => ({ id: u.id, name: u.name }));
  return plan;
}

/**
 * Departments ordered so each comes after its DingTalk parent. A unit whose department is not in
 * the list stays where it is, so it counts as placed; those whose parent is nowhere come last
 * (and go under the root).
 */
function parentsFirst(depts: DirDept[], known: Set<string>): DirDept[] {
  const listed = new Set(depts.map((d) => d.deptId));
  const placed = new Set([...known].filter((id) => !listed.has(id)));
  const out: DirDept[] = [];
  let pending = depts;
  while (pending.length) {
    const next: DirDept[] = [];
    for (const d of pending) {
      if (placed.has(d.parentId)) {
        out.push(d);
        placed.add(d.deptId);
      } else next.push(d);
    }
    if (next.length === pending.length) return [...out, ...next];
    pending = next;
  }
  return out;
}

export interface MemberRow {
  id: string;
  name: string;
  phone: string;
  title: string | null;
  status: MemberStatus;
  dingtalkUserId: string | null;
  nameInitials: string;
  namePinyin: string;
}

export interface MembershipRow {
  memberId: string;
  unitId: string;
  isHead: boolean;
  isPrimary: boolean;
}

export type MemberValues = Omit<MemberRow, 'dingtalkUserId'> & { dingtalkUserId: string };

export interface SkippedUser {
  userid: string;
  name: string;
  reason: string;
}

export interface MemberPlan {
  creates: MemberValues[];
  /** Whole rows with their new values. */
  updates: MemberValues[];
  disables: string[];
  memberships: {
    deletes: Array<Pick<MembershipRow, 'memberId' | 'unitId'>>;
    /** Changed flags on memberships that stay. */
    updates: MembershipRow[];
    inserts: MembershipRow[];
  };
  skipped: SkippedUser[];
  /** Members changed (fields or memberships), not counting the created. */
  updated: number;
}

export interface MemberPlanInput {
  users: DirUser[];
  /** Members linked to DingTalk (all of them for a full sync) and those holding the users' mobile numbers. */
  members: MemberRow[];
  /** Every membership of those members. */
  memberships: MembershipRow[];
  /** After the unit plan: department id → unit id. */
  deptUnit: Map<string, string>;
  /** Units that mirror a DingTalk department (the root included): their memberships follow DingTalk. */
  syncedUnitIds: Set<string>;
  rootId: string;
  /** Every DingTalk user is in `users`: linked members not among them are disabled. */
  complete: boolean;
  /** Userids DingTalk confirmed gone (events). */
  gone?: string[];
  newId: () => string;
}

const NAME_MAX = 50;
const TITLE_MAX = 100;
const PHONE_MAX = 20;

/**
 * Members for DingTalk users, matched by userid, else by mobile number (an existing member who
 * has no DingTalk link yet is linked). DingTalk decides name, phone, title, status and the
 * memberships in synced units; memberships in units created by hand are kept, only losing the
 * primary mark when DingTalk names another main department. Members who left are disabled, never
 * deleted, and keep their memberships for the record.
 */
export function planMembers(input: MemberPlanInput): MemberPlan {
  const plan: MemberPlan = { creates: [], updates: [], disables: [], memberships: { deletes: [], updates: [], inserts: [] }, skipped: [], updated: 0 };
  const byUserId = new Map<string, MemberRow>();
  const phoneOwner = new Map<string, MemberRow>();
  for (const m of input.members) {
    if (m.dingtalkUserId) byUserId.set(m.dingtalkUserId, m);
    phoneOwner.set(m.phone, m);
  }
  const msByMember = new Map<string, MembershipRow[]>();
  for (const ms of input.memberships) msByMember.set(ms.memberId, [...(msByMember.get(ms.memberId) ?? []), ms]);
  const changed = new Set<string>();
  const seenUsers = new Set<string>();

  for (const u of input.users) {
    if (seenUsers.has(u.userid)) continue;
    seenUsers.add(u.userid);
    const name = u.name.trim().slice(0, NAME_MAX) || u.userid;
    const mobile = u.mobile?.replace(/\s+/g, '') || null;
    const linked = byUserId.get(u.userid);
    const skip = (reason: string) => plan.skipped.push({ userid: u.userid, name, reason });
    if (mobile && mobile.length > PHONE_MAX) {
      skip(`手机号「${mobile}」过长，无法保存`);
      continue;
    }
    if (!linked && !mobile) {
      skip('钉钉未提供手机号（可能被隐藏或应用缺少「企业员工手机号信息」权限），未创建成员');
      continue;
    }
    const holder = mobile ? phoneOwner.get(mobile) : undefined;
    let member = linked;
    if (holder && holder.id !== linked?.id) {
      if (linked || holder.dingtalkUserId) {
        const who = holder.dingtalkUserId ? `已关联钉钉 userid ${holder.dingtalkUserId} 的成员「${holder.name}」` : `成员「${holder.name}」`;
        skip(`手机号 ${mobile} 已被${who}使用`);
        continue;
      }
      member = holder; // an unlinked member with this number: link it
    }
    const keys = nameKeys(name);
    const values: MemberValues = {
      id: member?.id ?? input.newId(),
      name,
      phone: mobile ?? member!.phone,
      title: u.title?.trim().slice(0, TITLE_MAX) || null,
      status: MemberStatus.Active,
      dingtalkUserId: u.userid,
      nameInitials: keys.initials,
      namePinyin: keys.pinyin,
    };
    if (!member) plan.creates.push(values);
    else if (
      member.name !== values.name ||
      member.phone !== values.phone ||
      member.title !== values.title ||
      member.status !== values.status ||
      member.dingtalkUserId !== values.dingtalkUserId ||
      member.nameInitials !== values.nameInitials ||
      member.namePinyin !== values.namePinyin
    ) {
      plan.updates.push(values);
      changed.add(values.id);
    }
    const holderRow: MemberRow = { ...values };
    phoneOwner.set(values.phone, holderRow); // a number given up in this run is not reused until the next one
    byUserId.set(u.userid, holderRow);
    if (planMemberships(plan, values.id, u, msByMember.get(values.id) ?? [], input) && member) changed.add(values.id);
  }

  const gone = new Set(input.gone ?? []);
  for (const m of input.members) {
    if (!m.dingtalkUserId || m.status !== MemberStatus.Active || byUserId.get(m.dingtalkUserId)?.id !== m.id) continue;
    if ((input.complete && !seenUsers.has(m.dingtalkUserId)) || gone.has(m.dingtalkUserId)) plan.disables.push(m.id);
  }
  plan.updated = changed.size;
  return plan;
}

/** Adds the membership changes for one member; true when there are any. */
function planMemberships(plan: MemberPlan, memberId: string, u: DirUser, current: MembershipRow[], input: MemberPlanInput): boolean {
  const unitIds = [...new Set(u.deptIds.map((d) => input.deptUnit.get(d)).filter((id): id is string => !!id))];
  if (unitIds.length === 0) unitIds.push(input.rootId);
  const heads = new Set(u.leaderIn.map((d) => input.deptUnit.get(d)).filter(Boolean));
  const wanted = new Map(unitIds.map((unitId, i) => [unitId, { memberId, unitId, isHead: heads.has(unitId), isPrimary: i === 0 }]));
  let any = false;
  for (const ms of current) {
    const want = wanted.get(ms.unitId);
    if (want) {
      wanted.delete(ms.unitId);
      if (want.isHead !== ms.isHead || want.isPrimary !== ms.isPrimary) {
        plan.memberships.updates.push(want);
        any = true;
      }
    } else if (input.syncedUnitIds.has(ms.unitId)) {
      plan.memberships.deletes.push({ memberId, unitId: ms.unitId });
      any = true;
    } else if (ms.isPrimary) {
      plan.memberships.updates.push({ ...ms, isPrimary: false });
      any = true;
    }
  }
  for (const w of wanted.values()) {
    plan.memberships.inserts.push(w);
    any = true;
  }
  return any;
}
