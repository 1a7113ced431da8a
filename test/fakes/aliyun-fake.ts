import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { LocalServer } from './local-server';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A local stand-in for Alibaba Cloud's SMS (dysmsapi) and voice (dyvmsapi) RPC APIs, version
 * 2017-05-25: `SendSms`, `SendBatchSms` and `SingleCallByTts` on one HTTP server (both endpoints).
 *
 * It checks requests the way the real gateway does before any business rule: the common parameters,
 * a Timestamp within 15 minutes, a known AccessKeyId, the signature recomputed from the received
 * parameters with the key's secret (classic RPC signature, HMAC-SHA1, written here independently of
 * the server's code), and a SignatureNonce not seen before. Refusals answer like Alibaba Cloud:
 * HTTP 4xx with `{RequestId, HostId, Code, Message, Recommend}`; business results HTTP 200 with
 * `{RequestId, Code, Message, …}` (`Code: "OK"` on success, `isv.*` otherwise). Answers are JSON.
 *
 * Accepted messages are recorded (`sms`, `calls`); tests steer it with `failNext`, `throttle`,
 * `delay`, `illegalNumbers` and the registered signatures and templates.
 */

export interface FakeSms {
  action: 'SendSms' | 'SendBatchSms';
  phone: string;
  signName: string;
  templateCode: string;
  params: Record<string, string>;
  outId: string | null;
  bizId: string;
}

export interface FakeCall {
  phone: string;
  showNumber: string | null;
  ttsCode: string;
  params: Record<string, string>;
  outId: string | null;
  callId: string;
}

export interface FakeAliyunRequest {
  method: string;
  action: string | null;
  params: Record<string, string>;
  /** What the fake answered: OK or the error code. */
  code: string;
  httpStatus: number;
}

export interface AliyunFakeOptions {
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Approved SMS signatures; default ['连心测试']. */
  signNames?: string[];
  /** Approved SMS templates and the variables each needs; default SMS_480000001 with name and title. */
  smsTemplates?: Record<string, string[]>;
  /** Approved TTS templates and their variables; default TTS_480000001 with name and title. */
  ttsTemplates?: Record<string, string[]>;
  /** Numbers bought for dedicated-mode calls (CalledShowNumber); default ['057100000001']. */
  showNumbers?: string[];
}

export const FAKE_API_VERSION = '2017-05-25';
/** The gateway refuses a Timestamp further than this from its clock. */
export const TIMESTAMP_WINDOW_MS = 15 * 60_000;
export const BATCH_LIMIT = 100;
export const SEND_SMS_NUMBER_LIMIT = 1000;
/** Default limit of one template variable (help.aliyun.com/zh/document_detail/3041859.html). */
export const TEMPLATE_VAR_MAX = 35;

