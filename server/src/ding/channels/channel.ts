/**
 * The contract every DING delivery channel implements: in-app, DingTalk (work notification / robot
 * DING), SMS (Alibaba Cloud), voice call (Alibaba Cloud VMS) and a signed webhook. The DING
 * orchestration (delivery rows, pg-boss jobs, retries, rate limits, escalation) only talks to this.
 */
export const ChannelName = {
  App: 'app',
  DingTalk: 'dingtalk',
  Sms: 'sms',
  Call: 'call',
  Webhook: 'webhook',
} as const;
export type ChannelName = (typeof ChannelName)[keyof typeof ChannelName];

/** One person to reach. */
export interface DeliveryTarget {
  /** Our delivery row id: providers that accept an out-id get it, so their receipts map back. */
  deliveryId: string;
  memberId: string;
  name: string;
  phone: string;
  dingtalkUserId: string | null;
}

/** What to say. Each reminder varies its text (step and time): DingTalk drops same-day repeats. */
export interface DeliveryMessage {
  /** Short title, e.g. the notice's title. */
  title: string;
  /** The reminder text, plain, already varied per step (e.g. "第2次提醒 14:05：请阅读…"). */
  text: string;
  /** Link back into the micro-app (notice page). */
  url?: string;
  /** Provider template parameters (SMS template variables, TTS params). */
  params?: Record<string, string>;
}

export type DeliveryOutcome =
  /** Accepted by the provider; a later receipt may confirm delivery. */
  | { deliveryId: string; status: 'sent'; providerId: string | null; note?: string }
  /** The provider confirmed it reached the person (in-app, or a synchronous provider answer). */
  | { deliveryId: string; status: 'delivered'; providerId: string | null; note?: string }
  /** Not delivered. `retryable` failures (timeouts, throttling, 5xx) are retried with backoff. */
  | { deliveryId: string; status: 'failed'; providerId: string | null; error: string; retryable: boolean };

export interface DeliveryChannel {
  readonly name: ChannelName;
  /** False when its settings are missing: the DING is refused with `unconfiguredReason`, never dropped. */
  configured(): boolean;
  /** A Chinese sentence naming the env vars to set. */
  readonly unconfiguredReason: string;
  /** Most targets one `send` call may carry (the provider's batch limit). */
  readonly maxBatch: number;
  /** Provider calls per second this channel may make (configurable). */
  readonly ratePerSecond: number;
  /** Sends one batch; answers one outcome per target, in any order. Throws only for programming errors. */
  send(targets: DeliveryTarget[], message: DeliveryMessage): Promise<DeliveryOutcome[]>;
}
