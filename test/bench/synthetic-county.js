import { OrgTree } from '../../server/dist/org/org-tree.repository.js';

/**
 * The synthetic county every large-scale scenario runs on. 1 county → 10 bureaus × 4 offices, and
 * 20 towns × (25 villages + 4 offices): 651 units. `members` members (100,000 by default) spread
 * evenly over the villages and offices (1 in `disabledEvery` disabled; 0 = none), and 5 % with a
 * second membership in a bureau office (驻村 cadres), so audiences have duplicates to remove.
 *
 * `tx` is anything with TypeORM's `query(sql, params) → rows`. With `rootId` the county is built
 * under that existing root (the running server's bootstrap county, so its admin reaches every
 * unit); without it a root 合成县 is created. Returns the root id.
 */
export async function buildSyntheticCounty(tx, { rootId, members = 100_000, disabledEvery = 50 } = {}) {
  const root = rootId ?? (await tx.query(`INSERT INTO unit (name, kind, sort_order) VALUES ('合成县', 'county', 0) RETURNING id`))[0].id;
  await tx.query(`INSERT INTO unit (parent_id, name, kind, sort_order) SELECT $1, '局' || b, 'bureau', b FROM generate_series(1, 10) b`, [root]);
  await tx.query(`INSERT INTO unit (parent_id, name, kind, sort_order) SELECT $1, '镇' || t, 'town', 10 + t FROM generate_series(1, 20) t`, [root]);
  await tx.query(
    `INSERT INTO unit (parent_id, name, kind, sort_order)
     SELECT u.id, u.name || '村' || v, 'village', v FROM unit u CROSS JOIN generate_series(1, 25) v WHERE u.kind = 'town'`,
  );
  await tx.query(
    `INSERT INTO unit (parent_id, name, kind, sort_order)
     SELECT u.id, u.name || '科室' || o, 'office', 100 + o FROM unit u CROSS JOIN generate_series(1, 4) o WHERE u.kind IN ('town', 'bureau')`,
  );
  await OrgTree.rebuildClosure(tx);
  await tx.query(
    `INSERT INTO member (name, phone, status, name_initials, name_pinyin)
     SELECT '成员' || i, '101' || lpad(i::text, 8, '0'), CASE WHEN $2 > 0 AND i % $2 = 0 THEN 'disabled' ELSE 'active' END, 'cy', 'chengyuan'
       FROM generate_series(1, $1::int) i`,
    [members, disabledEvery],
  );
  await tx.query(
    `WITH leaves AS (SELECT id, (row_number() OVER (ORDER BY name) - 1)::int AS n FROM unit WHERE kind IN ('village', 'office')),
          k AS (SELECT count(*)::int AS c FROM leaves),
          m AS (SELECT id, (row_number() OVER (ORDER BY phone) - 1)::int AS n FROM member WHERE phone LIKE '101%')
     INSERT INTO membership (member_id, unit_id, is_head, is_primary)
     SELECT m.id, leaves.id, false, true FROM m CROSS JOIN k JOIN leaves ON leaves.n = m.n % k.c`,
  );
  await tx.query(
    `WITH offices AS (SELECT o.id, (row_number() OVER (ORDER BY o.name) - 1)::int AS n
                        FROM unit o JOIN unit b ON b.id = o.parent_id AND b.kind = 'bureau'),
          k AS (SELECT count(*)::int AS c FROM offices),
          m AS (SELECT id, (row_number() OVER (ORDER BY phone) - 1)::int AS n FROM member WHERE phone LIKE '101%')
     INSERT INTO membership (member_id, unit_id, is_head, is_primary)
     SELECT m.id, offices.id, false, false FROM m CROSS JOIN k JOIN offices ON offices.n = m.n % k.c
      WHERE m.n % 20 = 0
     ON CONFLICT DO NOTHING`,
  );
  return root;
}
