import { ErrorCode } from '@lianxin/shared';
import { ref, type Ref } from 'vue';
import type { LoadPhase } from '@/components/load-state.vue';
import { ApiError } from './api-error';
import { errorMessage } from './error-message';

const NOT_THERE: ReadonlySet<string> = new Set([
  ErrorCode.OrgUnitNotFound,
  ErrorCode.OrgMemberNotFound,
  ErrorCode.NoticeNotFound,
  ErrorCode.SpotCheckNotFound,
  ErrorCode.AttendanceRequestNotFound,
  ErrorCode.NotFound,
  ErrorCode.ValidationFailed,
]);

/** The thing does not exist, is out of the caller's scope, or the id is malformed: retrying will not help. */
export function isNotThere(error: unknown): boolean {
  return error instanceof ApiError && NOT_THERE.has(error.code);
}

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

/**
 * One thing a page loads in full (a member card, a unit, a notice), for LoadState to show. `initial`
 * is 'ready' for a part that shows what the page already has until it is asked to load again.
 */
export function useLoad(work: (signal: AbortSignal) => Promise<void>, initial: LoadPhase = 'loading'): Load {
  const state = ref<LoadPhase>(initial);
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
