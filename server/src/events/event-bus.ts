import type { LiveEvent } from '@lianxin/shared';

/** An event on its way to members: who gets it and what it says. Kept small (NOTIFY carries ≤ 8 KB). */
export interface BusMessage {
  memberIds: string[];
  event: LiveEvent;
}

/** Publish/subscribe across every app instance. */
export interface EventBus {
  publish(message: BusMessage): Promise<void>;
  subscribe(handler: (message: BusMessage) => void): () => void;
  close(): Promise<void>;
}

export const EVENT_BUS = Symbol('EVENT_BUS');
export const NOTIFY_CHANNEL = 'lianxin_events';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
export const MAX_NOTIFY_BYTES = 7900;
