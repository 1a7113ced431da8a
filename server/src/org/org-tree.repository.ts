import { ErrorCode, type UnitKind } from '@lianxin/shared';
import { DomainError } from '../common/domain-error.js';

/** Anything that runs SQL: an EntityManager inside a transaction, a QueryRunner, the DataSource. */
export interface Sql {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

export interface NewUnit {
  parentId: string | null;
  name: string;
  kind: UnitKind;
  sortOrder?: number;
  dingtalkDeptId?: string | null;
}

/**
 * The unit tree and its closure table. Every structural change goes through here, inside the
 * caller's transaction, so unit and unit_closure never disagree. Moves take a transaction-scoped
 * advisory lock: two concurrent moves cannot together build a cycle.
 */
export const OrgTree = {
  /** Inserts a unit and its closure rows (its parent's ancestors plus itself). Appends after its siblings unless sortOrder is given. */
  async insertUnit(q: Sql, u: NewUnit): Promise<string> {
    const [row] = await q.query<{ id: string }[]>(
      `INSERT INTO unit (parent_id, name, kind, sort_order, dingtalk_dept_id)
       VALUES ($1, $2, $3,
               COALESCE($4, (SELECT COALESCE(max(sort_order) + 1, 0) FROM unit WHERE parent_id IS NOT DISTINCT FROM $1)),
               $5)
       RETURNING id`,
      [u.parentId, u.name, u.kind, u.sortOrder ?? null, u.dingtalkDeptId ?? null],
    );
    await q.query(
      `INSERT INTO unit_closure (ancestor_id, descendant_id, depth)
       SELECT ancestor_id, $1, depth + 1 FROM unit_closure WHERE descendant_id = $2
       UNION ALL SELECT $1::uuid, $1::uuid, 0`,
      [row.id, u.parentId],
    );
    return row.id;
  },

  /** Moves a unit (and its subtree) under a new parent. Refuses the root and cycles. */
  async moveUnit(q: Sql, unitId: string, newParentId: string): Promise<void> {
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('lianxin:org-tree'))`);
    const [unit] = await q.query<{ parent_id: string | null }[]>(`SELECT parent_id FROM unit WHERE id = $1 FOR UPDATE`, [unitId]);
    if (!unit) throw new DomainError(ErrorCode.OrgUnitNotFound, '单位不存在');
    if (unit.parent_id === null) throw new DomainError(ErrorCode.OrgRootImmutable, '根单位不能移动');
    if (unit.parent_id === newParentId) return;
    const [cycle] = await q.query<unknown[]>(`SELECT 1 FROM unit_closure WHERE ancestor_id = $1 AND descendant_id = $2`, [unitId, newParentId]);
    if (cycle) throw new DomainError(ErrorCode.OrgUnitMoveCycle, '不能把单位移动到它自己或它的下级单位之下');
    await q.query(
      `DELETE FROM unit_closure
        WHERE descendant_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $1)
          AND ancestor_id NOT IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $1)`,
      [unitId],
    );
    await q.query(
      `INSERT INTO unit_closure (ancestor_id, descendant_id, depth)
       SELECT p.ancestor_id, s.descendant_id, p.depth + s.depth + 1
         FROM unit_closure p CROSS JOIN unit_closure s
        WHERE p.descendant_id = $2 AND s.ancestor_id = $1`,
      [unitId, newParentId],
    );
    await q.query(
      `UPDATE unit SET parent_id = $2, updated_at = now(),
              sort_order = (SELECT COALESCE(max(sort_order) + 1, 0) FROM unit WHERE parent_id = $2)
        WHERE id = $1`,
      [unitId, newParentId],
    );
  },

  /** Deletes an empty leaf unit (closure rows go with it). Refuses the root and non-empty units, with counts. */
  async deleteUnit(q: Sql, unitId: string): Promise<void> {
    const [u] = await q.query<{ parent_id: string | null; children: number; members: number }[]>(
      `SELECT u.parent_id,
              (SELECT count(*)::int FROM unit c WHERE c.parent_id = u.id) AS children,
              (SELECT count(*)::int FROM membership m WHERE m.unit_id = u.id) AS members
         FROM unit u WHERE u.id = $1 FOR UPDATE`,
      [unitId],
    );
    if (!u) throw new DomainError(ErrorCode.OrgUnitNotFound, '单位不存在');
    if (u.parent_id === null) throw new DomainError(ErrorCode.OrgRootImmutable, '根单位不能删除');
    if (u.children > 0 || u.members > 0) {
      throw new DomainError(ErrorCode.OrgUnitNotEmpty, `该单位下还有 ${u.children} 个下级单位、${u.members} 名成员，请先移走或删除`, undefined, {
        children: u.children,
        members: u.members,
      });
    }
    await q.query(`DELETE FROM role_grant WHERE unit_id = $1`, [unitId]);
    await q.query(`DELETE FROM unit WHERE id = $1`, [unitId]);
  },

  /** Rebuilds the whole closure table from parent_id in one statement (bulk loads: seed, sync). */
  async rebuildClosure(q: Sql): Promise<void> {
    await q.query(`DELETE FROM unit_closure`);
    await q.query(
      `WITH RECURSIVE tree(ancestor_id, descendant_id, depth) AS (
         SELECT id, id, 0 FROM unit
         UNION ALL
         SELECT t.ancestor_id, u.id, t.depth + 1 FROM tree t JOIN unit u ON u.parent_id = t.descendant_id
       )
       INSERT INTO unit_closure (ancestor_id, descendant_id, depth) SELECT ancestor_id, descendant_id, depth FROM tree`,
    );
  },

  /** The closure as a recursive CTE would compute it, minus what the table holds, both ways: empty when exact. */
  async closureDrift(q: Sql): Promise<number> {
    const [{ n }] = await q.query<{ n: number }[]>(
      `WITH RECURSIVE tree(ancestor_id, descendant_id, depth) AS (
         SELECT id, id, 0 FROM unit
         UNION ALL
         SELECT t.ancestor_id, u.id, t.depth + 1 FROM tree t JOIN unit u ON u.parent_id = t.descendant_id
       ), diff AS (
         (SELECT * FROM tree EXCEPT SELECT ancestor_id, descendant_id, depth FROM unit_closure)
         UNION ALL
         (SELECT ancestor_id, descendant_id, depth FROM unit_closure EXCEPT SELECT * FROM tree)
       )
       SELECT count(*)::int AS n FROM diff`,
    );
    return n;
  },
};
