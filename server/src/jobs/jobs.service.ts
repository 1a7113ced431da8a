import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PgBoss, type WorkHandlerFor, type WorkOptions } from 'pg-boss';
import type pg from 'pg';
import type { EntityManager } from 'typeorm';
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
  private markStarted!: () => void;
  /** Resolves once pg-boss has started: modules create their queues and workers after it. */
  readonly ready = new Promise<void>((resolve) => (this.markStarted = resolve));

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
    this.markStarted();
  }

  /**
   * Creates a queue and starts its workers once pg-boss runs: what every module does at bootstrap.
   */
  async worker<T extends object, const O extends WorkOptions = WorkOptions>(queue: string, options: O, handler: WorkHandlerFor<O, T>): Promise<void> {
    await this.ready;
    await this.boss.createQueue(queue);
    await this.boss.work<T, unknown, O>(queue, options, handler);
  }

  /**
   * pg-boss options that send jobs through the caller's TypeORM transaction: the jobs exist exactly
   * when the rows they work on do (a crash between commit and enqueue cannot lose them).
   */
  within(tx: EntityManager): { db: { executeSql: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }> } } {
    const client = (tx.queryRunner as unknown as { databaseConnection: pg.PoolClient } | undefined)?.databaseConnection;
    if (!client) throw new Error('JobsService.within needs an EntityManager inside a transaction');
    return { db: { executeSql: (text, values) => client.query(text, values as unknown[]) } };
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
