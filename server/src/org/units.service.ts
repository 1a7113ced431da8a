import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ErrorCode,
  type CreateUnitRequest,
  type UnitDetailView,
  type UnitKind,
  type UnitNode,
  type UnitTreeView,
  type UpdateUnitRequest,
} from '@lianxin/shared';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../common/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { PG_POOL } from '../database/database.module.js';
import { OrgTree } from './org-tree.repository.js';
import { ScopeService } from './scope.service.js';

interface NodeRow {
  id: string;
  parent_id: string | null;
  name: string;
  kind: UnitKind;
  sort_order: number;
  depth: number;
  has_children: boolean;
  direct_members: number;
  total_members: number;
}

/** The unit tree: read it with member counts, and change it (create, rename, reorder, move, delete). */
@Injectable()
export class UnitsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly scope: ScopeService,
  ) {}

  /**
   * The tree under `rootId` (or under each top unit the caller can see) down to `depth` levels, with
   * direct and recursive active-member counts. Two statements whatever the size: the units, then the
   * counts for all of them at once over the closure table.
   */
  async tree(principal: Principal, rootId: string | undefined, depth = 2): Promise<UnitTreeView> {
    let roots: string[];
    if (rootId) {
      await this.scope.assertUnit(principal, 'org.read', rootId, 'read');
      roots = [rootId];
    } else {
      const s = this.scope.units(principal, 'org.read', 1);
      // The visible units whose parent is not visible: the tops of the caller's scope.
      const { rows } = await this.pool.query<{ id: string }>(
        `WITH visible AS (${s.sql})
         SELECT u.id FROM unit u JOIN visible v ON v.descendant_id = u.id
          WHERE u.parent_id IS NULL OR u.parent_id NOT IN (SELECT descendant_id FROM visible)
          ORDER BY u.sort_order, u.name`,
        s.params,
      );
      roots = rows.map((r) => r.id);
      if (roots.length === 0) return { roots: [] };
    }
    const { rows } = await this.pool.query<NodeRow>(
      `WITH nodes AS (
         SELECT u.id, u.parent_id, u.name, u.kind, u.sort_order, min(c.depth) AS depth
           FROM unit_closure c JOIN unit u ON u.id = c.descendant_id
          WHERE c.ancestor_id = ANY($1::uuid[]) AND c.depth <= $2
          GROUP BY u.id
       )
       SELECT n.*,
              EXISTS (SELECT 1 FROM unit ch WHERE ch.parent_id = n.id) AS has_children,
              (SELECT count(*)::int FROM membership ms JOIN member m ON m.id = ms.member_id AND m.status = 'active'
                WHERE ms.unit_id = n.id) AS direct_members,
              COALESCE(t.total, 0) AS total_members
         FROM nodes n
         LEFT JOIN (
           SELECT c.ancestor_id, count(DISTINCT ms.member_id)::int AS total
             FROM unit_closure c
             JOIN membership ms ON ms.unit_id = c.descendant_id
             JOIN member m ON m.id = ms.member_id AND m.status = 'active'
            WHERE c.ancestor_id IN (SELECT id FROM nodes)
            GROUP BY c.ancestor_id
         ) t ON t.ancestor_id = n.id
        ORDER BY n.depth, n.sort_order, n.name`,
      [roots, depth],
    );
    const byId = new Map<string, UnitNode>();
    for (const r of rows) {
      byId.set(r.id, {
        id: r.id,
        parentId: r.parent_id,
        name: r.name,
        kind: r.kind,
        sortOrder: r.sort_order,
        directMembers: r.direct_members,
        totalMembers: r.total_members,
        children: [],
        hasChildren: r.has_children,
      });
    }
    for (const node of byId.values()) {
      if (node.parentId && !roots.includes(node.id)) byId.get(node.parentId)?.children.push(node);
    }
    return { roots: roots.map((id) => byId.get(id)!).filter(Boolean) };
  }

  /** One unit with its path and counts. The caller's read scope over it is checked by the route (InScope). */
  async detail(unitId: string): Promise<UnitDetailView> {
    const { rows: [u] } = await this.pool.query<NodeRow & { dingtalk_dept_id: string | null; path: { id: string; name: string; kind: UnitKind }[] | null; child_count: number }>(
      `SELECT u.id, u.parent_id, u.name, u.kind, u.sort_order, u.dingtalk_dept_id,
              (SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'kind', a.kind) ORDER BY c.depth DESC)
                 FROM unit_closure c JOIN unit a ON a.id = c.ancestor_id
                WHERE c.descendant_id = u.id AND c.depth > 0) AS path,
              (SELECT count(*)::int FROM unit ch WHERE ch.parent_id = u.id) AS child_count,
              (SELECT count(*)::int FROM membership ms JOIN member m ON m.id = ms.member_id AND m.status = 'active'
                WHERE ms.unit_id = u.id) AS direct_members,
              (SELECT count(DISTINCT ms.member_id)::int FROM unit_closure c
                 JOIN membership ms ON ms.unit_id = c.descendant_id
                 JOIN member m ON m.id = ms.member_id AND m.status = 'active'
                WHERE c.ancestor_id = u.id) AS total_members
         FROM unit u WHERE u.id = $1`,
      [unitId],
    );
    return {
      id: u.id,
      parentId: u.parent_id,
      name: u.name,
      kind: u.kind,
      sortOrder: u.sort_order,
      dingtalkDeptId: u.dingtalk_dept_id,
      path: u.path ?? [],
      childCount: u.child_count,
      directMembers: u.direct_members,
      totalMembers: u.total_members,
    };
  }

  /** Creates a unit under a parent the caller administers. */
  async create(principal: Principal, req: CreateUnitRequest): Promise<UnitDetailView> {
    await this.scope.assertUnit(principal, 'org.write', req.parentId, 'write');
    const id = await this.ds.transaction(async (tx) => {
      await this.assertNameFree(tx, req.parentId, req.name);
      if (req.sortOrder !== undefined) await this.makeRoom(tx, req.parentId, req.sortOrder);
      return OrgTree.insertUnit(tx, { parentId: req.parentId, name: req.name, kind: req.kind, sortOrder: req.sortOrder });
    });
    return this.detail(id);
  }

  /**
   * Renames, re-kinds, reorders or moves a unit. Renaming needs admin over the unit; reordering and
   * moving change the parent's children, so they need admin over the (old and new) parent. Admin over
   * the unit itself is checked by the route (InScope).
   */
  async update(principal: Principal, unitId: string, req: UpdateUnitRequest): Promise<UnitDetailView> {
    const current = await this.current(unitId);
    const moving = req.parentId !== undefined && req.parentId !== current.parent_id;
    if ((moving || req.sortOrder !== undefined) && current.parent_id === null) {
      throw new DomainError(ErrorCode.OrgRootImmutable, '根单位不能移动或排序');
    }
    if (moving || req.sortOrder !== undefined) await this.scope.assertUnit(principal, 'org.write', current.parent_id!, 'write');
    if (moving) await this.scope.assertUnit(principal, 'org.write', req.parentId!, 'write');
    await this.ds.transaction(async (tx) => {
      const parentId = moving ? req.parentId! : current.parent_id;
      const name = req.name ?? current.name;
      if (moving || (req.name !== undefined && req.name !== current.name)) await this.assertNameFree(tx, parentId, name, unitId);
      if (moving) await OrgTree.moveUnit(tx, unitId, req.parentId!);
      if (req.sortOrder !== undefined) {
        await this.makeRoom(tx, parentId!, req.sortOrder, unitId);
        await tx.query(`UPDATE unit SET sort_order = $2 WHERE id = $1`, [unitId, req.sortOrder]);
      }
      if (req.name !== undefined || req.kind !== undefined) {
        await tx.query(`UPDATE unit SET name = COALESCE($2, name), kind = COALESCE($3, kind), updated_at = now() WHERE id = $1`, [
          unitId,
          req.name ?? null,
          req.kind ?? null,
        ]);
      }
    });
    return this.detail(unitId);
  }

  /** Deletes an empty unit; its parent's admin may. Refused with the counts while it has members or sub-units. */
  async remove(principal: Principal, unitId: string): Promise<void> {
    const current = await this.current(unitId);
    if (current.parent_id === null) throw new DomainError(ErrorCode.OrgRootImmutable, '根单位不能删除');
    await this.scope.assertUnit(principal, 'org.write', current.parent_id, 'write');
    await this.ds.transaction((tx) => OrgTree.deleteUnit(tx, unitId));
  }

  private async current(unitId: string): Promise<{ parent_id: string | null; name: string }> {
    const { rows: [u] } = await this.pool.query<{ parent_id: string | null; name: string }>(`SELECT parent_id, name FROM unit WHERE id = $1`, [unitId]);
    if (!u) throw new DomainError(ErrorCode.OrgUnitNotFound, '单位不存在');
    return u;
  }

  /** Sibling names are unique: import paths and people both tell units apart by name. */
  private async assertNameFree(tx: EntityManager, parentId: string | null, name: string, except?: string): Promise<void> {
    const [taken] = await tx.query<unknown[]>(`SELECT 1 FROM unit WHERE parent_id IS NOT DISTINCT FROM $1 AND name = $2 AND id IS DISTINCT FROM $3`, [
      parentId,
      name,
      except ?? null,
    ]);
    if (taken) throw new DomainError(ErrorCode.OrgUnitNameTaken, `同一上级单位下已有名为「${name}」的单位`);
  }

  /** Shifts siblings at or after `position` down by one, so the unit can take that place. */
  private async makeRoom(tx: EntityManager, parentId: string, position: number, except?: string): Promise<void> {
    await tx.query(`UPDATE unit SET sort_order = sort_order + 1 WHERE parent_id = $1 AND sort_order >= $2 AND id IS DISTINCT FROM $3`, [
      parentId,
      position,
      except ?? null,
    ]);
  }
}
