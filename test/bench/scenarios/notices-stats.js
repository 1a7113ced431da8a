import pg from 'pg';
import { alternating } from '../load.js';
import { announcements, apiClient, countyOnServer, sendNotice } from '../notices-fixture.js';

/** Share of the recipients who have read when the sender looks (the middle of a working day). */
const READ_SHARE = 0.6;

/*
 * The statements the server runs for the sender (no scope filter), copied from
 * server/src/notices/notice-access.ts and notice-tracking.service.ts. Each run is checked against
 * the API's answer, so a drift between the copies and the server shows up as an error.
 */
const LOAD_SQL = `SELECT id, sender_id, kind, title, body, starts_at, place, require_confirm, recipient_count, created_at FROM notice WHERE id = $1`;
const SUMS = `COALESCE(sum(s.total), 0)::int AS total, COALESCE(sum(s.read_count), 0)::int AS read,
              COALESCE(sum(s.confirmed_count), 0)::int AS confirmed, COALESCE(sum(s.leave_count), 0)::int AS leave`;
const TOTAL_SQL = `SELECT ${SUMS} FROM notice_unit_stat s WHERE s.notice_id = $1`;
const COMMON_UNIT_SQL = `
  WITH seen AS (SELECT s.unit_id FROM notice_unit_stat s WHERE s.notice_id = $1)
  SELECT a.id, a.name, a.kind
    FROM unit_closure c JOIN unit a ON a.id = c.ancestor_id
   WHERE c.descendant_id IN (SELECT unit_id FROM seen)
   GROUP BY a.id
  HAVING count(*) = (SELECT count(*) FROM seen)
   ORDER BY (SELECT count(*) FROM unit_closure up WHERE up.descendant_id = a.id) DESC
   LIMIT 1`;
const PER_UNIT_SQL = `
  SELECT g.id, g.name, g.kind, g.self, ${SUMS}
    FROM (SELECT ch.id, ch.name, ch.kind, ch.sort_order, false AS self FROM unit ch WHERE ch.parent_id = $2
          UNION ALL SELECT u.id, u.name, u.kind, -1, true FROM unit u WHERE u.id = $2) g
    JOIN unit_closure c ON c.ancestor_id = g.id AND (NOT g.self OR c.depth = 0)
    JOIN notice_unit_stat s ON s.notice_id = $1 AND s.unit_id = c.descendant_id
   GROUP BY g.id, g.name, g.kind, g.self, g.sort_order
   ORDER BY g.sort_order, g.name`;
const UNREAD_SQL = `
  SELECT r.member_id, r.unit_id, r.delivered_at, r.read_at, r.confirmed_at, r.confirm_status, r.leave_reason,
         m.name, m.phone, m.title, u.name AS unit_name, u.kind AS unit_kind
    FROM notice_receipt r JOIN member m ON m.id = r.member_id LEFT JOIN unit u ON u.id = r.unit_id
   WHERE r.notice_id = $1 AND r.read_at IS NULL
   ORDER BY r.unit_id, r.member_id
   LIMIT $2`;

/**
 * notices.stats: the sender's view of a county-wide notice (100,000 recipients, 60 % of them read):
 * GET /api/notices/:id/stats, GET /api/notices/:id/receipts?status=unread&limit=50, and the two at
 * once as the tracking page asks for them — one client, one request (or pair) at a time, latency
 * p50/p95 — beside the same statements sent straight to PostgreSQL.
 */
