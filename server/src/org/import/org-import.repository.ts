import type { UnitKind } from '@lianxin/shared';
import type { Sql } from '../org-tree.repository.js';

/** One unit named by the file: the root, or a level of some row's path. `key` is its path joined with '/'. */
export interface PlannedUnit {
  key: string;
  parentKey: string | null;
  name: string;
  depth: number;
  /** Used only when the unit does not exist yet. */
  kind: UnitKind;
}

/** A good row, ready for the database. */
export interface StagedRow {
  line: number;
  unitKey: string;
  phone: string;
  name: string;
  nameInitials: string;
  namePinyin: string;
  title: string | null;
  isHead: boolean | null;
  roles: string[];
}

export interface ImportOutcome {
  createdUnits: string[];
  /** Keys of units whose name matches two or more siblings: the file cannot say which one it means. */
  ambiguousUnits: string[];
  membersCreated: number;
  membersUpdated: number;
  membersUnchanged: number;
  membershipsAdded: number;
  rolesGranted: number;
  /** Lines of rows that matched a disabled member. */
  disabledLines: number[];
}

/**
 * The set-based SQL of an org import. The file goes into two temporary tables (its units and its rows)
 * with one statement each; units are then found or created level by level (two statements a level,
 * closure rows included), and members, memberships and roles are written with one statement each.
 * Must run inside the caller's transaction; the temporary tables go with it.
 */
