import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { encodeRpcForm, signRpcRequest } from '../../../server/dist/ding/channels/aliyun-signature.js';
import { SMS_API_VERSION, SMS_BATCH_LIMIT } from '../../../server/dist/ding/channels/sms.channel.js';
import { DELIVER_QUEUE } from '../../../server/dist/ding/ding.service.js';
import { percentiles } from '../load.js';
import { announcements, apiClient, countyOnServer, median, sendNotice } from '../notices-fixture.js';
import { startServer } from '../server.js';
import { SmsFake } from '../sms-fake.js';

/**
 * The SMS rates the scenario runs the server at (ALIYUN_SMS_RATE_PER_SECOND, calls of up to 100
 * numbers a second): the default, then twice it, which tells whether the rate limit or the worker
 * bounds the deliveries.
 */
const RATES = [60, 120];
/** Gives up waiting for deliveries once the fake has accepted nothing new for this long. */
const STALL_MS = 60_000;
/** Concurrent callers of the fake-alone baseline: the worker's localConcurrency. */
const CEILING_CLIENTS = 4;
const RAW_RUNS = 3;

/** The plain statement the DING's rows are compared with: as many ding_delivery rows, no member check, no order, no RETURNING, no jobs. */
const RAW_INSERT_SQL = `
  INSERT INTO ding_delivery (ding_id, member_id, channel)
  SELECT $2, r.member_id, 'sms' FROM notice_receipt r WHERE r.notice_id = $1 AND r.read_at IS NULL`;
/** The statement DingService.create runs for a sender's DING of the unread (server/src/ding/ding.service.ts), for the breakdown. */
const SERVER_INSERT_SQL = `
  INSERT INTO ding_delivery (ding_id, member_id, channel)
  SELECT $2, w.member_id, $3
    FROM (SELECT r.member_id FROM notice_receipt r WHERE r.notice_id = $1 AND r.read_at IS NULL) w
    JOIN member m ON m.id = w.member_id AND m.status = 'active'
   ORDER BY w.member_id
  ON CONFLICT DO NOTHING
  RETURNING id`;

/**
 * ding.escalate: a county-wide notice (100,000 recipients, none read) and its sender's
 * POST /api/notices/:id/ding {channel: 'sms', target: 'unread'} against a fake Alibaba Cloud SMS
 * (test/bench/sms-fake.js: it checks every request's key, timestamp, nonce and HMAC-SHA1 signature
 * and records each accepted number). The scenario runs its own server, pointed at the fake, on its
 * own database (the synthetic county), once per rate in RATES on the same data. Measured:
 *  - all queued: ms until the API answers (the DING's delivery rows and pg-boss jobs are written in
 *    the transaction it commits before answering; checked in the database afterwards), beside the
 *    raw INSERT … SELECT of 100,000 ding_delivery rows into the same table;
 *  - deliveries/s: numbers accepted by the fake from its first accepted call to its last (the first
 *    call's numbers not counted: they mark the start), and the time until every delivery row is sent
 *    per GET /api/dings/:id; beside the fake alone (CEILING_CLIENTS concurrent signed SendBatchSms
 *    calls of 100 numbers from this process, 1,000 calls, timed the same way);
 *  - duplicates: numbers the fake accepted more than once in a DING; rows failed or never sent.
 */
export default async function dingEscalate(env) {
  const fake = new SmsFake();
  await fake.start();
  let server = null;
  let keptDatabase;
  const runs = [];
  try {
    let notice;
    let recipients;
    for (const rate of RATES) {
      server = await startServer(env.adminUrl, { env: fake.env({ ALIYUN_SMS_RATE_PER_SECOND: String(rate) }), databaseUrl: keptDatabase });
      keptDatabase = undefined;
      if (!notice) ({ notice, recipients } = await countyNotice(server));
      runs.push({ rate, ...(await escalate(server, fake, notice.id, recipients, rate)) });
      if (rate !== RATES.at(-1)) {
        keptDatabase = server.databaseUrl;
        await server.stop({ keepDatabase: true });
        server = null;
      }
    }
    const raw = await rawInserts(server, notice.id);
    const ceiling = await fakeAlone(fake, CEILING_CLIENTS, recipients);
    const wider = await fakeAlone(fake, 16, recipients);
    console.error(
      `ding.escalate: the fake alone, 1,000 signed SendBatchSms calls of 100: ${Math.round(ceiling.rate).toLocaleString('en')} numbers/s with ${CEILING_CLIENTS} callers, ` +
        `${Math.round(wider.rate).toLocaleString('en')}/s with 16; raw INSERT … SELECT ${raw.plain.map((x) => x.toFixed(0)).join(', ')} ms, ` +
        `the server's INSERT … SELECT (member check, ORDER BY, ON CONFLICT, RETURNING) ${raw.server.map((x) => x.toFixed(0)).join(', ')} ms`,
    );
    return rows(runs, raw, ceiling);
  } finally {
    if (server) await server.stop();
    else if (keptDatabase) await dropDatabase(env.adminUrl, keptDatabase);
    await fake.stop();
  }
}

