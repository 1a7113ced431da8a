import { createHash } from 'node:crypto';

export type SignAlgo = 'sha256' | 'sha1';

/**
 * The URL as DingTalk signs it: no fragment, the query URL-decoded (iOS sends it encoded,
 * Android raw), nothing else touched. Port and scheme must stay exactly as the page has them.
 */
export function signableUrl(u: string): string {
  const p = new URL(u);
  const query = p.search ? '?' + safeDecode(p.search.slice(1)) : '';
  return `${p.protocol}//${p.host}${p.pathname}${query}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a stray % stays as the page has it
  }
}

/** `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`, hashed to lowercase hex (reference §1.4). */
export function jsapiSignature(ticket: string, nonceStr: string, timeStamp: string, url: string, algo: SignAlgo = 'sha256'): string {
  const plain = `jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timeStamp}&url=${signableUrl(url)}`;
  return createHash(algo).update(plain, 'utf8').digest('hex');
}
