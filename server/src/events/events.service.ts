import { Inject, Injectable, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { LiveEventType, type LiveEvent } from '@lianxin/shared';
import { interval, map, merge, Observable, Subject, takeUntil } from 'rxjs';
import { EVENT_BUS, type EventBus } from './event-bus.js';

export interface SseMessage {
  type: string;
  data: unknown;
  id?: string;
}

export const HEARTBEAT_MS = 25_000;
/** Member ids per bus message: 150 uuids plus a small event stay well under NOTIFY's 8,000 bytes. */
const PUBLISH_CHUNK = 150;

/** Fans bus messages out to each signed-in member's open event streams. */
@Injectable()
export class EventsService implements OnModuleDestroy, OnApplicationShutdown {
  private readonly streams = new Map<string, Set<Subject<LiveEvent>>>();
  private readonly shutdown$ = new Subject<void>();
  private readonly unsubscribe: () => void;

  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {
    this.unsubscribe = bus.subscribe((m) => {
      for (const id of m.memberIds) this.streams.get(id)?.forEach((s) => s.next(m.event));
    });
  }

  /**
   * Sends an event to members, on whichever instance holds their streams. Ids go out in chunks small
   * enough for one NOTIFY each, so any audience size works (a county-wide notice reaches tens of thousands).
   */
  async publish(memberIds: string[], event: LiveEvent): Promise<void> {
    for (let i = 0; i < memberIds.length; i += PUBLISH_CHUNK) await this.bus.publish({ memberIds: memberIds.slice(i, i + PUBLISH_CHUNK), event });
  }

  /** A member's stream: a hello, then their events, and a ping every 25 s to keep proxies open. */
  stream(memberId: string, heartbeatMs = HEARTBEAT_MS): Observable<SseMessage> {
    return new Observable<SseMessage>((subscriber) => {
      const subject = new Subject<LiveEvent>();
      let set = this.streams.get(memberId);
      if (!set) this.streams.set(memberId, (set = new Set()));
      set.add(subject);
      const sub = merge(
        subject.pipe(map((e) => ({ type: e.type, data: e.data }))),
        interval(heartbeatMs).pipe(map(() => ({ type: LiveEventType.Ping, data: { at: new Date().toISOString() } }))),
      )
        .pipe(takeUntil(this.shutdown$))
        .subscribe(subscriber);
      subscriber.next({ type: LiveEventType.Hello, data: { memberId, at: new Date().toISOString() } });
      return () => {
        sub.unsubscribe();
        set!.delete(subject);
        if (set!.size === 0) this.streams.delete(memberId);
      };
    });
  }

  /** Number of open streams, for /metrics. */
  openStreams(): number {
    let n = 0;
    this.streams.forEach((s) => (n += s.size));
    return n;
  }

  /** Ends every open stream so the HTTP server can close. */
  onModuleDestroy(): void {
    this.shutdown$.next();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe();
    await this.bus.close();
  }
}
