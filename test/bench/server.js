import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADMIN = { phone: '13900000001', password: 'Bench-pass-2026' };

/**
 * The built server as a separate process on a fresh database, signed in as the admin. Login is not
 * throttled to 10 a minute here: scenarios sign in dozens of members.
 *
 * `env` adds variables for this instance (a scenario's own server, e.g. channels pointed at a fake).
 * `databaseUrl` runs it on an existing database instead, one an earlier instance left with
 * `stop({ keepDatabase: true })` (the same data, other settings); the database then belongs to this
 * instance, and its `stop()` drops it unless asked to keep it too.
 */
export async function startServer(adminUrl, { env: extra = {}, databaseUrl: existing } = {}) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let name;
  let databaseUrl;
  if (existing) {
    databaseUrl = existing;
    name = new URL(existing).pathname.slice(1);
  } else {
    name = `lx_bench_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  const child = spawn(process.execPath, [resolve(root, 'server/dist/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-secret-0123456789-abcdefghijklmnop',
      ADMIN_PHONE: ADMIN.phone,
      ADMIN_PASSWORD: ADMIN.password,
      LOGIN_THROTTLE_LIMIT: '10000',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let appUrl;
  try {
    appUrl = await new Promise((ok, fail) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /已启动: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) ok(m[1]);
      });
      child.on('exit', (code) => fail(new Error(`server exited with ${code}: ${out}`)));
    });
  } catch (err) {
    await drop();
    throw err;
  }
  const login = await (await fetch(`${appUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json();
  return {
    app: { url: appUrl },
    adminUrl,
    databaseUrl,
    token: login.accessToken,
    memberId: login.member.id,
    stop: async ({ keepDatabase = false } = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.on('exit', r));
      }
      if (keepDatabase) await admin.end();
      else await drop();
    },
  };
}
