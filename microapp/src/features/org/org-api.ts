import type { MemberCardView, MemberSummary, Page, UnitDetailView, UnitNode } from '@lianxin/shared';
import { ApiPaths } from '@lianxin/shared';
import { ById } from '@/lib/id-paths';
import { http } from '@/lib/http';

/** One page of members; `cursor` from the previous page's `nextCursor`. */
export interface MemberPageQuery {
  q?: string;
  cursor?: string | null;
  limit?: number;
  signal?: AbortSignal;
}

function pageQuery(query: MemberPageQuery, extra: Record<string, string> = {}): Record<string, string> {
  const params: Record<string, string> = { ...extra, limit: String(query.limit ?? 30) };
  const q = query.q?.trim();
  if (q) params.q = q;
  if (query.cursor) params.cursor = query.cursor;
  return params;
}

/** The org chart as the 通讯录 and the picker read it. */
export const orgApi = {
  /** The top units the caller can see, each with its children one level down. */
  async topUnits(signal?: AbortSignal): Promise<UnitNode[]> {
    const view = await http.get(ApiPaths.org.unitsTree, { query: { depth: '1' }, signal });
    return view.roots;
  },

  /** The units directly below `unitId`. */
  async subUnits(unitId: string, signal?: AbortSignal): Promise<UnitNode[]> {
    const view = await http.get(ApiPaths.org.unitsTree, { query: { root: unitId, depth: '1' }, signal });
    return view.roots[0]?.children ?? [];
  },

  /** Every unit the caller can see, all levels (for matching DingTalk departments). */
  async allUnits(signal?: AbortSignal): Promise<UnitNode[]> {
    const view = await http.get(ApiPaths.org.unitsTree, { query: { depth: '20' }, signal });
    const flat: UnitNode[] = [];
    const walk = (nodes: UnitNode[]): void => {
      for (const node of nodes) {
        flat.push(node);
        walk(node.children);
      }
    };
    walk(view.roots);
    return flat;
  },

  unit(unitId: string, signal?: AbortSignal): Promise<UnitDetailView> {
    return http.getById(ById.unit(unitId), { signal });
  },

  /** Members of a unit: its own (`recursive` false) or its whole subtree's. */
  unitMembers(unitId: string, recursive: boolean, query: MemberPageQuery = {}): Promise<Page<MemberSummary>> {
    return http.getById(ById.unitMembers(unitId), { query: pageQuery(query, { recursive: String(recursive) }), signal: query.signal });
  },

  /** Everyone the caller can see whose name, phone or pinyin (initials too) matches `q`. */
  searchMembers(query: MemberPageQuery): Promise<Page<MemberSummary>> {
    return http.get(ApiPaths.org.members, { query: pageQuery(query), signal: query.signal });
  },

  member(memberId: string, signal?: AbortSignal): Promise<MemberCardView> {
    return http.getById(ById.member(memberId), { signal });
  },
};
