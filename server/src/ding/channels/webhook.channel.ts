import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type ChannelsConfig } from '../../config/app-config.js';
import { ChannelName, type DeliveryChannel, type DeliveryMessage, type DeliveryOutcome, type DeliveryTarget } from './channel.js';
import { assertBatch, failAll } from './outcomes.js';

/**
 * A generic signed webhook, for a county's own systems (a duty-room screen, an SMS cat, a pager gateway).
 *
 * Request: `POST DING_WEBHOOK_URL`, `Content-Type: application/json; charset=utf-8`, the body a JSON
 * array of up to DING_WEBHOOK_MAX_BATCH (default 100) objects
 *   {deliveryId, memberId, name, phone, dingtalkUserId, title, text, url, sentAt}
 * (`dingtalkUserId` and `url` may be null; `sentAt` is ISO 8601), always an array, even for one person.
 *
 * Signature, so the receiver knows the call is ours and fresh:
 *   X-Lianxin-Timestamp: <unix seconds>
 *   X-Lianxin-Signature: sha256=<lower-case hex of HMAC-SHA256(key = DING_WEBHOOK_SECRET,
 *                                 message = timestamp + "." + the raw request body bytes)>
 * To verify: recompute over the body exactly as received (before any JSON parsing), compare in
 * constant time, and refuse timestamps more than 5 minutes from your clock. Deduplicate by
 * `deliveryId`: a delivery the orchestration retries (after a timeout, say) carries the same id.
 *
 * Answer: any 2xx marks every person delivered, unless the body is `{"results":[{"deliveryId",
 * "ok", "error"?, "retryable"?}]}`, which decides per person (people it leaves out count as delivered).
 * 408 and 429 are retried later, as are 5xx and timeouts; any other 4xx is final; redirects are not
 * followed (configure the final URL).
 */
export const WEBHOOK_TIMESTAMP_HEADER = 'X-Lianxin-Timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'X-Lianxin-Signature';

export interface WebhookDelivery {
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

/** `sha256=` + hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`). */
export function webhookSignature(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

@Injectable()
export class WebhookChannel implements DeliveryChannel {
  readonly name = ChannelName.Webhook;
  readonly maxBatch: number;
  readonly ratePerSecond: number;
  readonly unconfiguredReason: string;
  private readonly cfg: ChannelsConfig;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.cfg = config.channels;
    this.maxBatch = this.cfg.webhook.maxBatch;
    this.ratePerSecond = this.cfg.webhook.ratePerSecond;
    this.unconfiguredReason = this.cfg.webhook.url && this.cfg.webhook.secret ? '' : 'Webhook 渠道未配置：请设置 DING_WEBHOOK_URL 和 DING_WEBHOOK_SECRET';
  }

  configured(): boolean {
    return this.unconfiguredReason === '';
  }

  async send(targets: DeliveryTarget[], message: DeliveryMessage): Promise<DeliveryOutcome[]> {
    assertBatch(this.name, targets, this.maxBatch);
    if (targets.length === 0) return [];
    if (!this.configured()) return failAll(targets, this.unconfiguredReason, false);
    const sentAt = new Date().toISOString();
    const items: WebhookDelivery[] = targets.map((t) => ({
      deliveryId: t.deliveryId,
      memberId: t.memberId,
      name: t.name,
      phone: t.phone,
      dingtalkUserId: t.dingtalkUserId,
      title: message.title,
      text: message.text,
      url: message.url ?? null,
      sentAt,
    }));
    const body = JSON.stringify(items);
    const timestamp = String(Math.floor(Date.now() / 1000));
    let res: Response;
    try {
      res = await fetch(this.cfg.webhook.url!, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Lianxin-Webhook/1',
          [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
          [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(this.cfg.webhook.secret!, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      return failAll(targets, timedOut ? `Webhook 接收方 ${this.cfg.timeoutMs} ms 内未应答（可能已收到，稍后重试）` : `无法连接 Webhook 接收方：${(err as Error).message}`, true);
    }
    const text = await res.text().catch(() => '');
    const providerId = res.headers.get('x-request-id');
    if (res.status >= 200 && res.status < 300) return this.accepted(targets, text, providerId);
    const snippet = text.trim().slice(0, 200);
    const detail = `（HTTP ${res.status}${snippet ? `：${snippet}` : ''}）`;
    if (res.status >= 300 && res.status < 400) return failAll(targets, `Webhook 接收地址返回跳转${detail}，请把 DING_WEBHOOK_URL 改为最终地址`, false);
    if (res.status === 408 || res.status === 429) return failAll(targets, `Webhook 接收方暂时无法处理${detail}`, true);
    if (res.status >= 500) return failAll(targets, `Webhook 接收方出错${detail}`, true);
    return failAll(targets, `Webhook 接收方拒绝${detail}`, false);
  }

  private accepted(targets: DeliveryTarget[], text: string, providerId: string | null): DeliveryOutcome[] {
    const results = perTargetResults(text);
    return targets.map((t): DeliveryOutcome => {
      const r = results?.get(t.deliveryId);
      if (!r || r.ok) return { deliveryId: t.deliveryId, status: 'delivered', providerId };
      return { deliveryId: t.deliveryId, status: 'failed', providerId, error: `Webhook 接收方拒收：${r.error || '未说明原因'}`, retryable: r.retryable };
    });
  }
}

/** `{results:[{deliveryId, ok, error?, retryable?}]}` from a 2xx body, or null when it is anything else. */
function perTargetResults(text: string): Map<string, { ok: boolean; error: string; retryable: boolean }> | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return null;
  const map = new Map<string, { ok: boolean; error: string; retryable: boolean }>();
  for (const r of results as Array<Record<string, unknown> | null>) {
    if (!r || typeof r.deliveryId !== 'string') continue;
    map.set(r.deliveryId, { ok: r.ok !== false, error: typeof r.error === 'string' ? r.error.slice(0, 500) : '', retryable: r.retryable === true });
  }
  return map;
}
