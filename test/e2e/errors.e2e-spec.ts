import { DataSource } from 'typeorm';
import { expectProblem, useTestApp } from '../support/test-app';

/** Bad input of every kind gets a 4xx problem+json that a person can act on, and changes nothing. */
describe('bad input → 4xx problem+json, never 500', () => {
  const ctx = useTestApp('errors', { BODY_LIMIT_BYTES: '65536' });
  let token: string;
  beforeAll(async () => {
    token = (await ctx.login()).accessToken;
  });

  const login = (body: unknown, type = 'application/json') =>
    ctx.http().post('/api/auth/login').set('content-type', type).send(typeof body === 'string' ? body : JSON.stringify(body));

  it.each([
    ['wrong types', { phone: 13900000001, password: true }, ['phone', 'password']],
    ['missing fields', {}, ['phone', 'password']],
    ['an unknown field', { phone: '13900000001', password: 'x', role: 'admin' }, ['role']],
    ['a malformed phone', { phone: '1390000000١', password: 'x' }, ['phone']],
    ['a huge password', { phone: '13900000001', password: 'x'.repeat(5000) }, ['password']],
    ['an array body', [1, 2, 3], ['phone', 'password']],
    ['nested objects', { phone: { $ne: '' }, password: ['a'] }, ['phone', 'password']],
  ])('answers %s with VALIDATION_FAILED naming the fields', async (_label, body, fields) => {
    const res = await login(body);
    const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
    const paths = (problem.errors as Array<{ path: string; message: string }>).map((e) => e.path);
    for (const f of fields) expect(paths).toContain(f);
    for (const e of problem.errors as Array<{ message: string }>) expect(e.message.length).toBeGreaterThan(0);
  });

  it('answers broken JSON with BAD_REQUEST_BODY', async () => {
    const res = await login('{"phone": "139', 'application/json');
    expect(expectProblem(res, 400, 'BAD_REQUEST_BODY').detail).toMatch(/JSON/);
  });

  it('answers an empty JSON body with a 400', async () => {
    const res = await ctx.http().post('/api/auth/login').set('content-type', 'application/json').send('');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('answers an oversized body with PAYLOAD_TOO_LARGE', async () => {
    const res = await login({ phone: '13900000001', password: 'x'.repeat(100_000) });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers an unsupported content type with a 4xx', async () => {
    const res = await ctx.http().post('/api/auth/login').set('content-type', 'application/xml').send('<a/>');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('answers unknown routes and methods with NOT_FOUND', async () => {
    expectProblem(await ctx.http().get('/api/no-such-thing').set('authorization', `Bearer ${token}`), 404, 'NOT_FOUND');
    expectProblem(await ctx.http().delete('/api/me').set('authorization', `Bearer ${token}`), 404, 'NOT_FOUND');
  });

  it('answers a bad query string with VALIDATION_FAILED', async () => {
    expectProblem(await ctx.http().get('/api/auth/dingtalk/jsapi-config'), 400, 'VALIDATION_FAILED');
    expectProblem(await ctx.http().get('/api/auth/dingtalk/jsapi-config?url=javascript:alert(1)'), 400, 'VALIDATION_FAILED');
    expectProblem(await ctx.http().get(`/api/auth/dingtalk/jsapi-config?url=https://a.cn/${'x'.repeat(3000)}`), 400, 'VALIDATION_FAILED');
    expectProblem(await ctx.http().get('/api/auth/dingtalk/jsapi-config?url=https://a.cn/&url=https://b.cn/'), 400, 'VALIDATION_FAILED');
  });

  it('echoes the request id as traceId and in X-Request-Id', async () => {
    const res = await ctx.http().get('/api/me').set('x-request-id', 'trace-abc-123');
    expect(res.headers['x-request-id']).toBe('trace-abc-123');
    expect(res.body.traceId).toBe('trace-abc-123');
  });

  it('changed nothing while refusing all of the above', async () => {
    const ds = ctx.created.app.get(DataSource);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM member`);
    expect(n).toBe(1);
  });
});
