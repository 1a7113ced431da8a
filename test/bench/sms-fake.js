import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { rpcSignature } from '../../server/dist/ding/channels/aliyun-signature.js';

/**
 * A small stand-in for Alibaba Cloud SMS (dysmsapi 2017-05-25) for the bench, in plain JS (the
 * project's test/fakes/aliyun-fake.ts is TypeScript the bench's node cannot load as it is). Like the
 * real gateway it refuses, before anything else, a request whose common parameters are missing, whose
 * Timestamp is more than 15 minutes off, whose AccessKeyId is unknown, whose HMAC-SHA1 signature does
 * not match the one computed here from the received parameters with the key's secret, or whose
 * SignatureNonce was used before. The signature is computed with the server's algorithm
 * (server/dist/ding/channels/aliyun-signature.js), which `start()` first checks against the worked
 * example in Alibaba Cloud's SMS signature doc, so a drift from the documented algorithm fails loudly.
 *
 * It answers SendBatchSms (1–100 numbers, one approved signature per number, the approved template,
 * template variables `name` and `title` per number, mainland mobiles) and SendSms (one number) with
 * `Code: "OK"` and a BizId, and records every accepted number: `count(phone)`, `numbers`, and per
 * accepted call when it was accepted and the running total of numbers (`calls`).
 */

