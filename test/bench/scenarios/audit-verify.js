import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { eventHash } from '../../../server/dist/audit/domain/chain.js';
import { eventHashSql } from '../../../server/dist/audit/audit.sql.js';
import { startServer } from '../server.js';

const INSTANCES = 100_000;
const PER_INSTANCE = 10;
const EVENTS = INSTANCES * PER_INSTANCE;
const ROUNDS = 3;
/** Writers filling the trail side by side, each with its own share of the instances. */
const WRITERS = 2;

/**
 * One seq of every instance of a writer's share, in one INSERT … SELECT: the event's hash computed
 * by the server's own SQL (what appending and verification use) from its prev_hash, which is the
 * writer's running head of that instance; the heads move on to the new hashes. Seq 1 records the
 * instance as appending does (data.instance), so the heads verify against it.
 */
const roundSql = (seq) => `
  WITH ev AS (
    SELECT b.instance_id, ${seq}::int AS seq,
           (ARRAY['start', 'nodeActivated', 'approve', 'comment', 'nodeActivated', 'approve', 'formChanged', 'cc', 'approve', 'finish'])[${seq}]::varchar(24) AS type,
           a.id AS actor_id, a.name AS actor_name, a.title AS actor_title, a.unit_id AS actor_unit_id, a.unit_name AS actor_unit_name,
           ('n' || ${seq})::varchar(64) AS node_id,
           CASE WHEN ${seq} = 1 THEN jsonb_build_object('instance', jsonb_build_object('templateCode', 'bench', 'title', '压测审批 ' || b.n, 'applicantId', $1::uuid, 'unitId', $2::uuid),
                                                        'formAfter', jsonb_build_object('amount', 500000 + b.n, 'reason', '危房改造补助'))
                ELSE jsonb_build_object('comment', '同意，请按程序办理。第 ' || ${seq} || ' 步', 'approvers', jsonb_build_array(jsonb_build_object('id', $1::uuid, 'name', a.name)), 'rule', '发起人所在单位负责人') END AS data,
           date_trunc('milliseconds', clock_timestamp()) AS created_at,
           b.hash AS prev_hash
      FROM bench_head b
      CROSS JOIN (SELECT m.id, m.name, m.title, ms.unit_id, u.name AS unit_name FROM member m
                    LEFT JOIN membership ms ON ms.member_id = m.id AND ms.is_primary LEFT JOIN unit u ON u.id = ms.unit_id WHERE m.id = $1) a
  ), ins AS (
    INSERT INTO approval_event (instance_id, seq, type, actor_id, actor_name, actor_title, actor_unit_id, actor_unit_name, node_id, data, created_at, prev_hash, hash)
    SELECT ev.instance_id, ev.seq, ev.type, ev.actor_id, ev.actor_name, ev.actor_title, ev.actor_unit_id, ev.actor_unit_name, ev.node_id, ev.data, ev.created_at, ev.prev_hash, ${eventHashSql('ev')}
      FROM ev
    RETURNING instance_id, hash
  )
  UPDATE bench_head b SET hash = ins.hash FROM ins WHERE b.instance_id = ins.instance_id`;

async function fillShare(databaseUrl, adminId, rootId, from, count) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(`CREATE TEMP TABLE bench_head (instance_id uuid PRIMARY KEY, n int, hash char(64))`);
    await db.query(`INSERT INTO bench_head SELECT gen_random_uuid(), n, repeat('0', 64) FROM generate_series($1::int, $2::int) n`, [from, from + count - 1]);
    for (let seq = 1; seq <= PER_INSTANCE; seq++) await db.query(roundSql(seq), [adminId, rootId]);
    await db.query(
      `INSERT INTO audit_head (instance_id, template_code, title, applicant_id, unit_id, seq, hash, anchored_seq, created_at, updated_at)
       SELECT b.instance_id, 'bench', '压测审批 ' || b.n, $1, $2, ${PER_INSTANCE}, b.hash, 0, e.created_at, now()
         FROM bench_head b JOIN approval_event e ON e.instance_id = b.instance_id AND e.seq = 1`,
      [adminId, rootId],
    );
  } finally {
    await db.end();
  }
}

