import request from 'supertest';
import type { SessionView } from '@lianxin/shared';
import { createApp, type CreatedApp } from '../../server/src/app.factory';
import { loadConfig } from '../../server/src/config/app-config';
import { freshDatabase, type TestDatabase } from './database';

export const ADMIN = { phone: '13900000001', password: 'Admin-pass-2026' } as const;
export const TEST_JWT_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

export interface TestContext {
  created: CreatedApp;
  /** supertest against the running app's HTTP server. */
  http(): ReturnType<typeof request>;
  /** Signs in and returns the session. */
  login(phone?: string, password?: string): Promise<SessionView>;
  /** The env the app was started with, to start a second instance on the same database. */
  env: Record<string, string>;
}

/**
 * Boots the whole app (Fastify, every module) on a fresh database for this test file, and closes
 * it afterwards. `env` overrides configuration (DingTalk base URLs, limits, …); `embedded` forces
 * PGlite even when DATABASE_URL is set, so both database paths stay tested in every run.
 */
export function useTestApp(
  label: string,
  env: Record<string, string> | (() => Record<string, string>) = {},
  opts: { embedded?: boolean } = {},
): TestContext {
  let db: TestDatabase;
  const ctx = { env: {} as Record<string, string> } as TestContext;
  beforeAll(async () => {
    db = await freshDatabase(label, { embedded: opts.embedded });
    ctx.env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_PHONE: ADMIN.phone,
      ADMIN_PASSWORD: ADMIN.password,
      ORG_NAME: '测试县',
      LOGIN_THROTTLE_LIMIT: '1000',
      DEMO_SEED: 'false',
      ...db.env,
      ...(typeof env === 'function' ? env() : env),
    };
    ctx.created = await createApp(loadConfig(ctx.env));
    // Starting the app (PGlite compiles and migrates a whole database) can take minutes on a busy 2-core machine.
  }, 180_000);
  afterAll(async () => {
    await ctx.created?.close();
    await db?.drop();
  });
  ctx.http = () => request(ctx.created.app.getHttpServer());
  ctx.login = async (phone = ADMIN.phone, password = ADMIN.password) => {
    const res = await ctx.http().post('/api/auth/login').send({ phone, password });
    if (res.status !== 200) throw new Error(`login ${phone} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as SessionView;
  };
  return ctx;
}

/** Asserts a problem+json answer with the given status and code, and returns its body. */
export function expectProblem(res: request.Response, status: number, code: string): Record<string, unknown> {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(expect.objectContaining({ type: expect.stringMatching(/^urn:lianxin:problem:/), title: expect.any(String), detail: expect.any(String), status }));
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack traces
  return res.body as Record<string, unknown>;
}