const SMS_ACTIONS = ['SendSms', 'SendBatchSms'];
const VMS_ACTIONS = ['SingleCallByTts'];
const REQUIRED_COMMON = ['Action', 'Version', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp'];
const MOBILE = /^(?:\+?86|0086)?1\d{10}$/;
const PHONE = /^(?:\+?86|0086)?(?:1\d{10}|0\d{9,11})$/;

/** Business error messages as the SMS error-code page words them (help.aliyun.com/document_detail/101346.html). */
export const ALIYUN_MESSAGES: Record<string, string> = {
  'isv.BUSINESS_LIMIT_CONTROL': '触发云通信流控限制',
  'isv.MOBILE_NUMBER_ILLEGAL': '非法手机号',
  'isv.MOBILE_COUNT_OVER_LIMIT': '手机号码数量超过限制',
  'isv.TEMPLATE_MISSING_PARAMETERS': '模板变量缺少对应参数值',
  'isv.INVALID_PARAMETERS': '参数格式不正确',
  'isv.INVALID_JSON_PARAM': 'JSON参数不合法，只接受字符串值',
  'isv.PARAM_LENGTH_LIMIT': '参数超出长度限制',
  'isv.SMS_TEMPLATE_ILLEGAL': '该账号下找不到对应模板',
  'isv.SMS_SIGNATURE_ILLEGAL': '该账号下找不到对应签名',
  'isv.AMOUNT_NOT_ENOUGH': '账户余额不足',
  'isv.DAY_LIMIT_CONTROL': '触发日发送限额',
  'isp.SYSTEM_ERROR': '系统出现错误',
  InternalError: 'The request processing has failed due to some unknown error, exception or failure.',
  ServiceUnavailable: 'The request has failed due to a temporary failure of the server.',
  'Throttling.User': 'Request was denied due to user flow control.',
  SignatureDoesNotMatch: 'Specified signature is not matched with our calculation.',
  'InvalidAccessKeyId.NotFound': 'Specified access key is not found.',
  SignatureNonceUsed: 'Specified signature nonce was used already.',
  'InvalidTimeStamp.Expired': 'Specified time stamp or date value is expired.',
  'InvalidTimeStamp.Format': 'Specified time stamp or date value is not well formatted.',
};

interface Injected {
  code: string;
  status: number;
  message?: string;
  action?: string;
  remaining: number;
}

type Answer = { status: number; body: Record<string, unknown> };

export class AliyunFake {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly signNames: Set<string>;
  readonly smsTemplates: Map<string, string[]>;
  readonly ttsTemplates: Map<string, string[]>;
  readonly showNumbers: Set<string>;
  /** Well-formed numbers the fake still refuses with isv.MOBILE_NUMBER_ILLEGAL (an unassigned number, say). */
  readonly illegalNumbers = new Set<string>();
  /** Accepted SMS, one entry per phone number. */
  readonly sms: FakeSms[] = [];
  /** Accepted calls. */
  readonly calls: FakeCall[] = [];
  /** Every request and what it was answered, in arrival order. */
  readonly requests: FakeAliyunRequest[] = [];

  private readonly http = new LocalServer('AliyunFake', (req, res) => this.handle(req, res));
  private readonly keys = new Map<string, string>();
  private readonly nonces = new Map<string, number>();
  private readonly injected: Injected[] = [];
  private throttlePerSecond: number | null = null;
  private readonly recent: number[] = [];
  private delayMs = 0;
  private seq = 0;

  constructor(opts: AliyunFakeOptions = {}) {
    this.accessKeyId = opts.accessKeyId ?? 'LTAI5tFakeKey000000000001';
    this.accessKeySecret = opts.accessKeySecret ?? randomAlnum(30);
    this.keys.set(this.accessKeyId, this.accessKeySecret);
    this.signNames = new Set(opts.signNames ?? ['连心测试']);
    this.smsTemplates = new Map(Object.entries(opts.smsTemplates ?? { SMS_480000001: ['name', 'title'] }));
    this.ttsTemplates = new Map(Object.entries(opts.ttsTemplates ?? { TTS_480000001: ['name', 'title'] }));
    this.showNumbers = new Set(opts.showNumbers ?? ['057100000001']);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Listens on 127.0.0.1 on a free port; returns the base URL (no trailing slash). */
  async start(): Promise<string> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  get url(): string {
    return this.http.url;
  }

  /** The ALIYUN_* variables that point the SMS and voice channels at this fake with its first signature and templates. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ALIYUN_ACCESS_KEY_ID: this.accessKeyId,
      ALIYUN_ACCESS_KEY_SECRET: this.accessKeySecret,
      ALIYUN_SMS_ENDPOINT: this.url,
      ALIYUN_SMS_SIGN_NAME: [...this.signNames][0],
      ALIYUN_SMS_TEMPLATE_CODE: [...this.smsTemplates.keys()][0],
      ALIYUN_VMS_ENDPOINT: this.url,
      ALIYUN_VMS_TTS_CODE: [...this.ttsTemplates.keys()][0],
      ...extra,
    };
  }

  // ---------------------------------------------------------------- control

  /** Adds another AccessKey pair the gateway accepts. */
  addKey(id: string, secret: string): void {
    this.keys.set(id, secret);
  }

  /**
   * The next `times` requests (to `action`, or any) that pass the signature checks are answered with
   * `code` instead. HTTP status: 200 for isv.* / isp.*, 500 InternalError, 503 ServiceUnavailable, else 400.
   */
  failNext(times: number, code: string, opts: { action?: string; status?: number; message?: string } = {}): void {
    const status = opts.status ?? (/^is[vp]\./.test(code) ? 200 : code === 'InternalError' ? 500 : code === 'ServiceUnavailable' ? 503 : 400);
    this.injected.push({ code, status, message: opts.message, action: opts.action, remaining: times });
  }

  /** Above `perSecond` accepted calls in any second, answer isv.BUSINESS_LIMIT_CONTROL; null lifts it. */
  throttle(perSecond: number | null): void {
    this.throttlePerSecond = perSecond;
    this.recent.length = 0;
  }

  /** Holds every answer this long (for timeout tests). */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  /** Accepted calls of one action. */
  accepted(action: string): number {
    return this.requests.filter((r) => r.action === action && r.code === 'OK').length;
  }

  /** Clears records, injected failures, throttle, delay and used nonces. */
  reset(): void {
    this.sms.length = 0;
    this.calls.length = 0;
    this.requests.length = 0;
    this.injected.length = 0;
    this.illegalNumbers.clear();
    this.nonces.clear();
    this.throttle(null);
    this.delayMs = 0;
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const raw = await readBody(req);
    const params: Record<string, string> = {};
    const take = (sp: URLSearchParams) => sp.forEach((v, k) => (params[k] ??= v));
    take(url.searchParams);
    if (method === 'POST' && (req.headers['content-type'] ?? '').toLowerCase().includes('application/x-www-form-urlencoded')) take(new URLSearchParams(raw));
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const answer = method === 'GET' || method === 'POST' ? this.answer(method, params) : gatewayError(405, 'UnsupportedHTTPMethod', `HTTP method ${method} is not supported.`);
    this.requests.push({ method, action: params.Action ?? null, params, code: String(answer.body.Code), httpStatus: answer.status });
    if (res.destroyed) return;
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private answer(method: 'GET' | 'POST', params: Record<string, string>): Answer {
    for (const name of REQUIRED_COMMON) {
      if (!params[name]) return gatewayError(400, `Missing${name}`, `${name} is mandatory for this action.`);
    }
    if (params.SignatureMethod !== 'HMAC-SHA1') return gatewayError(400, 'InvalidSignatureMethod', 'Specified signature method is not supported.');
    if (params.SignatureVersion !== '1.0') return gatewayError(400, 'InvalidSignatureVersion', 'Specified signature version is not supported.');
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(params.Timestamp) || Number.isNaN(Date.parse(params.Timestamp))) {
      return gatewayError(400, 'InvalidTimeStamp.Format', ALIYUN_MESSAGES['InvalidTimeStamp.Format']);
    }
    if (Math.abs(Date.now() - Date.parse(params.Timestamp)) > TIMESTAMP_WINDOW_MS) return gatewayError(400, 'InvalidTimeStamp.Expired', ALIYUN_MESSAGES['InvalidTimeStamp.Expired']);
    const secret = this.keys.get(params.AccessKeyId);
    if (secret === undefined) return gatewayError(404, 'InvalidAccessKeyId.NotFound', ALIYUN_MESSAGES['InvalidAccessKeyId.NotFound']);
    const sts = fakeStringToSign(method, params);
    const expected = Buffer.from(createHmac('sha1', `${secret}&`).update(sts, 'utf8').digest('base64'));
    const given = Buffer.from(params.Signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return gatewayError(400, 'SignatureDoesNotMatch', `${ALIYUN_MESSAGES.SignatureDoesNotMatch} server string to sign is:${sts}`);
    }
    // A nonce counts as used once its signature checked out, so forgeries cannot burn real nonces.
    const now = Date.now();
    for (const [n, until] of this.nonces) if (until < now) this.nonces.delete(n);
    if (this.nonces.has(params.SignatureNonce)) return gatewayError(400, 'SignatureNonceUsed', ALIYUN_MESSAGES.SignatureNonceUsed);
    this.nonces.set(params.SignatureNonce, now + TIMESTAMP_WINDOW_MS);
    if (params.Version !== FAKE_API_VERSION) return gatewayError(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    if (![...SMS_ACTIONS, ...VMS_ACTIONS].includes(params.Action)) return gatewayError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');

    const inj = this.injected.find((f) => !f.action || f.action === params.Action);
    if (inj) {
      if (--inj.remaining <= 0) this.injected.splice(this.injected.indexOf(inj), 1);
      const message = inj.message ?? ALIYUN_MESSAGES[inj.code] ?? inj.code;
      return inj.status === 200 ? business(inj.code, message) : gatewayError(inj.status, inj.code, message);
    }
    if (this.throttlePerSecond !== null) {
      while (this.recent.length && this.recent[0] <= now - 1000) this.recent.shift();
      if (this.recent.length >= this.throttlePerSecond) return business('isv.BUSINESS_LIMIT_CONTROL');
      this.recent.push(now);
    }
    if (params.Action === 'SendSms') return this.sendSms(params);
    if (params.Action === 'SendBatchSms') return this.sendBatchSms(params);
    return this.singleCallByTts(params);
  }

  // ---------------------------------------------------------------- actions

  private sendSms(p: Record<string, string>): Answer {
    for (const name of ['PhoneNumbers', 'SignName', 'TemplateCode']) if (!p[name]) return gatewayError(400, `Missing${name}`, `${name} is mandatory for this action.`);
    const phones = p.PhoneNumbers.split(',').map((s) => s.trim());
    if (phones.length > SEND_SMS_NUMBER_LIMIT) return business('isv.MOBILE_COUNT_OVER_LIMIT');
    if (phones.some((n) => !this.mobileOk(n))) return business('isv.MOBILE_NUMBER_ILLEGAL');
    if (p.OutId !== undefined && p.OutId.length >= 256) return business('isv.INVALID_PARAMETERS', 'OutId 长度须小于 256');
    const vars = this.checkSmsTemplate(p.SignName, p.TemplateCode);
    if (typeof vars === 'string') return business(vars);
    const params = parseParams(p.TemplateParam);
    if (params === null) return business('isv.INVALID_JSON_PARAM');
    const bad = templateVarsError(vars, params);
    if (bad) return business(bad);
    const bizId = this.nextBizId();
    for (const phone of phones) this.sms.push({ action: 'SendSms', phone, signName: p.SignName, templateCode: p.TemplateCode, params, outId: p.OutId ?? null, bizId });
    return business('OK', 'OK', { BizId: bizId });
  }

  private sendBatchSms(p: Record<string, string>): Answer {
    for (const name of ['PhoneNumberJson', 'SignNameJson', 'TemplateCode']) if (!p[name]) return gatewayError(400, `Missing${name}`, `${name} is mandatory for this action.`);
    const phones = parseStringArray(p.PhoneNumberJson);
    const signs = parseStringArray(p.SignNameJson);
    if (!phones || !signs) return business('isv.INVALID_JSON_PARAM');
    if (phones.length === 0) return business('isv.INVALID_PARAMETERS', 'PhoneNumberJson 不能为空');
    if (phones.length > BATCH_LIMIT) return business('isv.MOBILE_COUNT_OVER_LIMIT');
    if (signs.length !== phones.length) return business('isv.INVALID_PARAMETERS', '签名数量需与手机号码数量一致');
    const vars = this.checkSmsTemplate(signs[0], p.TemplateCode);
    if (typeof vars === 'string') return business(vars);
    if (signs.some((s) => !this.signNames.has(s))) return business('isv.SMS_SIGNATURE_ILLEGAL');
    let paramList: Array<Record<string, string>> = phones.map(() => ({}));
    if (p.TemplateParamJson !== undefined) {
      const parsed = parseJson(p.TemplateParamJson);
      if (!Array.isArray(parsed) || parsed.some((o) => !isStringRecord(o))) return business('isv.INVALID_JSON_PARAM');
      if (parsed.length !== phones.length) return business('isv.INVALID_PARAMETERS', '模板变量值的个数须与手机号码个数相同');
      paramList = parsed as Array<Record<string, string>>;
    }
    for (const params of paramList) {
      const bad = templateVarsError(vars, params);
      if (bad) return business(bad);
    }
    if (phones.some((n) => !this.mobileOk(n))) return business('isv.MOBILE_NUMBER_ILLEGAL');
    const bizId = this.nextBizId();
    phones.forEach((phone, i) =>
      this.sms.push({ action: 'SendBatchSms', phone, signName: signs[i], templateCode: p.TemplateCode, params: paramList[i], outId: p.OutId ?? null, bizId }),
    );
    return business('OK', 'OK', { BizId: bizId });
  }

  private singleCallByTts(p: Record<string, string>): Answer {
    for (const name of ['CalledNumber', 'TtsCode']) if (!p[name]) return gatewayError(400, `Missing${name}`, `${name} is mandatory for this action.`);
    if (!PHONE.test(p.CalledNumber) || this.illegalNumbers.has(p.CalledNumber)) return business('isv.MOBILE_NUMBER_ILLEGAL');
    if (p.CalledShowNumber !== undefined && !this.showNumbers.has(p.CalledShowNumber)) return business('isv.INVALID_PARAMETERS', '被叫显号不是本账号已购买的号码');
    const vars = this.ttsTemplates.get(p.TtsCode);
    if (!vars) return business('isv.INVALID_PARAMETERS', 'TtsCode 不存在或未审核通过');
    if (p.OutId !== undefined && (Buffer.byteLength(p.OutId) < 1 || Buffer.byteLength(p.OutId) > 15)) return business('isv.INVALID_PARAMETERS', 'OutId 长度须为 1~15 个字节');
    if (p.PlayTimes !== undefined && !/^[123]$/.test(p.PlayTimes)) return business('isv.INVALID_PARAMETERS', 'PlayTimes 取值 1~3');
    const params = p.TtsParam === undefined ? {} : parseParams(p.TtsParam);
    if (params === null) return business('isv.INVALID_JSON_PARAM');
    const bad = templateVarsError(vars, params);
    if (bad) return business(bad);
    const callId = `${100000000000 + ++this.seq}^${Math.floor(Math.random() * 1e11)}`;
    this.calls.push({ phone: p.CalledNumber, showNumber: p.CalledShowNumber ?? null, ttsCode: p.TtsCode, params, outId: p.OutId ?? null, callId });
    return business('OK', 'OK', { CallId: callId });
  }

  private mobileOk(n: string): boolean {
    return MOBILE.test(n) && !this.illegalNumbers.has(n);
  }

  /** The template's variables, or the error code for an unknown signature or template. */
  private checkSmsTemplate(signName: string, templateCode: string): string[] | string {
    if (!this.signNames.has(signName)) return 'isv.SMS_SIGNATURE_ILLEGAL';
    return this.smsTemplates.get(templateCode) ?? 'isv.SMS_TEMPLATE_ILLEGAL';
  }

  private nextBizId(): string {
    return `${900000000000000000n + BigInt(++this.seq)}^0`;
  }
}

// ---------------------------------------------------------------- the signature, written independently
// of server/src/ding/channels/aliyun-signature.ts so each checks the other (and both the doc vector).

/** Percent-encodes UTF-8 bytes: unreserved A–Z a–z 0–9 - _ . ~ stay, every other byte becomes %XY. */
export function fakePercentEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `METHOD&%2F&` + the encoded, sorted `k=v&…` of every parameter but Signature. */
export function fakeStringToSign(method: string, params: Record<string, string>): string {
  const keys = Object.keys(params).filter((k) => k !== 'Signature');
  keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const canonical = keys.map((k) => `${fakePercentEncode(k)}=${fakePercentEncode(params[k])}`).join('&');
  return `${method}&${fakePercentEncode('/')}&${fakePercentEncode(canonical)}`;
}

/** Signs `params` as a client would, for tests that build requests by hand. */
export function fakeSign(method: string, params: Record<string, string>, secret: string): string {
  return createHmac('sha1', `${secret}&`).update(fakeStringToSign(method, params), 'utf8').digest('base64');
}

// ---------------------------------------------------------------- helpers

function business(code: string, message = ALIYUN_MESSAGES[code] ?? code, extra: Record<string, unknown> = {}): Answer {
  return { status: 200, body: { RequestId: requestId(), Code: code, Message: message, ...extra } };
}

function gatewayError(status: number, code: string, message: string): Answer {
  return {
    status,
    body: { RequestId: requestId(), HostId: 'dysmsapi.aliyuncs.com', Code: code, Message: message, Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}` },
  };
}

/** Variables a template needs but `params` lacks (or leaves empty) → the error code; null when fine. */
function templateVarsError(vars: string[], params: Record<string, string>): string | null {
  if (vars.some((v) => !params[v])) return 'isv.TEMPLATE_MISSING_PARAMETERS';
  if (vars.some((v) => [...params[v]].length > TEMPLATE_VAR_MAX)) return 'isv.PARAM_LENGTH_LIMIT';
  return null;
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

const isStringRecord = (v: unknown): v is Record<string, string> =>
  !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/** TemplateParam / TtsParam: a JSON object of strings (absent = no variables); null when malformed. */
function parseParams(s: string | undefined): Record<string, string> | null {
  if (s === undefined) return {};
  const v = parseJson(s);
  return isStringRecord(v) ? v : null;
}

function parseStringArray(s: string): string[] | null {
  const v = parseJson(s);
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const requestId = () => randomUUID().toUpperCase();

function randomAlnum(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
}
