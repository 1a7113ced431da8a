import pg from 'pg';
import { MARK_READ_SQL } from '../../../server/dist/notices/audience.sql.js';
import { startBareEndpoint } from '../bare-endpoint.js';
import { closedLoop, interleavedAll, load } from '../load.js';
import { apiClient, countyOnServer, sendNotice, signInReaders } from '../notices-fixture.js';

/** The receipt the server answers a read with (NoticesService.receipt): the bare endpoint runs it too. */

/** The fastest any side may go, for sizing the supply of unread receipts (a client that runs out stops, and is reported). */
const MAX_RATE = 25_000;

/**
 * notices.read: `clients` readers, each a different member of a different village signed in over the
 * API, mark notices read as fast as they can: POST /api/notices/:id/read, every request a first read
 * (the receipt was unread), so each one updates the receipt and its unit's counter. Beside:
 *  - a bare Fastify + pg endpoint running the statement the handler runs (MARK_READ_SQL from the
 *    server, prepared by name, which also answers the receipt), same pool size as the server (10);
 *  - raw pgbench-style: `clients` PostgreSQL connections running MARK_READ_SQL alone, no HTTP, once
 *    sent the way the server sends it (unnamed: parsed and planned each time) and once prepared.
 * Every reader reads the same notices in the same order, so at any moment many are reading one
 * notice — as when a notice goes out. The notices (one to all readers each) are written in bulk with
 * the rows the API writes (checked against one sent over the API); before each side's round every
 * receipt is made unread again and the tables vacuumed, so each round starts from the same state.
 */
