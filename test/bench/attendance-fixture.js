import pg from 'pg';
import { hashPassword } from '../../server/dist/identity/password.js';
import { apiClient } from './notices-fixture.js';
import { startServer } from './server.js';

/** What the attendance scenarios share: the demo county on a server of its own, and members signed in at their places. */

const MEMBER_PASSWORD = 'Bench-member-2026';

/**
 * A bench server of its own, on a fresh database, that seeds the demo county at its first start
 * (DEMO_SEED=true: the county, its attendance group, a place for every town, village and bureau,
 * the 2026 calendar and this month's check-ins so far), signed in as the bootstrap admin at the
 * root. Its own database, so the notices scenarios' synthetic county (on the main bench server)
 * does not stop the demo seed, which only writes into a fresh database. Vacuumed and analysed.
 * Resolves to the server (as startServer gives it, with `stop()`) plus { db, rootId, members }:
 * `db` a pg client on its database (ended by `stop()`), `members` the active members the reports list.
 */
export async function demoCountyServer(env, label) {
  const t0 = Date.now();
  const server = await startServer(env.adminUrl, { env: { DEMO_SEED: 'true', ORG_NAME: '略阳县' } });
  const db = new pg.Client({ connectionString: server.databaseUrl, application_name: 'lianxin-bench-fixture' });
  try {
    await db.connect();
    await db.query('VACUUM ANALYZE');
    const { rows: [c] } = await db.query(
      `SELECT (SELECT id FROM unit WHERE parent_id IS NULL) AS root_id,
              (SELECT count(*)::int FROM unit) AS units,
              (SELECT count(*)::int FROM member m JOIN membership ms ON ms.member_id = m.id AND ms.is_primary
                WHERE m.status = 'active' AND NOT EXISTS (SELECT 1 FROM role_grant h WHERE h.member_id = m.id AND h.role = 'helper')) AS members,
              (SELECT count(*)::int FROM attendance_place) AS places,
              (SELECT count(*)::int FROM check_in) AS check_ins`,
    );
    if (c.members < 1000) throw new Error(`${label}: the demo county has ${c.members} members — was it seeded (DEMO_SEED)?`);
    console.error(
      `${label}: demo county on its own server — ${c.units} units, ${c.members.toLocaleString('en')} members, ${c.places} places, ` +
        `${c.check_ins.toLocaleString('en')} seeded check-ins — in ${Date.now() - t0} ms`,
    );
    return {
      ...server,
      db,
      rootId: c.root_id,
      members: c.members,
      stop: async () => {
        await db.end().catch(() => undefined);
        await server.stop();
      },
    };
  } catch (err) {
    await db.end().catch(() => undefined);
    await server.stop();
    throw err;
  }
}

/**
 * `n` members, each the first (by phone) of a different unit whose members have a place to check
 * in at, given a password and signed in over the API. Each comes with the place of their own unit
 * (or the nearest ancestor's that covers sub-units: what MEMBER_PLACES_SQL offers first). Units
 * are taken villages first, then towns and bureaus, in a fixed order. Resolves to
 * [{ memberId, unitId, token, place: { id, latitude, longitude, radius } }].
 */
export async function signInMembersWithPlaces(server, n) {
  const { rows } = await server.db.query(
    `SELECT * FROM (
       SELECT DISTINCT ON (ms.unit_id) m.id AS member_id, m.phone, ms.unit_id, u.kind, u.sort_order, u.name,
              p.id AS place_id, p.latitude, p.longitude, p.radius
         FROM member m
         JOIN membership ms ON ms.member_id = m.id AND ms.is_primary
         JOIN unit u ON u.id = ms.unit_id
         CROSS JOIN LATERAL (
           SELECT p.* FROM unit_closure c JOIN attendance_place p ON p.unit_id = c.ancestor_id AND p.active AND (c.depth = 0 OR p.covers_sub_units)
            WHERE c.descendant_id = ms.unit_id ORDER BY c.depth, p.id LIMIT 1) p
        WHERE m.status = 'active' AND NOT EXISTS (SELECT 1 FROM role_grant h WHERE h.member_id = m.id AND h.role = 'helper')
        ORDER BY ms.unit_id, m.phone) x
     ORDER BY CASE kind WHEN 'village' THEN 0 WHEN 'town' THEN 1 ELSE 2 END, sort_order, name
     LIMIT $1`,
    [n],
  );
  if (rows.length < n) throw new Error(`only ${rows.length} units with members and a place, for ${n} members`);
  const hash = await hashPassword(MEMBER_PASSWORD);
  await server.db.query(`UPDATE member SET password_hash = $2 WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.member_id), hash]);
  const api = apiClient(server);
  try {
    const members = [];
    for (const r of rows) {
      const res = await api.call('POST', '/api/auth/login', null, { phone: r.phone, password: MEMBER_PASSWORD });
      if (res.status !== 200 && res.status !== 201) throw new Error(`login of ${r.phone} answered ${res.status}: ${JSON.stringify(res.json)}`);
      members.push({
        memberId: r.member_id,
        unitId: r.unit_id,
        token: res.json.accessToken,
        place: { id: r.place_id, latitude: r.latitude, longitude: r.longitude, radius: r.radius },
      });
    }
    return members;
  } finally {
    api.close();
  }
}

/** Previous calendar month in China time, as 'YYYY-MM', with its first day and number of days. */
export function previousChinaMonth(now = new Date()) {
  const china = new Date(now.getTime() + 8 * 3600_000);
  const y = china.getUTCMonth() === 0 ? china.getUTCFullYear() - 1 : china.getUTCFullYear();
  const m = china.getUTCMonth() === 0 ? 12 : china.getUTCMonth();
  const month = `${y}-${String(m).padStart(2, '0')}`;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { month, first: `${month}-01`, days };
}
