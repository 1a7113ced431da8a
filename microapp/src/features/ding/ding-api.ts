import type { CreateDingRequest, DeliveryStatus, DeliveryView, DingChannelView, DingView, EscalationStepView, MyDingView, Page } from '@lianxin/shared';
import { ApiPaths } from '@lianxin/shared';
import { ById, PostById } from '@/lib/id-paths';
import { http } from '@/lib/http';

let channels: Promise<DingChannelView[]> | null = null;

/** DINGs: sending one for a notice, following its deliveries, the automatic ones, and the recipient's banner. */
export const dingApi = {
  /**
   * The channels this server can DING by, asked once per visit (they change only with the server's
   * settings); `fresh` asks again, after the server refused one as unconfigured.
   */
  channels(fresh = false): Promise<DingChannelView[]> {
    if (fresh || !channels) {
      const asked = http.get(ApiPaths.dingChannels);
      channels = asked;
      asked.catch(() => {
        if (channels === asked) channels = null; // a failed fetch is retried on the next call
      });
    }
    return channels;
  },

  send(noticeId: string, request: CreateDingRequest): Promise<DingView> {
    return http.postById(PostById.noticeDing(noticeId), request);
  },

  /** The notice's DINGs, automatic ones included, newest first. */
  forNotice(noticeId: string, signal?: AbortSignal): Promise<DingView[]> {
    return http.getById(ById.noticeDings(noticeId), { signal });
  },

  deliveries(dingId: string, status: DeliveryStatus | null, cursor: string | null, signal?: AbortSignal): Promise<Page<DeliveryView>> {
    const query: Record<string, string> = { limit: '50' };
    if (status) query.status = status;
    if (cursor) query.cursor = cursor;
    return http.getById(ById.dingDeliveries(dingId), { query, signal });
  },

  /** The sender stops the automatic reminders that have not fired yet; answers the whole policy. */
  stopEscalation(noticeId: string): Promise<EscalationStepView[]> {
    return http.postById(PostById.noticeStopEscalation(noticeId), undefined);
  },

  /** The caller's in-app DINGs not yet acknowledged, newest first. */
  mine(signal?: AbortSignal): Promise<MyDingView[]> {
    return http.get(ApiPaths.myDings, { signal });
  },

  acknowledge(dingId: string): Promise<{ acknowledgedAt: string }> {
    return http.postById(PostById.dingAck(dingId), undefined);
  },
};
