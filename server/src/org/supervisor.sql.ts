/**
 * A member's direct supervisor, as a LATERAL subquery over the member id in `memberColumn`: their
 * explicit supervisor when set and active, otherwise the head of their primary unit — or, when they
 * head that unit themselves or it has no active head, of the nearest ancestor unit that has one.
 * Columns: member_id (null at the top), via ('explicit' | 'unit-head').
 */
export function directSupervisorLateral(memberColumn: string): string {
  return `(
    SELECT COALESCE(sup.id, head.member_id) AS member_id,
           CASE WHEN sup.id IS NOT NULL THEN 'explicit' ELSE 'unit-head' END AS via
      FROM member m
      LEFT JOIN member sup ON sup.id = m.supervisor_id AND sup.status = 'active'
      LEFT JOIN LATERAL (
        SELECT hm.member_id
          FROM membership pm
          JOIN unit_closure uc ON uc.descendant_id = pm.unit_id AND uc.depth > CASE WHEN pm.is_head THEN 0 ELSE -1 END
          JOIN membership hm ON hm.unit_id = uc.ancestor_id AND hm.is_head AND hm.member_id <> m.id
          JOIN member hmm ON hmm.id = hm.member_id AND hmm.status = 'active'
         WHERE pm.member_id = m.id AND pm.is_primary
         ORDER BY uc.depth, hm.created_at, hm.member_id
         LIMIT 1
      ) head ON true
     WHERE m.id = ${memberColumn}
  )`;
}

/**
 * The supervisor chain of member $1, nearest first, each step the direct supervisor of the one
 * before. Stops at the top, at a repeat (a cycle never loops) or after 50 steps. Approvals resolve
 * "the supervisor N levels up" with this statement.
 *
 * Columns: member_id, via ('explicit' | 'unit-head'), level (1 = direct supervisor).
 */
export const SUPERVISOR_CHAIN_SQL = `
  WITH RECURSIVE chain(member_id, via, level, seen) AS (
    SELECT $1::uuid, NULL::text, 0, ARRAY[$1::uuid]
    UNION ALL
    SELECT nxt.member_id, nxt.via, c.level + 1, c.seen || nxt.member_id
      FROM chain c
      CROSS JOIN LATERAL ${directSupervisorLateral('c.member_id')} nxt
     WHERE nxt.member_id IS NOT NULL AND NOT nxt.member_id = ANY(c.seen) AND c.level < 50
  )
  SELECT member_id, via, level FROM chain WHERE level > 0 ORDER BY level`;
