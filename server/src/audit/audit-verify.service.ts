import { Inject, Injectable } from '@nestjs/common';
import type { AuditVerifyResult } from '@lianxin/shared';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PG_POOL } from '../database/database.module.js';
import { AuditAnchorService, type CheckpointRow } from './audit-anchor.service.js';
import { anchorHashSql, eventHashSql, ZERO_HASH_SQL } from './audit.sql.js';
import {
  afterCheckpointFinding,
  ANCHOR_DELAY_LIMIT_MS,
  anchorFinding,
  brokenLink,
  checkpointAnchorFinding,
  checkpointRecordFinding,
  checkpointSignatureFinding,
  CLOCK_TOLERANCE_MS,
  firstFinding,
  instanceFinding,
  type AnchorProblem,
  type CheckpointRecord,
  type Finding,
  type InstanceProblem,
} from './domain/verify.js';
import { AUDIT_SIGNER, type AuditSigner } from './signing-key.js';

/** What a pass reports: how many broken links it found, and the first as a sort key ('<instance> <seq> <kind> …'). */
interface PassResult {
  bad: number;
  first: string | null;
}

/**
 * Every event recomputed, in one parallel scan, from its own content and prev_hash. The check is
 * written once in the query (each mention would hash every event again), and the sort key of the
 * first broken one is built only for broken ones; how many there are is counted only when there is one.
 */
const eventBrokenSql = `e.hash <> ${eventHashSql('e')}`;
export const eventsSql = (where: string) => `
  SELECT count(*)::int AS events,
         min(CASE WHEN ${eventBrokenSql} THEN (e.instance_id::text || ' ' || lpad(e.seq::text, 10, '0') || ' hash') COLLATE "C" END) AS first
    FROM approval_event e ${where}`;
const eventsBrokenSql = (where: string) => `
  SELECT count(*)::int AS bad FROM approval_event e ${where ? `${where} AND` : 'WHERE'} ${eventBrokenSql}`;

/** Each head's search fields (template, title, applicant, unit) against what its first event recorded. */
export const headFieldsSql = (one: boolean) => `
  SELECT count(*)::int AS bad, min(h.instance_id::text COLLATE "C") AS first
    FROM audit_head h JOIN approval_event e ON e.instance_id = h.instance_id AND e.seq = 1
   WHERE e.data->'instance' IS DISTINCT FROM jsonb_build_object('templateCode', h.template_code, 'title', h.title, 'applicantId', h.applicant_id, 'unitId', h.unit_id)
     ${one ? 'AND h.instance_id = $1' : ''}`;

/**
 * The links, from the covering index alone in (instance_id, seq) order: seqs 1, 2, 3 … without gaps,
 * each prev_hash the hash before it, and the last event the head — joined (FULL) to the heads, so an
 * instance with events and no head, or a head whose events are all gone, shows too. The same pass
 * holds each anchored event to its anchor: the hash anchored is still its hash, and it was anchored
 * soon after it was written. `$1` is the instance in instance mode.
 */
