import { createHash } from 'node:crypto';
import type { SessionView } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { AUTH_CODE_TTL_MS, DingTalkFake } from '../fakes/dingtalk-fake';
import { makeMember } from '../support/factory';
import { expectProblem, type TestContext, useTestApp } from '../support/test-app';

const GETTOKEN = '/gettoken';
const GETUSERINFO = '/topapi/v2/user/getuserinfo';
const USER_GET = '/topapi/v2/user/get';
const TICKET = '/get_jsapi_ticket';

/** A Lianxin member (primary member of the root unit) linked to a DingTalk user the fake knows. */
async function linkedMember(ctx: TestContext, fake: DingTalkFake, userid: string, opts: { name?: string; active?: boolean; status?: 'active' | 'disabled' } = {}) {
  const ds = ctx.created.app.get(DataSource);
  const name = opts.name ?? `钉钉成员${userid}`;
  const m = await makeMember(ds, { name });
  await ds.query(`UPDATE member SET dingtalk_user_id = $1, status = $2 WHERE id = $3`, [userid, opts.status ?? 'active', m.id]);
  fake.addUser({ userid, name, mobile: m.phone, title: '科员', active: opts.active ?? true, deptIds: [1] });
  return m;
}

const count = async (ctx: TestContext, table: 'member' | 'membership' | 'role_grant') =>
  (await ctx.created.app.get(DataSource).query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

describe('DingTalk sign-in and jsapi-config against the fake open API', () => {
  // The fake must listen before useTestApp's beforeAll reads the env.
  const fake = new DingTalkFake();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  const ctx = useTestApp('dingtalk-auth', () => fake.env());

  const signIn = (authCode: unknown) => ctx.http().post('/api/auth/dingtalk').send({ authCode });

  afterEach(() => fake.clearFailures());

  it('signs in the linked member by 免登 code, and /api/me answers with the session token', async () => {
    const m = await linkedMember(ctx, fake, 'zhangsan', { name: '张三' });
    const res = await signIn(fake.issueAuthCode('zhangsan'));
    expect(res.status).toBe(200);
    const session = res.body as SessionView;
    expect(session.expiresIn).toBeGreaterThan(0);
    expect(session.member).toMatchObject({ id: m.id, name: '张三', dingtalkUserId: 'zhangsan', status: 'active' });
    expect(session.member.memberships).toEqual([expect.objectContaining({ isPrimary: true, unit: expect.objectContaining({ name: '测试县' }) })]);

    const me = await ctx.http().get('/api/me').set('authorization', `Bearer ${session.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: m.id, dingtalkUserId: 'zhangsan' });

    // What the client sent: the app credentials, the code and the userid, the token in the query.
    expect(fake.callsTo(GETTOKEN)).toEqual([expect.objectContaining({ method: 'GET', query: { appkey: fake.appKey, appsecret: fake.appSecret } })]);
    const [info] = fake.callsTo(GETUSERINFO);
    const [detail] = fake.callsTo(USER_GET);
    const token = info.accessToken;
    expect(token).toEqual(expect.any(String));
    expect(info).toMatchObject({ method: 'POST', query: { access_token: token }, body: { code: expect.any(String) }, contentType: expect.stringContaining('application/json') });
    expect(detail).toMatchObject({ method: 'POST', body: { userid: 'zhangsan' }, accessToken: token });
  });

  it('shows DingTalk as enabled in the client config', async () => {
    const res = await ctx.http().get('/api/client-config');
    expect(res.status).toBe(200);
    expect(res.body.dingtalk).toEqual({ enabled: true, corpId: fake.corpId, clientId: fake.appKey });
  });

  it('fetches the access token once and reuses it across sign-ins', async () => {
    await linkedMember(ctx, fake, 'lisi');
    for (let i = 0; i < 4; i++) expect((await signIn(fake.issueAuthCode(i % 2 ? 'lisi' : 'zhangsan'))).status).toBe(200);
    expect(fake.calls(GETTOKEN)).toBe(1);
    const tokens = new Set([...fake.callsTo(GETUSERINFO), ...fake.callsTo(USER_GET)].map((c) => c.accessToken));
    expect(tokens.size).toBe(1);
  });

  it.each([
    ['expired (plain errcode 42001)', () => fake.expireAllTokens(), 'plain' as const],
    ['expired (errcode 88 / sub_code 42001)', () => fake.expireAllTokens(), 'sub_code' as const],
    ['revoked (errcode 88 / sub_code 40014)', () => fake.revokeAllTokens(), 'plain' as const],
  ])('after the token is %s, the next sign-in refreshes it exactly once and succeeds', async (_label, spoil, style) => {
    fake.expiredTokenStyle = style;
    try {
      expect((await signIn(fake.issueAuthCode('zhangsan'))).status).toBe(200); // warm: a valid token is cached
      spoil();
      const [tokens, infos] = [fake.calls(GETTOKEN), fake.calls(GETUSERINFO)];
      const res = await signIn(fake.issueAuthCode('zhangsan'));
      expect(res.status).toBe(200);
      expect(res.body.member.dingtalkUserId).toBe('zhangsan');
      expect(fake.calls(GETTOKEN) - tokens).toBe(1);
      expect(fake.calls(GETUSERINFO) - infos).toBe(2); // refused once, then retried with the new token
      const [refused, retried] = fake.callsTo(GETUSERINFO).slice(-2);
      expect(retried.accessToken).not.toBe(refused.accessToken);
      expect(retried.body).toEqual(refused.body);
      // And the new token is cached again.
      expect((await signIn(fake.issueAuthCode('zhangsan'))).status).toBe(200);
      expect(fake.calls(GETTOKEN) - tokens).toBe(1);
    } finally {
      fake.expiredTokenStyle = 'plain';
    }
  });

  it('refreshes the token once for several concurrent sign-ins after it expired', async () => {
    expect((await signIn(fake.issueAuthCode('zhangsan'))).status).toBe(200);
    fake.expireAllTokens();
    const tokens = fake.calls(GETTOKEN);
    const codes = Array.from({ length: 5 }, (_, i) => fake.issueAuthCode(i % 2 ? 'lisi' : 'zhangsan'));
    const results = await Promise.all(codes.map((c) => signIn(c)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(fake.calls(GETTOKEN) - tokens).toBe(1);
  });

  it('gives up after one refresh when DingTalk keeps refusing the token', async () => {
    fake.failNext(GETUSERINFO, 88, { subCode: '40014', times: 2 });
    const [tokens, infos] = [fake.calls(GETTOKEN), fake.calls(GETUSERINFO)];
    const body = expectProblem(await signIn(fake.issueAuthCode('zhangsan')), 502, 'DINGTALK_UPSTREAM_ERROR');
    expect(body.detail).toContain('88/40014');
    expect(fake.calls(GETUSERINFO) - infos).toBe(2);
    expect(fake.calls(GETTOKEN) - tokens).toBe(1);
  });

  describe('免登 codes', () => {
    it('refuses a code the second time: 401 AUTH_DINGTALK_CODE_INVALID', async () => {
      const code = fake.issueAuthCode('zhangsan');
      expect((await signIn(code)).status).toBe(200);
      const body = expectProblem(await signIn(code), 401, 'AUTH_DINGTALK_CODE_INVALID');
      expect(body.detail).toMatch(/重新打开/);
    });

    it('refuses a code DingTalk never issued', async () => {
      expectProblem(await signIn('0123456789abcdef0123456789abcdef'), 401, 'AUTH_DINGTALK_CODE_INVALID');
    });

    it('accepts a code just under five minutes old and refuses one five minutes old', async () => {
      const young = fake.issueAuthCode('zhangsan');
      const old = fake.issueAuthCode('zhangsan');
      fake.advanceClock(AUTH_CODE_TTL_MS - 1000);
      expect((await signIn(young)).status).toBe(200);
      fake.advanceClock(1000);
      expectProblem(await signIn(old), 401, 'AUTH_DINGTALK_CODE_INVALID');
    });
  });

  describe('who may sign in', () => {
    it('refuses a DingTalk user linked to no member with 403, names the next step, and creates nothing', async () => {
      fake.addUser({ userid: 'stranger01', name: '赵六' });
      const before = await Promise.all([count(ctx, 'member'), count(ctx, 'membership'), count(ctx, 'role_grant')]);
      const userGets = fake.calls(USER_GET);
      const body = expectProblem(await signIn(fake.issueAuthCode('stranger01')), 403, 'AUTH_DINGTALK_USER_UNKNOWN');
      expect(body.detail).toContain('赵六');
      expect(body.detail).toContain('stranger01');
      expect(body.detail).toMatch(/管理员/);
      expect(body.detail).toMatch(/钉钉 userid|同步钉钉组织架构/);
      expect(body.dingtalkUserId).toBe('stranger01');
      expect(await Promise.all([count(ctx, 'member'), count(ctx, 'membership'), count(ctx, 'role_grant')])).toEqual(before);
      expect(fake.calls(USER_GET)).toBe(userGets);
      const ds = ctx.created.app.get(DataSource);
      expect(await ds.query(`SELECT id FROM member WHERE dingtalk_user_id = 'stranger01'`)).toEqual([]);
    });

    it('refuses a linked member whose DingTalk account is inactive: 403 AUTH_DINGTALK_USER_INACTIVE', async () => {
      await linkedMember(ctx, fake, 'inactive01', { active: false });
      expectProblem(await signIn(fake.issueAuthCode('inactive01')), 403, 'AUTH_DINGTALK_USER_INACTIVE');
    });

    it('refuses a linked member who is disabled in Lianxin, even though DingTalk knows them as active', async () => {
      await linkedMember(ctx, fake, 'disabled01', { status: 'disabled' });
      expectProblem(await signIn(fake.issueAuthCode('disabled01')), 403, 'AUTH_DINGTALK_USER_INACTIVE');
    });
  });

  describe('DingTalk failures', () => {
    it('retries a busy (-1) answer and signs in', async () => {
      fake.failNext(GETUSERINFO, -1);
      const infos = fake.calls(GETUSERINFO);
      const res = await signIn(fake.issueAuthCode('zhangsan'));
      expect(res.status).toBe(200);
      expect(res.body.member.dingtalkUserId).toBe('zhangsan');
      expect(fake.calls(GETUSERINFO) - infos).toBe(2);
    });

    it('retries a throttled (90018) user lookup and signs in', async () => {
      fake.failNext(USER_GET, 90018);
      const gets = fake.calls(USER_GET);
      expect((await signIn(fake.issueAuthCode('lisi'))).status).toBe(200);
      expect(fake.calls(USER_GET) - gets).toBe(2);
    });

    it('stops retrying a busy answer after three retries: 502', async () => {
      fake.failNext(GETUSERINFO, -1, { times: Infinity });
      const infos = fake.calls(GETUSERINFO);
      const body = expectProblem(await signIn(fake.issueAuthCode('zhangsan')), 502, 'DINGTALK_UPSTREAM_ERROR');
      expect(body.detail).toContain('-1');
      expect(fake.calls(GETUSERINFO) - infos).toBe(4);
    });

    it('still retries a busy answer three times after refreshing an expired token', async () => {
      fake.failNext(GETUSERINFO, 42001);
      fake.failNext(GETUSERINFO, -1, { times: 3 });
      const infos = fake.calls(GETUSERINFO);
      const res = await signIn(fake.issueAuthCode('zhangsan'));
      expect({ status: res.status, calls: fake.calls(GETUSERINFO) - infos }).toEqual({ status: 200, calls: 5 });
    });

    it('answers 502 DINGTALK_UPSTREAM_ERROR naming the errcode for a persistent error, without retrying it', async () => {
      fake.failNext(GETUSERINFO, 60020, { times: Infinity });
      const infos = fake.calls(GETUSERINFO);
      const body = expectProblem(await signIn(fake.issueAuthCode('zhangsan')), 502, 'DINGTALK_UPSTREAM_ERROR');
      expect(body.detail).toContain('60020');
      expect(body.detail).toContain('白名单');
      expect(fake.calls(GETUSERINFO) - infos).toBe(1);
    });

    it('answers 502 when the token cannot be renewed, and the unused code works once DingTalk recovers', async () => {
      fake.expireAllTokens();
      fake.failNext(GETTOKEN, 40096);
      const code = fake.issueAuthCode('zhangsan');
      const body = expectProblem(await signIn(code), 502, 'DINGTALK_UPSTREAM_ERROR');
      expect(body.detail).toContain('40096');
      const res = await signIn(code); // the expired-token call never consumed it
      expect(res.status).toBe(200);
      expect(res.body.member.dingtalkUserId).toBe('zhangsan');
    });
  });

  describe('input', () => {
    it.each([
      ['no authCode', {}],
      ['a number', { authCode: 12345 }],
      ['an empty string', { authCode: '' }],
      ['an extra field', { authCode: 'abc', userid: 'zhangsan' }],
      ['a 300-character code', { authCode: 'a'.repeat(300) }],
    ])('refuses %s with 400 VALIDATION_FAILED before calling DingTalk', async (_label, payload) => {
      const before = fake.calls();
      expectProblem(await ctx.http().post('/api/auth/dingtalk').send(payload), 400, 'VALIDATION_FAILED');
      expect(fake.calls()).toBe(before);
    });
  });

  describe('jsapi-config (GET /api/auth/dingtalk/jsapi-config), SHA-256 by default', () => {
    const config = (url: string) => ctx.http().get('/api/auth/dingtalk/jsapi-config').query({ url });

    it('returns what dd.config needs, signed over the page URL without its fragment', async () => {
      const page = 'https://h5.lianxin.example.gov.cn/app/index.html?corpId=x&from=home#/tasks?id=5';
      const signed = 'https://h5.lianxin.example.gov.cn/app/index.html?corpId=x&from=home';
      const res = await config(page);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        agentId: fake.agentId,
        corpId: fake.corpId,
        timeStamp: expect.stringMatching(/^\d+$/),
        nonceStr: expect.stringMatching(/^\S{8,}$/),
        signature: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const { timeStamp, nonceStr, signature } = res.body;
      expect(fake.verifyJsapiSignature({ url: page, nonceStr, timeStamp, signature })).toBe(true);
      // Independently: SHA-256 of the documented string over the URL without the fragment.
      const ticket = fake.currentJsapiTicket();
      const sign = (url: string) => createHash('sha256').update(`jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timeStamp}&url=${url}`).digest('hex');
      expect(signature).toBe(sign(signed));
      expect(signature).not.toBe(sign(page));
      // The ticket came with the app's token in the query.
      expect(fake.callsTo(TICKET).at(-1)).toEqual(expect.objectContaining({ method: 'GET', query: { access_token: expect.any(String) } }));
    });

    it('signs an encoded query as DingTalk does (decoded), keeping an explicit port', async () => {
      const page = 'https://h5.lianxin.example.gov.cn:8443/app/?name=%E5%BC%A0%E4%B8%89&back=https%3A%2F%2Fx.example%2Fa%3Fb%3D1';
      const res = await config(page);
      expect(res.status).toBe(200);
      expect(fake.verifyJsapiSignature({ url: page, nonceStr: res.body.nonceStr, timeStamp: res.body.timeStamp, signature: res.body.signature })).toBe(true);
      expect(fake.verifyJsapiSignature({ url: page.replace(':8443', ''), nonceStr: res.body.nonceStr, timeStamp: res.body.timeStamp, signature: res.body.signature })).toBe(false);
    });

    it('fetches the ticket once and reuses it for several configs, each with its own nonce', async () => {
      const pages = ['https://a.example.gov.cn/app/', 'https://a.example.gov.cn/app/?x=1', 'https://a.example.gov.cn/app/#/b', 'http://10.0.0.8:8080/app/'];
      expect((await config('https://a.example.gov.cn/warm')).status).toBe(200);
      const [tickets, tokens] = [fake.calls(TICKET), fake.calls(GETTOKEN)];
      const results = await Promise.all(pages.map((p) => config(p)));
      for (const [i, r] of results.entries()) {
        expect(r.status).toBe(200);
        expect(fake.verifyJsapiSignature({ url: pages[i], nonceStr: r.body.nonceStr, timeStamp: r.body.timeStamp, signature: r.body.signature })).toBe(true);
      }
      expect(new Set(results.map((r) => r.body.nonceStr)).size).toBe(pages.length);
      expect(fake.calls(TICKET)).toBe(tickets);
      expect(fake.calls(GETTOKEN)).toBe(tokens);
      expect(fake.calls(TICKET)).toBe(1); // one ticket for every config this app has signed
    });

    it.each([
      ['no url', undefined],
      ['a relative path', '/app/index.html'],
      ['not a URL', 'hello world'],
      ['an ftp URL', 'ftp://files.example.gov.cn/app/'],
      ['a javascript: URL', 'javascript:alert(1)'],
      ['a 3000-character URL', `https://a.example.gov.cn/${'x'.repeat(3000)}`],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_label, url) => {
      const before = fake.calls();
      const req = ctx.http().get('/api/auth/dingtalk/jsapi-config');
      expectProblem(await (url === undefined ? req : req.query({ url })), 400, 'VALIDATION_FAILED');
      expect(fake.calls()).toBe(before);
    });
  });
});