/** The county on the scenario's server and one notice from the bootstrap admin to all of it, announced. */
async function countyNotice(server) {
  const { rootId, recipients } = await countyOnServer(server);
  const api = apiClient(server);
  const bus = await announcements(server.databaseUrl);
  try {
    const { notice } = await sendNotice(api, server.token, { units: [{ unitId: rootId, includeSubUnits: true }] }, '县级通知（短信提醒）');
    if (notice.recipientCount !== recipients) throw new Error(`ding.escalate: the notice reached ${notice.recipientCount}, expected ${recipients}`);
    await bus.wait(notice.id, notice.recipientCount);
    return { notice, recipients };
  } finally {
    api.close();
    await bus.close();
  }
}

/** The steady rate of accepted numbers between the first accepted call and the last, and the gaps between calls. */
function acceptedRate(calls) {
  if (calls.length < 2) return { rate: 0, calls: calls.length, spanMs: 0, gaps: { ...percentiles([]), max: 0 } };
  const first = calls[0];
  const last = calls.at(-1);
  const spanMs = last.at - first.at;
  const gaps = calls.slice(1).map((c, i) => c.at - calls[i].at);
  return { rate: ((last.numbers - first.numbers) / spanMs) * 1000, calls: calls.length, spanMs, gaps: { ...percentiles(gaps), max: Math.max(...gaps) }, first };
}

/** One DING of the notice's unread by SMS, followed until every delivery row is settled. */
async function escalate(server, fake, noticeId, recipients, rate) {
  const api = apiClient(server);
  const db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
  try {
    fake.reset();
    const t0 = performance.now();
    const r = await api.call('POST', `/api/notices/${noticeId}/ding`, server.token, { channel: 'sms', target: 'unread' });
    const queuedMs = performance.now() - t0;
    if (r.status !== 201) throw new Error(`POST /api/notices/:id/ding answered ${r.status}: ${JSON.stringify(r.json)}`);
    const ding = r.json;
    if (ding.total !== recipients) throw new Error(`ding.escalate: the DING reaches ${ding.total}, expected ${recipients}`);
    // "All queued" is the answer: the rows and the jobs were committed before it. Check that they were.
    const { rows: [q] } = await db.query(
      `SELECT (SELECT count(*) FROM ding_delivery WHERE ding_id = $1)::int AS rows,
              count(*)::int AS jobs, COALESCE(sum(jsonb_array_length(j.data->'ids')), 0)::int AS ids
         FROM pgboss.job j WHERE j.name = $2 AND j.data->>'dingId' = $1::text`,
      [ding.id, DELIVER_QUEUE],
    );
    const expectedJobs = Math.ceil(recipients / SMS_BATCH_LIMIT);
    if (q.rows !== recipients || q.ids !== recipients || q.jobs !== expectedJobs) {
      throw new Error(`ding.escalate: after the answer ${q.rows} delivery rows and ${q.jobs} jobs for ${q.ids} rows, expected ${recipients} rows in ${expectedJobs} jobs`);
    }

    // Until the fake has accepted every number (or stalls), then until the API shows no row left to send.
    let seen = 0;
    let lastProgress = performance.now();
    let nextLog = t0 + 15_000;
    while (fake.numbers < recipients) {
      await sleep(50);
      const now = performance.now();
      if (fake.numbers > seen) (seen = fake.numbers), (lastProgress = now);
      else if (now - lastProgress > STALL_MS) break;
      if (now > nextLog) {
        nextLog += 15_000;
        console.error(`ding.escalate (${rate} calls/s): ${fake.numbers.toLocaleString('en')} of ${recipients.toLocaleString('en')} numbers accepted after ${((now - t0) / 1000).toFixed(0)} s`);
      }
    }
    const viewMs = [];
    let view;
    let allSentMs = null;
    const until = performance.now() + STALL_MS;
    while (performance.now() < until) {
      const v = await api.call('GET', `/api/dings/${ding.id}`, server.token);
      if (v.status !== 200) throw new Error(`GET /api/dings/:id answered ${v.status}: ${JSON.stringify(v.json)}`);
      view = v.json;
      viewMs.push(v.ms);
      const s = view.byStatus;
      if (s.queued + s.sending + s.retrying === 0) {
        allSentMs = performance.now() - t0;
        break;
      }
      await sleep(100);
    }
    const s = view.byStatus;

    // Duplicates: numbers accepted more than once; missing: numbers of the DING's rows never accepted.
    const duplicates = fake.duplicates();
    const { rows: phones } = await db.query(`SELECT m.phone FROM ding_delivery dd JOIN member m ON m.id = dd.member_id WHERE dd.ding_id = $1`, [ding.id]);
    const missing = phones.filter((p) => fake.count(p.phone) === 0).length;
    const foreign = fake.distinct - (phones.length - missing);
    const refused = fake.refused;
    const acc = acceptedRate(fake.calls);
    const run = {
      queuedMs,
      accepted: fake.numbers,
      acc,
      allSentMs,
      duplicates,
      missing,
      foreign,
      failed: s.failed,
      unsent: s.queued + s.sending + s.retrying,
      sent: s.sent + s.delivered,
      refused: refused.length,
      viewMs: median(viewMs),
    };
    console.error(
      `ding.escalate (${rate} calls/s): answered in ${queuedMs.toFixed(0)} ms with ${q.rows.toLocaleString('en')} rows and ${q.jobs} jobs queued; ` +
        `the fake accepted ${run.accepted.toLocaleString('en')} numbers in ${acc.calls} calls over ${(acc.spanMs / 1000).toFixed(1)} s ` +
        `(first ${((acc.first?.at - t0) / 1000).toFixed(2)} s after the request; gap between calls p50 ${acc.gaps.p50.toFixed(1)} ms, p95 ${acc.gaps.p95.toFixed(1)} ms, max ${acc.gaps.max.toFixed(0)} ms), ` +
        `${refused.length} calls refused${refused.length ? ` (${[...new Set(refused)].join(', ')})` : ''}; ` +
        `rows ${JSON.stringify(s)}${allSentMs === null ? ' — not all settled' : `, all settled ${(allSentMs / 1000).toFixed(1)} s after the request`}; ` +
        `GET /api/dings/:id p50 ${run.viewMs.toFixed(0)} ms; ${duplicates} duplicate numbers, ${missing} missing, ${foreign} unexpected`,
    );
    return run;
  } finally {
    api.close();
    await db.end();
  }
}

