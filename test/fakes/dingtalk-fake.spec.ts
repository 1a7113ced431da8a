import { createHash } from 'node:crypto';
import { AUTH_CODE_TTL_MS, DingTalkFake, pushDecrypt, pushEncrypt, pushSignature, TICKET_MAX_AGE_MS, TOKEN_TTL_SECONDS, urlAsSigned } from './dingtalk-fake';

/** Direct checks that the fake answers in DingTalk's shapes (reference §2.0–§2.8, §2.15, §4.1–§4.2). */
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
      // 23 h old: renewed only up to the 24 h cap (less the real seconds this test has taken).
      const capped = (await get(`/get_jsapi_ticket?access_token=${await token()}`)).body.expires_in as number;
      expect(capped).toBeLessThanOrEqual(3600);
      expect(capped).toBeGreaterThan(3500);
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

  describe('contacts directory (§2.7, §2.8)', () => {
    // Its own directory: 1 ─ 局A(leader a0) ─ 科A1 ; 1 ─ 镇B ─ 村B1 ; 250 users in 科A1, a few elsewhere.
    const dir = new DingTalkFake({ orgName: '某县' });
    let dirBase: string;
    let t: string;
    const ids: Record<string, number> = {};
    beforeAll(async () => {
      dirBase = await dir.start();
      ids.a = dir.addDept({ name: '局A' }).deptId;
      ids.b = dir.addDept({ name: '镇B', deptId: 912_345_678_901 }).deptId;
      ids.a1 = dir.addDept({ name: '科A1', parentId: ids.a }).deptId;
      ids.b1 = dir.addDept({ name: '村B1', parentId: ids.b }).deptId;
      dir.addUser({ userid: 'a0', name: '甲', mobile: '13000000000', deptIds: [ids.a, ids.b1], leaderIn: [ids.a] });
      for (let i = 1; i <= 250; i++) dir.addUser({ userid: `u${i}`, name: `用户${i}`, mobile: `131${String(i).padStart(8, '0')}`, deptIds: [ids.a1] });
      const res = await fetch(`${dirBase}/gettoken?appkey=${dir.appKey}&appsecret=${dir.appSecret}`);
      t = ((await res.json()) as { access_token: string }).access_token;
    });
    afterAll(() => dir.stop());
    const call = async (path: string, body: unknown, form = false) => {
      const res = await fetch(`${dirBase}${path}?access_token=${t}`, {
        method: 'POST',
        headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
        body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { errcode: number; errmsg: string; result?: any };
    };

    it('listsub answers the next level only, root by default, with ids as JSON numbers', async () => {
      const root = await call('/topapi/v2/department/listsub', { language: 'zh_CN' });
      expect(root).toEqual({
        errcode: 0,
        errmsg: 'ok',
        request_id: expect.any(String),
        result: [
          { dept_id: ids.a, name: '局A', parent_id: 1, create_dept_group: true, auto_add_user: true },
          { dept_id: 912345678901, name: '镇B', parent_id: 1, create_dept_group: true, auto_add_user: true },
        ],
      });
      expect((await call('/topapi/v2/department/listsub', { dept_id: 1 })).result).toEqual(root.result);
      expect((await call('/topapi/v2/department/listsub', { dept_id: ids.b })).result).toEqual([expect.objectContaining({ dept_id: ids.b1, name: '村B1', parent_id: ids.b })]);
      expect((await call('/topapi/v2/department/listsub', { dept_id: ids.b1 })).result).toEqual([]);
      expect((await call('/topapi/v2/department/listsub', { dept_id: String(ids.a) }, true)).result).toEqual([expect.objectContaining({ dept_id: ids.a1 })]);
    });

    it('listsub and department/get answer 60003 for an unknown department and 400002 for a malformed id', async () => {
      expect(await call('/topapi/v2/department/listsub', { dept_id: 999 })).toMatchObject({ errcode: 60003, errmsg: '部门不存在' });
      expect((await call('/topapi/v2/department/listsub', { dept_id: 'abc' })).errcode).toBe(400002);
      expect((await call('/topapi/v2/department/listsub', { dept_id: 1, language: 'fr' })).errcode).toBe(400002);
      expect((await call('/topapi/v2/department/get', { dept_id: 999 })).errcode).toBe(60003);
      expect((await call('/topapi/v2/department/get', {})).errcode).toBe(400002);
    });

    it('department/get returns one department with its parent and heads; the root has no parent', async () => {
      expect((await call('/topapi/v2/department/get', { dept_id: ids.a, language: 'zh_CN' })).result).toEqual(
        expect.objectContaining({ dept_id: ids.a, name: '局A', parent_id: 1, order: 1, dept_manager_userid_list: ['a0'] }),
      );
      const root = (await call('/topapi/v2/department/get', { dept_id: 1 })).result;
      expect(root).toMatchObject({ dept_id: 1, name: '某县' });
      expect(root).not.toHaveProperty('parent_id');
    });

    it('user/list pages by cursor (size ≤ 100) without sub-departments, and says who leads the department', async () => {
      const seen: string[] = [];
      let cursor = 0;
      let pages = 0;
      for (;;) {
        const r = await call('/topapi/v2/user/list', { dept_id: ids.a1, cursor, size: 100, order_field: 'custom', contain_access_limit: false, language: 'zh_CN' });
        expect(r.errcode).toBe(0);
        pages++;
        seen.push(...r.result.list.map((u: { userid: string }) => u.userid));
        if (!r.result.has_more) {
          expect(r.result).not.toHaveProperty('next_cursor');
          break;
        }
        cursor = r.result.next_cursor;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => `u${i + 1}`));
      // 局A holds a0 only: 科A1's users are not included.
      const a = await call('/topapi/v2/user/list', { dept_id: ids.a, cursor: 0, size: 10 });
      expect(a.result).toEqual({
        has_more: false,
        list: [expect.objectContaining({ userid: 'a0', name: '甲', mobile: '13000000000', dept_id_list: [ids.a, ids.b1], leader: true, active: true })],
      });
      const b1 = await call('/topapi/v2/user/list', { dept_id: ids.b1, cursor: '0', size: '10' }, true);
      expect(b1.result.list).toEqual([expect.objectContaining({ userid: 'a0', leader: false })]);
    });

    it('user/list validates like DingTalk: 400002 without dept_id/cursor/size, 40035 for size > 100 or a bad order, 60003 for an unknown department', async () => {
      expect((await call('/topapi/v2/user/list', { dept_id: ids.a1, size: 10 })).errcode).toBe(400002);
      expect((await call('/topapi/v2/user/list', { dept_id: ids.a1, cursor: 0 })).errcode).toBe(400002);
      expect((await call('/topapi/v2/user/list', { cursor: 0, size: 10 })).errcode).toBe(400002);
      expect(await call('/topapi/v2/user/list', { dept_id: ids.a1, cursor: 0, size: 101 })).toMatchObject({ errcode: 40035, errmsg: '不合法的参数' });
      expect((await call('/topapi/v2/user/list', { dept_id: ids.a1, cursor: 0, size: 0 })).errcode).toBe(40035);
      expect((await call('/topapi/v2/user/list', { dept_id: ids.a1, cursor: -1, size: 10 })).errcode).toBe(40035);
      expect((await call('/topapi/v2/user/list', { dept_id: ids.a1, cursor: 0, size: 10, order_field: 'name' })).errcode).toBe(40035);
      expect((await call('/topapi/v2/user/list', { dept_id: 999, cursor: 0, size: 10 })).errcode).toBe(60003);
    });

    it('user/list orders by entry and by last change', async () => {
      dir.updateUser('u1', { title: '股长' });
      const first = async (order_field: string) => (await call('/topapi/v2/user/list', { dept_id: ids.a1, cursor: 0, size: 1, order_field })).result.list[0].userid;
      expect(await first('entry_asc')).toBe('u1');
      expect(await first('entry_desc')).toBe('u250');
      expect(await first('modify_desc')).toBe('u1');
      expect(await first('modify_asc')).toBe('u2');
    });

    it('answers 90018 past the per-API QPS limit when one is set; each API has its own budget', async () => {
      dir.qpsLimit = 3;
      try {
        const results = await Promise.all(Array.from({ length: 5 }, () => call('/topapi/v2/department/listsub', { dept_id: 1 })));
        expect(results.map((r) => r.errcode).sort()).toEqual([0, 0, 0, 90018, 90018]);
        expect(results.find((r) => r.errcode === 90018)).toMatchObject({ errmsg: '当前应用调用该接口的频率超过限制' });
        expect(dir.throttled.get('/topapi/v2/department/listsub')).toBe(2);
        expect((await call('/topapi/v2/department/get', { dept_id: 1 })).errcode).toBe(0);
      } finally {
        dir.qpsLimit = null;
      }
    });

    it('user/get reports leader_in_dept per department', async () => {
      const r = await call('/topapi/v2/user/get', { userid: 'a0' });
      expect(r.result.leader_in_dept).toEqual([
        { dept_id: ids.a, leader: true },
        { dept_id: ids.b1, leader: false },
      ]);
    });

    it('edits the tree as the console would: moves and renames, refusing cycles and removing only empty departments', () => {
      const c = dir.addDept({ name: '临时科', parentId: ids.a1 });
      expect(() => dir.updateDept(ids.a, { parentId: c.deptId })).toThrow(/under itself/);
      expect(() => dir.addDept({ name: 'x', parentId: 12345 })).toThrow(/no parent/);
      expect(() => dir.removeDept(ids.a)).toThrow(/sub-departments/);
      expect(() => dir.removeDept(ids.b1)).toThrow(/users/);
      expect(() => dir.removeDept(1)).toThrow(/root/);
      dir.updateDept(c.deptId, { name: '临时股', parentId: ids.b });
      expect(dir.dept(c.deptId)).toMatchObject({ name: '临时股', parentId: ids.b });
      dir.removeDept(c.deptId);
      expect(dir.deptList().map((d) => d.name)).toEqual(['局A', '科A1', '镇B', '村B1']);
    });
  });

  describe('event push crypto and requests (§4.1, §4.2)', () => {
    const A = { token: '123456', aesKey: '1234567890123456789012345678901234567890123', ownerKey: 'dingsnotzck6pm5veliw' };
    const encA = 'YvkvaGe4hQxd3VxRmEty0dVlnCOAqwf56xwTRHDHoOURqhalbmBJQk5FNcRk42Gl5T0YQXZNwpwWSm1xAFJ5ZA==';
    const B = { token: 'mryue', aesKey: 'Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7', ownerKey: 'ding6ccabc44d2c8d38b' };
    const encB = '0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3';

    it('matches the official vectors A and B', () => {
      expect(pushSignature(A.token, '1614767836', 'A7Co0cJLMzIDtMMI', encA)).toBe('9a95a004dd16f5c307e849b994173f76aa26e5eb');
      expect(pushDecrypt(encA, A.aesKey, A.ownerKey)).toBe('success');
      expect(pushSignature(B.token, '1608001896814', 'WL4PK6yA', encB)).toBe('03044561471240d4a14bb09372dfcfd4fd0e40cb');
      expect(pushDecrypt(encB, B.aesKey, B.ownerKey)).toBe('{"EventType":"check_url"}');
      expect(() => pushDecrypt(encB, B.aesKey, 'dingcorp')).toThrow(/900010/);
      expect(pushDecrypt(pushEncrypt('你好', B.aesKey, B.ownerKey, Buffer.alloc(16, 9)), B.aesKey, B.ownerKey)).toBe('你好');
    });

    it('builds a signed, encrypted push for an org event, with the subscription keys it puts in env()', () => {
      const f = new DingTalkFake({ callbackToken: B.token, callbackAesKey: B.aesKey, callbackOwnerKey: B.ownerKey });
      const ev = f.orgEvent('user_add_org', { userId: ['zhangsan'] });
      expect(ev).toEqual({ EventType: 'user_add_org', EventTime: expect.any(Number), CorpId: f.corpId, BizId: expect.any(String), eventId: expect.stringMatching(/^[0-9a-f]{32}$/), timeStamp: expect.stringMatching(/^\d{13}$/), userId: ['zhangsan'] });
      expect(f.orgEvent('org_dept_remove', { deptId: [5] })).toMatchObject({ deptId: [5] });
      const req = f.callbackRequest(ev, { timestamp: '1700000000000', nonce: 'abc' });
      expect(req.query).toEqual({ msg_signature: pushSignature(B.token, '1700000000000', 'abc', req.body.encrypt), timestamp: '1700000000000', nonce: 'abc' });
      expect(req.search).toBe(`?msg_signature=${req.query.msg_signature}&timestamp=1700000000000&nonce=abc`);
      expect(JSON.parse(pushDecrypt(req.body.encrypt, B.aesKey, B.ownerKey))).toEqual(ev);
      expect(Object.keys(f.callbackRequest('{"EventType":"check_url"}', { style: 'legacy' }).query)).toEqual(['signature', 'timeStamp', 'nonce']);
      // A push under other keys cannot be opened with the subscription's.
      const forged = f.callbackRequest(ev, { keys: { ownerKey: f.corpId } });
      expect(() => pushDecrypt(forged.body.encrypt, B.aesKey, B.ownerKey)).toThrow(/900010/);
    });

    it('checks the app’s answer as DingTalk does: all four fields, a matching signature, the owner key', () => {
      const f = new DingTalkFake();
      const key = f.callbackAesKey;
      expect(key).toMatch(/^[A-Za-z0-9]{43}$/);
      expect(fake.env()).toMatchObject({ DINGTALK_CALLBACK_TOKEN: fake.callbackToken, DINGTALK_CALLBACK_AES_KEY: fake.callbackAesKey });
      const encrypt = pushEncrypt('success', key, f.appKey, Buffer.alloc(16, 1));
      const answer = { msg_signature: pushSignature(f.callbackToken, '1', 'n', encrypt), timeStamp: '1', nonce: 'n', encrypt };
      expect(f.openCallbackResponse(answer)).toBe('success');
      expect(() => f.openCallbackResponse({ ...answer, msg_signature: 'x' })).toThrow(/900005/);
      expect(() => f.openCallbackResponse({ encrypt })).toThrow(/返回字段值失败/);
      expect(() => f.openCallbackResponse('success')).toThrow(/返回字段值失败/);
    });
  });

  describe('work notifications and robot DING (§2.9–§2.11)', () => {
    const m = new DingTalkFake();
    let mBase: string;
    let t: string;
    const SEND = '/topapi/message/corpconversation/asyncsend_v2';
    const RESULT = '/topapi/message/corpconversation/getsendresult';
    const action = { msgtype: 'action_card', action_card: { title: '防汛会议', markdown: '### 防汛会议\n\n请阅读', single_title: '查看详情', single_url: 'https://lx.example/n/1' } };
    const mpost = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${mBase}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const send = (body: Record<string, unknown>) => mpost(`${SEND}?access_token=${t}`, { agent_id: Number(m.agentId), ...body });
    const ding = (body: Record<string, unknown>) => mpost('/v1.0/robot/ding/send', body, { 'x-acs-dingtalk-access-token': t });

    beforeAll(async () => {
      mBase = await m.start();
      for (const u of ['u1', 'u2', 'u3', 'u4']) m.addUser({ userid: u, name: u });
    });
    afterAll(() => m.stop());
    beforeEach(async () => {
      m.resetMessages();
      m.robotDingAvailable = true;
      t = ((await (await fetch(`${mBase}/gettoken?appkey=${m.appKey}&appsecret=${m.appSecret}`)).json()) as { access_token: string }).access_token;
    });

    it('asyncsend_v2 accepts up to 100 user ids with a valid msg and answers a task id', async () => {
      const res = await send({ userid_list: 'u1,u2', msg: action });
      expect(res).toEqual({ status: 200, body: { errcode: 0, task_id: expect.any(Number), request_id: expect.any(String) } });
      expect(m.workNotices).toEqual([expect.objectContaining({ taskId: res.body.task_id, userids: ['u1', 'u2'], msg: action })]);
      const ids = Array.from({ length: 100 }, (_, i) => `x${i}`).join(',');
      expect((await send({ userid_list: ids, msg: { msgtype: 'text', text: { content: '请阅读' } } })).body.errcode).toBe(0);
      // form bodies carry msg as a JSON string
      const form = await fetch(`${mBase}${SEND}?access_token=${t}`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ agent_id: m.agentId, userid_list: 'u1', msg: JSON.stringify(action) }).toString(),
      });
      expect(((await form.json()) as { errcode: number }).errcode).toBe(0);
    });

    it.each([
      [{ agent_id: undefined }, 400002],
      [{ agent_id: 123 }, 52019],
      [{ userid_list: undefined }, 400002],
      [{ userid_list: ['u1'] }, 40035],
      [{ userid_list: Array.from({ length: 101 }, (_, i) => `x${i}`).join(',') }, 40035],
      [{ dept_id_list: Array.from({ length: 21 }, (_, i) => i + 2).join(',') }, 40035],
      [{ msg: undefined }, 400002],
      [{ msg: { msgtype: 'action_card', action_card: { title: 't', markdown: 'm' } } }, 40035],
      [{ msg: { msgtype: 'markdown', markdown: { title: 't' } } }, 40035],
      [{ msg: { msgtype: 'markdown', markdown: { title: 't', text: 'x' }, text: { content: 'y' } } }, 40035],
      [{ msg: { msgtype: 'oa', oa: { message_url: 'u', body: {} } } }, 40035],
      [{ msg: { msgtype: 'sticker', sticker: {} } }, 40035],
      [{ msg: { msgtype: 'text', text: { content: '很'.repeat(700) } } }, 40035],
    ])('asyncsend_v2 refuses %j with errcode %i', async (patch, errcode) => {
      const body: Record<string, unknown> = { agent_id: Number(m.agentId), userid_list: 'u1', msg: action, ...patch };
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
      expect((await mpost(`${SEND}?access_token=${t}`, body)).body).toMatchObject({ errcode, errmsg: expect.any(String) });
      expect(m.workNotices).toHaveLength(0);
    });

    it('asyncsend_v2 needs a valid token', async () => {
      expect((await mpost(SEND, { agent_id: Number(m.agentId), userid_list: 'u1', msg: action })).body).toMatchObject({ errcode: 88, sub_code: '40000' });
    });

    it('getsendresult lists read, unread, forbidden (with code), failed and invalid user ids', async () => {
      m.forbidUser('u3', '143106');
      m.failDelivery('u4');
      const taskId = (await send({ userid_list: 'u1,u2,u3,u4,ghost', msg: action })).body.task_id as number;
      m.markRead(taskId, 'u1');
      const res = await mpost(`${RESULT}?access_token=${t}`, { agent_id: Number(m.agentId), task_id: taskId });
      expect(res.body).toEqual({
        errcode: 0,
        request_id: expect.any(String),
        send_result: {
          invalid_user_id_list: ['ghost'], forbidden_user_id_list: ['u3'], failed_user_id_list: ['u4'], read_user_id_list: ['u1'],
          unread_user_id_list: ['u2'], invalid_dept_id_list: [], forbidden_list: [{ code: '143106', count: 1, userid: 'u3' }],
        },
      });
      expect((await mpost(`${RESULT}?access_token=${t}`, { agent_id: Number(m.agentId), task_id: 1 })).body.errcode).toBe(400002);
      expect((await mpost(`${RESULT}?access_token=${t}`, { agent_id: 1, task_id: taskId })).body.errcode).toBe(52019);
      m.advanceClock(24 * 3600_000 + 1000);
      const fresh = ((await (await fetch(`${mBase}/gettoken?appkey=${m.appKey}&appsecret=${m.appSecret}`)).json()) as { access_token: string }).access_token;
      expect((await mpost(`${RESULT}?access_token=${fresh}`, { agent_id: Number(m.agentId), task_id: taskId })).body).toMatchObject({ errcode: 400002, errmsg: expect.stringContaining('24 小时') });
    });

    it('robot/ding/send sends to known users and lists unknown ones under failedList', async () => {
      const res = await ding({ robotCode: m.robotCode, remindType: 1, receiverUserIdList: ['u1', 'nobody'], content: '请阅读防汛会议通知' });
      expect(res).toEqual({ status: 200, body: { openDingId: expect.any(String), failedList: { 'miss.staffId': ['nobody'] } } });
      expect(m.robotDings).toEqual([expect.objectContaining({ userids: ['u1'], remindType: 1, content: '请阅读防汛会议通知' })]);
    });

    it('robot/ding/send validates robotCode, remindType, receivers, content and quota like §2.11', async () => {
      const ok = { robotCode: m.robotCode, remindType: 1, receiverUserIdList: ['u1'], content: '请阅读' };
      const code = async (patch: Record<string, unknown>) => (await ding({ ...ok, ...patch })).body.code;
      expect(await code({ robotCode: 'other' })).toBe('invalid.chatbotId');
      expect(await code({ remindType: 4 })).toBe('invalidParameter.param.invalid');
      expect(await code({ receiverUserIdList: [] })).toBe('invalidParameter.param.invalid');
      expect(await code({ content: ' ' })).toBe('invalidParameter.param.invalid');
      expect(await code({ receiverUserIdList: Array.from({ length: 201 }, () => 'u1') })).toBe('ding.receivercount.limit');
      expect(await code({ remindType: 2, receiverUserIdList: Array.from({ length: 21 }, () => 'u1') })).toBe('ding.receivercount.limit');
      expect(await code({ receiverUserIdList: ['nobody'] })).toBe('miss.staffId');
      m.dingQuota = 1;
      expect(await code({ remindType: 3, receiverUserIdList: ['u1', 'u2'] })).toBe('ding.serverquota.insufficient');
      expect((await ding({ ...ok, remindType: 2 })).status).toBe(200);
      expect(m.robotDings).toHaveLength(1);
      expect((await mpost('/v1.0/robot/ding/send', ok)).body.code).toBe('AuthenticationFailed.MissingParameter');
    });

    it('robot/ding/send answers 403 AccessTokenPermissionDenied where the edition lacks it', async () => {
      m.robotDingAvailable = false;
      const res = await ding({ robotCode: m.robotCode, remindType: 1, receiverUserIdList: ['u1'], content: '请阅读' });
      expect(res).toEqual({ status: 403, body: { code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied', message: expect.stringContaining('权限'), requestid: expect.any(String) } });
      expect(m.robotDings).toHaveLength(0);
    });
  });
});
