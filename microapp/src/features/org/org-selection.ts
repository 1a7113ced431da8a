/** What the org picker offers: units, members, or both. */
export type OrgPickMode = 'units' | 'members' | 'both';

export interface PickedUnit {
  id: string;
  name: string;
  /** The unit's whole subtree, not only its own members. */
  includeSubUnits: boolean;
  /** Known to have no units below it: 含下级 means nothing there, so no switch is shown. */
  leaf?: boolean;
}

export interface PickedMember {
  id: string;
  name: string;
}

/** What the picker hands back; notices, spot checks and approvals take audiences in this shape. */
export interface OrgSelection {
  units: PickedUnit[];
  members: PickedMember[];
}

export function emptySelection(): OrgSelection {
  return { units: [], members: [] };
}

export function selectionSize(selection: OrgSelection): number {
  return selection.units.length + selection.members.length;
}

/** 「2 个单位、3 人」 */
export function describeSelection(selection: OrgSelection): string {
  const parts: string[] = [];
  if (selection.units.length > 0) parts.push(`${selection.units.length} 个单位`);
  if (selection.members.length > 0) parts.push(`${selection.members.length} 人`);
  return parts.join('、') || '未选择';
}

/** Runs `work` over `items` with at most `limit` at a time, results in the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