/** The raw INSERT … SELECT of as many rows (and the server's own statement) for fresh DING rows, alternating; each batch deleted afterwards (untimed). */
async function rawInserts(server, noticeId) {
  const db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
  const once = async (sql, withChannel) => {
    const { rows: [d] } = await db.query(
      `INSERT INTO ding (notice_id, sender_id, channel, target, purpose, text) VALUES ($1, $2, 'sms', 'unread', 'ding', 'raw insert') RETURNING id`,
      [noticeId, server.memberId],
    );
    const t0 = performance.now();
    const { rowCount } = await db.query(sql, withChannel ? [noticeId, d.id, 'sms'] : [noticeId, d.id]);
    const ms = performance.now() - t0;
    await db.query(`DELETE FROM ding WHERE id = $1`, [d.id]); // cascades to its rows
    await db.query('VACUUM ding_delivery');
    return { ms, rowCount };
  };
  try {
    await once(RAW_INSERT_SQL, false); // warm-up
    const plain = [];
    const srv = [];
    const a = async () => plain.push(await once(RAW_INSERT_SQL, false));
    const b = async () => srv.push(await once(SERVER_INSERT_SQL, true));
    for (let i = 0; i < RAW_RUNS; i++) {
      if (i % 2 === 0) (await a(), await b());
      else (await b(), await a());
    }
    return { plain: plain.map((x) => x.ms), server: srv.map((x) => x.ms), rows: plain[0].rowCount };
  } finally {
    await db.end();
  }
}

/**
 * The fake alone: `clients` callers in this process send 1,000 signed SendBatchSms calls of 100
 * numbers (fresh numbers, the server's template parameters), each the way the server sends it (POST
 * form, fetch); the rate is measured as for the DING, from the first accepted call to the last.
 */
