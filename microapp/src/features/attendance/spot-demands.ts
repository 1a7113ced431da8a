import { SpotTargetStatus, type SpotDemandView } from '@lianxin/shared';
import { computed, shallowRef } from 'vue';
import { attendanceApi } from './attendance-api';
import { serverClock } from './clock';

const items = shallowRef<SpotDemandView[]>([]);
let request: AbortController | null = null;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A `spotcheck.demand` payload, or null when it is not one (the stream is text from the network). */
export function asSpotDemand(data: unknown): SpotDemandView | null {
  if (!isRecord(data) || typeof data.spotCheckId !== 'string' || typeof data.deadline !== 'string' || !isRecord(data.by)) return null;
  const by = data.by;
  const p = isRecord(data.place) ? data.place : null;
  const place =
    p && typeof p.id === 'string' && typeof p.latitude === 'number' && typeof p.longitude === 'number' && typeof p.radius === 'number'
      ? { id: p.id, name: String(p.name ?? ''), latitude: p.latitude, longitude: p.longitude, radius: p.radius, bssids: Array.isArray(p.bssids) ? p.bssids.map(String) : [] }
      : null;
  // The countdown runs on the server's clock.
  if (typeof data.serverTime === 'string') serverClock.sync(data.serverTime);
  const status = Object.values(SpotTargetStatus).find((value) => value === data.status) ?? SpotTargetStatus.Pending;
  return {
    spotCheckId: data.spotCheckId,
    by: { id: String(by.id ?? ''), name: String(by.name ?? ''), title: typeof by.title === 'string' ? by.title : null },
    reason: typeof data.reason === 'string' ? data.reason : '',
    deadline: data.deadline,
    place,
    status,
    serverTime: typeof data.serverTime === 'string' ? data.serverTime : new Date().toISOString(),
  };
}

/**
 * The spot checks waiting for the signed-in member's answer: asked for when the app opens and
 * comes back to the front, added to at once by a live `spotcheck.demand`.
 */
export const spotDemands = {
  items: computed(() => items.value),
  pending: computed(() => items.value.filter((item) => item.status === SpotTargetStatus.Pending)),

  find(spotCheckId: string): SpotDemandView | null {
    return items.value.find((item) => item.spotCheckId === spotCheckId) ?? null;
  },

  /** Asks the server; a failure keeps what is shown. */
  async refresh(): Promise<void> {
    request?.abort();
    const mine = new AbortController();
    request = mine;
    try {
      const fresh = await attendanceApi.myDemands(mine.signal);
      if (fresh[0]) serverClock.sync(fresh[0].serverTime);
      // A demand heard live a moment ago stays even if this answer was read just before it.
      const heard = items.value.filter((item) => item.status === SpotTargetStatus.Pending && !fresh.some((f) => f.spotCheckId === item.spotCheckId) && Date.parse(item.deadline) > Date.now());
      items.value = [...fresh, ...heard];
    } catch (error) {
      if (!mine.signal.aborted) console.warn('抽查任务获取失败', error);
    }
  },

  /** The page also sets what it learned from MyAttendanceView. */
  merge(demands: readonly SpotDemandView[]): void {
    const rest = items.value.filter((item) => !demands.some((d) => d.spotCheckId === item.spotCheckId));
    items.value = [...demands, ...rest];
  },

  heard(data: unknown): void {
    const demand = asSpotDemand(data);
    if (!demand) return;
    items.value = [demand, ...items.value.filter((item) => item.spotCheckId !== demand.spotCheckId)];
  },

  /** Answered (or judged): no longer waiting. */
  settle(spotCheckId: string, status: SpotTargetStatus): void {
    items.value = items.value.map((item) => (item.spotCheckId === spotCheckId ? { ...item, status } : item));
  },

  clear(): void {
    request?.abort();
    items.value = [];
  },
};
