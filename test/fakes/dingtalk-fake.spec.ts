import { createHash } from 'node:crypto';
import { AUTH_CODE_TTL_MS, DingTalkFake, TICKET_MAX_AGE_MS, TOKEN_TTL_SECONDS, urlAsSigned } from './dingtalk-fake';

/** Direct checks that the fake answers in DingTalk's shapes (reference §2.0–§2.6, §2.15). */
describe('DingTalkFake', () => {
  const fake = new DingTalkFake();
  let base: string;

  beforeAll(async () => {
    base = await fake.start();
    fake.addUser({ userid: 'zhangsan', name: '张三', mobile: '13800001111', title: '科员', deptIds: [2, 3] });
    fake.addUser({ userid: 'lisi', name: '李四' });
  });
  afterAll(() => fake.stop());

  const get = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const post = async (path: string, body: unknown, opts: { form?: boolean; headers?: Record<string, string> } = {}) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': opts.form ? 'application/x-www-form-urlencoded' : 'application/json', ...opts.headers },
      body: opts.form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const token = async () => (await get(`/gettoken?appkey=${fake.appKey}&appsecret=${fake.appSecret}`)).body.access_token as string;

  describe('GET /gettoken', () => {
    it('issues a token for the right key and secret, and the same one again while it is valid', async () => {
      const first = await get(`/gettoken?appkey=${fake.appKey}&appsecret=${fake.appSecret}`);
      expect(first).toEqual({ status: 200, body: { errcode: 0, access_token: expect.stringMatching(/^\w{16,}$/), errmsg: 'ok', expires_in: 7200 } });
      expect(await token()).toBe(first.body.access_token);
    });

    it('renews the token on every call while valid, and issues a new one after it expired', async () => {
      const t = await token();
      fake.advanceClock((TOKEN_TTL_SECONDS - 100) * 1000);
      expect(await token()).toBe(t); // renewed for another 7200 s here
      fake.advanceClock((TOKEN_TTL_SECONDS - 100) * 1000);
      expect(await token()).toBe(t); // would have expired without the renewal
      fake.advanceClock(TOKEN_TTL_SECONDS * 1000);
      const fresh = await token();
      expect(fresh).not.toBe(t);
      expect((await post(`/topapi/v2/user/get?access_token=${t}`, { userid: 'lisi' })).body.errcode).toBe(42001);
    });

    it('answers 40096 for a bad key or secret and 40035 when either is missing, always HTTP 200', async () => {
      expect(await get(`/gettoken?appkey=${fake.appKey}&appsecret=wrong`)).toEqual({ status: 200, body: expect.objectContaining({ errcode: 40096, errmsg: '不合法的appKey或appSecret' }) });
      expect(await get(`/gettoken?appkey=nope&appsecret=${fake.appSecret}`)).toEqual({ status: 200, body: expect.objectContaining({ errcode: 40096 }) });
      expect(await get(`/gettoken?appkey=${fake.appKey}`)).toEqual({ status: 200, body: { errcode: 40035, errmsg: '缺少参数 corpid or appkey' } });
      expect((await get('/gettoken')).body.errcode).toBe(40035);
    });
  });

  describe('token errors (§2.0)', () => {
    it('treats a missing token, or one only in a header, as blank: errcode 88 / sub_code 40000', async () => {
      const expected = { errcode: 88, sub_code: '40000', sub_msg: 'access_token is blank', errmsg: expect.stringContaining('subcode=40000'), request_id: expect.any(String) };
      expect(await post('/topapi/v2/user/get', { userid: 'lisi' })).toEqual({ status: 200, body: expected });
      expect(await post('/topapi/v2/user/get', { userid: 'lisi' }, { headers: { 'x-acs-dingtalk-access-token': await token() } })).toEqual({ status: 200, body: expected });
      expect((await get('/get_jsapi_ticket')).body).toEqual(expected);
    });

    it('answers errcode 88 / sub_code 40014 for a token it never issued, also from a form body field', async () => {
      const expected = expect.objectContaining({ errcode: 88, sub_code: '40014', sub_msg: '不合法的access_token' });
      expect((await post('/topapi/v2/user/get?access_token=bogus', { userid: 'lisi' })).body).toEqual(expected);
      expect((await post('/topapi/v2/user/get', { userid: 'lisi', access_token: 'bogus' }, { form: true })).body).toEqual(expected);
      expect((await get('/get_jsapi_ticket?access_token=bogus')).body).toEqual(expected);
    });

    it('reads a valid token from a form body field', async () => {
      const res = await post('/topapi/v2/user/get', { userid: 'lisi', access_token: await token() }, { form: true });
      expect(res.body).toMatchObject({ errcode: 0, result: { userid: 'lisi' } });
    });

    it('answers 42001 for an expired token, plain or as errcode 88 / sub_code 42001', async () => {
      const t = await token();
      fake.expireAllTokens();
      expect((await post(`/topapi/v2/user/get?access_token=${t}`, { userid: 'lisi' })).body).toEqual({ errcode: 42001, errmsg: 'access_token超时', request_id: expect.any(String) });
      fake.expiredTokenStyle = 'sub_code';
      try {
        expect((await get(`/get_jsapi_ticket?access_token=${t}`)).body).toEqual(expect.objectContaining({ errcode: 88, sub_code: '42001' }));
      } finally {
        fake.expiredTokenStyle = 'plain';
      }
      expect(await token()).not.toBe(t);
    });

    it('answers 40014 for every token after revokeAllTokens()', async () => {
      const t = await token();
      fake.revokeAllTokens();
      expect((await post(`/topapi/v2/user/get?access_token=${t}`, { userid: 'lisi' })).body).toMatchObject({ errcode: 88, sub_code: '40014' });
      expect(await token()).not.toBe(t);
    });
  });

  it('answers errcode 22 (HTTP 200) for an unknown path, naming the ApiName', async () => {
    const res = await post(`/topapi/v2/user/notexist?access_token=${await token()}`, {});
    expect(res).toEqual({
      status: 200,
      body: { errcode: 22, sub_msg: '不合法ApiName，ApiName = dingtalk.oapi.v2.user.notexist', errmsg: 'Invalid method[dingtalk.oapi.v2.user.notexist]', request_id: expect.any(String) },
    });
  });

  it('refuses a GET on a POST-only method and a body that is not JSON', async () => {
    expect((await get(`/topapi/v2/user/get?access_token=${await token()}`)).body.errcode).toBe(43002);
    const res = await fetch(`${base}/topapi/v2/user/get?access_token=${await token()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(((await res.json()) as { errcode: number }).errcode).toBe(43009);
  });

  describe('POST /topapi/v2/user/getuserinfo', () => {
    it('turns a code into the userid once (JSON body); a second use is 40078', async () => {
      const code = fake.issueAuthCode('zhangsan');
      const path = `/topapi/v2/user/getuserinfo?access_token=${await token()}`;
      const first = await post(path, { code });
      expect(first).toEqual({
        status: 200,
        body: { errcode: 0, errmsg: 'ok', request_id: expect.any(String), result: { userid: 'zhangsan', device_id: expect.any(String), sys: false, sys_level: 0, unionid: 'union-zhangsan', name: '张三' } },
      });
      expect(await post(path, { code })).toEqual({ status: 200, body: expect.objectContaining({ errcode: 40078, errmsg: '不存在的临时授权码' }) });
    });

    it('accepts a form-urlencoded body', async () => {
      const res = await post(`/topapi/v2/user/getuserinfo?access_token=${await token()}`, { code: fake.issueAuthCode('lisi') }, { form: true });
      expect(res.body).toMatchObject({ errcode: 0, result: { userid: 'lisi' } });
    });

    it('lets a code live five minutes', async () => {
      const path = `/topapi/v2/user/getuserinfo?access_token=${await token()}`;
      const young = fake.issueAuthCode('lisi');
      const old = fake.issueAuthCode('lisi');
      fake.advanceClock(AUTH_CODE_TTL_MS - 1000);
      expect((await post(path, { code: young })).body.errcode).toBe(0);
      fake.advanceClock(1000);
      expect((await post(path, { code: old })).body.errcode).toBe(40078);
    });

    it('answers 40078 for a code it never issued and 400002 without a code', async () => {
      const path = `/topapi/v2/user/getuserinfo?access_token=${await token()}`;
      expect((await post(path, { code: 'never-issued' })).body.errcode).toBe(40078);
      expect((await post(path, {})).body.errcode).toBe(400002);
    });
  });

  describe('POST /topapi/v2/user/get', () => {
    it('returns the user with real JSON types and leaves out fields without a value', async () => {
      const path = `/topapi/v2/user/get?access_token=${await token()}`;
      const full = await post(path, { userid: 'zhangsan', language: 'zh_CN' });
      expect(full.body).toEqual({
        errcode: 0,
        errmsg: 'ok',
        request_id: expect.any(String),
        result: expect.objectContaining({ userid: 'zhangsan', name: '张三', mobile: '13800001111', title: '科员', dept_id_list: [2, 3], active: true, admin: false }),
      });
      const bare = (await post(path, { userid: 'lisi' })).body.result as Record<string, unknown>;
      expect(bare).toMatchObject({ userid: 'lisi', name: '李四', dept_id_list: [1], active: true });
      for (const k of ['mobile', 'title', 'email', 'job_number', 'manager_userid']) expect(bare).not.toHaveProperty(k);
    });

    it('reports active=false for an inactive user', async () => {
      fake.addUser({ userid: 'wangwu', name: '王五', active: false });
      const res = await post(`/topapi/v2/user/get?access_token=${await token()}`, { userid: 'wangwu' });
      expect(res.body).toMatchObject({ errcode: 0, result: { userid: 'wangwu', active: false } });
    });

    it('answers 60121 (or 33012 when so set) for an unknown userid, 400002 without one', async () => {
      const path = `/topapi/v2/user/get?access_token=${await token()}`;
      expect((await post(path, { userid: 'ghost' })).body).toMatchObject({ errcode: 60121, errmsg: '找不到该用户' });
      fake.unknownUserErrcode = 33012;
      try {
        expect((await post(path, { userid: 'ghost' })).body).toMatchObject({ errcode: 33012, errmsg: '无效的userId' });
      } finally {
        fake.unknownUserErrcode = 60121;
      }
      expect((await post(path, {})).body.errcode).toBe(400002);
    });
  });

  describe('control API', () => {
    it('fails the next calls to a path with the given errcode, then recovers, and counts every call', async () => {
      const path = '/topapi/v2/user/get';
      const t = await token();
      const before = fake.calls(path);
      fake.failNext(path, -1, { times: 2 });
      expect((await post(`${path}?access_token=${t}`, { userid: 'lisi' })).body).toMatchObject({ errcode: -1, errmsg: '系统繁忙' });
      expect((await post(`${path}?access_token=${t}`, { userid: 'lisi' })).body.errcode).toBe(-1);
      expect((await post(`${path}?access_token=${t}`, { userid: 'lisi' })).body.errcode).toBe(0);
      expect(fake.calls(path) - before).toBe(3);
      expect(fake.callsTo(path).at(-1)).toMatchObject({ method: 'POST', body: { userid: 'lisi' }, accessToken: t });
    });

    it('injects errcode 88 with a sub_code', async () => {
      fake.failNext('/get_jsapi_ticket', 88, { subCode: '60011', subMsg: '没有调用该接口的权限' });
      expect((await get(`/get_jsapi_ticket?access_token=${await token()}`)).body).toMatchObject({ errcode: 88, sub_code: '60011', sub_msg: '没有调用该接口的权限' });
    });

    it('fails a path persistently until cleared', async () => {
      fake.failNext('/get_jsapi_ticket', 60020, { times: Infinity });
      for (let i = 0; i < 3; i++) expect((await get(`/get_jsapi_ticket?access_token=${await token()}`)).body.errcode).toBe(60020);
      fake.clearFailures();
      expect((await get(`/get_jsapi_ticket?access_token=${await token()}`)).body.errcode).toBe(0);
    });
  });

  describe('jsapi ticket and signature check', () => {
    it('returns the same ticket while valid, renewed by 2 h but never beyond 24 h from its creation', async () => {
      fake.expireAllTokens();
      fake.advanceClock(TICKET_MAX_AGE_MS); // start from a fresh ticket
      const t = await token();
      const first = await get(`/get_jsapi_ticket?access_token=${t}`);
      expect(first.body).toEqual({ errcode: 0, ticket: expect.any(String), errmsg: 'ok', expires_in: 7200 });
      for (let h = 0; h < 23; h++) {
        fake.advanceClock(3600_000);
        expect((await get(`/get_jsapi_ticket?access_token=${await token()}`)).body.ticket).toBe(first.body.ticket);
      }
      // 23 h old: renewed only up to the 24 h cap.
      expect((await get(`/get_jsapi_ticket?access_token=${await token()}`)).body.expires_in).toBe(3600);
      fake.advanceClock(3600_000);
      expect((await get(`/get_jsapi_ticket?access_token=${await token()}`)).body.ticket).not.toBe(first.body.ticket);
    });

    it('accepts SHA-1 and SHA-256 signatures of the URL without fragment and with the query decoded', async () => {
      const ticket = (await get(`/get_jsapi_ticket?access_token=${await token()}`)).body.ticket as string;
      expect(fake.currentJsapiTicket()).toBe(ticket);
      const page = 'https://h5.example.gov.cn:8443/app/?name=%E5%BC%A0%E4%B8%89#/tasks';
      const plain = `jsapi_ticket=${ticket}&noncestr=n1&timestamp=1700000000000&url=https://h5.example.gov.cn:8443/app/?name=张三`;
      const sha256 = createHash('sha256').update(plain).digest('hex');
      const sha1 = createHash('sha1').update(plain).digest('hex');
      expect(fake.verifyJsapiSignature({ url: page, nonceStr: 'n1', timeStamp: '1700000000000', signature: sha256 })).toBe(true);
      expect(fake.verifyJsapiSignature({ url: page, nonceStr: 'n1', timeStamp: '1700000000000', signature: sha1 })).toBe(true);
      // Wrong nonce, timestamp, URL, upper-case hex, or a signature over the fragment: refused.
      expect(fake.verifyJsapiSignature({ url: page, nonceStr: 'n2', timeStamp: '1700000000000', signature: sha256 })).toBe(false);
      expect(fake.verifyJsapiSignature({ url: page, nonceStr: 'n1', timeStamp: '1700000000001', signature: sha256 })).toBe(false);
      expect(fake.verifyJsapiSignature({ url: page.replace(':8443', ''), nonceStr: 'n1', timeStamp: '1700000000000', signature: sha256 })).toBe(false);
      expect(fake.verifyJsapiSignature({ url: page, nonceStr: 'n1', timeStamp: '1700000000000', signature: sha256.toUpperCase() })).toBe(false);
      const withFragment = createHash('sha256').update(`jsapi_ticket=${ticket}&noncestr=n1&timestamp=1700000000000&url=${page}`).digest('hex');
      expect(fake.verifyJsapiSignature({ url: page, nonceStr: 'n1', timeStamp: '1700000000000', signature: withFragment })).toBe(false);
      // Once the ticket has expired, nothing verifies.
      fake.advanceClock(TICKET_MAX_AGE_MS);
      expect(fake.verifyJsapiSignature({ url: page, nonceStr: 'n1', timeStamp: '1700000000000', signature: sha256 })).toBe(false);
    });

    it('signs URLs as given apart from the fragment and the query decoding', () => {
      expect(urlAsSigned('https://a.example/p/?q=%E5%BC%A0#/x?y=1')).toBe('https://a.example/p/?q=张');
      expect(urlAsSigned('http://a.example:80/p')).toBe('http://a.example:80/p');
      expect(urlAsSigned('https://a.example/p?x=100%')).toBe('https://a.example/p?x=100%');
    });
  });

  describe('v1.0 (api.dingtalk.com shapes)', () => {
    it('POST /v1.0/oauth2/accessToken issues the app token, or 400 invalidClientIdOrSecret', async () => {
      const ok = await post('/v1.0/oauth2/accessToken', { appKey: fake.appKey, appSecret: fake.appSecret });
      expect(ok).toEqual({ status: 200, body: { accessToken: expect.any(String), expireIn: 7200 } });
      expect(ok.body.accessToken).toBe(await token()); // one app token for both styles
      expect(await post('/v1.0/oauth2/accessToken', { appKey: fake.appKey, appSecret: 'wrong' })).toEqual({
        status: 400,
        body: { code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret', requestid: expect.any(String) },
      });
    });

    it('POST /v1.0/oauth2/jsapiTickets reads the token from the header only', async () => {
      const t = await token();
      const ok = await post('/v1.0/oauth2/jsapiTickets', {}, { headers: { 'x-acs-dingtalk-access-token': t } });
      expect(ok).toEqual({ status: 200, body: { jsapiTicket: expect.any(String), expireIn: expect.any(Number) } });
      const missing = { status: 400, body: { code: 'AuthenticationFailed.MissingParameter', message: '缺少参数：x-acs-dingtalk-access-token', requestid: expect.any(String) } };
      expect(await post(`/v1.0/oauth2/jsapiTickets?access_token=${t}`, {})).toEqual(missing);
      expect(await post('/v1.0/oauth2/jsapiTickets', {}, { headers: { authorization: `Bearer ${t}` } })).toEqual(missing);
      expect(await post('/v1.0/oauth2/jsapiTickets', {}, { headers: { 'x-acs-dingtalk-access-token': 'bogus' } })).toEqual({
        status: 400,
        body: { code: 'InvalidAuthentication', message: '不合法的access_token', requestid: expect.any(String) },
      });
    });

    it('answers injected v1.0 failures and 404 for an unknown v1.0 path', async () => {
      fake.failNextV1('/v1.0/oauth2/jsapiTickets', 500, 'systemBusy', { message: '系统繁忙' });
      expect(await post('/v1.0/oauth2/jsapiTickets', {}, { headers: { 'x-acs-dingtalk-access-token': await token() } })).toEqual({
        status: 500,
        body: { code: 'systemBusy', message: '系统繁忙', requestid: expect.any(String) },
      });
      expect((await post('/v1.0/nope', {})).status).toBe(404);
    });
  });
});
