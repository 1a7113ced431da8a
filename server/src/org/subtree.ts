import type { Sql } from './org-tree.repository.js';

/**
 * Active members anywhere under the given units (each unit itself included), each once. Notices,
 * spot checks and approvals resolve audiences with this statement, inside their own INSERT … SELECT.
 */
export const SUBTREE_MEMBERS_SQL = `
  SELECT DISTINCT ms.member_id
    FROM unit_closure c
    JOIN membership ms ON ms.unit_id = c.descendant_id
    JOIN member m ON m.id = ms.member_id AND m.status = 'active'
   WHERE c.ancestor_id = ANY($1::uuid[])`;

/** The ids of the active members under `unitIds`. */
export async function membersUnder(q: Sql, unitIds: string[]): Promise<string[]> {
  const rows = await q.query<{ member_id: string }[]>(SUBTREE_MEMBERS_SQL, [unitIds]);
  return rows.map((r) => r.member_id);
}
