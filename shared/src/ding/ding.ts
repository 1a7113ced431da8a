/** Channels a DING can go by. `dingtalk`: work notification (robot DING where configured). */
export const DingChannel = { App: 'app', DingTalk: 'dingtalk', Sms: 'sms', Call: 'call', Webhook: 'webhook' } as const;
export type DingChannel = (typeof DingChannel)[keyof typeof DingChannel];

export const DingChannelLabel: Record<DingChannel, string> = { app: '应用内', dingtalk: '钉钉', sms: '短信', call: '电话', webhook: '推送接口' };

/** Who a DING goes to among a notice's recipients. */
export const DingTarget = { Unread: 'unread', Unconfirmed: 'unconfirmed', Members: 'members' } as const;
export type DingTarget = (typeof DingTarget)[keyof typeof DingTarget];

export interface CreateDingRequest {
  channel: DingChannel;
  target: DingTarget;
  /** With target `members`: which recipients. */
  memberIds?: string[];
  /** Extra words added to the reminder. */
  message?: string;
}

export const DeliveryStatus = { Queued: 'queued', Sending: 'sending', Retrying: 'retrying', Sent: 'sent', Delivered: 'delivered', Failed: 'failed' } as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

export interface DeliveryView {
  id: string;
  member: { id: string; name: string; phone: string };
  channel: DingChannel;
  status: DeliveryStatus;
  providerId: string | null;
  error: string | null;
  /** E.g. why a fallback channel was used. */
  note: string | null;
  attempts: number;
  updatedAt: string;
  /** The recipient read the notice after this DING was created. */
  answered: boolean;
}

/** `GET /dings/:id`: a DING, its deliveries by status, and how many have answered since. */
export interface DingView {
  id: string;
  noticeId: string | null;
  channel: DingChannel;
  target: DingTarget | 'all';
  purpose: 'ding' | 'escalation' | 'announce' | 'spotcheck';
  /** Escalation step (1-based) for automatic DINGs. */
  step: number | null;
  text: string;
  createdAt: string;
  total: number;
  byStatus: Record<DeliveryStatus, number>;
  answered: number;
}

/** One step of an escalation policy: after N minutes, DING whoever is still unread (or unconfirmed). */
export interface EscalationStepInput {
  afterMinutes: number;
  target: 'unread' | 'unconfirmed';
  channel: DingChannel;
  /** Send to each laggard's supervisor instead of the laggard (a last step). */
  toSupervisor?: boolean;
  /** Fires even in quiet hours. */
  urgent?: boolean;
}

export interface EscalationStepView extends EscalationStepInput {
  step: number;
  status: 'pending' | 'fired' | 'skipped' | 'stopped';
  fireAt: string;
  firedAt: string | null;
  dingId: string | null;
}

/** An in-app DING waiting for its recipient to acknowledge it (the banner). */
export interface MyDingView {
  dingId: string;
  noticeId: string | null;
  title: string;
  text: string;
  senderName: string;
  createdAt: string;
}

/** `GET /dings/channels`: which channels this server can DING by, and why not when it cannot. */
export interface DingChannelView {
  channel: DingChannel;
  label: string;
  configured: boolean;
  /** What to set when not configured. */
  reason: string | null;
}
