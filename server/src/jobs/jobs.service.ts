import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PgBoss } from 'pg-boss';
import type pg from 'pg';
import { PG_POOL } from '../database/database.module.js';
import { RUNTIME, type Runtime } from '../runtime.js';

export interface QueueCounts {
  name: string;
  queued: number;
  active: number;
}

/**
 * Durable jobs on pg-boss, in the same PostgreSQL. In embedded mode pg-boss runs its SQL on the
 * app's single connection (PGlite is one session); on a server it keeps a small pool of its own.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  readonly boss: PgBoss;
  private started = false;

  constructor(@Inject(RUNTIME) runtime: Runtime, @Inject(PG_POOL) pool: pg.Pool) {
    const common = { schema: 'pgboss', application_name: 'lianxin-jobs' } as const;
    this.boss = runtime.database.embedded
      ? new PgBoss({ ...common, backend: 'pglite', db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values as unknown[]) } })
      : new PgBoss({ ...common, connectionString: runtime.database.url, max: 3 });
    this.boss.on('error', (err: unknown) => this.logger.error({ err }, 'job queue error'));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.boss.start();
    this.started = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, timeout: 10_000, close: true });
  }

  /** Queue sizes for /metrics. */
  async counts(): Promise<QueueCounts[]> {
    if (!this.started) return [];
    const queues = await this.boss.getQueues();
    return queues.map((q) => ({ name: q.name, queued: q.queuedCount ?? 0, active: q.activeCount ?? 0 }));
  }
}
