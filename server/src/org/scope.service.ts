import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, Role } from '@lianxin/shared';
import type pg from 'pg';
import { DomainError } from '../common/domain-error.js';
import type { Principal } from '../common/decorators.js';
import { PG_POOL } from '../database/database.module.js';
import { CAPABILITY_ROLES, MEMBERSHIP_CAPABILITIES, type Capability } from './domain/capabilities.js';

/**
 * Units where the member holds one of the roles, or (for capabilities that membership grants) sits,
 * with their whole subtrees. A member who is a helper (帮扶力量, external) gets nothing from
 * membership: they see only what is published to them.
 */
function scopeUnitsSql(cap: Capability, first: number): string {
  const viaMembership = MEMBERSHIP_CAPABILITIES.has(cap)
    ? `UNION SELECT sm.unit_id FROM membership sm
        WHERE sm.member_id = $${first}
          AND NOT EXISTS (SELECT 1 FROM role_grant h WHERE h.member_id = $${first} AND h.role = '${Role.Helper}')`
    : '';
  return `SELECT sc.descendant_id FROM unit_closure sc
           WHERE sc.ancestor_id IN (SELECT sg.unit_id FROM role_grant sg WHERE sg.member_id = $${first} AND sg.role = ANY($${first + 1}::text[])
                                    ${viaMembership})`;
}

/** Parameters and SQL text that restrict a query to the caller's scope. */
export interface ScopeFilter {
  /** A boolean SQL condition on `unitColumn`; uses $<first> and $<first+1>. */
  sql: string;
  params: unknown[];
}

/**
 * The one place that decides whether a caller may act on a unit, a member or a record owned by a
 * unit. Roles granted at a unit reach its whole subtree (through unit_closure). Reads of something
 * out of scope answer 404 (its existence is not revealed); writes answer 403.
 */
@Injectable()
export class ScopeService {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /**
   * A condition that is true when the unit in `unitColumn` is in the caller's scope for `cap`.
   * Parameters are numbered from `first`. Use it inside the list query itself, never to filter afterwards.
   */
  filter(principal: Principal, cap: Capability, unitColumn: string, first: number): ScopeFilter {
    return {
      sql: `(${unitColumn} IN (${scopeUnitsSql(cap, first)}))`,
      params: [principal.memberId, [...CAPABILITY_ROLES[cap]]],
    };
  }

  /**
   * A subquery of every unit id in the caller's scope for `cap` (parameters from `first`), for
   * joins: `JOIN membership ms ON ms.unit_id IN (…)`. Scope is closed downwards, so this is the
   * subtrees under the units where the caller holds a role (or, for read, sits).
   */
  units(principal: Principal, cap: Capability, first: number): ScopeFilter {
    return { sql: scopeUnitsSql(cap, first), params: [principal.memberId, [...CAPABILITY_ROLES[cap]]] };
  }

  /** True when every one of the units is in scope. */
  async allowsUnits(principal: Principal, cap: Capability, unitIds: string[]): Promise<boolean> {
    if (unitIds.length === 0) return true;
    const f = this.filter(principal, cap, 'u.id', 2);
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM unit u WHERE u.id = ANY($1::uuid[]) AND ${f.sql}`,
      [[...new Set(unitIds)], ...f.params],
    );
    return rows[0].n === new Set(unitIds).size;
  }

  /** Refuses a unit out of scope: 404 for reads, 403 for writes (404 when it does not exist at all). */
  async assertUnit(principal: Principal, cap: Capability, unitId: string, mode: 'read' | 'write'): Promise<void> {
    const f = this.filter(principal, cap, 'u.id', 2);
    const { rows } = await this.pool.query<{ allowed: boolean }>(`SELECT ${f.sql} AS allowed FROM unit u WHERE u.id = $1`, [unitId, ...f.params]);
    if (rows.length === 0 || (!rows[0].allowed && mode === 'read')) throw new DomainError(ErrorCode.OrgUnitNotFound, '单位不存在或不在您的管辖范围内');
    if (!rows[0].allowed) throw new DomainError(ErrorCode.Forbidden, '您没有管理该单位的权限');
  }

  /**
   * Refuses a member out of scope. A member is in scope when any of their units is (for reads),
   * or when all of them are (for writes: a county admin may change a member a town admin cannot).
   * Callers may always read themselves.
   */
  async assertMember(principal: Principal, cap: Capability, memberId: string, mode: 'read' | 'write'): Promise<void> {
    if (mode === 'read' && memberId === principal.memberId) return;
    const f = this.filter(principal, cap, 'ms.unit_id', 2);
    const { rows } = await this.pool.query<{ units: number; allowed: number }>(
      `SELECT count(ms.unit_id)::int AS units, count(ms.unit_id) FILTER (WHERE ${f.sql})::int AS allowed
         FROM member m LEFT JOIN membership ms ON ms.member_id = m.id WHERE m.id = $1 GROUP BY m.id`,
      [memberId, ...f.params],
    );
    const r = rows[0];
    const readable = r && r.allowed > 0;
    if (!r || (mode === 'read' && !readable)) throw new DomainError(ErrorCode.OrgMemberNotFound, '成员不存在或不在您的管辖范围内');
    if (mode === 'write' && (r.units === 0 ? !(await this.isAdminAtRoot(principal)) : r.allowed < r.units)) {
      throw new DomainError(ErrorCode.Forbidden, '您没有管理该成员的权限');
    }
  }

  private async isAdminAtRoot(principal: Principal): Promise<boolean> {
    const f = this.filter(principal, 'org.write', 'u.id', 1);
    const { rows } = await this.pool.query(`SELECT 1 FROM unit u WHERE u.parent_id IS NULL AND ${f.sql}`, f.params);
    return rows.length > 0;
  }
}
