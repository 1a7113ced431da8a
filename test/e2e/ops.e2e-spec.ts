import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { jobRoundTrip } from '../support/jobs';
import { useTestApp } from '../support/test-app';

describe('operations: /health, /metrics, /api/docs, the micro-app at /', () => {
  const dir = join(tmpdir(), `lx-microapp-${process.pid}`);
  beforeAll(async () => {
    await mkdir(join(dir, 'assets'), { recursive: true });
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>连心</title><div id="app"></div>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log("app")');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const ctx = useTestApp('ops', () => ({ MICROAPP_DIR: dir }));

  it('reports health with the database up', async () => {
    const res = await ctx.http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('exposes Prometheus metrics: HTTP histogram, pool and job-queue gauges', async () => {
    await ctx.http().get('/health');
    const res = await ctx.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/lianxin_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} \d+/);
    expect(res.text).toMatch(/lianxin_db_pool_connections\{state="total"\} \d+/);
    expect(res.text).toContain('# TYPE lianxin_job_queue_jobs gauge');
    expect(res.text).toMatch(/lianxin_sse_streams \d+/);
  });

  it('runs durable jobs through pg-boss', async () => {
    expect(await jobRoundTrip(ctx.created.app, { step: 1, channel: 'sms' })).toEqual({ step: 1, channel: 'sms' });
  });

  it('serves the OpenAPI document with the identity paths', async () => {
    const res = await ctx.http().get('/api/docs-json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/auth/dingtalk', '/api/me', '/api/events']));
  });

  it('serves the micro-app shell, long-caches hashed assets and falls back to index.html for app routes', async () => {
    const root = await ctx.http().get('/');
    expect(root.status).toBe(200);
    expect(root.text).toContain('<div id="app">');
    expect(root.headers['cache-control']).toBe('no-cache');
    const asset = await ctx.http().get('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const deep = await ctx.http().get('/workbench/notices').set('accept', 'text/html');
    expect(deep.status).toBe(200);
    expect(deep.text).toContain('<div id="app">');
    // Unknown API paths and missing files stay 404s.
    const api = await ctx.http().get('/api/nope').set('accept', 'text/html');
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toMatch(/problem\+json/);
    expect((await ctx.http().get('/assets/missing.js')).status).toBe(404);
  });

  it('applied the migrations, and they match the entities exactly', async () => {
    const ds = ctx.created.app.get(DataSource);
    const pending = await ds.showMigrations();
    expect(pending).toBe(false);
    const { upQueries } = await ds.driver.createSchemaBuilder().log();
    expect(upQueries.map((q) => q.query)).toEqual([]);
  });
});
