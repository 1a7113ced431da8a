import type { LiveEventType } from '@lianxin/shared';
import { onBeforeUnmount, onMounted } from 'vue';
import { connectLive, onLiveEvent } from './live-connection';

/**
 * Calls `handler` with each live event of `type` while the component is mounted. Opens the stream
 * if it is not open yet: pages outside the tab bar (a notice opened from a link) need it too.
 */
export function useLiveEvent(type: LiveEventType, handler: (data: unknown) => void): void {
  let stop: (() => void) | null = null;
  onMounted(() => {
    stop = onLiveEvent((event) => {
      if (event.type === type) handler(event.data);
    });
    connectLive();
  });
  onBeforeUnmount(() => stop?.());
}
