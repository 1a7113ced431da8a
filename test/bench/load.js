import http from 'node:http';

/**
 * Closed-loop load: `clients` loops each start the next operation as soon as the last finished, for
 * `seconds` after `warmupSeconds`. `op(client)` resolves to { ok, ms }, or null when that client
 * has nothing left to do (its supply of work ran out): it then stops, and `exhausted` counts it if
 * that happened during the measured window. Returns ops/s, latency percentiles (ms) and failures.
 */
export async function closedLoop({ op, clients = 32, seconds = 5, warmupSeconds = 1 }) {
  const run = async (secs, record) => {
    const until = Date.now() + secs * 1000;
    let exhausted = 0;
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        while (Date.now() < until) {
          const r = await op(c);
          if (r === null) return void exhausted++;
          record(r);
        }
      }),
    );
    return exhausted;
  };
  await run(warmupSeconds, () => {});
  const lat = [];
  let failed = 0;
  const started = process.hrtime.bigint();
  const exhausted = await run(seconds, (r) => {
    lat.push(r.ms);
    if (!r.ok) failed++;
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { rps: lat.length / elapsed, ...percentiles(lat), failed, total: lat.length, exhausted };
}

/**
 * Closed-loop HTTP load: `clients` connections each send the next request as soon as the last
 * answered, for `seconds`. Returns requests/s, latency percentiles (ms) and the non-2xx count.
 * Every request is the same unless `request(client)` is given: it returns the next request of that
 * client ({ path, method, headers, body }, each defaulting to the fixed ones), or null when the
 * client has none left.
 */
export async function load({ url, method = 'GET', headers = {}, body, clients = 32, seconds = 5, warmupSeconds = 1, request }) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const fixed = { path: target.pathname + target.search, method, headers, body };
  try {
    return await closedLoop({
      clients,
      seconds,
      warmupSeconds,
      op: async (c) => {
        const r = request ? request(c) : fixed;
        if (r === null) return null;
        const res = await send(agent, target, { ...fixed, ...r });
        return { ok: res.status >= 200 && res.status < 300, ms: res.ms };
      },
    });
  } finally {
    agent.destroy();
  }
}

/** One HTTP request on `agent` to `base` (a URL): resolves to { status, ms, text } (status 0 on a network error). */
export function send(agent, base, { path, method = 'GET', headers = {}, body }) {
  const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const reqHeaders = { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) };
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const req = http.request({ agent, host: base.hostname, port: base.port, path, method, headers: reqHeaders }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, ms: ms(), text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (err) => resolve({ status: 0, ms: ms(), text: String(err) }));
    if (payload) req.write(payload);
    req.end();
  });
}

/** p50/p95/p99 of a list of milliseconds. */
export function percentiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const pct = (p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
  return { p50: pct(50), p95: pct(95), p99: pct(99), n: s.length };
}

/**
 * Runs `a` and `b` alternately `rounds` times and keeps each one's median round, so that drift
 * in the machine's speed during the run hits both sides alike.
 */
export async function interleaved(a, b, rounds = 3) {
  const [ra, rb] = await interleavedAll([a, b], rounds);
  return [ra, rb];
}

/** As `interleaved`, for any number of sides (the order rotates each round); each side's median round by rate. */
export async function interleavedAll(sides, rounds = 3) {
  const results = sides.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < sides.length; k++) {
      const j = (i + k) % sides.length;
      results[j].push(await sides[j]());
    }
  }
  const median = (xs) => [...xs].sort((x, y) => x.rps - y.rps)[Math.floor(xs.length / 2)];
  return results.map(median);
}

/**
 * Latency of single operations, one at a time: `a` and `b` alternate (which goes first flips each
 * pair) after `warmup` pairs, for about 2 × `seconds` and at least `minRuns` pairs. Each function
 * resolves to its own milliseconds. Returns [stats of a, stats of b], each { p50, p95, p99, n }.
 */
export async function alternating(a, b, { seconds = 5, warmup = 5, minRuns = 20, maxRuns = 5000 } = {}) {
  for (let i = 0; i < warmup; i++) (await a(), await b());
  const la = [];
  const lb = [];
  const until = Date.now() + seconds * 2000;
  for (let i = 0; (Date.now() < until || i < minRuns) && i < maxRuns; i++) {
    if (i % 2 === 0) (la.push(await a()), lb.push(await b()));
    else (lb.push(await b()), la.push(await a()));
  }
  return [percentiles(la), percentiles(lb)];
}
