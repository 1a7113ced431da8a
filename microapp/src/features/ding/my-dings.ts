import type { MyDingView } from '@lianxin/shared';
import { computed, shallowRef } from 'vue';
import { asDingEvent } from '@/features/notices/live-events';
import { dingApi } from './ding-api';

const items = shallowRef<MyDingView[]>([]);
let request: AbortController | null = null;

/**
 * The in-app DINGs the signed-in member has not acknowledged, newest first: what the banner shows
 * until 知道了. Asked for at start and whenever the app comes back to the front; a live `ding`
 * adds one at once.
 */
export const myDings = {
  items: computed(() => items.value),

  /** Asks the server; a failure keeps what is shown (the next resume asks again). */
  async refresh(): Promise<void> {
    request?.abort();
    const mine = new AbortController();
    request = mine;
    try {
      items.value = await dingApi.mine(mine.signal);
    } catch (error) {
      if (!mine.signal.aborted) console.warn('DING 提醒获取失败', error);
    }
  },

  /** A live `ding`: shown straight away, then the server's list fills in who sent it. */
  heard(data: unknown): void {
    const event = asDingEvent(data);
    if (!event) return;
    const { dingId } = event;
    if (dingId && !items.value.some((item) => item.dingId === dingId)) {
      const heard: MyDingView = {
        dingId,
        noticeId: event.noticeId ?? null,
        title: event.title,
        text: event.text,
        senderName: '',
        createdAt: new Date().toISOString(),
      };
      items.value = [heard, ...items.value];
    }
    void myDings.refresh();
  },

  async acknowledge(dingId: string): Promise<void> {
    await dingApi.acknowledge(dingId);
    items.value = items.value.filter((item) => item.dingId !== dingId);
  },

  /** Signed out: nothing of the last member's stays. */
  clear(): void {
    request?.abort();
    items.value = [];
  },
};
