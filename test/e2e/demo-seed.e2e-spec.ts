import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import request from 'supertest';
import { Role, type MemberView, type SessionView } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { createApp, type CreatedApp } from '../../server/src/app.factory';
import { loadConfig } from '../../server/src/config/app-config';
import { OrgTree } from '../../server/src/org/org-tree.repository';
import { DEMO_PASSWORD, SIGN_IN_PHONES } from '../../server/src/org/seed/demo-county';
import { DemoSeedService } from '../../server/src/org/seed/demo-seed.service';
import { freshDatabase, type TestDatabase } from '../support/database';
import { ADMIN, TEST_JWT_SECRET } from '../support/test-app';

/** Each test boots one or two whole apps and seeds ~3,000 members; on embedded PGlite that takes seconds. */
const SLOW = 180_000;

const TOWNS = [
  '兴州街道', '接官亭镇', '两河口镇', '金家河镇', '徐家坪镇', '白水江镇', '硖口驿镇', '马蹄湾镇', '乐素河镇',
  '郭镇', '黑河镇', '白雀寺镇', '西淮坝镇', '五龙洞镇', '观音寺镇', '仙台坝镇', '何家岩镇',
];
const STORY_BUREAUS = ['扶贫开发办公室', '教育体育局', '财政局', '农业农村局', '民政局', '卫生健康局', '纪委监委', '县政府办公室'];
const SEED_SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'server', 'dist', 'org', 'seed', 'seed-demo.js');