export default async function noticesRead(env) {
  const { clients, seconds } = env;
  await countyOnServer(env);
  const api = apiClient(env);
  const db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  const readers = await signInReaders(env, api, clients);
  const perClient = Math.ceil(((seconds + 1) * MAX_RATE) / clients);
  const noticeIds = await writeNotices(env, api, db, readers, perClient);
  await db.query('VACUUM ANALYZE notice, notice_receipt, notice_unit_stat');

  const bare = await startBareEndpoint({
    databaseUrl: env.databaseUrl,
    poolSize: 10,
    routes: [
      {
        method: 'POST',
        url: '/read/:id',
        handler: async (pool, req) => {
          const member = req.headers['x-member'];
          // The statement the server's handler runs, prepared by name as the server does.
          const { rows: [r] } = await pool.query({ name: 'notice-mark-read', text: MARK_READ_SQL, values: [req.params.id, member] });
          return { changed: r.changed, readAt: r.read_at, deliveredAt: r.delivered_at };
        },
      },
    ],
  });
  const conns = [];
  for (let c = 0; c < clients; c++) {
    const conn = new pg.Client({ connectionString: env.databaseUrl, application_name: 'lianxin-bench-raw' });
    await conn.connect();
    conns.push(conn);
  }

  let next = [];
  const fresh = async () => {
    await db.query(`UPDATE notice_receipt SET read_at = NULL WHERE notice_id = ANY($1::uuid[]) AND read_at IS NOT NULL`, [noticeIds]);
    await db.query(`UPDATE notice_unit_stat SET read_count = 0 WHERE notice_id = ANY($1::uuid[]) AND read_count > 0`, [noticeIds]);
    await db.query('VACUUM notice_receipt, notice_unit_stat');
    next = readers.map(() => 0);
  };
  const take = (c) => (next[c] < noticeIds.length ? noticeIds[next[c]++] : null);
  /** Every read changed exactly one receipt and one counter: the counters add up to the reads. */
  const check = async (label, result) => {
    const { rows: [x] } = await db.query(
      `SELECT (SELECT count(*) FROM notice_receipt WHERE notice_id = ANY($1::uuid[]) AND read_at IS NOT NULL)::int AS receipts,
              (SELECT COALESCE(sum(read_count), 0) FROM notice_unit_stat WHERE notice_id = ANY($1::uuid[]))::int AS counted`,
      [noticeIds],
    );
    const done = next.reduce((a, b) => a + b, 0);
    if (x.receipts !== x.counted) throw new Error(`notices.read ${label}: ${x.receipts} receipts read but ${x.counted} counted`);
    if (x.receipts !== done || result.failed) console.error(`notices.read ${label}: ${done} reads sent (${result.failed} failed), ${x.receipts} receipts read`);
    if (result.exhausted) console.error(`notices.read ${label}: ${result.exhausted} clients ran out of unread notices — raise MAX_RATE`);
    return result;
  };

  const ours = async () => {
    await fresh();
    return check(
      'ours',
      await load({
        url: env.app.url,
        clients,
        seconds,
        request: (c) => {
          const id = take(c);
          return id && { method: 'POST', path: `/api/notices/${id}/read`, headers: { authorization: `Bearer ${readers[c].token}` } };
        },
      }),
    );
  };
  const bareSide = async () => {
    await fresh();
    return check(
      'bare',
      await load({
        url: bare.url,
        clients,
        seconds,
        request: (c) => {
          const id = take(c);
          return id && { method: 'POST', path: `/read/${id}`, headers: { 'x-member': readers[c].memberId } };
        },
      }),
    );
  };
  /** `prepared`: a named statement, parsed and planned once per connection (the server sends it unnamed: planned every time). */
  const raw = (prepared) => async () => {
    await fresh();
    return check(
      prepared ? 'raw prepared' : 'raw',
      await closedLoop({
        clients,
        seconds,
        op: async (c) => {
          const id = take(c);
          if (!id) return null;
          const t0 = process.hrtime.bigint();
          const { rows } = await conns[c].query({ name: prepared ? 'mark-read' : undefined, text: MARK_READ_SQL, values: [id, readers[c].memberId] });
          return { ok: rows[0].changed === 1, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
        },
      }),
    );
  };

  try {
    const [o, b, r, p] = await interleavedAll([ours, bareSide, raw(false), raw(true)]);
    console.error(
      `notices.read: ${clients} readers in ${new Set(readers.map((x) => x.unitId)).size} villages, ${noticeIds.length} notices each; ` +
        `median rounds: ours ${o.total} reads, bare ${b.total}, raw ${r.total}, raw prepared ${p.total}`,
    );
    return [
      {
        scenario: `notices.read: POST /api/notices/:id/read, ${clients} clients`,
        ours: o,
        base: b,
        baseLabel: 'bare endpoint (the same statement)',
        target: '≥ 0.7 × bare and ≥ 5,000 req/s',
        met: o.rps / b.rps >= 0.7 && o.rps >= 5000,
      },
      {
        scenario: `notices.read: the same, beside MARK_READ_SQL alone`,
        ours: o,
        base: r,
        baseLabel: `raw, ${clients} pg connections, sent as the server sends it`,
        target: '(context: the database alone)',
      },
      {
        scenario: `notices.read: the same, beside MARK_READ_SQL prepared`,
        ours: o,
        base: p,
        baseLabel: `raw, ${clients} pg connections, named prepared statement`,
        target: '(context: without planning each time)',
      },
    ];
  } finally {
    await bare.stop();
    await Promise.all(conns.map((c) => c.end()));
    await db.end();
    api.close();
  }
}

/**
 * `count` notices from the admin, each to every reader, written in bulk with exactly the rows the
 * API writes for such a notice: one is sent over the API (audience: the readers), and its notice,
 * receipt (one per reader, with their primary unit) and counter rows (one per unit) are copied.
 */
async function writeNotices(env, api, db, readers, count) {
  const members = readers.map((r) => r.memberId);
  const { notice } = await sendNotice(api, env.token, { members }, '阅读测试 (API)');
  await db.query('BEGIN');
  const { rows } = await db.query(
    `INSERT INTO notice (sender_id, sender_unit_id, kind, title, body, audience, recipient_count)
     SELECT n.sender_id, n.sender_unit_id, n.kind, '阅读测试 ' || i, n.body, n.audience, n.recipient_count
       FROM notice n CROSS JOIN generate_series(1, $2::int) i WHERE n.id = $1
     ORDER BY i
     RETURNING id`,
    [notice.id, count],
  );
  const ids = rows.map((r) => r.id);
  const receipts = await db.query(
    `INSERT INTO notice_receipt (notice_id, member_id, unit_id, delivered_at)
     SELECT n.id, r.member_id, r.unit_id, now() FROM unnest($1::uuid[]) AS n(id) CROSS JOIN notice_receipt r WHERE r.notice_id = $2`,
    [ids, notice.id],
  );
  await db.query(
    `INSERT INTO notice_unit_stat (notice_id, unit_id, total)
     SELECT n.id, s.unit_id, s.total FROM unnest($1::uuid[]) AS n(id) CROSS JOIN notice_unit_stat s WHERE s.notice_id = $2`,
    [ids, notice.id],
  );
  await db.query('COMMIT');
  if (notice.recipientCount !== readers.length || receipts.rowCount !== count * readers.length) {
    throw new Error(`notices.read: the API's notice reached ${notice.recipientCount} of ${readers.length} readers; ${receipts.rowCount} bulk receipts`);
  }
  return ids;
}
