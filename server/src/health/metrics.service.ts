import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type pg from 'pg';
import { PG_POOL } from '../database/database.module.js';
import { EventsService } from '../events/events.service.js';
import { JobsService } from '../jobs/jobs.service.js';

/** Prometheus metrics of this instance: HTTP latency, the database pool, job queues, open streams. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly http: Histogram<'method' | 'route' | 'status'>;

  constructor(@Inject(PG_POOL) pool: pg.Pool, jobs: JobsService, events: EventsService) {
    collectDefaultMetrics({ register: this.registry, prefix: 'lianxin_' });
    this.http = new Histogram({
      name: 'lianxin_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    new Gauge({
      name: 'lianxin_db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    new Gauge({
      name: 'lianxin_job_queue_jobs',
      help: 'Jobs per queue by state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const q of await jobs.counts().catch(() => [])) {
          this.set({ queue: q.name, state: 'queued' }, q.queued);
          this.set({ queue: q.name, state: 'active' }, q.active);
        }
      },
    });
    new Gauge({
      name: 'lianxin_sse_streams',
      help: 'Open server-sent event streams',
      registers: [this.registry],
      collect() {
        this.set(events.openStreams());
      },
    });
  }
}
