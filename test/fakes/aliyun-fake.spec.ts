import { encodeRpcForm, signRpcRequest } from '../../server/src/ding/channels/aliyun-signature';
import { AliyunFake, fakeSign, fakeStringToSign } from './aliyun-fake';

/** The fake refuses what Alibaba Cloud refuses: it is only worth something if a bad signature fails. */
describe('AliyunFake', () => {
  const fake = new AliyunFake();
  let base: string;

  beforeAll(async () => {
    base = await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  interface CallOpts {
    method?: 'GET' | 'POST';
    secret?: string;
    keyId?: string;
    now?: Date;
    nonce?: string;
    /** Changes the parameters after signing. */
    tamper?: (p: Record<string, string>) => void;
    /** Signs with this method but sends with the other one. */
    signAs?: 'GET' | 'POST';
  }
  const signed = (action: string, params: Record<string, string>, o: CallOpts = {}) => {
    const method = o.method ?? 'POST';
    const p = signRpcRequest(o.signAs ?? method, action, '2017-05-25', params, { accessKeyId: o.keyId ?? fake.accessKeyId, accessKeySecret: o.secret ?? fake.accessKeySecret }, { now: o.now, nonce: o.nonce });
    o.tamper?.(p);
    return { method, form: encodeRpcForm(p) };
  };
  const send = async ({ method, form }: { method: string; form: string }) => {
    const res =
      method === 'GET'
        ? await fetch(`${base}/?${form}`)
        : await fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const call = (action: string, params: Record<string, string>, o: CallOpts = {}) => send(signed(action, params, o));
  const sms = (extra: Record<string, string> = {}) => ({
    PhoneNumbers: '13800000001',
    SignName: '连心测试',
    TemplateCode: 'SMS_480000001',
    TemplateParam: JSON.stringify({ name: '张三', title: '防汛会议' }),
    ...extra,
  });

  describe('signature (its own implementation)', () => {
    it('reproduces the SMS doc vector and the generic RPC doc vector', () => {
      const docParams = {
        AccessKeyId: 'testId', Action: 'SendSms', Format: 'XML', OutId: '123', PhoneNumbers: '15300000001', RegionId: 'cn-hangzhou',
        SignName: '阿里云短信测试专用', SignatureMethod: 'HMAC-SHA1', SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466', SignatureVersion: '1.0',
        TemplateCode: 'SMS_71390007', TemplateParam: '{"customer":"test"}', Timestamp: '2017-07-12T02:42:19Z', Version: '2017-05-25',
      };
      expect(fakeSign('GET', docParams, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
      const ecs = {
        TimeStamp: '2016-02-23T12:46:24Z', Format: 'XML', AccessKeyId: 'testid', Action: 'DescribeRegions', SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf', Version: '2014-05-26', SignatureVersion: '1.0',
      };
      expect(fakeSign('GET', ecs, 'testsecret')).toBe('CT9X0VtwR86fNWSnsc6v8YGOjuE=');
      expect(fakeStringToSign('POST', { a: 'x y*' })).toBe('POST&%2F&a%3Dx%2520y%252A');
    });
  });

  describe('the gateway checks', () => {
    it('accepts a correctly signed SendSms, POSTed as a form or sent as a GET query', async () => {
      const post = await call('SendSms', sms());
      expect(post).toEqual({ status: 200, body: { RequestId: expect.any(String), Code: 'OK', Message: 'OK', BizId: expect.stringMatching(/^\d+\^0$/) } });
      expect((await call('SendSms', sms(), { method: 'GET' })).body.Code).toBe('OK');
      expect(fake.sms).toHaveLength(2);
      expect(fake.sms[0]).toMatchObject({ action: 'SendSms', phone: '13800000001', signName: '连心测试', params: { name: '张三', title: '防汛会议' }, outId: null });
    });

    it('refuses a signature made with another secret: 400 SignatureDoesNotMatch, nothing sent', async () => {
      const res = await call('SendSms', sms(), { secret: 'WrongSecret0123456789abcdefghij' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ Code: 'SignatureDoesNotMatch', Message: expect.stringContaining('server string to sign is:POST&%2F&'), HostId: expect.any(String), Recommend: expect.any(String) });
      expect(fake.sms).toHaveLength(0);
    });

    it('refuses parameters changed after signing, and a signature made for the other HTTP method', async () => {
      expect((await call('SendSms', sms(), { tamper: (p) => (p.PhoneNumbers = '13800000002') })).body.Code).toBe('SignatureDoesNotMatch');
      expect((await call('SendSms', sms(), { tamper: (p) => (p.Extra = '1') })).body.Code).toBe('SignatureDoesNotMatch');
      expect((await call('SendSms', sms(), { method: 'POST', signAs: 'GET' })).body.Code).toBe('SignatureDoesNotMatch');
      expect((await call('SendSms', sms(), { tamper: (p) => (p.Signature = p.Signature.toLowerCase()) })).body.Code).toBe('SignatureDoesNotMatch');
      expect(fake.sms).toHaveLength(0);
    });

    it('answers 404 InvalidAccessKeyId.NotFound for an unknown key id', async () => {
      expect(await call('SendSms', sms(), { keyId: 'LTAInobody000' })).toMatchObject({ status: 404, body: { Code: 'InvalidAccessKeyId.NotFound' } });
    });

    it('refuses a Timestamp more than 15 minutes off, or malformed', async () => {
      expect(await call('SendSms', sms(), { now: new Date(Date.now() - 16 * 60_000) })).toMatchObject({ status: 400, body: { Code: 'InvalidTimeStamp.Expired' } });
      expect(await call('SendSms', sms(), { now: new Date(Date.now() + 16 * 60_000) })).toMatchObject({ status: 400, body: { Code: 'InvalidTimeStamp.Expired' } });
      expect((await call('SendSms', sms(), { now: new Date(Date.now() - 10 * 60_000) })).body.Code).toBe('OK');
      const bad = signed('SendSms', sms(), { tamper: (p) => (p.Timestamp = '2026/01/01 10:00:00') });
      expect((await send(bad)).body.Code).toBe('InvalidTimeStamp.Format');
    });

    it('refuses a replayed request (same SignatureNonce) with SignatureNonceUsed; a forgery does not burn a nonce', async () => {
      const req = signed('SendSms', sms(), { nonce: 'nonce-replay-1' });
      expect((await send(req)).body.Code).toBe('OK');
      expect(await send(req)).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed' } });
      expect(fake.sms).toHaveLength(1);
      expect((await call('SendSms', sms(), { nonce: 'nonce-2', secret: 'WrongSecret0123456789abcdefghij' })).body.Code).toBe('SignatureDoesNotMatch');
      expect((await call('SendSms', sms(), { nonce: 'nonce-2' })).body.Code).toBe('OK');
    });

    it('names a missing common or action parameter', async () => {
      expect(await call('SendSms', sms(), { tamper: (p) => delete p.SignatureNonce })).toMatchObject({ status: 400, body: { Code: 'MissingSignatureNonce' } });
      const { PhoneNumbers: _omit, ...noPhones } = sms();
      expect(await call('SendSms', noPhones)).toMatchObject({ status: 400, body: { Code: 'MissingPhoneNumbers' } });
      expect(await call('SendSmsToAll', sms())).toMatchObject({ status: 404, body: { Code: 'InvalidAction.NotFound' } });
    });
  });

  describe('SendSms and SendBatchSms business rules (HTTP 200, isv.*)', () => {
    it.each([
      [{ PhoneNumbers: '1380000000' }, 'isv.MOBILE_NUMBER_ILLEGAL'],
      [{ SignName: '别人的签名' }, 'isv.SMS_SIGNATURE_ILLEGAL'],
      [{ TemplateCode: 'SMS_1' }, 'isv.SMS_TEMPLATE_ILLEGAL'],
      [{ TemplateParam: JSON.stringify({ name: '张三' }) }, 'isv.TEMPLATE_MISSING_PARAMETERS'],
      [{ TemplateParam: JSON.stringify({ name: '张三', title: 5 }) }, 'isv.INVALID_JSON_PARAM'],
      [{ TemplateParam: JSON.stringify({ name: '张三', title: '很'.repeat(36) }) }, 'isv.PARAM_LENGTH_LIMIT'],
    ])('SendSms %j → %s', async (extra, code) => {
      expect(await call('SendSms', sms(extra))).toMatchObject({ status: 200, body: { Code: code, Message: expect.any(String) } });
      expect(fake.sms).toHaveLength(0);
    });

    it('refuses a well-formed number listed as illegal', async () => {
      fake.illegalNumbers.add('13800000009');
      expect((await call('SendSms', sms({ PhoneNumbers: '13800000009' }))).body.Code).toBe('isv.MOBILE_NUMBER_ILLEGAL');
    });

    const batch = (phones: string[], extra: Record<string, string> = {}) => ({
      PhoneNumberJson: JSON.stringify(phones),
      SignNameJson: JSON.stringify(phones.map(() => '连心测试')),
      TemplateCode: 'SMS_480000001',
      TemplateParamJson: JSON.stringify(phones.map((_, i) => ({ name: `成员${i}`, title: '通知' }))),
      ...extra,
    });
    const phones = (n: number) => Array.from({ length: n }, (_, i) => `139${String(i).padStart(8, '0')}`);

    it('accepts up to 100 numbers with one signature and variables each, one BizId', async () => {
      const res = await call('SendBatchSms', batch(phones(100)));
      expect(res.body).toMatchObject({ Code: 'OK', BizId: expect.any(String) });
      expect(fake.sms).toHaveLength(100);
      expect(new Set(fake.sms.map((s) => s.bizId)).size).toBe(1);
      expect(fake.sms[7]).toMatchObject({ action: 'SendBatchSms', phone: '13900000007', params: { name: '成员7', title: '通知' } });
    });

    it('refuses 101 numbers, mismatched list lengths, and the whole batch for one illegal number', async () => {
      expect((await call('SendBatchSms', batch(phones(101)))).body.Code).toBe('isv.MOBILE_COUNT_OVER_LIMIT');
      expect((await call('SendBatchSms', batch(phones(3), { SignNameJson: '["连心测试"]' }))).body.Code).toBe('isv.INVALID_PARAMETERS');
      expect((await call('SendBatchSms', batch(phones(3), { TemplateParamJson: '[{"name":"a","title":"b"}]' }))).body.Code).toBe('isv.INVALID_PARAMETERS');
      expect((await call('SendBatchSms', batch(phones(3), { PhoneNumberJson: '13900000000' }))).body.Code).toBe('isv.INVALID_JSON_PARAM');
      expect((await call('SendBatchSms', batch([...phones(2), '123']))).body.Code).toBe('isv.MOBILE_NUMBER_ILLEGAL');
      expect(fake.sms).toHaveLength(0);
    });
  });

  describe('SingleCallByTts', () => {
    const tts = (extra: Record<string, string> = {}) => ({ CalledNumber: '13800000001', TtsCode: 'TTS_480000001', TtsParam: JSON.stringify({ name: '张三', title: '防汛会议' }), ...extra });

    it('places one call and answers a CallId', async () => {
      const res = await call('SingleCallByTts', tts({ CalledShowNumber: '057100000001', OutId: 'd-1' }));
      expect(res.body).toMatchObject({ Code: 'OK', CallId: expect.stringMatching(/^\d+\^\d+$/) });
      expect(fake.calls).toEqual([{ phone: '13800000001', showNumber: '057100000001', ttsCode: 'TTS_480000001', params: { name: '张三', title: '防汛会议' }, outId: 'd-1', callId: res.body.CallId }]);
    });

    it('refuses a show number not bought, an OutId over 15 bytes, an unknown template and missing variables', async () => {
      expect((await call('SingleCallByTts', tts({ CalledShowNumber: '010999' }))).body.Code).toBe('isv.INVALID_PARAMETERS');
      expect((await call('SingleCallByTts', tts({ OutId: 'x'.repeat(16) }))).body.Code).toBe('isv.INVALID_PARAMETERS');
      expect((await call('SingleCallByTts', tts({ TtsCode: 'TTS_1' }))).body.Code).toBe('isv.INVALID_PARAMETERS');
      expect((await call('SingleCallByTts', tts({ TtsParam: '{}' }))).body.Code).toBe('isv.TEMPLATE_MISSING_PARAMETERS');
      expect((await call('SingleCallByTts', tts({ CalledNumber: '13800000001,13800000002' }))).body.Code).toBe('isv.MOBILE_NUMBER_ILLEGAL');
      expect(fake.calls).toHaveLength(0);
    });
  });

  describe('knobs', () => {
    it('failNext answers the injected code n times (status by kind), after the signature checks', async () => {
      fake.failNext(2, 'isp.SYSTEM_ERROR');
      fake.failNext(1, 'InternalError');
      expect((await call('SendSms', sms(), { secret: 'WrongSecret0123456789abcdefghij' })).body.Code).toBe('SignatureDoesNotMatch');
      expect(await call('SendSms', sms())).toMatchObject({ status: 200, body: { Code: 'isp.SYSTEM_ERROR' } });
      expect(await call('SendSms', sms())).toMatchObject({ status: 200, body: { Code: 'isp.SYSTEM_ERROR' } });
      expect(await call('SendSms', sms())).toMatchObject({ status: 500, body: { Code: 'InternalError' } });
      expect((await call('SendSms', sms())).body.Code).toBe('OK');
    });

    it('throttle answers isv.BUSINESS_LIMIT_CONTROL above N calls a second', async () => {
      fake.throttle(2);
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await call('SendSms', sms())).body.Code);
      expect(codes).toEqual(['OK', 'OK', 'isv.BUSINESS_LIMIT_CONTROL', 'isv.BUSINESS_LIMIT_CONTROL']);
      await new Promise((r) => setTimeout(r, 1050));
      expect((await call('SendSms', sms())).body.Code).toBe('OK');
    });
  });
});
