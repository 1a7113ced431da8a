/**
 * `npm run bench`: starts the built server on a fresh database of DATABASE_URL, runs each scenario
 * and prints it beside its baseline measured in the same run (raw SQL or a bare endpoint), with the ratio.
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench [-- scenario…] [--seconds N] [--clients N]
 */
import { startServer } from './server.js';
import me from './scenarios/me.js';
import orgSubtree from './scenarios/org-subtree.js';
import noticesBroadcast from './scenarios/notices-broadcast.js';
import noticesRead from './scenarios/notices-read.js';
import noticesStats from './scenarios/notices-stats.js';
import dingEscalate from './scenarios/ding-escalate.js';
import attendanceCheckin from './scenarios/attendance-checkin.js';
import attendanceReport from './scenarios/attendance-report.js';
import auditVerify from './scenarios/audit-verify.js';
import { availableParallelism, loadavg } from 'node:os';

const SCENARIOS = { me, 'org.subtree': orgSubtree, 'notices.broadcast': noticesBroadcast, 'notices.read': noticesRead, 'notices.stats': noticesStats, 'ding.escalate': dingEscalate, 'attendance.checkin': attendanceCheckin, 'attendance.report': attendanceReport, 'audit.verify': auditVerify };

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const chosen = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const names = chosen.length ? chosen : Object.keys(SCENARIOS);
const unknown = names.filter((n) => !SCENARIOS[n]);
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  console.error('npm run bench needs DATABASE_URL (a PostgreSQL server where it may create a database)');
  process.exit(2);
}

const loadAvg = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const loadBefore = loadAvg();
const env = await startServer(process.env.DATABASE_URL);
const rows = [];
try {
  for (const name of names) {
    rows.push(...(await SCENARIOS[name]({ ...env, clients: opt('clients', 32), seconds: opt('seconds', 5) })));
  }
} finally {
  await env.stop();
}

/**
 * A throughput row (rps), a latency row (p50/p95 only; its ratio is baseline time ÷ ours, so > 1
 * means faster, unless the scenario gives its own), or text. `per` adds a rate to a latency row; a
 * row's `met` (when the scenario judges its target) marks the target ✓ or MISSED.
 */
const fmt = (r) =>
  r.rps !== undefined
    ? `${r.rps.toFixed(0)} req/s (p95 ${r.p95.toFixed(1)} ms${r.failed ? `, ${r.failed} failed` : ''})`
    : r.p50 !== undefined
      ? `p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms${r.per ? ` (${r.per})` : ''}`
      : r.text;
console.log('\nscenario | ours | baseline | ratio | target');
console.log('---|---|---|---|---');
for (const r of rows) {
  const ratio = r.ratio ?? r.ours.rps / r.base.rps;
  const verdict = r.met === undefined ? '' : r.met ? ' ✓' : ' — MISSED';
  console.log(`${r.scenario} | ${fmt(r.ours)} | ${r.baseLabel}: ${fmt(r.base)} | ${ratio.toFixed(2)} | ${r.target}${verdict}`);
}
// The machine may be shared: its load says how far to trust the absolute figures (the ratios less so).
console.log(`\nload average (1, 5, 15 min) on ${availableParallelism()} cores: ${loadBefore} before, ${loadAvg()} after`);