export const SMS_VERSION = '2017-05-25';
const BATCH_LIMIT = 100;
const TEMPLATE_VAR_MAX = 35;
const TIMESTAMP_WINDOW_MS = 15 * 60_000;
const MOBILE = /^(?:\+?86|0086)?1\d{10}$/;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const COMMON = ['Action', 'Version', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp'];

/** 短信服务「签名机制」worked example (help.aliyun.com/document_detail/101343.html). */
const DOC_EXAMPLE = {
  params: {
    AccessKeyId: 'testId',
    Action: 'SendSms',
    Format: 'XML',
    OutId: '123',
    PhoneNumbers: '15300000001',
    RegionId: 'cn-hangzhou',
    SignName: '阿里云短信测试专用',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
    SignatureVersion: '1.0',
    TemplateCode: 'SMS_71390007',
    TemplateParam: '{"customer":"test"}',
    Timestamp: '2017-07-12T02:42:19Z',
    Version: '2017-05-25',
  },
  secret: 'testSecret',
  signature: 'zJDF+Lrzhj/ThnlvIToysFRq6t4=',
};

export class SmsFake {
  accessKeyId = 'LTAI5tBenchKey00000000001';
  /** 30 letters and digits, as Alibaba Cloud issues them (and the server's settings check requires). */
  accessKeySecret = [...randomBytes(30)].map((b) => ALNUM[b % ALNUM.length]).join('');
  signName = '连心测试';
  templateCode = 'SMS_480000001';
  /** Per accepted call: { at (performance.now()), numbers (running total including this call) }. */
  calls = [];
  /** Refused requests' codes. */
  refused = [];
  numbers = 0;
  #phones = new Map();
  #nonces = new Set();
  #server = null;
  #url = null;
  #seq = 0;

  async start() {
    if (rpcSignature('GET', DOC_EXAMPLE.params, DOC_EXAMPLE.secret) !== DOC_EXAMPLE.signature) {
      throw new Error('sms-fake: the signature algorithm no longer reproduces the Alibaba Cloud doc example');
    }
    this.#server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        let answer;
        try {
          answer = this.#answer(req, Buffer.concat(chunks).toString('utf8'));
        } catch (err) {
          answer = { status: 500, body: { Code: 'FakeFailed', Message: String(err?.stack ?? err) } };
        }
        if (answer.body.Code !== 'OK') this.refused.push(answer.body.Code);
        const text = JSON.stringify({ RequestId: randomUUID().toUpperCase(), ...answer.body });
        res.writeHead(answer.status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    });
    await new Promise((ok, fail) => {
      this.#server.once('error', fail);
      this.#server.listen(0, '127.0.0.1', ok);
    });
    this.#url = `http://127.0.0.1:${this.#server.address().port}`;
    return this.#url;
  }

  async stop() {
    if (!this.#server) return;
    const closed = new Promise((r) => this.#server.close(r));
    this.#server.closeAllConnections();
    await closed;
    this.#server = null;
  }

  get url() {
    if (!this.#url) throw new Error('sms-fake is not started');
    return this.#url;
  }

  /** The variables that point the server's SMS channel at this fake. */
  env(extra = {}) {
    return {
      ALIYUN_ACCESS_KEY_ID: this.accessKeyId,
      ALIYUN_ACCESS_KEY_SECRET: this.accessKeySecret,
      ALIYUN_SMS_ENDPOINT: this.url,
      ALIYUN_SMS_SIGN_NAME: this.signName,
      ALIYUN_SMS_TEMPLATE_CODE: this.templateCode,
      ...extra,
    };
  }

  /** Forgets accepted numbers, calls and refusals (not the used nonces). */
  reset() {
    this.calls.length = 0;
    this.refused.length = 0;
    this.numbers = 0;
    this.#phones.clear();
  }

  /** How many times `phone` was accepted since the last reset. */
  count(phone) {
    return this.#phones.get(phone) ?? 0;
  }

  /** Numbers accepted more than once since the last reset. */
  duplicates() {
    let n = 0;
    for (const c of this.#phones.values()) if (c > 1) n++;
    return n;
  }

  /** Distinct numbers accepted since the last reset. */
  get distinct() {
    return this.#phones.size;
  }

  #answer(req, raw) {
    const params = {};
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    url.searchParams.forEach((v, k) => (params[k] ??= v));
    if (req.method === 'POST' && (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
      new URLSearchParams(raw).forEach((v, k) => (params[k] ??= v));
    } else if (req.method !== 'GET') return gateway(405, 'UnsupportedHTTPMethod');

    for (const name of COMMON) if (!params[name]) return gateway(400, `Missing${name}`);
    if (params.SignatureMethod !== 'HMAC-SHA1') return gateway(400, 'InvalidSignatureMethod');
    if (params.SignatureVersion !== '1.0') return gateway(400, 'InvalidSignatureVersion');
    const ts = Date.parse(params.Timestamp);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(params.Timestamp) || Number.isNaN(ts)) return gateway(400, 'InvalidTimeStamp.Format');
    if (Math.abs(Date.now() - ts) > TIMESTAMP_WINDOW_MS) return gateway(400, 'InvalidTimeStamp.Expired');
    if (params.AccessKeyId !== this.accessKeyId) return gateway(404, 'InvalidAccessKeyId.NotFound');
    const expected = Buffer.from(rpcSignature(req.method, params, this.accessKeySecret));
    const given = Buffer.from(params.Signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return gateway(400, 'SignatureDoesNotMatch');
    if (this.#nonces.has(params.SignatureNonce)) return gateway(400, 'SignatureNonceUsed');
    this.#nonces.add(params.SignatureNonce);
    if (params.Version !== SMS_VERSION) return gateway(400, 'InvalidVersion');

    let phones;
    let templateParams;
    if (params.Action === 'SendBatchSms') {
      phones = parseJson(params.PhoneNumberJson);
      const signs = parseJson(params.SignNameJson);
      templateParams = parseJson(params.TemplateParamJson);
      if (!isStrings(phones) || !isStrings(signs) || !Array.isArray(templateParams)) return business('isv.INVALID_JSON_PARAM');
      if (phones.length === 0 || phones.length > BATCH_LIMIT) return business('isv.MOBILE_COUNT_OVER_LIMIT');
      if (signs.length !== phones.length || templateParams.length !== phones.length) return business('isv.INVALID_PARAMETERS');
      if (signs.some((s) => s !== this.signName)) return business('isv.SMS_SIGNATURE_ILLEGAL');
    } else if (params.Action === 'SendSms') {
      phones = (params.PhoneNumbers ?? '').split(',');
      const one = parseJson(params.TemplateParam);
      if (phones.length !== 1) return business('isv.MOBILE_COUNT_OVER_LIMIT');
      if (params.SignName !== this.signName) return business('isv.SMS_SIGNATURE_ILLEGAL');
      templateParams = [one];
    } else return gateway(404, 'InvalidAction.NotFound');
    if (params.TemplateCode !== this.templateCode) return business('isv.SMS_TEMPLATE_ILLEGAL');
    for (const p of templateParams) {
      if (!p || typeof p !== 'object' || Object.values(p).some((v) => typeof v !== 'string')) return business('isv.INVALID_JSON_PARAM');
      if (!p.name || !p.title) return business('isv.TEMPLATE_MISSING_PARAMETERS');
      if ([...p.name].length > TEMPLATE_VAR_MAX || [...p.title].length > TEMPLATE_VAR_MAX) return business('isv.PARAM_LENGTH_LIMIT');
    }
    if (phones.some((p) => !MOBILE.test(p))) return business('isv.MOBILE_NUMBER_ILLEGAL');

    for (const p of phones) this.#phones.set(p, (this.#phones.get(p) ?? 0) + 1);
    this.numbers += phones.length;
    this.calls.push({ at: performance.now(), numbers: this.numbers });
    return business('OK', { BizId: `${900000000000000000n + BigInt(++this.#seq)}^0` });
  }
}

function gateway(status, code) {
  return { status, body: { HostId: 'dysmsapi.aliyuncs.com', Code: code, Message: code } };
}

function business(code, extra = {}) {
  return { status: 200, body: { Code: code, Message: code === 'OK' ? 'OK' : code, ...extra } };
}

function parseJson(s) {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

const isStrings = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string');
