import { ref, type Ref } from 'vue';
import type { LoadPhase } from '@/components/load-state.vue';
import { errorMessage } from '@/lib/error-message';
import { isNotThere } from './org-api';

export interface Load {
  state: Ref<LoadPhase>;
  /** What went wrong, in words, when `failed`. */
  failure: Ref<string>;
  /** Not found or out of the caller's scope: retrying will not help. */
  missing: Ref<boolean>;
  /** (Re)loads; a load still on its way is cancelled. */
  load(): Promise<void>;
  /** Cancels a load on its way (leaving the page). */
  abort(): void;
}

/** One thing a page loads in full (a member card, a unit, the tree's top), for LoadState to show. */
export function useLoad(work: (signal: AbortSignal) => Promise<void>): Load {
  const state = ref<LoadPhase>('loading');
  const failure = ref('');
  const missing = ref(false);
  let request: AbortController | null = null;

  async function load(): Promise<void> {
    request?.abort();
    request = new AbortController();
    const signal = request.signal;
    state.value = 'loading';
    try {
      await work(signal);
      state.value = 'ready';
    } catch (error) {
      if (signal.aborted) return;
      failure.value = errorMessage(error);
      missing.value = isNotThere(error);
      state.value = 'failed';
    }
  }

  return { state, failure, missing, load, abort: () => request?.abort() };
}