const envFor = (db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> => ({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_SECRET: TEST_JWT_SECRET,
  ADMIN_PHONE: ADMIN.phone,
  ADMIN_PASSWORD: ADMIN.password,
  ORG_NAME: '略阳县',
  LOGIN_THROTTLE_LIMIT: '1000',
  DEMO_SEED: 'true',
  ...db.env,
  ...extra,
});

const ds = (app: CreatedApp) => app.app.get(DataSource);
const one = async (app: CreatedApp, sql: string, params: unknown[] = []) => (await ds(app).query(sql, params))[0];

/** The org data with every generated id replaced by what people see (unit paths, phones): equal across databases iff the seed is. */
async function canonicalDump(app: CreatedApp): Promise<string> {
  const paths = `WITH RECURSIVE path(id, path) AS (
      SELECT id, name::text FROM unit WHERE parent_id IS NULL
      UNION ALL SELECT u.id, p.path || '/' || u.name FROM unit u JOIN path p ON u.parent_id = p.id)`;
  const units = await ds(app).query(`${paths} SELECT p.path, u.kind, u.sort_order FROM unit u JOIN path p USING (id) ORDER BY p.path`);
  const members = await ds(app).query(
    `${paths}
     SELECT m.name, m.phone, m.title, m.status, m.name_initials, m.name_pinyin, m.password_hash IS NOT NULL AS has_password,
            s.phone AS supervisor,
            (SELECT json_agg(json_build_array(p.path, ms.is_head, ms.is_primary) ORDER BY p.path)
               FROM membership ms JOIN path p ON p.id = ms.unit_id WHERE ms.member_id = m.id) AS units,
            (SELECT json_agg(json_build_array(g.role, p.path) ORDER BY g.role, p.path)
               FROM role_grant g JOIN path p ON p.id = g.unit_id WHERE g.member_id = m.id) AS roles
       FROM member m LEFT JOIN member s ON s.id = m.supervisor_id
      ORDER BY m.phone`,
  );
  return JSON.stringify({ units, members });
}

async function signIn(app: CreatedApp, phone: string, password: string = DEMO_PASSWORD): Promise<MemberView> {
  const http = request(app.app.getHttpServer());
  const login = await http.post('/api/auth/login').send({ phone, password });
  expect(login.status).toBe(200);
  const me = await http.get('/api/me').set('authorization', `Bearer ${(login.body as SessionView).accessToken}`);
  expect(me.status).toBe(200);
  return me.body as MemberView;
}

describe('demo county (DEMO_SEED, npm run seed:demo)', () => {
  const dbs: TestDatabase[] = [];
  const apps: CreatedApp[] = [];
  let db: TestDatabase;
  let app: CreatedApp;
  const fresh = async (label: string, opts: { embedded?: boolean } = {}) => {
    const d = await freshDatabase(label, opts);
    dbs.push(d);
    return d;
  };
  const start = async (env: Record<string, string>) => {
    const a = await createApp(loadConfig(env));
    apps.push(a);
    return a;
  };
  const stop = async (a: CreatedApp) => {
    apps.splice(apps.indexOf(a), 1);
    await a.close();
  };

  beforeAll(async () => {
    db = await fresh('demo_seed');
    app = await start(envFor(db));
  }, SLOW);
  afterAll(async () => {
    for (const a of apps) await a.close().catch(() => undefined);
    for (const d of dbs) await d.drop();
  }, SLOW);

  it('builds the county on the first start: 17 real towns, ~170 villages, the bureaus with their 科室, ~3,000 members', async () => {
    const result = app.app.get(DemoSeedService).result!;
    expect(result).not.toBeNull();
    process.stdout.write(`    demo seed on ${db.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}: ${result.members} members in ${result.ms} ms\n`);

    const towns = await ds(app).query(`SELECT name FROM unit WHERE kind = 'town' ORDER BY sort_order`);
    expect(towns.map((t: { name: string }) => t.name)).toEqual(TOWNS);
    const counts = await one(
      app,
      `SELECT (SELECT count(*) FROM unit WHERE kind = 'village')::int AS villages,
              (SELECT count(*) FROM unit WHERE kind = 'bureau')::int AS bureaus,
              (SELECT count(*) FROM member)::int AS members,
              (SELECT count(*) FROM unit WHERE parent_id IS NULL)::int AS roots,
              (SELECT name FROM unit WHERE parent_id IS NULL) AS root_name`,
    );
    expect(counts.villages).toBeGreaterThanOrEqual(160);
    expect(counts.villages).toBeLessThanOrEqual(180);
    expect(counts.members).toBeGreaterThanOrEqual(2_800);
    expect(counts.members).toBeLessThanOrEqual(3_200);
    expect(counts).toEqual(expect.objectContaining({ roots: 1, root_name: '略阳县' })); // the root keeps ORG_NAME

    const bureaus = await ds(app).query(
      `SELECT b.name, count(o.id)::int AS offices FROM unit b LEFT JOIN unit o ON o.parent_id = b.id AND o.kind = 'office'
        WHERE b.kind = 'bureau' GROUP BY b.name`,
    );
    const names = bureaus.map((b: { name: string }) => b.name);
    for (const name of STORY_BUREAUS) expect(names).toContain(name);
    for (const b of bureaus) expect(b.offices).toBeGreaterThanOrEqual(2);
    for (const b of bureaus) expect(b.offices).toBeLessThanOrEqual(4);

    // Every unit below the root has exactly one head, and so has the root (县长).
    const heads = await ds(app).query(
      `SELECT u.kind, u.name, count(ms.member_id) FILTER (WHERE ms.is_head)::int AS heads
         FROM unit u LEFT JOIN membership ms ON ms.unit_id = u.id GROUP BY u.id HAVING count(ms.member_id) FILTER (WHERE ms.is_head) <> 1`,
    );
    expect(heads).toEqual([]);
    expect(await OrgTree.closureDrift(ds(app))).toBe(0);

    const members = await one(
      app,
      `SELECT count(*) FILTER (WHERE phone !~ '^100[0-9]{8}$')::int AS outside_demo_range,
              count(*) FILTER (WHERE password_hash IS NOT NULL)::int AS with_password,
              count(*) FILTER (WHERE name_pinyin = '' OR name_initials = '')::int AS without_keys,
              count(*) FILTER (WHERE supervisor_id IS NOT NULL)::int AS explicit_supervisor,
              count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM membership ms WHERE ms.member_id = m.id AND ms.is_primary)
                                 AND NOT EXISTS (SELECT 1 FROM role_grant g WHERE g.member_id = m.id AND g.role = 'helper'))::int AS homeless
         FROM member m`,
    );
    expect(members.outside_demo_range).toBe(1); // the bootstrap administrator
    expect(members.with_password).toBe(1 + Object.keys(SIGN_IN_PHONES).length);
    expect(members.without_keys).toBe(0);
    expect(members.homeless).toBe(0);
    expect(members.explicit_supervisor).toBeGreaterThan(100);
    expect(members.explicit_supervisor).toBeLessThan(counts.members / 2);

    const roles = await ds(app).query(
      `SELECT g.role, u.kind, count(*)::int AS n FROM role_grant g JOIN unit u ON u.id = g.unit_id GROUP BY g.role, u.kind ORDER BY 1, 2`,
    );
    const n = (role: string, kind: string) => roles.find((r: { role: string; kind: string }) => r.role === role && r.kind === kind)?.n ?? 0;
    expect(n('leader', 'county')).toBe(6); // 县长 and the deputies
    expect(n('admin', 'county')).toBeGreaterThanOrEqual(3); // the bootstrap admin and the county's own
    expect(n('approver', 'bureau')).toBe(bureaus.length);
    expect(n('approver', 'town')).toBe(17);
    expect(n('supervisor', 'county')).toBeGreaterThanOrEqual(3);
    expect(n('supervisor', 'town')).toBeGreaterThanOrEqual(3);
    expect(n('auditor', 'county')).toBeGreaterThanOrEqual(10);
    expect(n('helper', 'village')).toBeGreaterThanOrEqual(10);
    // Helpers are external: a role at a village, no place in the org chart.
    const helpersInChart = await one(app, `SELECT count(*)::int AS n FROM membership ms JOIN role_grant g ON g.member_id = ms.member_id AND g.role = 'helper'`);
    expect(helpersInChart.n).toBe(0);
  }, SLOW);

  it('signs in each documented demo account with the one demo password, and /api/me shows its role', async () => {
    const admin = await signIn(app, SIGN_IN_PHONES.admin);
    expect(admin.roles).toContainEqual({ role: Role.Admin, unit: expect.objectContaining({ kind: 'county', name: '略阳县' }) });
    expect(admin.memberships[0]).toEqual(expect.objectContaining({ isPrimary: true, unit: expect.objectContaining({ name: '信息化科' }) }));

    const leader = await signIn(app, SIGN_IN_PHONES.leader);
    expect(leader).toEqual(expect.objectContaining({ name: '王立新', title: '副县长' }));
    expect(leader.roles).toContainEqual({ role: Role.Leader, unit: expect.objectContaining({ kind: 'county' }) });

    const supervisor = await signIn(app, SIGN_IN_PHONES.supervisor);
    expect(supervisor.roles).toContainEqual({ role: Role.Supervisor, unit: expect.objectContaining({ kind: 'county' }) });

    const auditor = await signIn(app, SIGN_IN_PHONES.auditor);
    expect(auditor.roles).toContainEqual({ role: Role.Auditor, unit: expect.objectContaining({ kind: 'county' }) });
    expect(auditor.memberships[0].unit.name).toBe('第一纪检监察室');

    const approver = await signIn(app, SIGN_IN_PHONES.approver);
    expect(approver.roles).toEqual([{ role: Role.Approver, unit: expect.objectContaining({ kind: 'bureau', name: '扶贫开发办公室' }) }]);
    expect(approver.memberships).toEqual([expect.objectContaining({ isHead: true, isPrimary: true })]);

    const staff = await signIn(app, SIGN_IN_PHONES.staff);
    expect(staff.roles).toEqual([]); // membership alone gives staff their read scope
    expect(staff.memberships[0]).toEqual(expect.objectContaining({ isPrimary: true, unit: expect.objectContaining({ kind: 'village', name: '何家岩村' }) }));

    const helper = await signIn(app, SIGN_IN_PHONES.helper);
    expect(helper.roles).toEqual([{ role: Role.Helper, unit: expect.objectContaining({ kind: 'village', name: '何家岩村' }) }]);
    expect(helper.memberships).toEqual([]);

    // The bootstrap administrator is untouched, a member of the root.
    const root = await signIn(app, ADMIN.phone, ADMIN.password);
    expect(root.roles).toContainEqual({ role: Role.Admin, unit: expect.objectContaining({ kind: 'county' }) });
    // Generated members have no password: they cannot sign in with the demo one.
    const other = await one(app, `SELECT phone FROM member WHERE password_hash IS NULL ORDER BY phone LIMIT 1`);
    expect((await request(app.app.getHttpServer()).post('/api/auth/login').send({ phone: other.phone, password: DEMO_PASSWORD })).status).toBe(401);
  }, SLOW);

  it('is deterministic: npm run seed:demo on another fresh database builds the same county, byte for byte, and refuses a second time', async () => {
    const other = await fresh('demo_seed_cli');
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...envFor(other) };
    delete env.NODE_OPTIONS;
    delete env.DEMO_SEED; // the script seeds whatever DEMO_SEED says
    if (!env.DATABASE_URL) delete env.DATABASE_URL;
    const first = await promisify(execFile)(process.execPath, [SEED_SCRIPT], { env });
    expect(first.stdout).toContain('演示县已建在「略阳县」下');
    expect(first.stdout).toContain(`10000000001`);
    const second = await promisify(execFile)(process.execPath, [SEED_SCRIPT], { env }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(second).toEqual(expect.objectContaining({ code: 1, stderr: expect.stringContaining('未生成演示县：数据库中已有组织数据') }));

    const cli = await start(envFor(other, { DEMO_SEED: 'false' }));
    try {
      expect(await canonicalDump(cli)).toEqual(await canonicalDump(app));
    } finally {
      await stop(cli);
    }
  }, SLOW);

  it('does not seed again on a second start of the same database', async () => {
    const before = await canonicalDump(app);
    await stop(app);
    app = await start(envFor(db));
    expect(app.app.get(DemoSeedService).result).toBeNull();
    expect(await canonicalDump(app)).toEqual(before);
  }, SLOW);

  it('seeds nothing with DEMO_SEED=false', async () => {
    const plain = await start(envFor(await fresh('demo_seed_off'), { DEMO_SEED: 'false' }));
    try {
      expect(plain.app.get(DemoSeedService).result).toBeNull();
      expect(await one(plain, `SELECT (SELECT count(*) FROM unit)::int AS units, (SELECT count(*) FROM member)::int AS members`)).toEqual({ units: 1, members: 1 });
    } finally {
      await stop(plain);
    }
  }, SLOW);

  it('seeds by default on the first embedded start, in a few seconds, the same county as on the server', async () => {
    const emb = await fresh('demo_seed_embedded', { embedded: true });
    const env = envFor(emb);
    delete env.DEMO_SEED; // embedded defaults to seeding
    const started = Date.now();
    const embedded = await start(env);
    try {
      const result = embedded.app.get(DemoSeedService).result!;
      expect(result).not.toBeNull();
      process.stdout.write(`    demo seed on embedded PGlite: ${result.ms} ms (start with seed ${Date.now() - started} ms)\n`);
      expect(result.ms).toBeLessThan(15_000);
      expect(await OrgTree.closureDrift(ds(embedded))).toBe(0);
      expect(await canonicalDump(embedded)).toEqual(await canonicalDump(app));
    } finally {
      await stop(embedded);
    }
  }, SLOW);
});
