/**
 * The hash chains of the audit trail, as pure functions: what is hashed, and how.
 *
 * Per instance: `hash = sha256(prevHash ‖ canonicalJson(event))`, hex, with prevHash of the first
 * event 64 zeros. The event is `{instanceId, seq, type, actor, nodeId, data, createdAt}`.
 *
 * The canonical JSON is PostgreSQL's jsonb text form: keys sorted at every level (shorter keys
 * first, equal lengths by their UTF-8 bytes), `", "` and `": "` between items, numbers in plain
 * decimal, strings escaped as JSON.stringify escapes them. So `jsonb_build_object(…)::text` in any
 * PostgreSQL gives the same text as `canonicalJson` here, and the server computes and verifies the
 * hashes in SQL (server/src/audit/audit.sql.ts) over exactly this text.
 *
 * Global chain: each time an instance's head moves, an anchor is appended with
 * `hash = sha256(prevHash ‖ instanceId ‖ seq ‖ instanceHash)` (seq in decimal), so deleting a
 * whole instance, or recomputing its chain, breaks the anchors. Checkpoints sign the anchor chain's
 * head with Ed25519 outside the database.
 */
import { hash as digest } from 'node:crypto';

export const ZERO_HASH = '0'.repeat(64);

export const sha256Hex = (text: string): string => digest('sha256', text, 'hex');

/** Who acted, as recorded in the event (snapshots at that moment). */
export interface ActorSnapshot {
  id: string;
  name: string;
  title: string | null;
  unitId: string | null;
  unitName: string | null;
}

/** The hashed content of one event. */
export interface ChainEvent {
  instanceId: string;
  seq: number;
  type: string;
  actor: ActorSnapshot | null;
  nodeId: string | null;
  data: unknown;
  /** ISO 8601 with milliseconds, UTC (`Date.toISOString()`). */
  createdAt: string;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** jsonb's key order: shorter first (in UTF-8 bytes), then bytewise. */
export function compareKeys(a: string, b: string): number {
  const x = utf8(a);
  const y = utf8(b);
  return x.length !== y.length ? x.length - y.length : Buffer.compare(x, y);
}

/**
 * A JSON number as PostgreSQL's numeric prints it: plain decimal, never an exponent
 * (1e21 → 1000000000000000000000, 1.5e-7 → 0.00000015).
 */
export function numericText(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  const s = String(n === 0 ? 0 : n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const point = (dot < 0 ? mantissa.length : dot) + exponent; // digits before the decimal point
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}

/** The canonical JSON text of a JSON value (see the file comment). `undefined` members are left out, as JSON does. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return numericText(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      const v = value as { toJSON?: () => unknown };
      if (typeof v.toJSON === 'function') return canonicalJson(v.toJSON());
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const x: unknown = value[i];
          out += (i ? ', ' : '') + (x === undefined || typeof x === 'function' ? 'null' : canonicalJson(x));
        }
        return out + ']';
      }
      const o = value as Record<string, unknown>;
      const keys: string[] = [];
      let ascii = true;
      for (const k in o) {
        if (!Object.prototype.hasOwnProperty.call(o, k) || o[k] === undefined || typeof o[k] === 'function') continue;
        keys.push(k);
        if (ascii && !ASCII.test(k)) ascii = false;
      }
      // ASCII keys (the usual case) are their own UTF-8: no need to encode them to compare.
      keys.sort(ascii ? byLengthThenCode : compareKeys);
      let out = '{';
      for (let i = 0; i < keys.length; i++) out += (i ? ', ' : '') + JSON.stringify(keys[i]) + ': ' + canonicalJson(o[keys[i]]);
      return out + '}';
    }
    default:
      throw new TypeError(`cannot hash a ${typeof value}`);
  }
}

const ASCII = /^[\x00-\x7f]*$/;
const byLengthThenCode = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * Data as PostgreSQL will store it: a JSON round trip (Dates become ISO strings, undefined members
 * go), strings made well-formed (a lone surrogate becomes U+FFFD) and without NUL, which jsonb
 * refuses. What is stored is exactly what is hashed.
 */
export function normaliseData(value: unknown): unknown {
  const clean = (s: string) => s.replace(LONE_SURROGATE, '\uFFFD').replace(/\u0000/g, '');
  const text = JSON.stringify(value ?? {}, (_key, v: unknown) => {
    if (typeof v === 'string') return clean(v);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      // Keys too: a key with NUL or a lone surrogate could not be stored as written.
      const o = v as Record<string, unknown>;
      if (Object.keys(o).some((key) => clean(key) !== key)) return Object.fromEntries(Object.entries(o).map(([key, x]) => [clean(key), x]));
    }
    return v;
  });
  return text === undefined ? {} : JSON.parse(text);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function eventJson(e: ChainEvent): string {
  return canonicalJson({ instanceId: e.instanceId, seq: e.seq, type: e.type, actor: e.actor, nodeId: e.nodeId, data: e.data, createdAt: e.createdAt });
}

export function eventHash(prevHash: string, e: ChainEvent): string {
  return sha256Hex(prevHash + eventJson(e));
}

export function anchorHash(prevHash: string, instanceId: string, seq: number, instanceHash: string): string {
  return sha256Hex(`${prevHash}${instanceId}${seq}${instanceHash}`);
}

/** One anchor of the global chain. */
export interface Anchor {
  position: number;
  instanceId: string;
  seq: number;
  instanceHash: string;
  prevHash: string;
  hash: string;
}

/** Links anchors for the given instance heads after the chain's current end (`last`: position 0 and ZERO_HASH when empty). */
export function chainAnchors(last: { position: number; hash: string }, heads: Array<{ instanceId: string; seq: number; hash: string }>): Anchor[] {
  const out: Anchor[] = [];
  let prev = last;
  for (const h of heads) {
    const a: Anchor = { position: prev.position + 1, instanceId: h.instanceId, seq: h.seq, instanceHash: h.hash, prevHash: prev.hash, hash: anchorHash(prev.hash, h.instanceId, h.seq, h.hash) };
    out.push(a);
    prev = a;
  }
  return out;
}

/** What a checkpoint signs: this exact text (UTF-8), Ed25519. */
export function checkpointPayload(c: { chainId: string; position: number; hash: string; signedAt: string }): string {
  return JSON.stringify({ type: 'lianxin.audit.checkpoint', version: 1, chainId: c.chainId, position: c.position, hash: c.hash, signedAt: c.signedAt });
}

/** The fields of a checkpoint payload, or null when it is not one. */
export function parseCheckpointPayload(payload: string): { chainId: string; position: number; hash: string; signedAt: string } | null {
  let p: unknown;
  try {
    p = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof p !== 'object' || p === null) return null;
  const r = p as Record<string, unknown>;
  if (r.type !== 'lianxin.audit.checkpoint' || r.version !== 1) return null;
  if (typeof r.chainId !== 'string' || typeof r.hash !== 'string' || typeof r.signedAt !== 'string' || !Number.isSafeInteger(r.position)) return null;
  return { chainId: r.chainId, position: r.position as number, hash: r.hash, signedAt: r.signedAt };
}