/** The 1,000,000 events and their heads, on the database of a server started by startServer. */
export async function fillTrail(server) {
  const db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
  const { rows: [{ root }] } = await db.query(`SELECT id AS root FROM unit WHERE parent_id IS NULL`);
  await db.end();
  const share = INSTANCES / WRITERS;
  await Promise.all(Array.from({ length: WRITERS }, (_, i) => fillShare(server.databaseUrl, server.memberId, root, i * share + 1, share)));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (ms) => `${Math.round(EVENTS / (ms / 1000)).toLocaleString('en')} events/s (${(ms / 1000).toFixed(2)} s)`;

/**
 * audit.verify: 1,000,000 approval events (100,000 instances × 10, real hashes, written set-based
 * by the server's own hash SQL) on a server of their own, anchored and checkpointed through
 * POST /api/audit/checkpoints, then GET /api/audit/verify over the whole chain as the county admin —
 * every event's hash recomputed, every link, head, anchor and checkpoint checked — ${ROUNDS} times,
 * median shown. Beside it, from the same database: a plain SELECT of the same events streamed to a
 * client (no hashing), and a bare Node loop hashing them (canonical JSON + SHA-256, rows in memory).
 */
export default async function auditVerify(env) {
  const label = 'audit.verify';
  // Its own DATA_DIR: the signing key and checkpoint files it makes go away with it.
  const dataDir = await mkdtemp(join(tmpdir(), 'lx-bench-audit-'));
  const server = await startServer(env.adminUrl, { env: { DATA_DIR: dataDir } });
  const db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
  try {
    let t0 = Date.now();
    await fillTrail(server);
    const writeMs = Date.now() - t0;
    t0 = Date.now();
    const cp = await fetch(`${server.app.url}/api/audit/checkpoints`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` } });
    const checkpoint = await cp.json();
    if (cp.status !== 201 || checkpoint.position !== INSTANCES) throw new Error(`${label}: the checkpoint answered ${cp.status} ${JSON.stringify(checkpoint)}`);
    const anchorMs = Date.now() - t0;
    t0 = Date.now();
    await db.query('VACUUM ANALYZE approval_event');
    await db.query('VACUUM ANALYZE audit_head');
    await db.query('VACUUM ANALYZE audit_anchor');
    const vacuumMs = Date.now() - t0;
    console.error(
      `${label}: ${EVENTS.toLocaleString('en')} events (${INSTANCES.toLocaleString('en')} instances × ${PER_INSTANCE}) written with their hashes in ${(writeMs / 1000).toFixed(1)} s ` +
        `by ${WRITERS} writers; anchored and checkpointed in ${(anchorMs / 1000).toFixed(1)} s; VACUUM ANALYZE ${(vacuumMs / 1000).toFixed(1)} s`,
    );

    const verify = async () => {
      const t = process.hrtime.bigint();
      const res = await fetch(`${server.app.url}/api/audit/verify`, { headers: { authorization: `Bearer ${server.token}` } });
      const body = await res.json();
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (res.status !== 200 || !body.ok || body.checked.events !== EVENTS || body.checked.anchors !== INSTANCES || body.checked.checkpoints !== 1) {
        throw new Error(`${label}: verify answered ${res.status} ${JSON.stringify(body)}`);
      }
      return { ms, serverMs: body.ms };
    };
    const COLUMNS = 'instance_id, seq, type, actor_id, actor_name, actor_title, actor_unit_id, actor_unit_name, node_id, data, created_at, prev_hash, hash';
    /** Every event to the client through a cursor, in batches; `each` sees every batch. */
    const stream = async (each) => {
      await db.query('BEGIN');
      await db.query(`DECLARE bench_all NO SCROLL CURSOR FOR SELECT ${COLUMNS} FROM approval_event`);
      let n = 0;
      for (;;) {
        const { rows } = await db.query('FETCH 20000 FROM bench_all');
        if (rows.length === 0) break;
        n += rows.length;
        each?.(rows);
      }
      await db.query('COMMIT');
      if (n !== EVENTS) throw new Error(`${label}: streamed ${n} events, expected ${EVENTS}`);
    };
    const select = async () => {
      const t = process.hrtime.bigint();
      await stream();
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const hashLoop = async () => {
      let hashingNs = 0n;
      let bad = 0;
      await stream((rows) => {
        const t = process.hrtime.bigint();
        for (const r of rows) {
          const actor = r.actor_id ? { id: r.actor_id, name: r.actor_name, title: r.actor_title, unitId: r.actor_unit_id, unitName: r.actor_unit_name } : null;
          const h = eventHash(r.prev_hash, { instanceId: r.instance_id, seq: r.seq, type: r.type, actor, nodeId: r.node_id, data: r.data, createdAt: r.created_at.toISOString() });
          if (h !== r.hash) bad++;
        }
        hashingNs += process.hrtime.bigint() - t;
      });
      if (bad) throw new Error(`${label}: the Node loop found ${bad} events whose hash differs from the server's SQL`);
      return Number(hashingNs) / 1e6;
    };

    await verify(); // warm
    const ours = [];
    const selects = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) (ours.push(await verify()), selects.push(await select()));
      else (selects.push(await select()), ours.push(await verify()));
    }
    const loop = await hashLoop();
    const oursMs = median(ours.map((o) => o.ms));
    const shown = (xs) => `rounds ${xs.map((x) => (x / 1000).toFixed(2)).join(', ')} s`;
    console.error(`${label}: verify ${shown(ours.map((o) => o.ms))} (server's own timing ${shown(ours.map((o) => o.serverMs))}); SELECT ${shown(selects)}`);
    return [
      {
        scenario: `audit.verify: GET /api/audit/verify, whole chain, ${EVENTS.toLocaleString('en')} events`,
        ours: { text: rate(oursMs) },
        base: { text: rate(median(selects)) },
        baseLabel: 'plain SELECT of the same events streamed to a client (no hashing)',
        ratio: median(selects) / oursMs,
        target: '≥ 200,000 events/s',
        met: EVENTS / (oursMs / 1000) >= 200_000,
      },
      {
        scenario: `audit.verify: the same`,
        ours: { text: rate(oursMs) },
        base: { text: rate(loop) },
        baseLabel: 'bare Node loop hashing them (canonical JSON + SHA-256, rows already in memory)',
        ratio: loop / oursMs,
        target: '≥ 200,000 events/s',
        met: EVENTS / (oursMs / 1000) >= 200_000,
      },
    ];
  } finally {
    await db.end().catch(() => undefined);
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