export default async function noticesStats(env) {
  const { rootId } = await countyOnServer(env);
  const api = apiClient(env);
  const db = new pg.Client({ connectionString: env.databaseUrl });
  const db2 = new pg.Client({ connectionString: env.databaseUrl });
  await Promise.all([db.connect(), db2.connect()]);
  const bus = await announcements(env.databaseUrl);
  try {
    const { notice } = await sendNotice(api, env.token, { units: [{ unitId: rootId, includeSubUnits: true }] }, '县级通知 (统计)');
    await bus.wait(notice.id, notice.recipientCount);
    await db.query(
      `UPDATE notice_receipt SET read_at = now() WHERE notice_id = $1 AND abs(hashtext(member_id::text)) % 1000 < $2`,
      [notice.id, Math.round(READ_SHARE * 1000)],
    );
    await db.query(
      `UPDATE notice_unit_stat s SET read_count = x.n
         FROM (SELECT unit_id, count(*)::int AS n FROM notice_receipt WHERE notice_id = $1 AND read_at IS NOT NULL GROUP BY unit_id) x
        WHERE s.notice_id = $1 AND s.unit_id = x.unit_id`,
      [notice.id],
    );
    await db.query('VACUUM ANALYZE notice_receipt, notice_unit_stat');

    const id = notice.id;
    const timed = async (fn) => {
      const t0 = process.hrtime.bigint();
      const out = await fn();
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out };
    };
    const http = (path) => async () => {
      const r = await api.call('GET', path, env.token);
      if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${JSON.stringify(r.json)}`);
      return r.json;
    };
    const statsApi = http(`/api/notices/${id}/stats`);
    const unreadApi = http(`/api/notices/${id}/receipts?status=unread&limit=50`);
    const statsRaw = async (c = db) => {
      await c.query(LOAD_SQL, [id]);
      const { rows: [total] } = await c.query(TOTAL_SQL, [id]);
      const { rows: [focus] } = await c.query(COMMON_UNIT_SQL, [id]);
      const { rows } = await c.query(PER_UNIT_SQL, [id, focus.id]);
      return { total, focus, units: rows };
    };
    const unreadRaw = async (c = db) => {
      await c.query(LOAD_SQL, [id]);
      return (await c.query(UNREAD_SQL, [id, 51])).rows;
    };

    // The copies of the statements must answer what the server answers.
    const [sa, sr, ua, ur] = [await statsApi(), await statsRaw(), await unreadApi(), await unreadRaw()];
    if (sa.total !== sr.total.total || sa.read !== sr.total.read || sa.unit?.id !== sr.focus.id || sa.units.length !== sr.units.length) {
      throw new Error(`notices.stats: raw stats differ from the API's: ${JSON.stringify({ api: [sa.total, sa.read, sa.unit?.id, sa.units.length], raw: [sr.total, sr.focus.id, sr.units.length] })}`);
    }
    if (ua.items.length !== 50 || ua.items.some((it, i) => it.member.id !== ur[i].member_id)) throw new Error('notices.stats: raw unread page differs from the API’s');
    console.error(
      `notices.stats: ${sa.total.toLocaleString('en')} recipients, ${sa.read.toLocaleString('en')} read; by ${sa.unit.name}'s ${sa.units.length} units one level down`,
    );

    const ms = (fn) => async () => (await timed(fn)).ms;
    const pairs = [
      ['GET …/stats', ms(statsApi), ms(() => statsRaw()), '4 statements'],
      ['GET …/receipts?status=unread&limit=50', ms(unreadApi), ms(() => unreadRaw()), '2 statements'],
      ['both at once (the tracking page)', ms(() => Promise.all([statsApi(), unreadApi()])), ms(() => Promise.all([statsRaw(db), unreadRaw(db2)])), 'both on 2 connections'],
    ];
    const rows = [];
    for (const [label, a, b, what] of pairs) {
      const [ours, base] = await alternating(a, b, { seconds: Math.max(1, env.seconds / 2) });
      rows.push({
        scenario: `notices.stats: ${label}, 100,000-recipient notice, 1 client`,
        ours,
        base,
        baseLabel: `raw SQL (${what})`,
        ratio: base.p50 / ours.p50,
        target: 'p95 ≤ 20 ms',
        met: ours.p95 <= 20,
      });
    }
    return rows;
  } finally {
    api.close();
    await bus.close();
    await Promise.all([db.end(), db2.end()]);
  }
}