export const linksSql = (one: boolean) => `
  SELECT count(*) FILTER (WHERE y.is_first)::int AS instances,
         count(*) FILTER (WHERE y.problem IS NOT NULL)::int AS bad,
         min((y.instance_id::text || ' ' || lpad(y.at::text, 10, '0') || ' ' || y.problem || ' ' || coalesce(y.head_seq, -1) || ' ' || coalesce(y.last_seq, -1)) COLLATE "C")
           FILTER (WHERE y.problem IS NOT NULL) AS first,
         count(*) FILTER (WHERE y.anchor_position IS NOT NULL)::int AS anchored,
         count(*) FILTER (WHERE y.anchor_problem IS NOT NULL)::int AS anchor_bad,
         min((lpad(y.anchor_position::text, 19, '0') || ' ' || y.anchor_problem || ' ' || y.instance_id || ' ' || y.last_seq) COLLATE "C")
           FILTER (WHERE y.anchor_problem IS NOT NULL) AS anchor_first
    FROM (
      SELECT coalesce(v.instance_id, h.instance_id) AS instance_id,
             v.seq IS NOT NULL AND v.p_seq IS NULL AS is_first,
             h.seq AS head_seq, v.seq AS last_seq,
             CASE WHEN v.seq IS NULL THEN 'no_events'
                  WHEN v.seq <> coalesce(v.p_seq, 0) + 1 THEN 'missing'
                  WHEN v.prev_hash <> coalesce(v.p_hash, ${ZERO_HASH_SQL}) THEN 'link'
                  WHEN v.n_seq IS NOT NULL THEN NULL
                  WHEN h.instance_id IS NULL THEN 'no_head'
                  WHEN h.seq <> v.seq OR h.hash <> v.hash THEN 'head'
             END AS problem,
             CASE WHEN v.seq IS NULL THEN 1
                  WHEN v.seq <> coalesce(v.p_seq, 0) + 1 THEN coalesce(v.p_seq, 0) + 1
                  WHEN v.n_seq IS NULL AND h.seq < v.seq THEN h.seq + 1
                  WHEN v.n_seq IS NULL AND h.seq > v.seq THEN v.seq + 1
                  ELSE v.seq
             END AS at,
             a.position AS anchor_position,
             CASE WHEN a.position IS NULL THEN NULL
                  WHEN a.instance_hash <> v.hash THEN 'event_hash'
                  WHEN a.created_at > v.created_at + make_interval(secs => ${ANCHOR_DELAY_LIMIT_MS / 1000}) THEN 'late'
             END AS anchor_problem
        FROM (SELECT instance_id, seq, prev_hash, hash, created_at,
                     lag(seq) OVER w AS p_seq, lag(hash) OVER w AS p_hash, lead(seq) OVER w AS n_seq,
                     CASE WHEN lead(seq) OVER w IS NULL THEN instance_id END AS head_key
                FROM approval_event ${one ? 'WHERE instance_id = $1' : ''}
              WINDOW w AS (PARTITION BY instance_id ORDER BY seq)) v
        FULL JOIN (SELECT instance_id, seq, hash FROM audit_head ${one ? 'WHERE instance_id = $1' : ''}) h ON h.instance_id = v.head_key
        LEFT JOIN audit_anchor a ON a.instance_id = v.instance_id AND a.seq = v.seq
    ) y`;

/**
 * The anchor chain in position order: no gaps, each linked to the one before and hashing to itself,
 * times going forward. For one instance only its own anchors' hashes. `$1` is the newest genuine
 * checkpoint's position (for how far it covers the instance), `$2` the instance.
 */
export const anchorsSql = (chain: boolean) => `
  SELECT count(*)::int AS anchors, coalesce(max(position), 0)::text AS last_position,
         coalesce(max(seq) FILTER (WHERE position <= $1::bigint), 0)::int AS covered_seq,
         coalesce(max(seq), 0)::int AS anchored_seq,
         count(*) FILTER (WHERE problem IS NOT NULL)::int AS bad,
         min((lpad(at::text, 19, '0') || ' ' || problem || ' ' || coalesce(instance_id::text, '-') || ' ' || coalesce(seq, -1)) COLLATE "C") FILTER (WHERE problem IS NOT NULL) AS first
    FROM (
      SELECT a.position, a.instance_id, a.seq,
             CASE ${chain ? `WHEN a.position <> coalesce(lag(a.position) OVER w, 0) + 1 THEN 'gap'
                  WHEN a.prev_hash <> coalesce(lag(a.hash) OVER w, ${ZERO_HASH_SQL}) THEN 'link'` : ''}
                  WHEN a.hash <> ${anchorHashSql('a')} THEN 'hash'
                  ${chain ? `WHEN a.created_at < lag(a.created_at) OVER w - make_interval(secs => ${CLOCK_TOLERANCE_MS / 1000}) THEN 'time_back'` : ''}
             END AS problem,
             ${chain ? `CASE WHEN a.position <> coalesce(lag(a.position) OVER w, 0) + 1 THEN coalesce(lag(a.position) OVER w, 0) + 1 ELSE a.position END` : 'a.position'} AS at
        FROM audit_anchor a
       ${chain ? '' : 'WHERE a.instance_id = $2'}
      WINDOW w AS (ORDER BY a.position)
    ) x`;

