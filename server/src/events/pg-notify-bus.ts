import { Logger } from '@nestjs/common';
import pg from 'pg';
import { MAX_NOTIFY_BYTES, NOTIFY_CHANNEL, type BusMessage, type EventBus } from './event-bus.js';

/**
 * The bus for server mode: NOTIFY through the shared pool, LISTEN on one dedicated connection per
 * instance, so every instance (this one included) hears every event. Reconnects with backoff.
 */
export class PgNotifyBus implements EventBus {
  private readonly logger = new Logger('PgNotifyBus');
  private readonly handlers = new Set<(m: BusMessage) => void>();
  private client: pg.Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
  ) {}

  static async start(url: string, pool: pg.Pool): Promise<PgNotifyBus> {
    const bus = new PgNotifyBus(url, pool);
    await bus.connect();
    return bus;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'lianxin-events', keepAlive: true });
    client.on('notification', (n) => this.dispatch(n.payload));
    client.on('error', (err) => {
      this.logger.warn({ err }, 'event listener connection lost');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    this.client = client;
  }

  private reconnect(old: pg.Client, delayMs = 1000): void {
    if (this.closed || this.client !== old || this.retryTimer) return;
    this.client = null;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().catch((err) => {
        this.logger.warn({ err }, 'event listener reconnect failed');
        this.client = old;
        this.reconnect(old, Math.min(delayMs * 2, 30_000));
      });
    }, delayMs);
  }

  private dispatch(payload: string | undefined): void {
    if (!payload) return;
    let message: BusMessage;
    try {
      message = JSON.parse(payload) as BusMessage;
    } catch (err) {
      this.logger.warn({ err }, 'unreadable event payload');
      return;
    }
    this.handlers.forEach((h) => h(message));
  }

  async publish(message: BusMessage): Promise<void> {
    const payload = JSON.stringify(message);
    if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES) {
      throw new Error(`event payload of ${Buffer.byteLength(payload)} bytes exceeds the NOTIFY limit; publish ids, not data`);
    }
    await this.pool.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, payload]);
  }

  subscribe(handler: (m: BusMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.handlers.clear();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
