import { ref, shallowRef } from 'vue';
import { errorMessage } from '@/lib/error-message';
import { platform, type GeoFix } from '@/platform';

export type FixState = 'idle' | 'locating' | 'ready' | 'failed';

/** A fix older than this is taken again before a check-in is sent. */
export const FIX_FRESH_MS = 30_000;

/**
 * The phone's position and hotspot for the 打卡 page: a fresh fix with its Wi-Fi BSSID, taken when
 * the page opens, on 重新定位, and again before sending when the last one is stale.
 */
export function useFix() {
  const state = ref<FixState>('idle');
  const fix = shallowRef<GeoFix | null>(null);
  const bssid = ref<string | null>(null);
  const failure = ref('');
  let takenAt = 0;
  let running: Promise<GeoFix | null> | null = null;

  async function take(): Promise<GeoFix | null> {
    state.value = 'locating';
    try {
      const [position, hotspot] = await Promise.all([platform().getLocation(), platform().getWifiBssid()]);
      fix.value = position;
      bssid.value = hotspot;
      takenAt = Date.now();
      state.value = 'ready';
      return position;
    } catch (error) {
      failure.value = errorMessage(error);
      state.value = 'failed';
      return null;
    }
  }

  /** Takes a new fix (one at a time); null when it failed (`failure` says why). */
  function locate(): Promise<GeoFix | null> {
    running ??= take().finally(() => {
      running = null;
    });
    return running;
  }

  /** The current fix when fresh enough, else a new one. */
  function fresh(): Promise<GeoFix | null> {
    if (fix.value && state.value === 'ready' && Date.now() - takenAt < FIX_FRESH_MS) return Promise.resolve(fix.value);
    return locate();
  }

  return { state, fix, bssid, failure, locate, fresh };
}
