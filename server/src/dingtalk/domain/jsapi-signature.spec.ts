import { jsapiSignature, signableUrl } from './jsapi-signature.js';

/*
 * Known answers for the dd.config signature (docs reference §1.4). The expected hex values were
 * computed outside this code, with coreutils in a UTF-8 shell:
 *
 *   T='sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg'
 *   N='Lx-nonce-20260315'; TS='1773561600000'
 *   printf '%s' "jsapi_ticket=$T&noncestr=$N&timestamp=$TS&url=<signed url>" | sha256sum
 *   printf '%s' "jsapi_ticket=$T&noncestr=$N&timestamp=$TS&url=<signed url>" | sha1sum
 *
 * where <signed url> is the URL as DingTalk signs it (no fragment, query decoded), written out in
 * each case below.
 */
const TICKET = 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg';
const NONCE = 'Lx-nonce-20260315';
const TS = '1773561600000';

// <signed url> = https://h5.lianxin.example.gov.cn/app/index.html?corpId=dingfakecorp&from=home
const PLAIN_URL = 'https://h5.lianxin.example.gov.cn/app/index.html?corpId=dingfakecorp&from=home';
const PLAIN_SHA256 = '6e74ff2cdcd3807773b30ae3c5fbefda6060a08e088710b96556dad30ba65077';
const PLAIN_SHA1 = 'a0472a1cd572b800494ed8032b958506f98f5162';

// <signed url> = https://h5.lianxin.example.gov.cn/app/?name=张三&back=https://x.example/a?b=1
const DECODED_URL = 'https://h5.lianxin.example.gov.cn/app/?name=张三&back=https://x.example/a?b=1';
const ENCODED_URL = 'https://h5.lianxin.example.gov.cn/app/?name=%E5%BC%A0%E4%B8%89&back=https%3A%2F%2Fx.example%2Fa%3Fb%3D1';
const DECODED_SHA256 = '67a0085f11ab02b59838fbf833d06893d8bda2fe8db5f424de846c0350e02d31';
const DECODED_SHA1 = '4aae10d12f17fe9960a9bb2606b854dfc22409ff';

// <signed url> = https://h5.lianxin.example.gov.cn:8443/app/index.html
const PORT_URL = 'https://h5.lianxin.example.gov.cn:8443/app/index.html';
const PORT_SHA256 = '1bf8cbb7c31ab605c8ccb29ae5a0a95a61e508329110fb6854cb863bdece1f54';
const PORT_SHA1 = '8485ae9a7627daa849db2627e83ec658bfc0201e';

// <signed url> = http://10.20.30.40:8080/app/
const HTTP_PORT_URL = 'http://10.20.30.40:8080/app/';
const HTTP_PORT_SHA256 = '8651c79b514d2cd0582e76a6d64dbb6c7f42a3e221eac06a8f8b2a1df798fd16';

describe('jsapiSignature (dd.config signature, reference §1.4)', () => {
  it('defaults to SHA-256, 64 lowercase hex characters', () => {
    expect(jsapiSignature(TICKET, NONCE, TS, PLAIN_URL)).toBe(PLAIN_SHA256);
    expect(jsapiSignature(TICKET, NONCE, TS, PLAIN_URL, 'sha256')).toBe(PLAIN_SHA256);
  });

  it('signs with SHA-1 when asked, 40 lowercase hex characters', () => {
    expect(jsapiSignature(TICKET, NONCE, TS, PLAIN_URL, 'sha1')).toBe(PLAIN_SHA1);
  });

  it('drops the fragment, including a hash-router path with its own query', () => {
    expect(jsapiSignature(TICKET, NONCE, TS, `${PLAIN_URL}#/tasks?id=5`)).toBe(PLAIN_SHA256);
    expect(jsapiSignature(TICKET, NONCE, TS, `${PLAIN_URL}#`, 'sha1')).toBe(PLAIN_SHA1);
  });

  it('URL-decodes the query, so the encoded (iOS) and raw (Android) forms sign alike', () => {
    expect(jsapiSignature(TICKET, NONCE, TS, ENCODED_URL)).toBe(DECODED_SHA256);
    expect(jsapiSignature(TICKET, NONCE, TS, ENCODED_URL, 'sha1')).toBe(DECODED_SHA1);
    expect(jsapiSignature(TICKET, NONCE, TS, DECODED_URL)).toBe(DECODED_SHA256);
    expect(jsapiSignature(TICKET, NONCE, TS, `${ENCODED_URL}#/home`)).toBe(DECODED_SHA256);
  });

  it('keeps an explicit non-default port', () => {
    expect(jsapiSignature(TICKET, NONCE, TS, PORT_URL)).toBe(PORT_SHA256);
    expect(jsapiSignature(TICKET, NONCE, TS, PORT_URL, 'sha1')).toBe(PORT_SHA1);
    expect(jsapiSignature(TICKET, NONCE, TS, HTTP_PORT_URL)).toBe(HTTP_PORT_SHA256);
  });

  it('changes with every input (ticket, nonce, timestamp, url)', () => {
    const base = jsapiSignature(TICKET, NONCE, TS, PLAIN_URL);
    expect(jsapiSignature(TICKET + 'x', NONCE, TS, PLAIN_URL)).not.toBe(base);
    expect(jsapiSignature(TICKET, NONCE + 'x', TS, PLAIN_URL)).not.toBe(base);
    expect(jsapiSignature(TICKET, NONCE, String(Number(TS) + 1), PLAIN_URL)).not.toBe(base);
    expect(jsapiSignature(TICKET, NONCE, TS, PLAIN_URL.replace('https:', 'http:'))).not.toBe(base);
  });
});

describe('signableUrl', () => {
  it('returns the URL without the fragment and with the query decoded', () => {
    expect(signableUrl(`${PLAIN_URL}#/x`)).toBe(PLAIN_URL);
    expect(signableUrl(ENCODED_URL)).toBe(DECODED_URL);
    expect(signableUrl(`${PORT_URL}#top`)).toBe(PORT_URL);
    expect(signableUrl('https://h5.example.gov.cn/app/')).toBe('https://h5.example.gov.cn/app/');
  });

  it('keeps a stray % that does not decode', () => {
    expect(signableUrl('https://h5.example.gov.cn/app/?progress=100%&a=%E5%BC%A0')).toBe('https://h5.example.gov.cn/app/?progress=100%&a=%E5%BC%A0');
  });
});
