import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { AuditCheckpointFile, AuditCheckpointView } from '@lianxin/shared';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PG_POOL } from '../database/database.module.js';
import { JobsService } from '../jobs/jobs.service.js';
import { chainAnchors, checkpointPayload, ZERO_HASH } from './domain/chain.js';
import { ANCHOR_LOCK_KEY } from './audit.sql.js';
import { AUDIT_SIGNER, type AuditSigner } from './signing-key.js';

export const ANCHOR_QUEUE = 'audit.anchor';
export const CHECKPOINT_QUEUE = 'audit.checkpoint';
/** Heads anchored per transaction: their rows stay locked (appends to them wait) until it commits. */
const ANCHOR_BATCH = 5_000;

export interface CheckpointRow {
  id: string;
  position: string;
  hash: string;
  signed_at: Date;
  payload: string;
  signature: string;
  public_key: string;
}

export const toCheckpointView = (r: CheckpointRow): AuditCheckpointView => ({
  id: r.id,
  position: Number(r.position),
  hash: r.hash,
  signedAt: r.signed_at.toISOString(),
  signature: r.signature,
  payload: r.payload,
  publicKey: r.public_key,
});

/**
 * The global chain and its signed checkpoints.
 *
 * Anchoring: every instance whose head moved since it was last anchored gets an anchor
 * (instance_id, seq, instance_hash) appended to audit_anchor, each linked to the one before. It runs
 * every few seconds in each server (AUDIT_ANCHOR_INTERVAL_SECONDS), every minute as a pg-boss job,
 * and before each checkpoint; an advisory lock makes the passes of all servers take turns.
 *
 * Checkpoints: the anchor chain's head (position, hash) signed with the Ed25519 key from outside the
 * database, stored in audit_checkpoint and written to DATA_DIR/audit-checkpoints/<chain id>/ — every
 * day at 01:00 China time, and when an auditor asks (POST /audit/checkpoints).
 */
