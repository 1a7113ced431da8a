import { createHmac, randomUUID } from 'node:crypto';

/**
 * Alibaba Cloud's classic RPC request signature (SignatureVersion 1.0, HMAC-SHA1), used by SMS
 * (dysmsapi) and voice (dyvmsapi), exactly as documented in
 *   https://www.alibabacloud.com/help/en/sms/signature-method (短信服务「签名机制」, help.aliyun.com/document_detail/101343.html)
 * and the generic RPC topic (e.g. https://help.aliyun.com/en/document_detail/130769.html):
 *
 * 1. every parameter except `Signature`, sorted by name (byte order), name and value each
 *    percent-encoded as UTF-8 (A–Z a–z 0–9 - _ . ~ kept; everything else %XY, space as %20, never +),
 *    joined as `name=value` with `&` — the canonicalized query string;
 * 2. StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(canonicalized query);
 * 3. Signature = Base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign)).
 *
 * The SMS doc's worked example (testId / testSecret, SendSms to 15300000001, nonce 45e25e9b-…,
 * 2017-07-12T02:42:19Z) signs to `zJDF+Lrzhj/ThnlvIToysFRq6t4=`; aliyun-signature.spec.ts reproduces it.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export interface AliyunCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

export type RpcMethod = 'GET' | 'POST';

/**
 * RFC 3986 encoding as the doc requires: encodeURIComponent also leaves ! ' ( ) * alone, so encode those
 * too. A lone surrogate (which encodeURIComponent would throw on) becomes U+FFFD, as UTF-8 encoders do.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD')).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Step 1: sorted, encoded `name=value` pairs joined with `&` (without `Signature`). */
export function canonicalizedQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`)
    .join('&');
}

/** Step 2. */
export function stringToSign(method: RpcMethod, params: Record<string, string>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalizedQuery(params))}`;
}

/** Step 3: the Base64 signature of a request's parameters. */
export function rpcSignature(method: RpcMethod, params: Record<string, string>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign(method, params), 'utf8').digest('base64');
}

/** ISO 8601 UTC to the second, as the common parameter `Timestamp` wants it (2017-07-12T02:42:19Z). */
export function rpcTimestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Adds the common parameters (Format=JSON, AccessKeyId, SignatureMethod/Version, a fresh
 * SignatureNonce, Timestamp, Version, Action) to an action's own parameters and signs the whole set.
 */
export function signRpcRequest(
  method: RpcMethod,
  action: string,
  version: string,
  params: Record<string, string>,
  creds: AliyunCredentials,
  opts: { now?: Date; nonce?: string } = {},
): Record<string, string> {
  const all: Record<string, string> = {
    ...params,
    Action: action,
    Version: version,
    Format: 'JSON',
    AccessKeyId: creds.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: opts.nonce ?? randomUUID(),
    Timestamp: rpcTimestamp(opts.now),
  };
  return { ...all, Signature: rpcSignature(method, all, creds.accessKeySecret) };
}

/** The form body (or query string) of a signed request, encoded with the same rules as the signature. */
export function encodeRpcForm(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
}
