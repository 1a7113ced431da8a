import type { LiveEvent } from '@lianxin/shared';
import { ApiPaths, LiveEventType } from '@lianxin/shared';
import { readonly, ref } from 'vue';
import { http } from '@/lib/http';

/** idle: not started (signed out) · connecting · open: events flow · offline: lost, retrying. */
export type LiveStatus = 'idle' | 'connecting' | 'open' | 'offline';

type Listener = (event: LiveEvent) => void;

/** The server pings every 25 s; two missed pings mean the stream is dead even if the socket is not. */
const SILENCE_LIMIT_MS = 60_000;
const MAX_RETRY_MS = 60_000;

const status = ref<LiveStatus>('idle');
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let silenceTimer: ReturnType<typeof setTimeout> | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retryDelay = 2_000;

export const liveStatus = readonly(status);

/** Subscribes to the live events of the signed-in member; returns the unsubscribe function. */
export function onLiveEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function heard(): void {
  status.value = 'open';
  retryDelay = 2_000;
  clearTimeout(silenceTimer);
  silenceTimer = setTimeout(() => reconnect(), SILENCE_LIMIT_MS);
}

function dispatch(type: LiveEvent['type'], message: MessageEvent<string>): void {
  heard();
  let data: unknown = null;
  try {
    data = message.data ? JSON.parse(message.data) : null;
  } catch {
    data = message.data; // keep a non-JSON payload as text rather than dropping the event
  }
  for (const listener of listeners) listener({ type, data });
}

function reconnect(): void {
  closeSource();
  status.value = 'offline';
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => {
    // A closed stream is often an expired token: /me answers 401 and the app signs out.
    http.get(ApiPaths.me).then(
      () => connectLive(),
      () => {
        if (http.eventStreamUrl()) reconnect();
      },
    );
  }, retryDelay);
  retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
}

function closeSource(): void {
  clearTimeout(silenceTimer);
  source?.close();
  source = null;
}

/** Opens the stream for the signed-in member; safe to call again. */
export function connectLive(): void {
  if (source) return;
  const url = http.eventStreamUrl();
  if (!url) return;
  status.value = 'connecting';
  source = new EventSource(url);
  source.onopen = () => heard();
  source.onerror = () => {
    // EventSource retries by itself while CONNECTING; CLOSED means it gave up (e.g. a 401).
    if (source?.readyState === EventSource.CLOSED) reconnect();
    else status.value = 'connecting';
  };
  for (const type of Object.values(LiveEventType)) {
    source.addEventListener(type, (message) => dispatch(type, message as MessageEvent<string>));
  }
}

export function disconnectLive(): void {
  clearTimeout(retryTimer);
  closeSource();
  status.value = 'idle';
}
