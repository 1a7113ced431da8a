import type { DingEventData, NoticeNewEvent, NoticeStatsEvent } from '@lianxin/shared';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A `notice.new` payload, or null when it is not one (the stream is text from the network). */
export function asNoticeNew(data: unknown): NoticeNewEvent | null {
  if (!isRecord(data) || typeof data.noticeId !== 'string' || typeof data.title !== 'string') return null;
  return {
    noticeId: data.noticeId,
    title: data.title,
    kind: data.kind === 'meeting' ? 'meeting' : 'notice',
    senderName: typeof data.senderName === 'string' ? data.senderName : '',
    requireConfirm: data.requireConfirm === true,
  };
}

/** A `notice.stats` payload, or null when it is not one. */
export function asNoticeStats(data: unknown): NoticeStatsEvent | null {
  if (!isRecord(data) || typeof data.noticeId !== 'string') return null;
  const { total, read, confirmed, onLeave } = data;
  if (typeof total !== 'number' || typeof read !== 'number' || typeof confirmed !== 'number' || typeof onLeave !== 'number') return null;
  return { noticeId: data.noticeId, total, read, confirmed, onLeave };
}

/** A `ding` payload (an in-app DING for the signed-in member), or null when it is not one. */
export function asDingEvent(data: unknown): DingEventData | null {
  if (!isRecord(data) || typeof data.title !== 'string' || typeof data.text !== 'string') return null;
  return {
    title: data.title,
    text: data.text,
    ...(typeof data.dingId === 'string' ? { dingId: data.dingId } : {}),
    ...(typeof data.noticeId === 'string' ? { noticeId: data.noticeId } : {}),
    ...(typeof data.url === 'string' ? { url: data.url } : {}),
  };
}
