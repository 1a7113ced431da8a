import type { Page } from '@lianxin/shared';
import { computed, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { errorMessage } from './error-message';

export type PageFetcher<T> = (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>;

export interface PagedList<T> {
  items: ShallowRef<readonly T[]>;
  /** A page is on its way (bound to van-list's v-model:loading). */
  loading: Ref<boolean>;
  /** The last page has arrived. */
  finished: Ref<boolean>;
  /** The last request failed (bound to van-list's v-model:error; tapping the error text retries). */
  failed: Ref<boolean>;
  /** What went wrong, in words, when `failed`. */
  failure: Ref<string>;
  /** The first page has arrived (before that, an empty list means "loading", not "none"). */
  loaded: Ref<boolean>;
  /** Nothing at all: loaded, finished and empty. */
  empty: Ref<boolean>;
  loadMore(): Promise<void>;
  /**
   * Fetches the first page again and, once it is here, shows it in place of what was loaded
   * (pull to refresh: the old rows stay on screen meanwhile). Rejects when the fetch fails.
   */
  reload(): Promise<void>;
  /** Forgets everything (a new query); an answer still on its way is ignored. */
  reset(): void;
}

/** A cursor-paginated list for van-list: pages appended in order, stale answers dropped after a reset. */
export function usePagedList<T>(fetchPage: PageFetcher<T>): PagedList<T> {
  const items = shallowRef<readonly T[]>([]);
  const loading = ref(false);
  const finished = ref(false);
  const failed = ref(false);
  const failure = ref('');
  const loaded = ref(false);
  let cursor: string | null = null;
  let controller: AbortController | null = null;
  let generation = 0;
  let inFlight = false;

  async function loadMore(): Promise<void> {
    if (finished.value || inFlight) return;
    const mine = ++generation;
    inFlight = true;
    loading.value = true;
    failed.value = false;
    controller = new AbortController();
    try {
      const page = await fetchPage(cursor, controller.signal);
      if (mine !== generation) return;
      items.value = [...items.value, ...page.items];
      cursor = page.nextCursor;
      finished.value = page.nextCursor === null;
      loaded.value = true;
    } catch (error) {
      if (mine !== generation) return;
      failure.value = errorMessage(error);
      failed.value = true;
    } finally {
      if (mine === generation) {
        inFlight = false;
        loading.value = false;
      }
    }
  }

  async function reload(): Promise<void> {
    const mine = ++generation;
    controller?.abort();
    controller = new AbortController();
    inFlight = true;
    try {
      const page = await fetchPage(null, controller.signal);
      if (mine !== generation) return;
      items.value = page.items;
      cursor = page.nextCursor;
      finished.value = page.nextCursor === null;
      failed.value = false;
      loaded.value = true;
    } finally {
      if (mine === generation) {
        inFlight = false;
        loading.value = false;
      }
    }
  }

  function reset(): void {
    generation++;
    inFlight = false;
    controller?.abort();
    controller = null;
    items.value = [];
    cursor = null;
    loading.value = false;
    finished.value = false;
    failed.value = false;
    failure.value = '';
    loaded.value = false;
  }

  const empty = computed(() => loaded.value && finished.value && items.value.length === 0);
  return { items, loading, finished, failed, failure, loaded, empty, loadMore, reload, reset };
}