@Injectable()
export class AuditAnchorService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditAnchor');
  private chain: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(AUDIT_SIGNER) private readonly signer: AuditSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.pool.query(`INSERT INTO audit_chain (one, chain_id) VALUES (1, $1) ON CONFLICT (one) DO NOTHING`, [randomUUID()]);
    this.chain = (await this.pool.query<{ chain_id: string }>(`SELECT chain_id FROM audit_chain`)).rows[0].chain_id;
    if (this.signer.source === 'file' && this.config.databaseUrl) {
      this.logger.warn(
        { dataDir: this.config.dataDir },
        'audit checkpoints are signed with a key generated in DATA_DIR: keep that folder, or set AUDIT_SIGNING_KEY (every server must use the same key)',
      );
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.syncFiles().catch((err) => this.logger.error({ err }, 'could not write the checkpoint files'));
    await this.jobs.worker(ANCHOR_QUEUE, { batchSize: 1 }, async () => {
      await this.anchorPending(false);
    });
    await this.jobs.worker(CHECKPOINT_QUEUE, { batchSize: 1 }, async () => {
      const { view, created } = await this.checkpoint();
      this.logger.log({ position: view.position, created }, 'daily audit checkpoint');
    });
    await this.jobs.boss.schedule(ANCHOR_QUEUE, '* * * * *', {});
    await this.jobs.boss.schedule(CHECKPOINT_QUEUE, '0 1 * * *', {}, { tz: 'Asia/Shanghai' });
    const seconds = this.config.audit.anchorIntervalSeconds;
    if (seconds > 0) {
      this.timer = setInterval(() => void this.tick(), seconds * 1000);
      this.timer.unref();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** This database's chain id (names the checkpoint folder, signed into each checkpoint). */
  get chainId(): string {
    if (!this.chain) throw new Error('audit chain not initialised');
    return this.chain;
  }

  /** Folder of this chain's checkpoint files. */
  get checkpointDir(): string {
    return join(this.config.dataDir, 'audit-checkpoints', this.chainId);
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    const run = this.anchorPending(false).catch((err) => this.logger.error({ err }, 'anchoring failed'));
    this.running = run;
    try {
      await run;
    } finally {
      this.running = null;
    }
  }

  /**
   * Anchors every head that moved since it was last anchored, in batches. `wait`: wait for another
   * server's pass to finish (before a checkpoint) rather than leave the work to it. Heads locked by an
   * append in progress are left for the next pass. Returns how many anchors were appended.
   */
  async anchorPending(wait: boolean): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.transaction(async (c) => {
        const { rows: [lock] } = await c.query<{ ok: boolean }>(
          wait ? `SELECT true AS ok FROM pg_advisory_xact_lock($1)` : `SELECT pg_try_advisory_xact_lock($1) AS ok`,
          [ANCHOR_LOCK_KEY],
        );
        if (!lock.ok) return 0;
        const { rows: heads } = await c.query<{ instance_id: string; seq: number; hash: string }>(
          `SELECT instance_id, seq, hash FROM audit_head WHERE seq > anchored_seq ORDER BY updated_at, instance_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [ANCHOR_BATCH],
        );
        if (heads.length === 0) return 0;
        const { rows: [last] } = await c.query<{ position: string; hash: string }>(`SELECT position, hash FROM audit_anchor ORDER BY position DESC LIMIT 1`);
        const anchors = chainAnchors(
          last ? { position: Number(last.position), hash: last.hash } : { position: 0, hash: ZERO_HASH },
          heads.map((h) => ({ instanceId: h.instance_id, seq: h.seq, hash: h.hash })),
        );
        await c.query(
          `INSERT INTO audit_anchor (position, instance_id, seq, instance_hash, prev_hash, hash, created_at)
           SELECT p, i, s, ih, ph, h, clock_timestamp() FROM unnest($1::bigint[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[]) AS t(p, i, s, ih, ph, h)`,
          [anchors.map((a) => a.position), anchors.map((a) => a.instanceId), anchors.map((a) => a.seq), anchors.map((a) => a.instanceHash), anchors.map((a) => a.prevHash), anchors.map((a) => a.hash)],
        );
        await c.query(
          `UPDATE audit_head h SET anchored_seq = t.s FROM unnest($1::uuid[], $2::int[]) AS t(i, s) WHERE h.instance_id = t.i`,
          [heads.map((h) => h.instance_id), heads.map((h) => h.seq)],
        );
        return heads.length;
      });
      total += n;
      if (n < ANCHOR_BATCH) return total;
    }
  }

  /**
   * Anchors what moved, then signs the anchor chain's head. When nothing was anchored since the last
   * checkpoint, that one is the answer (`created: false`).
   */
  async checkpoint(): Promise<{ view: AuditCheckpointView; created: boolean }> {
    await this.anchorPending(true);
    const { row, created } = await this.transaction(async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock($1)`, [ANCHOR_LOCK_KEY]);
      const { rows: [last] } = await c.query<{ position: string; hash: string }>(`SELECT position, hash FROM audit_anchor ORDER BY position DESC LIMIT 1`);
      const position = last ? Number(last.position) : 0;
      const hash = last?.hash ?? ZERO_HASH;
      const { rows: [latest] } = await c.query<CheckpointRow>(`SELECT * FROM audit_checkpoint ORDER BY position DESC LIMIT 1`);
      if (latest && Number(latest.position) === position) return { row: latest, created: false };
      const { rows: [{ now }] } = await c.query<{ now: Date }>(`SELECT date_trunc('milliseconds', clock_timestamp()) AS now`);
      const payload = checkpointPayload({ chainId: this.chainId, position, hash, signedAt: now.toISOString() });
      const signature = this.signer.sign(payload);
      const { rows: [inserted] } = await c.query<CheckpointRow>(
        `INSERT INTO audit_checkpoint (position, hash, signed_at, payload, signature, public_key) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [position, hash, now, payload, signature, this.signer.publicKeyPem],
      );
      return { row: inserted, created: true };
    });
    if (created) {
      this.logger.log({ position: Number(row.position), hash: row.hash }, 'audit checkpoint signed');
      await this.writeFile(row).catch((err) => this.logger.error({ err, position: row.position }, 'could not write the checkpoint file'));
    }
    return { view: toCheckpointView(row), created };
  }

  /** The downloadable file of a checkpoint (the same JSON as in DATA_DIR). */
  fileOf(r: CheckpointRow): AuditCheckpointFile {
    return {
      type: 'lianxin.audit.checkpoint',
      version: 1,
      chainId: this.chainId,
      position: Number(r.position),
      hash: r.hash,
      signedAt: r.signed_at.toISOString(),
      algorithm: 'Ed25519',
      payload: r.payload,
      signature: r.signature,
      publicKey: r.public_key,
    };
  }

  fileName(position: number): string {
    return `checkpoint-${position}.json`;
  }

  /** Every checkpoint file of this chain in DATA_DIR (unreadable ones as their error). */
  async readFiles(): Promise<Array<{ name: string; file: AuditCheckpointFile | null; error?: string }>> {
    let names: string[];
    try {
      names = (await readdir(this.checkpointDir)).filter((n) => /^checkpoint-\d+\.json$/.test(n));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return Promise.all(
      names.map(async (name) => {
        try {
          return { name, file: JSON.parse(await readFile(join(this.checkpointDir, name), 'utf8')) as AuditCheckpointFile };
        } catch (err) {
          return { name, file: null, error: (err as Error).message };
        }
      }),
    );
  }

  /** Writes the files of checkpoints this server's DATA_DIR does not have yet (another server signed them). */
  async syncFiles(): Promise<void> {
    const { rows } = await this.pool.query<CheckpointRow>(`SELECT * FROM audit_checkpoint ORDER BY position`);
    if (rows.length === 0) return;
    const have = new Set((await this.readFiles()).map((f) => f.name));
    for (const r of rows) if (!have.has(this.fileName(Number(r.position)))) await this.writeFile(r);
  }

  private async writeFile(r: CheckpointRow): Promise<void> {
    await mkdir(this.checkpointDir, { recursive: true });
    const name = this.fileName(Number(r.position));
    const tmp = join(this.checkpointDir, `.${name}.${process.pid}.tmp`);
    await writeFile(tmp, JSON.stringify(this.fileOf(r), null, 2) + '\n', { mode: 0o644 });
    await rename(tmp, join(this.checkpointDir, name));
  }

  private async transaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await work(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
}
