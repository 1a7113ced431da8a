import { LiveEventType } from '@lianxin/shared';
import { computed, ref } from 'vue';
import { onLiveEvent } from '@/features/live/live-connection';
import { noticesApi } from './notices-api';

/** Badges show up to 99, then 99+. */
const SHOWN = 99;

const count = ref(0);
let pending: Promise<void> | null = null;

/**
 * How many notices the signed-in member has not read, for the badges on the workbench tile, the
 * 工作台 tab and the inbox tab. A new notice adds one at once; opening an unread one takes one off.
 */
export const unreadNotices = {
  count: computed(() => count.value),
  /** '' when there is nothing unread. */
  badge: computed(() => (count.value === 0 ? '' : count.value > SHOWN ? `${SHOWN}+` : String(count.value))),

  /** Asks the server again; failures keep the last count (a badge is not worth an error toast). */
  refresh(): Promise<void> {
    pending ??= noticesApi
      .unreadCount()
      .then(
        (unread) => {
          count.value = unread;
        },
        (error: unknown) => console.warn('未读通知数获取失败', error),
      )
      .finally(() => {
        pending = null;
      });
    return pending;
  },

  /** One notice was read here. */
  markedRead(): void {
    if (count.value > 0) count.value -= 1;
  },
};

onLiveEvent((event) => {
  if (event.type === LiveEventType.NoticeNew) count.value += 1;
});
