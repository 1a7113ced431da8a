/** Event types pushed to a member over `GET /api/events` (server-sent events). */
export const LiveEventType = {
  Hello: 'hello',
  Ping: 'ping',
  NoticeNew: 'notice.new',
  NoticeStats: 'notice.stats',
  Ding: 'ding',
  TaskNew: 'task.new',
  SpotCheckDemand: 'spotcheck.demand',
  SpotCheckUpdate: 'spotcheck.update',
  Test: 'test',
} as const;
export type LiveEventType = (typeof LiveEventType)[keyof typeof LiveEventType];

export interface LiveEvent<T = unknown> {
  type: LiveEventType;
  data: T;
}

/** What a `ding` event carries: the reminder as the micro-app shows it, and where to open it. */
export interface DingEventData {
  dingId?: string;
  noticeId?: string;
  title: string;
  text: string;
  /** Who sent the DING (the banner names them). */
  senderName?: string;
  /** Link back into the micro-app (the notice page); absent when the reminder points nowhere. */
  url?: string;
}

/** A DING pushed to a member's open event streams (the in-app delivery channel). */
export interface DingEvent extends LiveEvent<DingEventData> {
  type: typeof LiveEventType.Ding;
}
