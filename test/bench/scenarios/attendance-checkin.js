import { createHash } from 'node:crypto';
import pg from 'pg';
import { startBareEndpoint } from '../bare-endpoint.js';
import { closedLoop, interleavedAll, load } from '../load.js';
import { apiClient } from '../notices-fixture.js';
import { demoCountyServer, signInMembersWithPlaces } from '../attendance-fixture.js';

/**
 * The INSERT CheckInsService.checkIn runs (the same text, columns and conflict clause), for the bare
 * endpoint and the raw side: they store a verdict decided beforehand instead of judging.
 */
const INSERT_SQL = `INSERT INTO check_in (member_id, unit_id, kind, at, made_at, client_at, latitude, longitude, coord_system, gcj_latitude, gcj_longitude, accuracy,
                               bssid, photo_id, note, mock_location, idempotency_key, content_hash, replay_of, verdict, reasons, place_id, distance, spot_check_id, notice_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
         ON CONFLICT (member_id, idempotency_key) WHERE replay_of IS NULL DO NOTHING
         RETURNING id`;

const KEY_PREFIX = 'bench-ci-';

/**
 * attendance.checkin: `clients` members of the demo county, each a different member of a different
 * unit signed in over the API, post check-ins as fast as they can: POST /api/attendance/check-ins,
 * kind in/out alternately, a GCJ-02 position about 20 m from their place's centre (well inside its
 * fence), accuracy 15 m, the device's clock right, every request with a new idempotency key — so
 * every one is judged and stored with verdict ok. Beside:
 *  - a bare Fastify + pg endpoint taking the same JSON body and running the same INSERT into
 *    check_in (all 25 columns, the server's statement text, sent unnamed as the server sends it)
 *    with the verdict, reasons, place and distance the server gave that member's first check-in;
 *    pool of 10 like the server's;
 *  - raw: `clients` PostgreSQL connections running that INSERT alone, no HTTP.
 * The demo county lives on a server of its own (the demo seed needs a fresh database). Before each
 * side's round the bench's check-ins are deleted and the table vacuumed, so every round starts
 * from the same state; after it, the rows stored are counted against the answers.
 */
