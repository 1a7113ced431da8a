import { Injectable } from '@nestjs/common';
import type { AuditEventData, AuditInstanceHead } from '@lianxin/shared';
import { normaliseData, ZERO_HASH } from './domain/chain.js';
import { eventHashSql } from './audit.sql.js';

/**
 * Whatever runs SQL inside the caller's transaction: a pg PoolClient (`{ rows }`) or a TypeORM
 * EntityManager / QueryRunner (rows as an array).
 */
export interface AuditQueryable {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/** One event to append. */
export interface AppendEvent {
  instanceId: string;
  /** A short code: the AuditEventType values (letters, digits, `_`, `.`, `-`; at most 24). */
  type: string;
  /** Who acted; null for the system. Their name, title and primary unit are recorded as they are now. */
  actorId: string | null;
  nodeId?: string | null;
  /** Hashed with the event (comment, approvers and rule, form before/after, CC, result …). */
  data?: AuditEventData;
  /** Required with an instance's first event: what the trail is searched by and whose scope it is in. */
  head?: AuditInstanceHead;
}

export interface AppendedEvent {
  /** approval_event.id: what the approvals engine keeps as auditEventId. */
  id: string;
  seq: number;
  hash: string;
  createdAt: Date;
}

const TYPE = /^[A-Za-z][A-Za-z0-9_.-]{0,23}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One statement, atomic even outside a transaction: lock (or create) the instance's head, take the
 * next seq, snapshot the actor from member and membership, insert the event with its hash computed
 * from exactly what is stored, and move the head. The first event also records the head in its data
 * (`data.instance`), so the head's search fields are covered by the chain.
 */
const APPEND_SQL = `
  WITH old AS (
    SELECT seq, hash FROM audit_head WHERE instance_id = $1 FOR UPDATE
  ), prev AS (
    SELECT coalesce((SELECT seq FROM old), 0) AS seq, coalesce((SELECT hash FROM old), '${ZERO_HASH}') AS hash, EXISTS (SELECT 1 FROM old) AS existed
  ), actor AS (
    SELECT m.name, m.title, ms.unit_id, u.name AS unit_name
      FROM member m
      LEFT JOIN membership ms ON ms.member_id = m.id AND ms.is_primary
      LEFT JOIN unit u ON u.id = ms.unit_id
     WHERE m.id = $2::uuid
  ), ev AS (
    SELECT $1::uuid AS instance_id, (p.seq + 1)::int AS seq, $3::varchar(24) AS type,
           $2::uuid AS actor_id, a.name AS actor_name, a.title AS actor_title, a.unit_id AS actor_unit_id, a.unit_name AS actor_unit_name,
           $4::varchar(64) AS node_id,
           CASE WHEN p.existed THEN $5::jsonb ELSE $5::jsonb || jsonb_build_object('instance', $6::jsonb) END AS data,
           date_trunc('milliseconds', clock_timestamp()) AS created_at,
           p.hash::char(64) AS prev_hash, p.existed
      FROM prev p LEFT JOIN actor a ON true
  ), ins AS (
    INSERT INTO approval_event (instance_id, seq, type, actor_id, actor_name, actor_title, actor_unit_id, actor_unit_name, node_id, data, created_at, prev_hash, hash)
    SELECT ev.instance_id, ev.seq, ev.type, ev.actor_id, ev.actor_name, ev.actor_title, ev.actor_unit_id, ev.actor_unit_name, ev.node_id, ev.data, ev.created_at, ev.prev_hash,
           ${eventHashSql('ev')}
      FROM ev
    RETURNING id, seq, hash, created_at
  ), moved AS (
    UPDATE audit_head h SET seq = ins.seq, hash = ins.hash, updated_at = ins.created_at FROM ins WHERE h.instance_id = $1 RETURNING h.instance_id
  ), started AS (
    INSERT INTO audit_head (instance_id, template_code, title, applicant_id, unit_id, seq, hash, anchored_seq, created_at, updated_at)
    SELECT $1, $6::jsonb->>'templateCode', $6::jsonb->>'title', ($6::jsonb->>'applicantId')::uuid, ($6::jsonb->>'unitId')::uuid, ins.seq, ins.hash, 0, ins.created_at, ins.created_at
      FROM ins, prev WHERE NOT prev.existed
    RETURNING instance_id
  )
  SELECT ins.id::text AS id, ins.seq, ins.hash, ins.created_at, (SELECT count(*) FROM moved)::int + (SELECT count(*) FROM started)::int AS heads FROM ins`;

function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown } | null)?.rows;
  if (Array.isArray(rows)) return rows as T[];
  throw new Error('audit: the query runner answered neither rows nor { rows }');
}

/**
 * Appends approval events to the tamper-evident trail. The approvals engine calls `append` inside
 * the transaction that changes the instance, so the event exists exactly when the change does.
 * There is no path that updates or deletes an event.
 */
@Injectable()
export class AuditTrailService {
  async append(q: AuditQueryable, event: AppendEvent): Promise<AppendedEvent> {
    if (!UUID.test(event.instanceId)) throw new Error(`audit: instanceId must be a uuid, got ${JSON.stringify(event.instanceId)}`);
    if (!TYPE.test(event.type)) throw new Error(`audit: event type must be a short code, got ${JSON.stringify(event.type)}`);
    if (event.actorId !== null && !UUID.test(event.actorId)) throw new Error(`audit: actorId must be a uuid or null`);
    if (event.nodeId && event.nodeId.length > 64) throw new Error('audit: nodeId longer than 64 characters');
    const data = normaliseData(event.data ?? {});
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('audit: event data must be an object');
    const head = event.head ? normaliseHead(event.head) : null;
    let rows: Array<{ id: string; seq: number; hash: string; created_at: Date; heads: number }>;
    try {
      rows = rowsOf(
        await q.query(APPEND_SQL, [event.instanceId.toLowerCase(), event.actorId, event.type, event.nodeId ?? null, JSON.stringify(data), head ? JSON.stringify(head) : null]),
      );
    } catch (err) {
      const e = err as { code?: string; constraint?: string; table?: string; column?: string };
      if (e.constraint === 'ck_approval_event_actor') throw new Error(`audit: no member ${event.actorId} to record as the actor`, { cause: err });
      if (e.code === '23502' && e.table === 'audit_head') throw new Error(`audit: instance ${event.instanceId} has no trail yet: its first event needs \`head\``, { cause: err });
      throw err;
    }
    const r = rows[0];
    if (!r || r.heads !== 1) throw new Error(`audit: the head of instance ${event.instanceId} did not move`);
    return { id: r.id, seq: r.seq, hash: r.hash, createdAt: r.created_at };
  }
}

function normaliseHead(h: AuditInstanceHead): AuditInstanceHead {
  if (!h.templateCode || h.templateCode.length > 64) throw new Error('audit: head.templateCode must be 1–64 characters');
  if (!h.title || [...h.title].length > 200) throw new Error('audit: head.title must be 1–200 characters');
  if (!UUID.test(h.unitId)) throw new Error('audit: head.unitId must be a uuid');
  if (h.applicantId !== null && !UUID.test(h.applicantId)) throw new Error('audit: head.applicantId must be a uuid or null');
  return normaliseData({ templateCode: h.templateCode, title: h.title, applicantId: h.applicantId?.toLowerCase() ?? null, unitId: h.unitId.toLowerCase() }) as AuditInstanceHead;
}
