import { Inject, Injectable } from '@nestjs/common';
import type { MemberCardView, MemberStatus, MemberSummary, Page, SupervisorChainView, UnitKind } from '@lianxin/shared';
import type pg from 'pg';
import type { Principal } from '../common/decorators.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { PG_POOL } from '../database/database.module.js';
import { memberSearch } from './member-search.js';
import { MembersService } from './members.service.js';
import { ScopeService } from './scope.service.js';
import { SUPERVISOR_CHAIN_SQL } from './supervisor.sql.js';

export interface MemberListQuery {
  q?: string;
  cursor?: string;
  limit?: number;
  status?: 'active' | 'disabled' | 'all';
}

interface SummaryRow {
  id: string;
  name: string;
  phone: string;
  title: string | null;
  status: MemberStatus;
  name_pinyin: string;
  head: boolean;
  pu_id: string | null;
  pu_name: string | null;
  pu_kind: UnitKind | null;
}

/** Columns of a MemberSummary; `head` is supplied by each query. */
const SUMMARY_COLUMNS = `m.id, m.name, m.phone, m.title, m.status, m.name_pinyin, pu.id AS pu_id, pu.name AS pu_name, pu.kind AS pu_kind`;
const PRIMARY_UNIT_JOIN = `LEFT JOIN membership pm ON pm.member_id = m.id AND pm.is_primary LEFT JOIN unit pu ON pu.id = pm.unit_id`;

const toSummary = (r: SummaryRow): MemberSummary => ({
  id: r.id,
  name: r.name,
  phone: r.phone,
  title: r.title,
  status: r.status,
  primaryUnit: r.pu_id ? { id: r.pu_id, name: r.pu_name!, kind: r.pu_kind! } : null,
  isHead: r.head,
});

/** The 通讯录: members of a unit or subtree, search across the caller's scope, the member card and the supervisor chain. */
@Injectable()
export class MemberDirectoryService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly scope: ScopeService,
    private readonly members: MembersService,
  ) {}

  /** Members of one unit (heads first) or of its whole subtree, paged by pinyin. Read scope over the unit is the route's (InScope). */
  async unitMembers(unitId: string, recursive: boolean, query: MemberListQuery): Promise<Page<MemberSummary>> {
    const source = recursive
      ? `(SELECT um.member_id, bool_or(um.is_head) AS head, 1 AS rank
            FROM unit_closure c JOIN membership um ON um.unit_id = c.descendant_id
           WHERE c.ancestor_id = $1 GROUP BY um.member_id)`
      : `(SELECT um.member_id, um.is_head AS head, CASE WHEN um.is_head THEN 0 ELSE 1 END AS rank
            FROM membership um WHERE um.unit_id = $1)`;
    return this.page(source, [unitId], query);
  }

  /** Everyone the caller can see, for search and pickers. */
  async search(principal: Principal, query: MemberListQuery): Promise<Page<MemberSummary>> {
    const units = this.scope.units(principal, 'org.read', 1);
    const source = `(SELECT DISTINCT ON (um.member_id) um.member_id, pm2.is_head AS head, 1 AS rank
                       FROM membership um LEFT JOIN membership pm2 ON pm2.member_id = um.member_id AND pm2.is_primary
                      WHERE um.unit_id IN (${units.sql}))`;
    return this.page(source, units.params, query);
  }

  /** One keyset page over `source` (member_id, head, rank), ordered by rank, pinyin, id. */
  private async page(source: string, params: unknown[], query: MemberListQuery): Promise<Page<MemberSummary>> {
    const limit = query.limit ?? 50;
    const args = [...params];
    const where: string[] = [];
    const status = query.status ?? 'active';
    if (status !== 'all') {
      args.push(status);
      where.push(`m.status = $${args.length}`);
    }
    const search = memberSearch(query.q, args.length + 1);
    if (search) {
      args.push(search.param);
      where.push(search.sql);
    }
    const after = decodeCursor(query.cursor, ['number', 'string', 'string'] as const);
    if (after) {
      args.push(after[0], after[1], after[2]);
      where.push(`(s.rank, m.name_pinyin, m.id) > ($${args.length - 2}::int, $${args.length - 1}::text, $${args.length}::uuid)`);
    }
    args.push(limit + 1);
    const { rows } = await this.pool.query<SummaryRow & { rank: number }>(
      `SELECT ${SUMMARY_COLUMNS}, s.head, s.rank
         FROM ${source} s JOIN member m ON m.id = s.member_id ${PRIMARY_UNIT_JOIN}
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY s.rank, m.name_pinyin, m.id
        LIMIT $${args.length}`,
      args,
    );
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    const last = items.at(-1);
    return { items: items.map(toSummary), nextCursor: more && last ? encodeCursor([last.rank, last.name_pinyin, last.id]) : null };
  }

  /** The member card: who they are, where they sit, their roles and their direct supervisor. */
  async card(memberId: string): Promise<MemberCardView> {
    const [view, chain] = await Promise.all([this.members.view(memberId), this.chainOf(memberId, 1)]);
    return { ...view, supervisor: chain[0] ?? null };
  }

  async chain(memberId: string): Promise<SupervisorChainView> {
    const [[member], chain] = await Promise.all([this.summaries([memberId]), this.chainOf(memberId)]);
    return { member, chain };
  }

  /** The supervisor chain as summaries, nearest first; `max` limits how far up. */
  async chainOf(memberId: string, max = 50): Promise<SupervisorChainView['chain']> {
    const { rows } = await this.pool.query<{ member_id: string; via: 'explicit' | 'unit-head'; level: number }>(SUPERVISOR_CHAIN_SQL, [memberId]);
    const steps = rows.slice(0, max);
    const byId = new Map((await this.summaries(steps.map((r) => r.member_id))).map((s) => [s.id, s]));
    return steps.map((r) => ({ ...byId.get(r.member_id)!, via: r.via }));
  }

  /** Summaries of the given members (head = head of their primary unit), in no particular order. */
  async summaries(ids: string[]): Promise<MemberSummary[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS}, COALESCE(pm.is_head, false) AS head FROM member m ${PRIMARY_UNIT_JOIN} WHERE m.id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(toSummary);
  }
}
