import { LiveEventType } from '@lianxin/shared';
import { computed, ref } from 'vue';
import { onLiveEvent } from '@/features/live/live-connection';
import { noticesApi } from './notices-api';

/** The API has no unread count: one page of unread notices is read, and a full page shows as 99+. */
const PROBE = 100;
const SHOWN = 99;

const count = ref(0);
const more = ref(false);
let pending: Promise<void> | null = null;

/**
 * How many notices the signed-in member has not read, for the badges on the workbench tile, the
 * 工作台 tab and the inbox tab. A new notice adds one at once; opening an unread one takes one off.
 */
export const unreadNotices = {
  count: computed(() => count.value),
  /** '' when there is nothing unread; '99+' past what one probe can count. */
  badge: computed(() => (count.value === 0 ? '' : more.value || count.value > SHOWN ? `${SHOWN}+` : String(count.value))),

  /** Asks the server again; failures keep the last count (a badge is not worth an error toast). */
  refresh(): Promise<void> {
    pending ??= noticesApi
      .list('inbox', { unreadOnly: true, limit: PROBE })
      .then(
        (page) => {
          count.value = page.items.length;
          more.value = page.nextCursor !== null;
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
    if (count.value > 0 && !more.value) count.value -= 1;
    else if (more.value) void unreadNotices.refresh();
  },
};

onLiveEvent((event) => {
  if (event.type === LiveEventType.NoticeNew) count.value += 1;
});
