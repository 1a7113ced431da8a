import pg from 'pg';
import { DataSource } from 'typeorm';
import type { AuditEventData, AuditInstanceHead, AuditVerifyResult } from '@lianxin/shared';
import { AuditAnchorService } from '../../server/src/audit/audit-anchor.service';
import { AuditTrailService, type AppendedEvent } from '../../server/src/audit/audit-trail.service';
import { anchorHash, eventHash, ZERO_HASH } from '../../server/src/audit/domain/chain';
import { PG_POOL } from '../../server/src/database/database.module';
import type { TestContext } from '../support/test-app';

/** One event as the approvals engine would append it. */
export interface TestEvent {
  type: string;
  actorId: string | null;
  nodeId?: string | null;
  data?: AuditEventData;
}

/**
 * Starts an instance's trail and appends its events, each in its own transaction, through
 * AuditTrailService as the approvals engine will (the engine itself is not there yet).
 */
export async function appendTrail(ctx: TestContext, instanceId: string, head: AuditInstanceHead, events: TestEvent[]): Promise<AppendedEvent[]> {
  const trail = ctx.created.app.get(AuditTrailService);
  const ds = ctx.created.app.get(DataSource);
  const out: AppendedEvent[] = [];
  for (const [i, e] of events.entries()) {
    out.push(await ds.transaction((tx) => trail.append(tx, { instanceId, ...e, head: i === 0 ? head : undefined })));
  }
  return out;
}

/** Anchors every moved head now (what the timer does every few seconds). */
export const anchorNow = (ctx: TestContext) => ctx.created.app.get(AuditAnchorService).anchorPending(true);

/**
 * Runs SQL as a database superuser past the append-only trigger (session_replication_role =
 * replica): on its own connection to the test's PostgreSQL, or on the embedded database's one.
 */
export async function asSuperuser<T = Record<string, unknown>>(ctx: TestContext, sql: string, params: unknown[] = []): Promise<T[]> {
  const url = ctx.env.DATABASE_URL;
  if (url) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL session_replication_role = replica');
      const { rows } = await c.query(sql, params);
      await c.query('COMMIT');
      return rows as T[];
    } finally {
      await c.end();
    }
  }
  const pool = ctx.created.app.get<pg.Pool>(PG_POOL);
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    const { rows } = await c.query(sql, params);
    await c.query('COMMIT');
    return rows as T[];
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  } finally {
    c.release();
  }
}

/** The rows of a table that a test is about to tamper with, to put back afterwards. */
export async function saveRows(ctx: TestContext, table: 'approval_event' | 'audit_head' | 'audit_anchor' | 'audit_checkpoint', where: string, params: unknown[] = []) {
  // As jsonb text, so the rows come back exactly (microseconds, numerics).
  const [{ saved }] = await asSuperuser<{ saved: string }>(ctx, `SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]')::text AS saved FROM ${table} t WHERE ${where}`, params);
  return {
    rows: JSON.parse(saved) as Array<Record<string, unknown>>,
    /** Deletes what is there now under `where` and puts the saved rows back, as they were. */
    restore: async () => {
      await asSuperuser(ctx, `DELETE FROM ${table} WHERE ${where}`, params);
      await asSuperuser(ctx, `INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [saved]);
    },
  };
}

/** GET /api/audit/verify as someone allowed to (the bootstrap admin at the root). */
export async function verifyChain(ctx: TestContext, token: string, instanceId?: string): Promise<AuditVerifyResult> {
  const res = await ctx
    .http()
    .get(`/api/audit/verify${instanceId ? `?instanceId=${instanceId}` : ''}`)
    .set('authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`verify answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as AuditVerifyResult;
}

/** A small approval's events: started by the applicant, one node, approved, finished. */
export function leaveEvents(applicantId: string, approver: { id: string; name: string }, comment = '同意'): TestEvent[] {
  return [
    { type: 'start', actorId: applicantId, data: { formAfter: { days: 2, reason: '家中有事' } } },
    { type: 'nodeActivated', actorId: null, nodeId: 'n1', data: { nodeName: '村支书审批', approvers: [approver], rule: '发起人所在单位负责人' } },
    { type: 'approve', actorId: approver.id, nodeId: 'n1', data: { comment } },
    { type: 'finish', actorId: null, data: { result: 'approved' } },
  ];
}

/**
 * What someone with database access would do to hide an edit: recompute the instance's whole chain
 * (every prev_hash and hash) and its head from the events as they now are, with domain/chain.ts.
 */
export async function rechain(ctx: TestContext, instanceId: string): Promise<void> {
  const rows = await asSuperuser<{
    id: string;
    seq: number;
    type: string;
    actor_id: string | null;
    actor_name: string;
    actor_title: string | null;
    actor_unit_id: string | null;
    actor_unit_name: string | null;
    node_id: string | null;
    data: unknown;
    created_at: Date;
  }>(ctx, `SELECT id::text, seq, type, actor_id, actor_name, actor_title, actor_unit_id, actor_unit_name, node_id, data, created_at FROM approval_event WHERE instance_id = $1 ORDER BY seq`, [instanceId]);
  let prev = ZERO_HASH;
  for (const r of rows) {
    const actor = r.actor_id ? { id: r.actor_id, name: r.actor_name, title: r.actor_title, unitId: r.actor_unit_id, unitName: r.actor_unit_name } : null;
    const hash = eventHash(prev, { instanceId, seq: r.seq, type: r.type, actor, nodeId: r.node_id, data: r.data, createdAt: new Date(r.created_at).toISOString() });
    await asSuperuser(ctx, `UPDATE approval_event SET prev_hash = $2, hash = $3 WHERE id = $1`, [r.id, prev, hash]);
    prev = hash;
  }
  await asSuperuser(ctx, `UPDATE audit_head SET seq = $2, hash = $3 WHERE instance_id = $1`, [instanceId, rows.length, prev]);
}

/**
 * And the global chain after it: every anchor from `from` on re-pointed at the events' current
 * hashes and relinked, so the anchors agree with the rewritten trails. Only a signed checkpoint
 * (outside the database) can tell.
 */
export async function reanchor(ctx: TestContext, from: number): Promise<void> {
  const anchors = await asSuperuser<{ position: string; instance_id: string; seq: number; event_hash: string | null; instance_hash: string }>(
    ctx,
    `SELECT a.position, a.instance_id, a.seq, e.hash AS event_hash, a.instance_hash FROM audit_anchor a
       LEFT JOIN approval_event e ON e.instance_id = a.instance_id AND e.seq = a.seq WHERE a.position >= $1 ORDER BY a.position`,
    [from],
  );
  const [before] = await asSuperuser<{ hash: string }>(ctx, `SELECT hash FROM audit_anchor WHERE position = $1`, [from - 1]);
  let prev = before?.hash ?? ZERO_HASH;
  for (const a of anchors) {
    const instanceHash = a.event_hash ?? a.instance_hash;
    const hash = anchorHash(prev, a.instance_id, a.seq, instanceHash);
    await asSuperuser(ctx, `UPDATE audit_anchor SET instance_hash = $2, prev_hash = $3, hash = $4 WHERE position = $1`, [a.position, instanceHash, prev, hash]);
    prev = hash;
  }
}