export default async function attendanceCheckin(env) {
  const { clients, seconds } = env;
  const label = 'attendance.checkin';
  const server = await demoCountyServer(env, label);
  let bare;
  const conns = [];
  try {
    const members = await signInMembersWithPlaces(server, clients);
    const db = server.db;
    let seq = 0;
    /** The body a phone sends, at the member's place (≈ 20 m north-east of its centre), with a fresh key. */
    const body = (c) => {
      const m = members[c];
      const now = new Date().toISOString();
      const n = ++seq;
      return {
        kind: n % 2 === 0 ? 'out' : 'in',
        latitude: m.place.latitude + 0.00013,
        longitude: m.place.longitude + 0.00013,
        accuracy: 15,
        coordSystem: 'gcj02',
        clientAt: now,
        sentAt: now,
        idempotencyKey: `${KEY_PREFIX}${c}-${n}`,
      };
    };

    // One check-in per member over the API: it must pass, and its verdict is what the bare side stores.
    const api = apiClient(server);
    try {
      for (const [c, m] of members.entries()) {
        const r = await api.call('POST', '/api/attendance/check-ins', m.token, body(c));
        if (r.status !== 201 || r.json?.verdict !== 'ok') {
          throw new Error(`${label}: the first check-in of member ${c} answered ${r.status} ${JSON.stringify(r.json)} (expected 201, verdict ok)`);
        }
        m.verdict = { verdict: r.json.verdict, reasons: JSON.stringify(r.json.reasons), placeId: r.json.place?.id ?? null, distance: r.json.distance };
      }
    } finally {
      api.close();
    }
    const distinctPlaces = new Set(members.map((m) => m.verdict.placeId)).size;

    /** The INSERT's values for a body, with the member's precomputed verdict (what the bare and raw sides store). */
    const values = (m, b) => {
      const now = new Date();
      const hash = createHash('sha256').update(JSON.stringify([m.memberId, b])).digest('hex');
      return [
        m.memberId, m.unitId, b.kind, now, new Date(b.clientAt), new Date(b.clientAt), b.latitude, b.longitude, b.coordSystem, b.latitude, b.longitude, b.accuracy,
        null, null, null, null, b.idempotencyKey, hash,
        null, m.verdict.verdict, m.verdict.reasons, m.verdict.placeId, m.verdict.distance, null, null,
      ];
    };
    const byMember = new Map(members.map((m) => [m.memberId, m]));
    bare = await startBareEndpoint({
      databaseUrl: server.databaseUrl,
      poolSize: 10,
      routes: [
        {
          method: 'POST',
          url: '/check-ins',
          handler: async (pool, req) => {
            const m = byMember.get(req.headers['x-member']);
            const { rows: [r] } = await pool.query(INSERT_SQL, values(m, req.body));
            return { id: r.id, verdict: m.verdict.verdict };
          },
        },
      ],
    });
    for (let c = 0; c < clients; c++) {
      const conn = new pg.Client({ connectionString: server.databaseUrl, application_name: 'lianxin-bench-raw' });
      await conn.connect();
      conns.push(conn);
    }

    const fresh = async () => {
      await db.query(`DELETE FROM check_in WHERE idempotency_key LIKE '${KEY_PREFIX}%'`);
      await db.query('VACUUM ANALYZE check_in');
    };
    /** Every 2xx answer stored one row, and nothing else was stored (warm-up included). */
    const check = async (side, result) => {
      const { rows: [x] } = await db.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE verdict <> 'ok')::int AS not_ok FROM check_in WHERE idempotency_key LIKE '${KEY_PREFIX}%'`,
      );
      if (result.failed || x.not_ok) console.error(`${label} ${side}: ${result.failed} of ${result.total} requests failed; ${x.not_ok} rows stored with a verdict other than ok`);
      if (x.n < result.total - result.failed) throw new Error(`${label} ${side}: ${result.total - result.failed} check-ins answered 2xx in the measured window but only ${x.n} rows stored`);
      return { ...result, stored: x.n };
    };

    const ours = async () => {
      await fresh();
      return check(
        'ours',
        await load({
          url: server.app.url,
          clients,
          seconds,
          request: (c) => ({ method: 'POST', path: '/api/attendance/check-ins', headers: { authorization: `Bearer ${members[c].token}` }, body: body(c) }),
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
          request: (c) => ({ method: 'POST', path: '/check-ins', headers: { 'x-member': members[c].memberId }, body: body(c) }),
        }),
      );
    };
    const raw = async () => {
      await fresh();
      return check(
        'raw',
        await closedLoop({
          clients,
          seconds,
          op: async (c) => {
            const t0 = process.hrtime.bigint();
            const { rows } = await conns[c].query(INSERT_SQL, values(members[c], body(c)));
            return { ok: rows.length === 1, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
          },
        }),
      );
    };

    const [o, b, r] = await interleavedAll([ours, bareSide, raw]);
    console.error(
      `${label}: ${clients} members in ${new Set(members.map((m) => m.unitId)).size} units at ${distinctPlaces} places; ` +
        `median rounds: ours ${o.total} check-ins, bare ${b.total}, raw ${r.total}`,
    );
    return [
      {
        scenario: `attendance.checkin: POST /api/attendance/check-ins, ${clients} clients`,
        ours: o,
        base: b,
        baseLabel: 'bare endpoint (the same INSERT, verdict precomputed)',
        target: '≥ 0.7 × bare and ≥ 3,000 req/s',
        met: o.rps / b.rps >= 0.7 && o.rps >= 3000,
      },
      {
        scenario: 'attendance.checkin: the same, beside the INSERT alone',
        ours: o,
        base: r,
        baseLabel: `raw, ${clients} pg connections, the same INSERT`,
        target: '(context: the database alone)',
      },
    ];
  } finally {
    if (bare) await bare.stop();
    await Promise.all(conns.map((c) => c.end()));
    await server.stop();
  }
}
