import { createHmac, timingSafeEqual } from 'node:crypto';
import { LocalServer } from './local-server';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A receiver for the DING webhook channel, verifying each call the way the channel's doc comment
 * (server/src/ding/channels/webhook.channel.ts) tells a real receiver to: the HMAC-SHA256 of
 * `timestamp + "." + raw body` under the shared secret in `X-Lianxin-Signature: sha256=<hex>`, and an
 * `X-Lianxin-Timestamp` within 5 minutes. Refusals: 401 for a missing or wrong signature or a stale
 * timestamp, 400 for a body that is not a JSON array of deliveries. Accepted deliveries are recorded.
 *
 * Knobs: `failNext(n, status)` answers the next n calls with that status (500 by default);
 * `answerWith(fn)` answers 200 `{results:[…]}` decided per delivery; `delay(ms)` holds answers.
 */

export interface ReceivedDelivery {
  deliveryId: string;
  memberId: string;
  name: string;
  phone: string;
  dingtalkUserId: string | null;
  title: string;
  text: string;
  url: string | null;
  sentAt: string;
}

export interface ReceivedCall {
  path: string;
  status: number;
  /** Why it was refused; null when accepted. */
  refusal: string | null;
  timestamp: string | undefined;
  signature: string | undefined;
  deliveries: ReceivedDelivery[];
}

export type PerDeliveryAnswer = { ok: true } | { ok: false; error: string; retryable?: boolean };

/** How far a timestamp may be from the receiver's clock. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export class WebhookReceiver {
  readonly secret: string;
  /** Every call, accepted or not. */
  readonly received: ReceivedCall[] = [];
  /** Deliveries from accepted calls, in arrival order. */
  readonly deliveries: ReceivedDelivery[] = [];
  private readonly http = new LocalServer('WebhookReceiver', (req, res) => this.handle(req, res));
  private failures: Array<{ status: number; remaining: number }> = [];
  private perDelivery: ((d: ReceivedDelivery) => PerDeliveryAnswer) | null = null;
  private delayMs = 0;

  constructor(secret = 'webhook-test-secret-0123456789abcdef') {
    this.secret = secret;
  }

  async start(): Promise<string> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** The URL to configure as DING_WEBHOOK_URL. */
  get url(): string {
    return `${this.http.url}/hooks/ding`;
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return { DING_WEBHOOK_URL: this.url, DING_WEBHOOK_SECRET: this.secret, ...extra };
  }

  /** The next `times` calls that pass verification get `status` (and a short text body). */
  failNext(times: number, status = 500): void {
    this.failures.push({ status, remaining: times });
  }

  /** Answer 200 `{results}` decided per delivery; null goes back to a plain 200. */
  answerWith(fn: ((d: ReceivedDelivery) => PerDeliveryAnswer) | null): void {
    this.perDelivery = fn;
  }

  delay(ms: number): void {
    this.delayMs = ms;
  }

  reset(): void {
    this.received.length = 0;
    this.deliveries.length = 0;
    this.failures = [];
    this.perDelivery = null;
    this.delayMs = 0;
  }

  /** The check a receiver runs: null when the call is genuine and fresh, else the reason. */
  verify(timestamp: string | undefined, signature: string | undefined, rawBody: Buffer, nowSeconds = Math.floor(Date.now() / 1000)): string | null {
    if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return 'missing or malformed X-Lianxin-Timestamp';
    if (Math.abs(nowSeconds - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) return 'stale X-Lianxin-Timestamp';
    if (!signature?.startsWith('sha256=')) return 'missing X-Lianxin-Signature';
    const mac = createHmac('sha256', this.secret);
    mac.update(Buffer.from(`${timestamp}.`, 'utf8'));
    mac.update(rawBody);
    const expected = Buffer.from(mac.digest('hex'), 'utf8');
    const given = Buffer.from(signature.slice('sha256='.length), 'utf8');
    return expected.length === given.length && timingSafeEqual(expected, given) ? null : 'signature mismatch';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const timestamp = header(req, 'x-lianxin-timestamp');
    const signature = header(req, 'x-lianxin-signature');
    const call: ReceivedCall = { path: req.url ?? '/', status: 0, refusal: null, timestamp, signature, deliveries: [] };
    this.received.push(call);
    const answer = (status: number, body: unknown) => {
      call.status = status;
      if (res.destroyed) return;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'x-request-id': `rcv-${this.received.length}` });
      res.end(text);
    };
    if (req.method !== 'POST') return answer(405, { error: 'POST only' });
    const refusal = this.verify(timestamp, signature, raw);
    if (refusal) {
      call.refusal = refusal;
      return answer(401, { error: refusal });
    }
    let items: unknown;
    try {
      items = JSON.parse(raw.toString('utf8'));
    } catch {
      items = null;
    }
    if (!Array.isArray(items) || items.length === 0 || !items.every(isDelivery)) {
      call.refusal = 'body is not a JSON array of deliveries';
      return answer(400, { error: call.refusal });
    }
    const fail = this.failures[0];
    if (fail) {
      if (--fail.remaining <= 0) this.failures.shift();
      call.refusal = `injected ${fail.status}`;
      return answer(fail.status, `injected failure ${fail.status}`);
    }
    call.deliveries = items;
    this.deliveries.push(...items);
    if (!this.perDelivery) return answer(200, { ok: true });
    const fn = this.perDelivery;
    return answer(200, { results: items.map((d) => ({ deliveryId: d.deliveryId, ...fn(d) })) });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isDelivery(v: unknown): v is ReceivedDelivery {
  const d = v as Record<string, unknown> | null;
  return (
    !!d &&
    typeof d.deliveryId === 'string' &&
    typeof d.memberId === 'string' &&
    typeof d.name === 'string' &&
    typeof d.phone === 'string' &&
    (d.dingtalkUserId === null || typeof d.dingtalkUserId === 'string') &&
    typeof d.title === 'string' &&
    typeof d.text === 'string' &&
    (d.url === null || typeof d.url === 'string') &&
    typeof d.sentAt === 'string' &&
    !Number.isNaN(Date.parse(d.sentAt))
  );
}
