import type { CheckInRequest, CheckInView } from '@lianxin/shared';
import { computed, shallowRef } from 'vue';
import { session } from '@/features/identity/session';
import { ApiError, ClientErrorCode } from '@/lib/http';
import { errorMessage } from '@/lib/error-message';
import { attendanceApi } from './attendance-api';
import { photoStore } from './photo-store';

/**
 * Check-ins made without a signal: kept on the phone (localStorage) with their idempotency key and
 * the time the button was pressed, and sent in order when the network is back (an `online` event,
 * the app opening, the page loading), each with `sentAt` = the moment it finally leaves. The key
 * makes a retry of one that did reach the server return the first answer, not a second check-in.
 */

const STORAGE_KEY = 'lianxin.attendance.offline';

export interface QueuedCheckIn {
  /** Whose check-in it is: only they may send it (a phone changes hands). */
  memberId: string;
  request: CheckInRequest;
  /** Its photo waits in the photo store (under the idempotency key) to be uploaded first. */
  photo?: boolean;
}

/** What became of a queued check-in once sent: the server's verdict, or why it refused it. */
export interface SyncOutcome {
  request: CheckInRequest;
  view: CheckInView | null;
  /** The server refused it (a 4xx): it is dropped, with the reason in words. */
  refused: string | null;
}

function read(): QueuedCheckIn[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as QueuedCheckIn[]).filter((entry) => entry && typeof entry.memberId === 'string' && entry.request) : [];
  } catch (error) {
    console.warn('离线打卡记录无法读取', error);
    return [];
  }
}

const all = shallowRef<QueuedCheckIn[]>(read());
const outcomes = shallowRef<SyncOutcome[]>([]);
const syncing = shallowRef(false);
const listeners = new Set<(outcome: SyncOutcome) => void>();

function write(entries: QueuedCheckIn[]): void {
  all.value = entries;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(entries));
  } catch (error) {
    // Storage full or blocked (private mode): the queue still lives until the page closes.
    console.warn('离线打卡记录无法保存', error);
  }
}

/** No answer at all, or no answer in time: the request may be tried again later with the same key. */
export function isOffline(error: unknown): boolean {
  return error instanceof ApiError && (error.code === ClientErrorCode.Network || error.code === ClientErrorCode.Timeout);
}

/** Worth trying later: no network, a server having trouble, or a session to renew first. */
function retryLater(error: unknown): boolean {
  return !(error instanceof ApiError) || isOffline(error) || error.status === 401 || error.status === 429 || error.status >= 500;
}

/** Uploads a kept photo and records its id on the queued check-in, so a later retry does not upload it again. */
async function uploadPhotoOf(entry: QueuedCheckIn): Promise<CheckInRequest> {
  const key = entry.request.idempotencyKey;
  const photo = await photoStore.get(key).catch(() => null);
  if (!photo) throw new ApiError(400, ClientErrorCode.BadResponse, '离线保存的照片已丢失，请重新外勤打卡');
  const uploaded = await attendanceApi.uploadPhoto(photo);
  const request = { ...entry.request, photoId: uploaded.id };
  write(all.value.map((e) => (e.request.idempotencyKey === key ? { memberId: e.memberId, request } : e)));
  return request;
}

let flushing: Promise<void> | null = null;

async function sendAll(): Promise<void> {
  const me = session.member.value?.id;
  if (!me) return;
  syncing.value = true;
  try {
    for (;;) {
      const next = all.value.find((entry) => entry.memberId === me);
      if (!next) return;
      const key = next.request.idempotencyKey;
      let outcome: SyncOutcome;
      try {
        const request = next.photo ? await uploadPhotoOf(next) : next.request;
        const view = await attendanceApi.checkIn({ ...request, sentAt: new Date().toISOString() });
        outcome = { request, view, refused: null };
      } catch (error) {
        if (retryLater(error)) return;
        outcome = { request: next.request, view: null, refused: errorMessage(error) };
      }
      if (next.photo || outcome.request.photoId) void photoStore.remove(key).catch((error: unknown) => console.warn('离线照片清理失败', error));
      write(all.value.filter((entry) => entry.request.idempotencyKey !== next.request.idempotencyKey));
      outcomes.value = [outcome, ...outcomes.value].slice(0, 20);
      for (const listener of listeners) listener(outcome);
    }
  } finally {
    syncing.value = false;
  }
}

let started = false;

export const offlineQueue = {
  /** The signed-in member's check-ins waiting for the network, oldest first. */
  items: computed(() => {
    const me = session.member.value?.id;
    return all.value.filter((entry) => entry.memberId === me).map((entry) => entry.request);
  }),
  /** What the queue sent lately (newest first), for the page to show the verdicts. */
  outcomes: computed(() => outcomes.value),
  syncing: computed(() => syncing.value),

  /** Keeps a check-in that could not be sent, with its photo when it has one not yet uploaded. */
  async add(memberId: string, request: CheckInRequest, photo?: Blob): Promise<void> {
    if (all.value.some((entry) => entry.request.idempotencyKey === request.idempotencyKey)) return;
    if (photo) await photoStore.put(request.idempotencyKey, photo);
    write([...all.value, { memberId, request, ...(photo ? { photo: true } : {}) }]);
  },

  /** Sends what is waiting, in order; stops at the first that cannot get through. One run at a time. */
  flush(): Promise<void> {
    if (typeof navigator !== 'undefined' && navigator.onLine === false) return Promise.resolve();
    flushing ??= sendAll().finally(() => {
      flushing = null;
    });
    return flushing;
  },

  /** Calls `listener` with each check-in the queue gets an answer for; returns the unsubscribe function. */
  onOutcome(listener: (outcome: SyncOutcome) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },

  /** Sends now and whenever the network comes back or the app returns to the front; safe to call again. */
  start(): void {
    void offlineQueue.flush();
    if (started) return;
    started = true;
    window.addEventListener('online', () => void offlineQueue.flush());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void offlineQueue.flush();
    });
  },
};

/** A fresh idempotency key (older web views lack crypto.randomUUID). */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
