import { ADMIN, expectProblem, useTestApp } from '../support/test-app';

describe('identity: password sign-in and /api/me', () => {
  const ctx = useTestApp('identity');

  it('signs in the bootstrap admin and shows them at /api/me', async () => {
    const session = await ctx.login();
    expect(session.expiresIn).toBeGreaterThan(0);
    expect(session.member).toMatchObject({ phone: ADMIN.phone, status: 'active' });
    expect(session.member.memberships).toEqual([expect.objectContaining({ isPrimary: true, unit: expect.objectContaining({ name: '测试县', kind: 'county' }) })]);
    expect(session.member.roles).toEqual([expect.objectContaining({ role: 'admin' })]);
    const me = await ctx.http().get('/api/me').set('authorization', `Bearer ${session.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(session.member.id);
  });

  it('refuses a wrong password and an unknown phone with the same answer', async () => {
    const wrong = await ctx.http().post('/api/auth/login').send({ phone: ADMIN.phone, password: 'nope-nope' });
    const unknown = await ctx.http().post('/api/auth/login').send({ phone: '13999999999', password: 'nope-nope' });
    expectProblem(wrong, 401, 'AUTH_INVALID_CREDENTIALS');
    expectProblem(unknown, 401, 'AUTH_INVALID_CREDENTIALS');
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('refuses requests without a token, with a bad token, or with a token signed by another key', async () => {
    expectProblem(await ctx.http().get('/api/me'), 401, 'AUTH_UNAUTHENTICATED');
    expectProblem(await ctx.http().get('/api/me').set('authorization', 'Bearer not-a-jwt'), 401, 'AUTH_TOKEN_INVALID');
    const forged =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAifQ.' +
      'c2lnbmF0dXJlLW5vdC12YWxpZA';
    expectProblem(await ctx.http().get('/api/me').set('authorization', `Bearer ${forged}`), 401, 'AUTH_TOKEN_INVALID');
  });

  it('refuses a disabled member at sign-in', async () => {
    const ds = ctx.created.app.get((await import('typeorm')).DataSource);
    await ds.query(`INSERT INTO member (name, phone, password_hash, status) SELECT '停用者', '13900000099', password_hash, 'disabled' FROM member WHERE phone = $1`, [ADMIN.phone]);
    expectProblem(await ctx.http().post('/api/auth/login').send({ phone: '13900000099', password: ADMIN.password }), 403, 'AUTH_MEMBER_DISABLED');
  });

  it('serves the client config before sign-in, with DingTalk off when unconfigured', async () => {
    const res = await ctx.http().get('/api/client-config');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ orgName: '测试县', dingtalk: { enabled: false, corpId: null, clientId: null } });
    expectProblem(await ctx.http().post('/api/auth/dingtalk').send({ authCode: 'abc' }), 503, 'DINGTALK_NOT_CONFIGURED');
  });
});

describe('identity: login throttling', () => {
  const ctx = useTestApp('throttle', { LOGIN_THROTTLE_LIMIT: '3', LOGIN_THROTTLE_TTL_SECONDS: '60' });

  it('answers 429 after the limit for one phone, while another phone still gets through', async () => {
    for (let i = 0; i < 3; i++) {
      expectProblem(await ctx.http().post('/api/auth/login').send({ phone: '13900000002', password: 'wrong-pass' }), 401, 'AUTH_INVALID_CREDENTIALS');
    }
    expectProblem(await ctx.http().post('/api/auth/login').send({ phone: '13900000002', password: 'wrong-pass' }), 429, 'TOO_MANY_REQUESTS');
    expect((await ctx.http().post('/api/auth/login').send(ADMIN)).status).toBe(200);
  });
});
