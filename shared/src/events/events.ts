/** Event types pushed to a member over `GET /api/events` (server-sent events). */
export const LiveEventType = {
  Hello: 'hello',
  Ping: 'ping',
  NoticeNew: 'notice.new',
  NoticeStats: 'notice.stats',
  Ding: 'ding',
  TaskNew: 'task.new',
  SpotCheckDemand: 'spotcheck.demand',
  Test: 'test',
} as const;
export type LiveEventType = (typeof LiveEventType)[keyof typeof LiveEventType];

export interface LiveEvent<T = unknown> {
  type: LiveEventType;
  data: T;
}
