/**
 * Resolves a notice's audience and writes every receipt and the per-unit counters in ONE statement:
 * units (with or without their subtrees, through unit_closure), named members and role holders are
 * unioned (so each person appears once), disabled members and the sender left out, and each receipt
 * remembers the recipient's primary unit now (or, for people without one such as external helpers,
 * the unit of their first role grant, else the root).
 *
 * $1 notice id · $2 sender id · $3 unit ids · $4 include-sub-units flags · $5 member ids ·
 * $6 role names · $7 role unit ids · $8 role include-sub-units flags. Returns the recipient count.
 */
export const WRITE_RECEIPTS_SQL = `
  WITH aud_units AS (
         SELECT c.descendant_id AS unit_id
           FROM unnest($3::uuid[], $4::boolean[]) AS a(unit_id, subs)
           JOIN unit_closure c ON c.ancestor_id = a.unit_id AND (a.subs OR c.depth = 0)
       ),
       who AS (
         SELECT ms.member_id FROM membership ms JOIN aud_units au ON au.unit_id = ms.unit_id
         UNION
         SELECT unnest($5::uuid[])
         UNION
         SELECT g.member_id
           FROM unnest($6::text[], $7::uuid[], $8::boolean[]) AS r(role, unit_id, subs)
           JOIN unit_closure c ON c.ancestor_id = r.unit_id AND (r.subs OR c.depth = 0)
           JOIN role_grant g ON g.unit_id = c.descendant_id AND g.role = r.role
       ),
       ins AS (
         INSERT INTO notice_receipt (notice_id, member_id, unit_id, delivered_at)
         SELECT $1, m.id,
                -- scalar subqueries in COALESCE run only for the few without a primary unit
                COALESCE(pm.unit_id,
                         (SELECT g.unit_id FROM role_grant g WHERE g.member_id = m.id ORDER BY g.created_at, g.unit_id LIMIT 1),
                         (SELECT id FROM unit WHERE parent_id IS NULL)),
                now()
           FROM who
           JOIN member m ON m.id = who.member_id AND m.status = 'active' AND m.id <> $2
           LEFT JOIN membership pm ON pm.member_id = m.id AND pm.is_primary
         RETURNING unit_id
       ),
       stats AS (
         INSERT INTO notice_unit_stat (notice_id, unit_id, total)
         SELECT $1, unit_id, count(*) FROM ins GROUP BY unit_id
         RETURNING total
       )
  SELECT COALESCE(sum(total), 0)::int AS recipients FROM stats`;

/**
 * Marks a receipt read the first time, counts it in its unit's row (a primary-key update) and
 * answers the receipt, in one statement; `changed` is 0 on repeats. The final SELECT sees the row as
 * it was before this statement, so a first read shows now() — the same instant the UPDATE wrote.
 */
export const MARK_READ_SQL = `
  WITH r AS (
         UPDATE notice_receipt SET read_at = now()
          WHERE notice_id = $1 AND member_id = $2 AND read_at IS NULL
          RETURNING unit_id
       ),
       s AS (
         UPDATE notice_unit_stat SET read_count = read_count + 1
          WHERE notice_id = $1 AND unit_id = (SELECT unit_id FROM r)
          RETURNING 1
       )
  SELECT (SELECT count(*) FROM s)::int AS changed,
         x.delivered_at, COALESCE(x.read_at, now()) AS read_at, x.confirmed_at, x.confirm_status, x.leave_reason, x.unit_id
    FROM notice_receipt x WHERE x.notice_id = $1 AND x.member_id = $2`;
