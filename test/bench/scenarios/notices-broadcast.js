import pg from 'pg';
import { announcements, apiClient, countyOnServer, median, sendNotice } from '../notices-fixture.js';
import { percentiles } from '../load.js';

const RUNS = 7;

/**
 * The raw statement the API is compared with: every receipt of a county-wide notice written by one
 * INSERT … SELECT over member and its primary unit, into the same notice_receipt table with the same
 * indexes (for a fresh notice row made beforehand, untimed). No audience resolution, no per-unit
 * counters, no HTTP: the floor for writing the same rows.
 */
const RAW_INSERT_SQL = `
  INSERT INTO notice_receipt (notice_id, member_id, unit_id, delivered_at)
  SELECT $1, m.id, pm.unit_id, now()
    FROM member m JOIN membership pm ON pm.member_id = m.id AND pm.is_primary
   WHERE m.status = 'active' AND m.id <> $2`;

/**
 * notices.broadcast: POST /api/notices to the county root with its sub-units — 100,000 recipients —
 * timed from request to answer (the answer comes once every receipt and counter is committed), a new
 * notice each run, beside the raw INSERT … SELECT of as many receipts on the same database,
 * alternating which goes first. The server announces each notice to its recipients after answering;
 * the next run waits until it has, so that work is not charged to the next run.
 */
export default async function noticesBroadcast(env) {
  const { rootId, recipients } = await countyOnServer(env);
  const api = apiClient(env);
  const db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  const bus = await announcements(env.databaseUrl);
  const audience = { units: [{ unitId: rootId, includeSubUnits: true }] };
  const announceMs = [];
  let seq = 0;
  const ours = async () => {
    const { ms, notice } = await sendNotice(api, env.token, audience, `县级通知 bench ${++seq}`);
    if (notice.recipientCount !== recipients) throw new Error(`broadcast reached ${notice.recipientCount}, expected ${recipients}`);
    const waited = await bus.wait(notice.id, notice.recipientCount);
    if (waited === null) console.error(`notices.broadcast: announcement of ${notice.id} not seen within 15 s`);
    else announceMs.push(ms + waited);
    return { ms, rows: notice.recipientCount };
  };
  const raw = async () => {
    const { rows: [n] } = await db.query(
      `INSERT INTO notice (sender_id, kind, title, body, audience) VALUES ($1, 'notice', 'raw insert', 'raw', '{}') RETURNING id`,
      [env.memberId],
    );
    const t0 = process.hrtime.bigint();
    const { rowCount } = await db.query(RAW_INSERT_SQL, [n.id, env.memberId]);
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, rows: rowCount };
  };
  try {
    await ours();
    await raw();
    const a = [];
    const b = [];
    for (let i = 0; i < RUNS; i++) {
      if (i % 2 === 0) (a.push(await ours()), b.push(await raw()));
      else (b.push(await raw()), a.push(await ours()));
    }
    const o = { ...percentiles(a.map((r) => r.ms)), rows: a[0].rows };
    const r = { ...percentiles(b.map((x) => x.ms)), rows: b[0].rows };
    const rate = (x) => (x.rows / x.p50) * 1000;
    const ratio = rate(o) / rate(r);
    console.error(
      `notices.broadcast: ${RUNS} runs each after one warm-up; ours ${a.map((x) => x.ms.toFixed(0)).join(', ')} ms; ` +
        `raw ${b.map((x) => x.ms.toFixed(0)).join(', ')} ms; all recipients announced ≈ ${median(announceMs)?.toFixed(0)} ms after the request`,
    );
    return [
      {
        scenario: `notices.broadcast: POST /api/notices to the root + sub-units, ${o.rows.toLocaleString('en')} receipts`,
        ours: { ...o, per: `${Math.round(rate(o)).toLocaleString('en')} receipts/s` },
        base: { ...r, per: `${Math.round(rate(r)).toLocaleString('en')} receipts/s` },
        baseLabel: `raw INSERT … SELECT of ${r.rows.toLocaleString('en')} receipts`,
        ratio,
        target: '≤ 400 ms; rate ratio ≥ 0.4',
        met: o.p50 <= 400 && o.p95 <= 400 && ratio >= 0.4,
      },
    ];
  } finally {
    api.close();
    await bus.close();
    await db.end();
  }
}
