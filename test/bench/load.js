import http from 'node:http';

/**
 * Closed-loop HTTP load: `clients` connections each send the next request as soon as the last
 * answered, for `seconds`. Returns requests/s, latency percentiles (ms) and the non-2xx count.
 */
export async function load({ url, method = 'GET', headers = {}, body, clients = 32, seconds = 5, warmupSeconds = 1 }) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const reqHeaders = { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) };
  const one = () =>
    new Promise((resolve) => {
      const t0 = process.hrtime.bigint();
      const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers: reqHeaders }, (res) => {
        res.resume();
        res.on('end', () => resolve({ ok: res.statusCode >= 200 && res.statusCode < 300, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      });
      req.on('error', () => resolve({ ok: false, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      if (payload) req.write(payload);
      req.end();
    });
  const run = async (secs, record) => {
    const until = Date.now() + secs * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (Date.now() < until) record(await one());
      }),
    );
  };
  await run(warmupSeconds, () => {});
  const lat = [];
  let failed = 0;
  const started = process.hrtime.bigint();
  await run(seconds, (r) => {
    lat.push(r.ms);
    if (!r.ok) failed++;
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  lat.sort((a, b) => a - b);
  const pct = (p) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? 0;
  return { rps: lat.length / elapsed, p50: pct(50), p95: pct(95), p99: pct(99), failed, total: lat.length };
}

/**
 * Runs `a` and `b` alternately `rounds` times and keeps each one's median round, so that drift
 * in the machine's speed during the run hits both sides alike.
 */
export async function interleaved(a, b, rounds = 3) {
  const ra = [];
  const rb = [];
  for (let i = 0; i < rounds; i++) {
    ra.push(await a());
    rb.push(await b());
  }
  const median = (xs) => [...xs].sort((x, y) => x.rps - y.rps)[Math.floor(xs.length / 2)];
  return [median(ra), median(rb)];
}
