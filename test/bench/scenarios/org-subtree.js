import pg from 'pg';
import { createDataSource } from '../../../server/dist/database/data-source.js';
import { seedDemoCounty } from '../../../server/dist/org/seed/demo-seed.js';
import { SUBTREE_MEMBERS_SQL } from '../../../server/dist/org/subtree.js';
import { buildSyntheticCounty } from '../synthetic-county.js';

/**
 * The same members resolved without the closure table: walk unit.parent_id down from the roots,
 * the way one would with no unit_closure. The baseline the closure must beat (or match).
 */
const RECURSIVE_MEMBERS_SQL = `
  WITH RECURSIVE sub(id) AS (
    SELECT id FROM unit WHERE id = ANY($1::uuid[])
    UNION
    SELECT u.id FROM unit u JOIN sub ON u.parent_id = sub.id
  )
  SELECT DISTINCT ms.member_id
    FROM sub
    JOIN membership ms ON ms.unit_id = sub.id
    JOIN member m ON m.id = ms.member_id AND m.status = 'active'`;

/**
 * org.subtree: every active member under the county root — the audience of a county-wide
 * broadcast — resolved by the server's own statement (SUBTREE_MEMBERS_SQL over unit_closure) and
 * by a raw WITH RECURSIVE over unit.parent_id, on the seeded demo county and on a synthetic county
 * of 100,000 members. Each runs as count(*) over the statement, the way audiences are used inside
 * an INSERT … SELECT, so the timings are the database's work and not 100,000 ids on the wire.
 * Each county lives in its own scratch database, migrated here and dropped afterwards.
 */
export default async function orgSubtree({ databaseUrl, seconds }) {
  const rows = [];
  for (const [label, build] of [
    ['demo county', buildDemoCounty],
    ['synthetic county', (tx) => buildSyntheticCounty(tx)],
  ]) {
    const db = await scratchDatabase(databaseUrl);
    try {
      const t0 = Date.now();
      await db.ds.transaction((tx) => build(tx));
      await db.ds.query('ANALYZE');
      const [{ id: rootId }] = await db.ds.query('SELECT id FROM unit WHERE parent_id IS NULL');
      const built = Date.now() - t0;
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const members = await sameMembers(client, rootId);
        const [ours, base] = await measure(client, rootId, seconds);
        const [{ units }] = (await client.query('SELECT count(*)::int AS units FROM unit')).rows;
        console.error(`org.subtree: ${label} (${units} units, ${members} active members) built in ${built} ms; ${ours.n} runs each`);
        rows.push({
          scenario: `org.subtree: ${label}, ${members.toLocaleString('en')} members under the root`,
          ours,
          base,
          baseLabel: 'WITH RECURSIVE over parent_id',
          ratio: base.p50 / ours.p50,
          target: 'ratio ≥ 1 (closure no slower)',
        });
      } finally {
        await client.end();
      }
    } finally {
      await db.drop();
    }
  }
  return rows;
}

/** The demo county exactly as `npm run seed:demo` writes it. */
async function buildDemoCounty(tx) {
  const outcome = await seedDemoCounty(tx, { rootName: '略阳县' });
  if (!outcome.seeded) throw new Error(outcome.reason);
}

/** Both statements must name the same members, or the comparison means nothing. */
async function sameMembers(client, rootId) {
  const ids = async (sql) => (await client.query(sql, [[rootId]])).rows.map((r) => r.member_id).sort();
  const [ours, base] = [await ids(SUBTREE_MEMBERS_SQL), await ids(RECURSIVE_MEMBERS_SQL)];
  if (ours.length !== base.length || ours.some((id, i) => id !== base[i])) {
    throw new Error(`org.subtree: the closure found ${ours.length} members, the recursive query ${base.length}`);
  }
  return ours.length;
}

/**
 * Alternates the two statements (which one goes first flips each round) for about `seconds` each,
 * after a warm-up, so drift in the machine's speed hits both alike. Returns p50/p95 in ms.
 */
async function measure(client, rootId, seconds) {
  const timed = async (sql) => {
    const t0 = process.hrtime.bigint();
    await client.query(`SELECT count(*) FROM (${sql}) s`, [[rootId]]);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const ours = SUBTREE_MEMBERS_SQL;
  const base = RECURSIVE_MEMBERS_SQL;
  for (let i = 0; i < 5; i++) {
    await timed(ours);
    await timed(base);
  }
  const lat = { ours: [], base: [] };
  const until = Date.now() + seconds * 2000;
  for (let i = 0; (Date.now() < until || i < 20) && i < 2000; i++) {
    if (i % 2 === 0) {
      lat.ours.push(await timed(ours));
      lat.base.push(await timed(base));
    } else {
      lat.base.push(await timed(base));
      lat.ours.push(await timed(ours));
    }
  }
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const pct = (p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
    return { p50: pct(50), p95: pct(95), n: s.length };
  };
  return [stats(lat.ours), stats(lat.base)];
}

/** A fresh database on the bench's server, migrated with the server's own migrations. */
async function scratchDatabase(benchUrl) {
  const name = `lx_bench_subtree_${Date.now()}_${Math.random().toString(36).slice(2, 6)}`;
  const admin = new pg.Client({ connectionString: benchUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(benchUrl);
  url.pathname = `/${name}`;
  const ds = createDataSource({ url: url.toString(), poolSize: 1 });
  try {
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
  } catch (err) {
    await ds.destroy().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    throw err;
  }
  return {
    ds,
    url: url.toString(),
    drop: async () => {
      await ds.destroy().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
