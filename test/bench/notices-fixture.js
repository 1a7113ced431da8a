import http from 'node:http';
import pg from 'pg';
import { createDataSource } from '../../server/dist/database/data-source.js';
import { hashPassword } from '../../server/dist/identity/password.js';
import { send } from './load.js';
import { buildSyntheticCounty } from './synthetic-county.js';

/** What the notices scenarios share: the county on the bench server's own database, and how to send, sign in and wait. */

export const COUNTY_MEMBERS = 100_000;
const READER_PASSWORD = 'Bench-reader-2026';

const counties = new Map();

/**
 * The synthetic county (test/bench/synthetic-county.js) built once per bench run under the server's
 * bootstrap root, with no disabled members: a county-wide notice from the bootstrap admin (who
 * sits at the root and is left out as the sender) reaches exactly 100,000 people. Vacuumed and
 * analysed (autovacuum may be off). Resolves to { rootId, recipients }.
 */
export function countyOnServer(env) {
  if (!counties.has(env.databaseUrl)) counties.set(env.databaseUrl, buildCounty(env));
  return counties.get(env.databaseUrl);
}

async function buildCounty(env) {
  const ds = createDataSource({ url: env.databaseUrl, poolSize: 1 });
  await ds.initialize();
  try {
    const t0 = Date.now();
    const [{ id: rootId }] = await ds.query('SELECT id FROM unit WHERE parent_id IS NULL');
    await ds.transaction((tx) => buildSyntheticCounty(tx, { rootId, members: COUNTY_MEMBERS, disabledEvery: 0 }));
    await ds.query('VACUUM ANALYZE');
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM member m JOIN membership ms ON ms.member_id = m.id AND ms.is_primary WHERE m.status = 'active' AND m.id <> $1`,
      [env.memberId],
    );
    console.error(`notices: synthetic county of ${n.toLocaleString('en')} members under the server's root built in ${Date.now() - t0} ms`);
    return { rootId, recipients: n };
  } finally {
    await ds.destroy();
  }
}

/** A keep-alive HTTP client for the bench server: `call(method, path, token, body)` → { status, ms, json }. */
export function apiClient(env, sockets = 4) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const base = new URL(env.app.url);
  return {
    call: async (method, path, token, body) => {
      const r = await send(agent, base, { method, path, body, headers: token ? { authorization: `Bearer ${token}` } : {} });
      let json = null;
      try {
        json = JSON.parse(r.text);
      } catch {
        /* not JSON */
      }
      return { status: r.status, ms: r.ms, json };
    },
    close: () => agent.destroy(),
  };
}

/** POST /api/notices; throws unless 201. Resolves to { ms, notice }. */
export async function sendNotice(api, token, audience, title) {
  const r = await api.call('POST', '/api/notices', token, { kind: 'notice', title, body: `${title}：请各单位按时阅读并回执。`, audience });
  if (r.status !== 201) throw new Error(`POST /api/notices answered ${r.status}: ${JSON.stringify(r.json)}`);
  return { ms: r.ms, notice: r.json };
}

/**
 * Listens to the server's event bus, so a scenario can wait until the server has announced a notice
 * to every recipient (it does so after answering) before timing the next thing.
 */
export async function announcements(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'lianxin-bench-listen' });
  await client.connect();
  const seen = new Map();
  const waiters = new Set();
  client.on('notification', (n) => {
    try {
      const m = JSON.parse(n.payload);
      const id = m.event?.data?.noticeId;
      if (m.event?.type === 'notice.new') seen.set(id, (seen.get(id) ?? 0) + m.memberIds.length);
    } catch {
      return;
    }
    waiters.forEach((w) => w());
  });
  await client.query('LISTEN lianxin_events');
  return {
    /** Resolves once `recipients` ids were announced for the notice, or after `timeoutMs`; to the ms waited (null on timeout). */
    wait: (noticeId, recipients, timeoutMs = 15_000) =>
      new Promise((resolve) => {
        const t0 = Date.now();
        const check = () => {
          if ((seen.get(noticeId) ?? 0) >= recipients) done(Date.now() - t0);
        };
        const timer = setTimeout(() => done(null), timeoutMs);
        const done = (v) => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(v);
        };
        waiters.add(check);
        check();
      }),
    close: () => client.end(),
  };
}

/**
 * `n` readers, each the first member (by phone) of a different village, given a password and signed
 * in over the API. Resolves to [{ memberId, unitId, token }].
 */
export async function signInReaders(env, api, n) {
  const db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT DISTINCT ON (u.sort_order, u.name) m.id AS member_id, m.phone, u.id AS unit_id
         FROM unit u JOIN membership pm ON pm.unit_id = u.id AND pm.is_primary JOIN member m ON m.id = pm.member_id
        WHERE u.kind = 'village' AND m.status = 'active'
        ORDER BY u.sort_order, u.name, m.phone
        LIMIT $1`,
      [n],
    );
    if (rows.length < n) throw new Error(`only ${rows.length} villages with members for ${n} readers`);
    const hash = await hashPassword(READER_PASSWORD);
    await db.query(`UPDATE member SET password_hash = $2 WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.member_id), hash]);
    const readers = [];
    for (const r of rows) {
      const res = await api.call('POST', '/api/auth/login', null, { phone: r.phone, password: READER_PASSWORD });
      if (res.status !== 200 && res.status !== 201) throw new Error(`login of ${r.phone} answered ${res.status}: ${JSON.stringify(res.json)}`);
      readers.push({ memberId: r.member_id, unitId: r.unit_id, token: res.json.accessToken });
    }
    return readers;
  } finally {
    await db.end();
  }
}

/** Median of a list of numbers. */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
