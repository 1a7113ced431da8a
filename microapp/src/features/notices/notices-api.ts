import type {
  AttachmentView,
  ConfirmNoticeRequest,
  CreateNoticeRequest,
  MyReceipt,
  NoticeListItem,
  NoticeStatsView,
  NoticeView,
  Page,
  ReceiptFilter,
  ReceiptView,
} from '@lianxin/shared';
import { ApiPaths } from '@lianxin/shared';
import { attachmentFilePath, ById, PostById } from '@/lib/id-paths';
import { http } from '@/lib/http';

export type NoticeBox = 'inbox' | 'sent';

export interface NoticePageQuery {
  cursor?: string | null;
  limit?: number;
  signal?: AbortSignal;
}

function paging(query: NoticePageQuery, extra: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = { ...extra, limit: String(query.limit ?? 20) };
  if (query.cursor) params.cursor = query.cursor;
  return params;
}

/** 通知 as the inbox, the notice page, compose and the sender's dashboard use them. */
export const noticesApi = {
  /** The inbox (newest first; `unreadOnly` leaves out what was read) or the sent box. */
  list(box: NoticeBox, query: NoticePageQuery & { unreadOnly?: boolean } = {}): Promise<Page<NoticeListItem>> {
    const extra: Record<string, string> = { box };
    if (query.unreadOnly) extra.unread = 'true';
    return http.get(ApiPaths.notices.list, { query: paging(query, extra), signal: query.signal });
  },

  get(noticeId: string, signal?: AbortSignal): Promise<NoticeView> {
    return http.getById(ById.notice(noticeId), { signal });
  },

  send(request: CreateNoticeRequest): Promise<NoticeView> {
    return http.post(ApiPaths.notices.list, request);
  },

  /** Marks the caller's receipt read; repeating it changes nothing. */
  read(noticeId: string): Promise<MyReceipt> {
    return http.postById(PostById.noticeRead(noticeId), undefined);
  },

  confirm(noticeId: string, request: ConfirmNoticeRequest): Promise<MyReceipt> {
    return http.postById(PostById.noticeConfirm(noticeId), request);
  },

  /** Totals, and per unit one level below `unitId` (by default: the unit that holds every recipient). */
  stats(noticeId: string, unitId: string | null, signal?: AbortSignal): Promise<NoticeStatsView> {
    return http.getById(ById.noticeStats(noticeId), { query: unitId ? { unitId } : {}, signal });
  },

  receipts(noticeId: string, status: ReceiptFilter, unitId: string | null, query: NoticePageQuery = {}): Promise<Page<ReceiptView>> {
    const extra: Record<string, string> = { status };
    if (unitId) extra.unitId = unitId;
    return http.getById(ById.noticeReceipts(noticeId), { query: paging({ limit: 50, ...query }, extra), signal: query.signal });
  },

  /** How many notices the caller has not read (the badges). */
  unreadCount(): Promise<number> {
    return http.get(ApiPaths.notices.unreadCount).then((view) => view.unread);
  },

  /** Uploads one file for a notice about to be sent; the notice names it by id in `attachmentIds`. */
  uploadAttachment(file: Blob, filename: string, contentType: string, signal?: AbortSignal): Promise<AttachmentView> {
    return http.uploadFile(ApiPaths.notices.attachments, file, contentType, { query: { filename }, signal });
  },

  downloadAttachment(noticeId: string, attachmentId: string, signal?: AbortSignal): Promise<Blob> {
    return http.download(attachmentFilePath(noticeId, attachmentId), { signal });
  },
};