async function fakeAlone(fake, clients, numbers) {
  fake.reset();
  const creds = { accessKeyId: fake.accessKeyId, accessKeySecret: fake.accessKeySecret };
  const { signName, templateCode } = fake;
  const total = Math.ceil(numbers / SMS_BATCH_LIMIT);
  let next = 0;
  let failed = 0;
  const text = '【县级通知（短信提醒）】您有一条通知尚未阅读，请尽快在钉钉「连心」中查看。';
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const i = next++;
        const phones = Array.from({ length: SMS_BATCH_LIMIT }, (_, k) => `102${String(i * SMS_BATCH_LIMIT + k).padStart(8, '0')}`);
        const signed = signRpcRequest(
          'POST',
          'SendBatchSms',
          SMS_API_VERSION,
          {
            PhoneNumberJson: JSON.stringify(phones),
            SignNameJson: JSON.stringify(phones.map(() => signName)),
            TemplateCode: templateCode,
            TemplateParamJson: JSON.stringify(phones.map((p) => ({ name: `成员${p.slice(3)}`, title: '县级通知（短信提醒）', dingId: '00000000-0000-4000-8000-000000000000', text }))),
          },
          creds,
        );
        const res = await fetch(`${fake.url}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
          body: encodeRpcForm(signed),
        });
        const body = await res.json();
        if (body.Code !== 'OK') failed++;
      }
    }),
  );
  const acc = acceptedRate(fake.calls);
  if (failed || fake.distinct !== total * SMS_BATCH_LIMIT || fake.duplicates()) {
    throw new Error(`ding.escalate: the fake alone refused ${failed} calls, accepted ${fake.distinct} distinct numbers (${fake.duplicates()} twice)`);
  }
  return acc;
}

function rows(runs, raw, ceiling) {
  const n = raw.rows;
  const q = percentiles(runs.map((r) => r.queuedMs));
  const b = percentiles(raw.plain);
  const perSec = (ms) => `${Math.round((n / ms) * 1000).toLocaleString('en')} rows/s`;
  const out = [
    {
      scenario: `ding.escalate: POST /api/notices/:id/ding {sms, unread} → ${n.toLocaleString('en')} delivery rows + ${Math.ceil(n / SMS_BATCH_LIMIT).toLocaleString('en')} jobs queued (${runs.length} runs, one per rate)`,
      ours: { ...q, per: perSec(q.p50) },
      base: { ...b, per: perSec(b.p50) },
      baseLabel: `raw INSERT … SELECT of ${n.toLocaleString('en')} ding_delivery rows`,
      ratio: b.p50 / q.p50,
      target: 'all queued ≤ 5 s',
      met: q.p95 <= 5000,
    },
  ];
  const ceilingText = `${Math.round(ceiling.rate).toLocaleString('en')} numbers/s`;
  for (const r of runs) {
    const deflt = r.rate === RATES[0];
    out.push({
      scenario: `ding.escalate: SMS accepted by the fake, first → last call, ALIYUN_SMS_RATE_PER_SECOND=${r.rate}${deflt ? ' (default)' : ''}`,
      ours: {
        text:
          `${Math.round(r.acc.rate).toLocaleString('en')}/s (${r.acc.calls} calls in ${(r.acc.spanMs / 1000).toFixed(1)} s; ` +
          (r.allSentMs === null ? `${r.unsent.toLocaleString('en')} rows not settled)` : `every row sent ${(r.allSentMs / 1000).toFixed(1)} s after the request)`),
      },
      base: { text: ceilingText },
      baseLabel: `the fake alone, ${CEILING_CLIENTS} concurrent signed SendBatchSms × 100`,
      ratio: r.acc.rate / ceiling.rate,
      target: deflt ? `delivered ≥ 5,000/s (rate limit: ${(r.rate * SMS_BATCH_LIMIT).toLocaleString('en')}/s)` : `(context: rate limit ${(r.rate * SMS_BATCH_LIMIT).toLocaleString('en')}/s)`,
      met: deflt ? r.acc.rate >= 5000 : undefined,
    });
  }
  const dup = runs.reduce((a, r) => a + r.duplicates, 0);
  const bad = runs.reduce((a, r) => a + r.failed + r.unsent + r.missing, 0);
  out.push({
    scenario: `ding.escalate: numbers accepted more than once, ${runs.length} DINGs of ${n.toLocaleString('en')}`,
    ours: { text: `${dup} duplicates; ${runs.map((r) => `${r.failed} failed, ${r.unsent} unsent, ${r.missing} missing`).join('; ')}` },
    base: { text: `${runs.map((r) => r.accepted.toLocaleString('en')).join(' + ')} numbers accepted` },
    baseLabel: 'the fake',
    ratio: runs.reduce((a, r) => a + r.accepted, 0) / (runs.length * n),
    target: 'zero duplicates; none failed or unsent',
    met: dup === 0 && bad === 0,
  });
  return out;
}

async function dropDatabase(adminUrl, databaseUrl) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${new URL(databaseUrl).pathname.slice(1)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
