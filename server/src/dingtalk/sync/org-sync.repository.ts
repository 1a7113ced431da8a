import type { UnitKind } from '@lianxin/shared';
import { OrgTree, type Sql } from '../../org/org-tree.repository.js';
import type { MemberPlan, MemberRow, MembershipRow, UnitPlan, UnitRow } from './domain/sync-plan.js';

/**
 * Up to this many new or moved units go one by one through OrgTree (closure kept row by row);
 * a bigger change (a first sync) is written in one statement and the closure rebuilt once.
 */
const INCREMENTAL_LIMIT = 20;

export interface RemovalOutcome {
  removed: Array<{ id: string; name: string; kind: UnitKind }>;
  kept: Array<{ id: string; name: string; kind: UnitKind; members: number; children: number }>;
}

/** The sync's queries: loads what a plan needs and applies a plan with set-based statements, inside the caller's transaction. */
export const OrgSyncStore = {
  /** Serialises syncs and events (on every instance) for the rest of the transaction. */
  async lock(q: Sql): Promise<void> {
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('lianxin:dingtalk-sync'))`);
  },

  async units(q: Sql): Promise<UnitRow[]> {
    return q.query<UnitRow[]>(
      `SELECT id, parent_id AS "parentId", name, kind, sort_order AS "sortOrder", dingtalk_dept_id AS "dingtalkDeptId" FROM unit`,
    );
  },

  async linkedDeptIds(q: Sql): Promise<Set<string>> {
    const rows = await q.query<{ id: string }[]>(`SELECT dingtalk_dept_id AS id FROM unit WHERE dingtalk_dept_id IS NOT NULL`);
    return new Set(rows.map((r) => r.id));
  },

  /** Members linked to any of `userids` (every linked member when `allLinked`) or holding one of `phones`. */
  async members(q: Sql, opts: { allLinked: boolean; userids: string[]; phones: string[] }): Promise<MemberRow[]> {
    return q.query<MemberRow[]>(
      `SELECT id, name, phone, title, status, dingtalk_user_id AS "dingtalkUserId", name_initials AS "nameInitials", name_pinyin AS "namePinyin"
         FROM member
        WHERE ($1::boolean AND dingtalk_user_id IS NOT NULL) OR dingtalk_user_id = ANY($2::text[]) OR phone = ANY($3::text[])`,
      [opts.allLinked, opts.userids, opts.phones],
    );
  },

  async memberships(q: Sql, memberIds: string[]): Promise<MembershipRow[]> {
    if (memberIds.length === 0) return [];
    return q.query<MembershipRow[]>(
      `SELECT member_id AS "memberId", unit_id AS "unitId", is_head AS "isHead", is_primary AS "isPrimary" FROM membership WHERE member_id = ANY($1::uuid[])`,
      [memberIds],
    );
  },

  /** Applies the unit plan; returns department id → unit id with the ids the new units really got. */
  async applyUnits(q: Sql, plan: UnitPlan): Promise<Map<string, string>> {
    if (plan.linkRoot) await q.query(`UPDATE unit SET dingtalk_dept_id = '1', updated_at = now() WHERE id = $1`, [plan.rootId]);
    if (plan.links.length) {
      await q.query(
        `UPDATE unit u SET dingtalk_dept_id = v.dept, updated_at = now() FROM unnest($1::uuid[], $2::text[]) AS v(id, dept) WHERE u.id = v.id`,
        [plan.links.map((l) => l.id), plan.links.map((l) => l.dingtalkDeptId)],
      );
    }
    if (plan.renames.length) {
      await q.query(
        `UPDATE unit u SET name = v.name, kind = v.kind, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, name, kind) WHERE u.id = v.id`,
        [plan.renames.map((r) => r.id), plan.renames.map((r) => r.name), plan.renames.map((r) => r.kind)],
      );
    }
    const deptUnit = new Map(plan.deptUnit);
    if (plan.creates.length + plan.moves.length <= INCREMENTAL_LIMIT) {
      const real = new Map<string, string>();
      for (const c of plan.creates) {
        const id = await OrgTree.insertUnit(q, { parentId: real.get(c.parentId) ?? c.parentId, name: c.name, kind: c.kind, sortOrder: c.sortOrder, dingtalkDeptId: c.dingtalkDeptId });
        real.set(c.id, id);
        deptUnit.set(c.dingtalkDeptId, id);
      }
      for (const m of plan.moves) await OrgTree.moveUnit(q, m.id, real.get(m.parentId) ?? m.parentId);
      return deptUnit;
    }
    if (plan.creates.length) {
      const c = plan.creates;
      await q.query(
        `INSERT INTO unit (id, parent_id, name, kind, sort_order, dingtalk_dept_id)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::text[])`,
        [c.map((x) => x.id), c.map((x) => x.parentId), c.map((x) => x.name), c.map((x) => x.kind), c.map((x) => x.sortOrder), c.map((x) => x.dingtalkDeptId)],
      );
    }
    if (plan.moves.length) {
      await q.query(
        `UPDATE unit u SET parent_id = v.parent_id, sort_order = v.sort_order, updated_at = now()
           FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS v(id, parent_id, sort_order) WHERE u.id = v.id`,
        [plan.moves.map((m) => m.id), plan.moves.map((m) => m.parentId), plan.moves.map((m) => m.sortOrder)],
      );
    }
    await OrgTree.rebuildClosure(q);
    return deptUnit;
  },

  async applyMembers(q: Sql, plan: MemberPlan): Promise<void> {
    const rows = (list: MemberPlan['creates']) => [
      list.map((m) => m.id),
      list.map((m) => m.name),
      list.map((m) => m.phone),
      list.map((m) => m.title),
      list.map((m) => m.status),
      list.map((m) => m.dingtalkUserId),
      list.map((m) => m.nameInitials),
      list.map((m) => m.namePinyin),
    ];
    const values = `unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                    AS v(id, name, phone, title, status, dingtalk_user_id, name_initials, name_pinyin)`;
    if (plan.updates.length) {
      await q.query(
        `UPDATE member m SET name = v.name, phone = v.phone, title = v.title, status = v.status, dingtalk_user_id = v.dingtalk_user_id,
                name_initials = v.name_initials, name_pinyin = v.name_pinyin, updated_at = now()
           FROM ${values} WHERE m.id = v.id`,
        rows(plan.updates),
      );
    }
    if (plan.creates.length) {
      await q.query(
        `INSERT INTO member (id, name, phone, title, status, dingtalk_user_id, name_initials, name_pinyin)
         SELECT v.id, v.name, v.phone, v.title, v.status, v.dingtalk_user_id, v.name_initials, v.name_pinyin FROM ${values}`,
        rows(plan.creates),
      );
    }
    if (plan.disables.length) {
      await q.query(`UPDATE member SET status = 'disabled', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'active'`, [plan.disables]);
    }
    const ms = plan.memberships;
    if (ms.deletes.length) {
      await q.query(
        `DELETE FROM membership m USING unnest($1::uuid[], $2::uuid[]) AS d(member_id, unit_id)
          WHERE m.member_id = d.member_id AND m.unit_id = d.unit_id`,
        [ms.deletes.map((d) => d.memberId), ms.deletes.map((d) => d.unitId)],
      );
    }
    // Demotions before promotions: a member has at most one primary membership at every moment.
    for (const batch of [ms.updates.filter((u) => !u.isPrimary), ms.updates.filter((u) => u.isPrimary)]) {
      if (!batch.length) continue;
      await q.query(
        `UPDATE membership m SET is_head = v.is_head, is_primary = v.is_primary
           FROM unnest($1::uuid[], $2::uuid[], $3::boolean[], $4::boolean[]) AS v(member_id, unit_id, is_head, is_primary)
          WHERE m.member_id = v.member_id AND m.unit_id = v.unit_id`,
        [batch.map((u) => u.memberId), batch.map((u) => u.unitId), batch.map((u) => u.isHead), batch.map((u) => u.isPrimary)],
      );
    }
    if (ms.inserts.length) {
      await q.query(
        `INSERT INTO membership (member_id, unit_id, is_head, is_primary)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::boolean[], $4::boolean[])`,
        [ms.inserts.map((i) => i.memberId), ms.inserts.map((i) => i.unitId), ms.inserts.map((i) => i.isHead), ms.inserts.map((i) => i.isPrimary)],
      );
    }
  },

  /** Removes the units of departments gone from DingTalk that are empty now (deepest first); the others stay. */
  async removeUnits(q: Sql, removals: UnitPlan['removals']): Promise<RemovalOutcome> {
    const out: RemovalOutcome = { removed: [], kept: [] };
    for (const r of removals) {
      const [u] = await q.query<{ kind: UnitKind; children: number; members: number }[]>(
        `SELECT u.kind, (SELECT count(*)::int FROM unit c WHERE c.parent_id = u.id) AS children,
                (SELECT count(*)::int FROM membership m WHERE m.unit_id = u.id) AS members
           FROM unit u WHERE u.id = $1`,
        [r.id],
      );
      if (!u) continue;
      if (u.children === 0 && u.members === 0) {
        await OrgTree.deleteUnit(q, r.id);
        out.removed.push({ id: r.id, name: r.name, kind: u.kind });
      } else out.kept.push({ id: r.id, name: r.name, kind: u.kind, members: u.members, children: u.children });
    }
    return out;
  },

  async eventSeen(q: Sql, eventId: string): Promise<boolean> {
    const rows = await q.query<unknown[]>(`SELECT 1 FROM dingtalk_event WHERE event_id = $1`, [eventId]);
    return rows.length > 0;
  },

  /** Records an event as applied; false when it already was (a redelivery, possibly concurrent). */
  async recordEvent(q: Sql, eventId: string, eventType: string): Promise<boolean> {
    const rows = await q.query<unknown[]>(
      `INSERT INTO dingtalk_event (event_id, event_type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [eventId, eventType],
    );
    return rows.length > 0;
  },
};
