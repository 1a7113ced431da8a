import { onBeforeUnmount, onMounted, shallowRef, type ShallowRef } from 'vue';

/** How far the server's clock is ahead of the phone's, in ms (phones are often minutes off). */
let offsetMs = 0;

/** The server's time, as the phone best knows it: deadlines and the 打卡 clock follow it. */
export const serverClock = {
  /** Takes the server's `serverTime`, read just now. */
  sync(serverTime: string): void {
    const server = Date.parse(serverTime);
    if (Number.isFinite(server)) offsetMs = server - Date.now();
  },
  now(): Date {
    return new Date(Date.now() + offsetMs);
  },
};

/** The server's time, ticking every `everyMs` while the component is mounted. */
export function useNow(everyMs = 1000): ShallowRef<Date> {
  const now = shallowRef(serverClock.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => {
    timer = setInterval(() => {
      now.value = serverClock.now();
    }, everyMs);
  });
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
