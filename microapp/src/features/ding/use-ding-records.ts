import type { DingView } from '@lianxin/shared';
import { computed, onBeforeUnmount, ref, shallowRef, type Ref } from 'vue';
import { errorMessage } from '@/lib/error-message';
import { dingApi } from './ding-api';
import { stillSending } from './ding-labels';

/** While any delivery is still on its way, how often to look again. */
const POLL_MS = 3_000;

/**
 * The DINGs of a notice (提醒记录), kept fresh while any of their deliveries is still queued, being
 * sent or waiting to retry, and stopped when the page goes.
 */
export function useDingRecords(noticeId: Ref<string>) {
  const dings = shallowRef<DingView[]>([]);
  /** Why the last load failed ('' when it did not). */
  const failure = ref('');
  const sending = computed(() => dings.value.some((ding) => stillSending(ding) > 0));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let request: AbortController | null = null;

  function schedule(): void {
    clearTimeout(timer);
    if (!sending.value) return;
    timer = setTimeout(() => {
      if (document.visibilityState === 'visible') void load();
      else schedule();
    }, POLL_MS);
  }

  async function load(): Promise<void> {
    request?.abort();
    const mine = new AbortController();
    request = mine;
    try {
      dings.value = await dingApi.forNotice(noticeId.value, mine.signal);
      failure.value = '';
    } catch (error) {
      if (mine.signal.aborted) return;
      failure.value = errorMessage(error);
    }
    schedule();
  }

  /** A DING just sent here: shown at once, then followed until it settles. */
  function add(ding: DingView): void {
    dings.value = [ding, ...dings.value.filter((known) => known.id !== ding.id)];
    schedule();
  }

  function clear(): void {
    request?.abort();
    clearTimeout(timer);
    dings.value = [];
    failure.value = '';
  }

  onBeforeUnmount(clear);
  return { dings, failure, sending, load, add, clear };
}