describe('jsapi-config with DINGTALK_JSAPI_SIGN_ALGO=sha1', () => {
  const fake = new DingTalkFake({ agentId: '3000000777', corpId: 'dingcorpsha1only' });
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  const ctx = useTestApp('dingtalk-sha1', () => fake.env({ DINGTALK_JSAPI_SIGN_ALGO: 'sha1' }));

  const config = (url: string) => ctx.http().get('/api/auth/dingtalk/jsapi-config').query({ url });

  it('answers 502 naming the errcode when DingTalk refuses the ticket (IP not whitelisted), and recovers', async () => {
    fake.failNext(TICKET, 60020);
    const body = expectProblem(await config('https://h5.lianxin.example.gov.cn/app/'), 502, 'DINGTALK_UPSTREAM_ERROR');
    expect(body.detail).toContain('60020');
    expect(fake.calls(TICKET)).toBe(1);
  });

  it('returns a 40-hex SHA-1 signature that DingTalk (the fake) verifies, renewing an expired token once for concurrent configs', async () => {
    const page = 'https://h5.lianxin.example.gov.cn/app/?name=%E5%BC%A0%E4%B8%89#/home';
    fake.expireAllTokens(); // the cached token is refused once (42001) and renewed for the ticket
    const results = await Promise.all([config(page), config(page), config(page)]);
    // The refused call of the previous test, then for all three configs: 42001 once and the ticket.
    expect(fake.calls(TICKET)).toBe(3);
    expect(fake.calls(GETTOKEN)).toBe(2);
    const [expired, renewed] = fake.callsTo(TICKET).slice(-2);
    expect(renewed.accessToken).not.toBe(expired.accessToken);
    for (const res of results) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ agentId: '3000000777', corpId: 'dingcorpsha1only', signature: expect.stringMatching(/^[0-9a-f]{40}$/) });
      const { nonceStr, timeStamp, signature } = res.body;
      expect(fake.verifyJsapiSignature({ url: page, nonceStr, timeStamp, signature })).toBe(true);
      const plain = `jsapi_ticket=${fake.currentJsapiTicket()}&noncestr=${nonceStr}&timestamp=${timeStamp}&url=https://h5.lianxin.example.gov.cn/app/?name=张三`;
      expect(signature).toBe(createHash('sha1').update(plain).digest('hex'));
    }
  });
});
