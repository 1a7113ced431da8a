import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../server/src/app.factory';
import { DEMO_ADMIN, loadConfig } from '../../server/src/config/app-config';
import { jobRoundTrip } from '../support/jobs';

/** The quick-start path: no DATABASE_URL, PGlite under DATA_DIR. Runs in every test run, whatever DATABASE_URL says. */
describe('embedded database (PGlite)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lx-embedded-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const env = () => ({ DATABASE_URL: '', DATA_DIR: dir, LOG_LEVEL: 'silent', NODE_ENV: 'test' });

  it('starts, migrates, bootstraps the demo admin and the demo county, signs in; a second start reuses the data and the token secret', async () => {
    const first = await createApp(loadConfig(env()));
    let token: string;
    let memberId: string;
    let seeded: number;
    try {
      expect(first.runtime.database.embedded).not.toBeNull();
      expect(first.runtime.database.poolSize).toBe(1);
      const http = request(first.app.getHttpServer());
      expect((await http.get('/health')).status).toBe(200);
      const login = await http.post('/api/auth/login').send({ phone: DEMO_ADMIN.phone, password: DEMO_ADMIN.password });
      expect(login.status).toBe(200);
      token = login.body.accessToken;
      memberId = login.body.member.id;
      // The first embedded start builds the demo county (DEMO_SEED defaults to true here).
      const county = await http.post('/api/auth/login').send({ phone: '10000000002', password: DEMO_ADMIN.password });
      expect(county.status).toBe(200);
      [{ n: seeded }] = await first.app.get((await import('typeorm')).DataSource).query(`SELECT count(*)::int AS n FROM member`);
      expect(seeded).toBeGreaterThan(2500);
      expect((await stat(join(dir, 'jwt-secret'))).mode & 0o077).toBe(0);
      // pg-boss runs on the app's single PGlite connection.
      expect(await jobRoundTrip(first.app, { hello: '村委会' })).toEqual({ hello: '村委会' });
    } finally {
      await first.close();
    }

    const second = await createApp(loadConfig(env()));
    try {
      const http = request(second.app.getHttpServer());
      const me = await http.get('/api/me').set('authorization', `Bearer ${token}`);
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(memberId);
      const ds = second.app.get((await import('typeorm')).DataSource);
      // seeded once: the second start adds nobody
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM member`);
      expect(n).toBe(seeded!);
      const [{ n: towns }] = await ds.query(`SELECT count(*)::int AS n FROM unit WHERE kind = 'town'`);
      expect(towns).toBe(17);
    } finally {
      await second.close();
    }
  }, 180_000);
});