export const OrgImportSql = {
  async apply(q: Sql, rootId: string, units: PlannedUnit[], rows: StagedRow[]): Promise<ImportOutcome> {
    // Same lock as OrgTree.moveUnit: a move or another import cannot interleave with our unit creation.
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('lianxin:org-tree'))`);
    await q.query(
      `CREATE TEMP TABLE import_unit (
         key text PRIMARY KEY, parent_key text, name text NOT NULL, depth int NOT NULL, kind text NOT NULL, ord int NOT NULL,
         id uuid, created boolean NOT NULL DEFAULT false, ambiguous boolean NOT NULL DEFAULT false
       ) ON COMMIT DROP`,
    );
    await q.query(
      `INSERT INTO import_unit (key, parent_key, name, depth, kind, ord, id)
       SELECT k, pk, n, d, kd, o, CASE WHEN d = 0 THEN $7::uuid END
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[]) AS x(k, pk, n, d, kd, o)`,
      [units.map((u) => u.key), units.map((u) => u.parentKey), units.map((u) => u.name), units.map((u) => u.depth), units.map((u) => u.kind), units.map((_, i) => i), rootId],
    );
    // Fresh temporary tables have no statistics; without them the planner joins them row by row.
    await q.query(`ANALYZE import_unit`);
    const maxDepth = Math.max(0, ...units.map((u) => u.depth));
    for (let depth = 1; depth <= maxDepth; depth++) {
      await resolveLevel(q, depth);
      await createLevel(q, depth);
    }

    await q.query(
      `CREATE TEMP TABLE import_row (
         line int PRIMARY KEY, unit_id uuid NOT NULL, phone text NOT NULL, name text NOT NULL, name_initials text NOT NULL, name_pinyin text NOT NULL,
         title text, is_head boolean, roles text[] NOT NULL,
         member_id uuid, is_new boolean NOT NULL DEFAULT false, changed boolean NOT NULL DEFAULT false, disabled boolean NOT NULL DEFAULT false
       ) ON COMMIT DROP`,
    );
    await q.query(
      `INSERT INTO import_row (line, unit_id, phone, name, name_initials, name_pinyin, title, is_head, roles)
       SELECT x.line, iu.id, x.phone, x.name, x.initials, x.pinyin, x.title, x.is_head, string_to_array(x.roles, ',')
         FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::text[])
              AS x(line, unit_key, phone, name, initials, pinyin, title, is_head, roles)
         JOIN import_unit iu ON iu.key = x.unit_key`,
      [
        rows.map((r) => r.line),
        rows.map((r) => r.unitKey),
        rows.map((r) => r.phone),
        rows.map((r) => r.name),
        rows.map((r) => r.nameInitials),
        rows.map((r) => r.namePinyin),
        rows.map((r) => r.title),
        rows.map((r) => r.isHead),
        rows.map((r) => r.roles.join(',')),
      ],
    );
    await q.query(`ANALYZE import_row`);
    // Before writing anything: which rows are existing members, and would the row change them?
    await q.query(
      `UPDATE import_row r
          SET member_id = m.id, disabled = m.status = 'disabled',
              changed = m.name <> r.name
                     OR (r.title IS NOT NULL AND m.title IS DISTINCT FROM r.title)
                     OR NOT EXISTS (SELECT 1 FROM membership ms WHERE ms.member_id = m.id AND ms.unit_id = r.unit_id AND (r.is_head IS NULL OR ms.is_head = r.is_head))
                     OR EXISTS (SELECT 1 FROM unnest(r.roles) AS x(role)
                                 WHERE NOT EXISTS (SELECT 1 FROM role_grant g WHERE g.member_id = m.id AND g.unit_id = r.unit_id AND g.role = x.role))
         FROM member m
        WHERE m.phone = r.phone`,
    );
    // New members: active, no password (they sign in through DingTalk or are given one later).
    await q.query(
      `WITH ins AS (
         INSERT INTO member (name, phone, title, name_initials, name_pinyin)
         SELECT name, phone, title, name_initials, name_pinyin FROM import_row WHERE member_id IS NULL ORDER BY line
         ON CONFLICT (phone) DO NOTHING
         RETURNING id, phone
       )
       UPDATE import_row r SET member_id = ins.id, is_new = true, changed = true FROM ins WHERE r.phone = ins.phone`,
    );
    // A member someone else added with the same phone while we waited on the insert: update them instead.
    await q.query(`UPDATE import_row r SET member_id = m.id, changed = true FROM member m WHERE r.member_id IS NULL AND m.phone = r.phone`);
    // Existing members: name (and its search keys) and title; the status is left alone, so disabled members stay disabled.
    await q.query(
      `UPDATE member m
          SET name = r.name, name_initials = r.name_initials, name_pinyin = r.name_pinyin, title = COALESCE(r.title, m.title), updated_at = now()
         FROM import_row r
        WHERE r.member_id = m.id AND NOT r.is_new AND (m.name <> r.name OR (r.title IS NOT NULL AND m.title IS DISTINCT FROM r.title))`,
    );
    // The row's unit becomes primary only for a member who has no primary unit yet.
    const [{ n: membershipsAdded }] = await q.query<{ n: number }[]>(
      `WITH ins AS (
         INSERT INTO membership (member_id, unit_id, is_head, is_primary)
         SELECT r.member_id, r.unit_id, COALESCE(r.is_head, false),
                NOT EXISTS (SELECT 1 FROM membership p WHERE p.member_id = r.member_id AND p.is_primary)
           FROM import_row r
         ON CONFLICT (member_id, unit_id) DO NOTHING
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM ins`,
    );
    await q.query(
      `UPDATE membership ms SET is_head = r.is_head
         FROM import_row r
        WHERE ms.member_id = r.member_id AND ms.unit_id = r.unit_id AND r.is_head IS NOT NULL AND ms.is_head <> r.is_head`,
    );
    // Roles are only ever added: a file that omits a role does not take it away.
    const [{ n: rolesGranted }] = await q.query<{ n: number }[]>(
      `WITH ins AS (
         INSERT INTO role_grant (member_id, unit_id, role)
         SELECT r.member_id, r.unit_id, x.role FROM import_row r CROSS JOIN LATERAL unnest(r.roles) AS x(role)
         ON CONFLICT (member_id, unit_id, role) DO NOTHING
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM ins`,
    );

    const [counts] = await q.query<{ created: number; updated: number; unchanged: number; disabled: number[] | null }[]>(
      `SELECT count(*) FILTER (WHERE is_new)::int AS created,
              count(*) FILTER (WHERE NOT is_new AND changed)::int AS updated,
              count(*) FILTER (WHERE NOT is_new AND NOT changed)::int AS unchanged,
              array_agg(line ORDER BY line) FILTER (WHERE disabled) AS disabled
         FROM import_row`,
    );
    const unitRows = await q.query<{ key: string; created: boolean; ambiguous: boolean }[]>(
      `SELECT key, created, ambiguous FROM import_unit WHERE created OR ambiguous ORDER BY depth, ord`,
    );
    return {
      createdUnits: unitRows.filter((u) => u.created).map((u) => u.key),
      ambiguousUnits: unitRows.filter((u) => u.ambiguous).map((u) => u.key),
      membersCreated: counts.created,
      membersUpdated: counts.updated,
      membersUnchanged: counts.unchanged,
      membershipsAdded,
      rolesGranted,
      disabledLines: counts.disabled ?? [],
    };
  },
};

/** Finds the existing units of one level under their (already found or created) parents, by name. */
async function resolveLevel(q: Sql, depth: number): Promise<void> {
  await q.query(
    `UPDATE import_unit iu SET id = m.ids[1], ambiguous = cardinality(m.ids) > 1
       FROM (SELECT c.key, array_agg(u.id ORDER BY u.sort_order, u.created_at, u.id) AS ids
               FROM import_unit c
               JOIN import_unit p ON p.key = c.parent_key
               JOIN unit u ON u.parent_id = p.id AND u.name = c.name
              WHERE c.depth = $1
              GROUP BY c.key) m
      WHERE iu.key = m.key`,
    [depth],
  );
}

/** Creates the units of one level that do not exist, after their existing siblings in file order, with their closure rows. */
async function createLevel(q: Sql, depth: number): Promise<void> {
  await q.query(
    `WITH fresh AS (
       SELECT c.key, p.id AS parent_id, c.name, c.kind,
              COALESCE((SELECT max(s.sort_order) FROM unit s WHERE s.parent_id = p.id), -1)
                + row_number() OVER (PARTITION BY p.id ORDER BY c.ord) AS sort_order
         FROM import_unit c JOIN import_unit p ON p.key = c.parent_key
        WHERE c.depth = $1 AND c.id IS NULL
     ), ins AS (
       INSERT INTO unit (parent_id, name, kind, sort_order)
       SELECT parent_id, name, kind, sort_order FROM fresh
       RETURNING id, parent_id, name
     ), marked AS (
       UPDATE import_unit iu SET id = ins.id, created = true
         FROM ins JOIN fresh f ON f.parent_id = ins.parent_id AND f.name = ins.name
        WHERE iu.key = f.key
     )
     INSERT INTO unit_closure (ancestor_id, descendant_id, depth)
     SELECT c.ancestor_id, ins.id, c.depth + 1 FROM ins JOIN unit_closure c ON c.descendant_id = ins.parent_id
     UNION ALL
     SELECT ins.id, ins.id, 0 FROM ins`,
    [depth],
  );
}