/** Anchors whose event is gone (the event, or the whole instance, was deleted): looked for only when some anchor found no event. */
const anchorsMissingSql = (one: boolean) => `
  SELECT a.position, a.instance_id, a.seq, count(*) OVER () AS n
    FROM audit_anchor a
   WHERE NOT EXISTS (SELECT 1 FROM approval_event e WHERE e.instance_id = a.instance_id AND e.seq = a.seq) ${one ? 'AND a.instance_id = $1' : ''}
   ORDER BY a.position LIMIT 1`;

/**
 * Recomputes the trail and names the first broken link. The whole chain: every event, every head,
 * every anchor and every checkpoint (in the database and in DATA_DIR). One instance: its events,
 * head and anchors, and how far a signed checkpoint covers it. Everything is read in one
 * REPEATABLE READ snapshot, so appends meanwhile do not look like breaks.
 */
@Injectable()
export class AuditVerifyService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(AUDIT_SIGNER) private readonly signer: AuditSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly anchors: AuditAnchorService,
  ) {}

  async verify(instanceId: string | null): Promise<AuditVerifyResult> {
    const started = process.hrtime.bigint();
    const clients: pg.PoolClient[] = [];
    const open = async (snapshot?: string) => {
      const c = await this.pool.connect();
      clients.push(c);
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      if (snapshot) await c.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
      // The joins and windows of the whole chain stay in memory (tens of MB for a million events).
      await c.query(`SET LOCAL work_mem = '64MB'`);
      return c;
    };
    try {
      const main = await open();
      // On a server, the whole chain's events are rehashed on one connection while the links, anchors
      // and checkpoints are checked on a second one, both in the same snapshot (the embedded database
      // has one connection).
      let side = main;
      if (instanceId === null && this.config.databaseUrl && this.config.poolSize >= 2) {
        const { rows: [{ snapshot }] } = await main.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
        side = await open(snapshot);
      }
      const result = await this.run(main, side, instanceId);
      for (const c of clients) await c.query('COMMIT');
      return { ...result, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10 };
    } catch (err) {
      for (const c of clients) await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      for (const c of clients) c.release();
    }
  }

  private async run(main: pg.PoolClient, c: pg.PoolClient, instanceId: string | null): Promise<Omit<AuditVerifyResult, 'ms'>> {
    const one = instanceId !== null;
    const where = one ? 'WHERE e.instance_id = $1' : '';
    const eventsPass = async (): Promise<{ events: number; bad: number; finding: Finding | null }> => {
      const { rows: [ev] } = await main.query<{ events: number; first: string | null }>(eventsSql(where), one ? [instanceId] : []);
      if (!ev.first) return { events: ev.events, bad: 0, finding: null };
      const { rows: [{ bad }] } = await main.query<{ bad: number }>(eventsBrokenSql(where), one ? [instanceId] : []);
      const [id, seq, kind] = ev.first.split(' ');
      return { events: ev.events, bad, finding: instanceFinding(kind as InstanceProblem, id, Number(seq)) };
    };
    // Alongside everything else on a second connection, or before it on the one.
    const events = main === c ? Promise.resolve(await eventsPass()) : eventsPass();
    events.catch(() => undefined); // awaited below; a failure elsewhere first must not leave it unhandled
    try {
      return await this.rest(c, one, instanceId, events);
    } catch (err) {
      await events.catch(() => undefined); // the other connection is done before it is rolled back
      throw err;
    }
  }

  private async rest(
    c: pg.PoolClient,
    one: boolean,
    instanceId: string | null,
    events: Promise<{ events: number; bad: number; finding: Finding | null }>,
  ): Promise<Omit<AuditVerifyResult, 'ms'>> {
    const findings: Finding[] = [];
    let broken = 0;

    // Checkpoints first: which are genuine decides what the anchor pass measures coverage against.
    const checkpoints = await this.checkpoints(c, one);
    const valid = checkpoints.valid;
    const newest = valid.length ? valid[valid.length - 1] : null;

    const { rows: [hf] } = await c.query<{ bad: number; first: string | null }>(headFieldsSql(one), one ? [instanceId] : []);
    broken += hf.bad;
    if (hf.first) findings.push(instanceFinding('head_fields', hf.first, 1));

    const { rows: [ln] } = await c.query<{ instances: number; anchored: number; anchor_bad: number; anchor_first: string | null } & PassResult>(
      linksSql(one),
      one ? [instanceId] : [],
    );
    broken += ln.bad + ln.anchor_bad;
    if (ln.first) {
      const [id, at, kind, headSeq, lastSeq] = ln.first.split(' ');
      findings.push(instanceFinding(kind as InstanceProblem, id, Number(at), { headSeq: Number(headSeq), lastSeq: Number(lastSeq) }));
    }
    if (ln.anchor_first) {
      const [position, kind, id, seq] = ln.anchor_first.split(' ');
      findings.push(anchorFinding(kind as AnchorProblem, Number(position), id, Number(seq)));
    }

    const { rows: [an] } = await c.query<{ anchors: number; last_position: string; covered_seq: number; anchored_seq: number } & PassResult>(
      anchorsSql(!one),
      one ? [newest?.position ?? 0, instanceId] : [newest?.position ?? 0],
    );
    broken += an.bad;
    if (an.first) {
      const [position, kind, id, seq] = an.first.split(' ');
      findings.push(anchorFinding(kind as AnchorProblem, Number(position), id === '-' ? null : id, seq === '-1' ? null : Number(seq)));
    }
    if (ln.anchored < an.anchors) {
      const { rows: [gone] } = await c.query<{ position: string; instance_id: string; seq: number; n: string }>(anchorsMissingSql(one), one ? [instanceId] : []);
      if (gone) {
        broken += Number(gone.n);
        findings.push(anchorFinding('event_missing', Number(gone.position), gone.instance_id, gone.seq));
      }
    }

    if (!one) {
      const lastPosition = Number(an.last_position);
      const more = await this.checkpointAnchors(c, checkpoints.all, lastPosition);
      findings.push(...checkpoints.findings, ...more);
      broken += checkpoints.findings.length + more.length;
    }

    let instance: AuditVerifyResult['instance'];
    if (one) {
      const { rows: [h] } = await c.query<{ seq: number }>(`SELECT seq FROM audit_head WHERE instance_id = $1`, [instanceId]);
      instance = { seq: h?.seq ?? 0, anchoredSeq: an.anchored_seq, checkpointedSeq: an.covered_seq };
    }
    const ev = await events;
    broken += ev.bad;
    if (ev.finding) findings.push(ev.finding);
    const first = firstFinding(findings);
    return {
      ok: broken === 0,
      scope: one ? 'instance' : 'chain',
      checked: { events: ev.events, instances: ln.instances, anchors: an.anchors, checkpoints: one ? (newest ? 1 : 0) : checkpoints.all.length },
      firstBroken: first ? brokenLink(first) : null,
      broken,
      lastCheckpoint: newest ? { id: newest.id ?? '', position: newest.position, signedAt: newest.signedAt } : null,
      ...(instance ? { instance } : {}),
    };
  }

  /**
   * The checkpoints in the database and the files in DATA_DIR, merged by position: each file must
   * have its row and agree with it, and each must be signed by this server's key for this chain.
   * For one instance only the database's are read (the newest genuine one gives its coverage).
   */
  private async checkpoints(c: pg.PoolClient, dbOnly: boolean): Promise<{ all: CheckpointRecord[]; valid: CheckpointRecord[]; findings: Finding[] }> {
    if (dbOnly) return this.newestCheckpoint(c);
    const { rows } = await c.query<CheckpointRow>(`SELECT * FROM audit_checkpoint ORDER BY position`);
    const byPosition = new Map<number, CheckpointRecord>();
    const findings: Finding[] = [];
    const ctx = { chainId: this.anchors.chainId, publicKeyPem: this.signer.publicKeyPem, verify: this.signer.verify };
    for (const r of rows) {
      byPosition.set(Number(r.position), {
        id: r.id,
        position: Number(r.position),
        hash: r.hash,
        signedAt: r.signed_at.toISOString(),
        payload: r.payload,
        signature: r.signature,
        publicKey: r.public_key,
      });
    }
    for (const { name, file, error } of await this.anchors.readFiles()) {
      const position = Number(/\d+/.exec(name)![0]);
      if (!file || typeof file !== 'object') {
        findings.push(checkpointRecordFinding(position, `检查点文件 ${name} 无法读取（${error ?? '格式不对'}）：文件被改动`));
        continue;
      }
      const rec: CheckpointRecord = {
        id: null,
        position: Number(file.position),
        hash: String(file.hash),
        signedAt: String(file.signedAt),
        payload: String(file.payload),
        signature: String(file.signature),
        publicKey: String(file.publicKey),
      };
      const row = byPosition.get(rec.position);
      if (!row) {
        const bad = checkpointSignatureFinding(rec, ctx, `检查点文件 ${name} `);
        if (bad) findings.push(bad);
        else {
          findings.push(checkpointRecordFinding(rec.position, `检查点文件 ${name}（第 ${rec.position} 个锚点）在数据库中没有记录：检查点记录被删除`));
          byPosition.set(rec.position, rec); // still a genuine signature: the chain is held to it
        }
      } else if (row.payload !== rec.payload || row.signature !== rec.signature) {
        findings.push(checkpointRecordFinding(rec.position, `检查点文件 ${name} 与数据库中的检查点 #${row.id} 不一致：其中之一被改动`));
      }
    }
    const all = [...byPosition.values()].sort((a, b) => a.position - b.position);
    const valid: CheckpointRecord[] = [];
    for (const cp of all) {
      const bad = checkpointSignatureFinding(cp, ctx, label(cp));
      if (bad) findings.push(bad);
      else valid.push(cp);
    }
    return { all, valid, findings };
  }

  /** For one instance: the newest genuine checkpoint in the database (going back past forged ones), which gives its coverage. */
  private async newestCheckpoint(c: pg.PoolClient): Promise<{ all: CheckpointRecord[]; valid: CheckpointRecord[]; findings: Finding[] }> {
    const ctx = { chainId: this.anchors.chainId, publicKeyPem: this.signer.publicKeyPem, verify: this.signer.verify };
    for (let before: string | null = null; ; ) {
      const rows: CheckpointRow[] = (
        await c.query<CheckpointRow>(`SELECT * FROM audit_checkpoint WHERE ($1::bigint IS NULL OR position < $1::bigint) ORDER BY position DESC LIMIT 20`, [before])
      ).rows;
      if (rows.length === 0) return { all: [], valid: [], findings: [] };
      for (const r of rows) {
        const cp: CheckpointRecord = { id: r.id, position: Number(r.position), hash: r.hash, signedAt: r.signed_at.toISOString(), payload: r.payload, signature: r.signature, publicKey: r.public_key };
        if (!checkpointSignatureFinding(cp, ctx, '')) return { all: [cp], valid: [cp], findings: [] };
      }
      before = rows[rows.length - 1].position;
    }
  }

  /** Each genuine checkpoint against the anchor chain: the anchor it signed is still there with that hash, and none after it predates it. */
  private async checkpointAnchors(c: pg.PoolClient, all: CheckpointRecord[], lastPosition: number): Promise<Finding[]> {
    const ctx = { chainId: this.anchors.chainId, publicKeyPem: this.signer.publicKeyPem, verify: this.signer.verify };
    const genuine = all.filter((cp) => !checkpointSignatureFinding(cp, ctx, ''));
    if (genuine.length === 0) return [];
    const positions = genuine.flatMap((cp) => [cp.position, cp.position + 1]);
    const { rows } = await c.query<{ position: string; hash: string; created_at: Date }>(
      `SELECT position, hash, created_at FROM audit_anchor WHERE position = ANY($1::bigint[])`,
      [positions],
    );
    const at = new Map(rows.map((r) => [Number(r.position), r]));
    const findings: Finding[] = [];
    for (const cp of genuine) {
      const mismatch = checkpointAnchorFinding(cp, at.get(cp.position) ?? null, lastPosition, label(cp));
      if (mismatch) findings.push(mismatch);
      const next = at.get(cp.position + 1);
      const early = afterCheckpointFinding(cp, next ? { position: cp.position + 1, createdAt: next.created_at } : null, label(cp));
      if (early) findings.push(early);
    }
    return findings;
  }
}

const label = (cp: CheckpointRecord) => (cp.id ? `检查点 #${cp.id}（${cp.signedAt.slice(0, 10)}）` : `检查点文件 checkpoint-${cp.position}.json `);
