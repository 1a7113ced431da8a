import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type AuditCheckpointFile,
  type AuditCheckpointView,
  type AuditEventData,
  type AuditEventView,
  type AuditPublicKeyView,
  type AuditTrailListItem,
  type AuditTrailQuery,
  type AuditTrailView,
  type AuditVerifyResult,
  type Page,
} from '@lianxin/shared';
import type pg from 'pg';
import type { Principal } from '../common/decorators.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import { PG_POOL } from '../database/database.module.js';
import { CAPABILITY_ROLES } from '../org/domain/capabilities.js';
import { ScopeService } from '../org/scope.service.js';
import { AuditAnchorService, toCheckpointView, type CheckpointRow } from './audit-anchor.service.js';
import { AuditVerifyService } from './audit-verify.service.js';
import { typeLabel } from './domain/describe.js';
import { isDay } from './dto/audit.dto.js';
import { AUDIT_SIGNER, type AuditSigner } from './signing-key.js';

export type TrailFilters = Omit<AuditTrailQuery, 'cursor' | 'limit'>;

const notFound = () => new DomainError(ErrorCode.AuditTrailNotFound, '审批记录不存在或不在您的审计范围内');

export interface EventRow {
  id: string;
  instance_id: string;
  seq: number;
  type: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_title: string | null;
  actor_unit_id: string | null;
  actor_unit_name: string | null;
  node_id: string | null;
  data: AuditEventData;
  created_at: Date;
  prev_hash: string;
  hash: string;
}

export const EVENT_COLUMNS = `e.id::text AS id, e.instance_id, e.seq, e.type, e.actor_id, e.actor_name, e.actor_title, e.actor_unit_id, e.actor_unit_name, e.node_id, e.data, e.created_at, e.prev_hash, e.hash`;

export const toEventView = (r: EventRow): AuditEventView => ({
  id: r.id,
  seq: r.seq,
  type: r.type,
  typeLabel: typeLabel(r.type),
  actor: r.actor_id ? { id: r.actor_id, name: r.actor_name ?? '', title: r.actor_title, unitId: r.actor_unit_id, unitName: r.actor_unit_name } : null,
  nodeId: r.node_id,
  data: r.data,
  createdAt: r.created_at.toISOString(),
  prevHash: r.prev_hash,
  hash: r.hash,
});

interface HeadRow {
  instance_id: string;
  template_code: string;
  title: string;
  applicant_id: string | null;
  applicant_name: string | null;
  unit_id: string;
  unit_name: string | null;
  seq: number;
  created_at: Date;
  updated_at: Date;
  last_type?: string | null;
}

const HEAD_COLUMNS = `h.instance_id, h.template_code, h.title, h.applicant_id, am.name AS applicant_name, h.unit_id, u.name AS unit_name, h.seq, h.created_at, h.updated_at`;
const HEAD_FROM = `audit_head h LEFT JOIN member am ON am.id = h.applicant_id LEFT JOIN unit u ON u.id = h.unit_id`;

const toListItem = (h: HeadRow): AuditTrailListItem => ({
  instanceId: h.instance_id,
  templateCode: h.template_code,
  title: h.title,
  applicant: h.applicant_id ? { id: h.applicant_id, name: h.applicant_name ?? '' } : null,
  unit: { id: h.unit_id, name: h.unit_name },
  events: h.seq,
  lastType: h.last_type ?? null,
  startedAt: h.created_at.toISOString(),
  updatedAt: h.updated_at.toISOString(),
});

/** A China-time day at midnight, or the instant itself. */
const startOf = (v: string) => (isDay(v) ? new Date(`${v}T00:00:00+08:00`) : new Date(v));

/**
 * Reading the trail: auditors (and admins) see the trails of applicants in their subtrees — by id,
 * by search, in exports — and verify them. Out of scope answers 404, as if it did not exist.
 */
@Injectable()
export class AuditService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly scope: ScopeService,
    private readonly verifier: AuditVerifyService,
    private readonly anchors: AuditAnchorService,
    @Inject(AUDIT_SIGNER) private readonly signer: AuditSigner,
  ) {}

  /** The instance's whole timeline with hashes, and its verification. */
  async trail(principal: Principal, instanceId: string): Promise<AuditTrailView> {
    const head = await this.headInScope(principal, instanceId);
    const { rows } = await this.pool.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM approval_event e WHERE e.instance_id = $1 ORDER BY e.seq`, [instanceId]);
    const verification = await this.verifier.verify(instanceId);
    return {
      instanceId: head.instance_id,
      templateCode: head.template_code,
      title: head.title,
      applicant: head.applicant_id ? { id: head.applicant_id, name: head.applicant_name ?? '' } : null,
      unit: { id: head.unit_id, name: head.unit_name },
      startedAt: head.created_at.toISOString(),
      events: rows.map(toEventView),
      verification,
    };
  }

  /** Trails in scope, newest first, filtered; keyset pages. */
  async list(principal: Principal, filters: TrailFilters, cursor: string | undefined, limit = 50): Promise<Page<AuditTrailListItem>> {
    const after = decodeCursor(cursor, ['string', 'string'] as const);
    const where = await this.where(principal, filters);
    if (after) {
      const at = new Date(after[0]);
      if (Number.isNaN(at.getTime()) || !/^[0-9a-f-]{36}$/.test(after[1])) throw new DomainError(ErrorCode.ValidationFailed, 'cursor 无效：请从第一页重新开始', [{ path: 'cursor', message: 'cursor 无效' }]);
      where.params.push(at, after[1]);
      where.sql.push(`(h.created_at, h.instance_id) < ($${where.params.length - 1}, $${where.params.length})`);
    }
    where.params.push(limit + 1);
    const { rows } = await this.pool.query<HeadRow>(
      `SELECT ${HEAD_COLUMNS}, (SELECT x.type FROM approval_event x WHERE x.instance_id = h.instance_id AND x.seq = h.seq) AS last_type
         FROM ${HEAD_FROM} WHERE ${where.sql.join(' AND ')}
        ORDER BY h.created_at DESC, h.instance_id DESC LIMIT $${where.params.length}`,
      where.params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toListItem), nextCursor: rows.length > limit && last ? encodeCursor([last.created_at.toISOString(), last.instance_id]) : null };
  }

  /**
   * The WHERE of a trails query (on `audit_head h`), scope first; parameters numbered from 1.
   * A unitId out of scope is a 404 like any other read.
   */
  async where(principal: Principal, f: TrailFilters): Promise<{ sql: string[]; params: unknown[] }> {
    await this.assertAuditor(principal, '查看审批留痕');
    if (f.unitId) await this.scope.assertUnit(principal, 'audit.read', f.unitId, 'read');
    const scope = this.scope.filter(principal, 'audit.read', 'h.unit_id', 1);
    const sql = [scope.sql];
    const params: unknown[] = [...scope.params];
    const add = (cond: (n: number) => string, value: unknown) => {
      params.push(value);
      sql.push(cond(params.length));
    };
    if (f.template) add((n) => `h.template_code = $${n}`, f.template);
    if (f.unitId) add((n) => `h.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $${n})`, f.unitId);
    if (f.from) add((n) => `h.created_at >= $${n}`, startOf(f.from));
    if (f.to) {
      if (isDay(f.to)) add((n) => `h.created_at < $${n}`, new Date(startOf(f.to).getTime() + 86_400_000));
      else add((n) => `h.created_at <= $${n}`, new Date(f.to));
    }
    if (f.actor) add((n) => `EXISTS (SELECT 1 FROM approval_event ae WHERE ae.actor_id = $${n} AND ae.instance_id = h.instance_id)`, f.actor);
    if (f.q) add((n) => `h.title ILIKE $${n} ESCAPE '\\'`, `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    return { sql, params };
  }

  /** One instance's verification (in scope), or the whole chain's (admins and auditors at the root only). */
  async verify(principal: Principal, instanceId: string | undefined): Promise<AuditVerifyResult> {
    if (instanceId) {
      await this.headInScope(principal, instanceId);
      return this.verifier.verify(instanceId);
    }
    await this.assertCounty(principal, '校验整条审计链');
    return this.verifier.verify(null);
  }

  async checkpoint(principal: Principal): Promise<{ view: AuditCheckpointView; created: boolean }> {
    await this.assertCounty(principal, '签署检查点');
    return this.anchors.checkpoint();
  }

  async checkpoints(principal: Principal, cursor: string | undefined, limit = 50): Promise<Page<AuditCheckpointView>> {
    await this.assertAuditor(principal, '查看检查点');
    const after = decodeCursor(cursor, ['string'] as const);
    if (after && !/^\d{1,18}$/.test(after[0])) throw new DomainError(ErrorCode.ValidationFailed, 'cursor 无效：请从第一页重新开始', [{ path: 'cursor', message: 'cursor 无效' }]);
    const { rows } = await this.pool.query<CheckpointRow>(
      `SELECT * FROM audit_checkpoint WHERE ($1::bigint IS NULL OR position < $1::bigint) ORDER BY position DESC LIMIT $2`,
      [after?.[0] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return { items: page.map(toCheckpointView), nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1].position]) : null };
  }

  async checkpointFile(principal: Principal, id: string): Promise<{ filename: string; file: AuditCheckpointFile }> {
    await this.assertAuditor(principal, '下载检查点');
    const { rows: [r] } = await this.pool.query<CheckpointRow>(`SELECT * FROM audit_checkpoint WHERE id = $1`, [id]);
    if (!r) throw new DomainError(ErrorCode.AuditCheckpointNotFound, `检查点 #${id} 不存在`);
    return { filename: this.anchors.fileName(Number(r.position)), file: this.anchors.fileOf(r) };
  }

  publicKey(): AuditPublicKeyView {
    return { algorithm: 'Ed25519', publicKey: this.signer.publicKeyPem, fingerprint: this.signer.fingerprint };
  }

  private async headInScope(principal: Principal, instanceId: string): Promise<HeadRow> {
    const f = this.scope.filter(principal, 'audit.read', 'h.unit_id', 2);
    const { rows } = await this.pool.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM ${HEAD_FROM} WHERE h.instance_id = $1 AND ${f.sql}`, [instanceId, ...f.params]);
    if (rows.length === 0) throw notFound();
    return rows[0];
  }

  /** The whole chain is the county's: only those holding audit.read at the root. */
  private async assertCounty(principal: Principal, what: string): Promise<void> {
    const f = this.scope.filter(principal, 'audit.read', 'u.id', 1);
    const { rows } = await this.pool.query(`SELECT 1 FROM unit u WHERE u.parent_id IS NULL AND ${f.sql}`, f.params);
    if (rows.length === 0) throw new DomainError(ErrorCode.Forbidden, `只有在县级（根单位）担任管理员或审计的人员可以${what}`);
  }

  /** Whether the caller audits anywhere (checkpoints say nothing about any one trail: anyone who does may read them). */
  private async assertAuditor(principal: Principal, what: string): Promise<void> {
    const { rows } = await this.pool.query(`SELECT 1 FROM role_grant WHERE member_id = $1 AND role = ANY($2::text[]) LIMIT 1`, [
      principal.memberId,
      [...CAPABILITY_ROLES['audit.read']],
    ]);
    if (rows.length === 0) throw new DomainError(ErrorCode.Forbidden, `只有管理员或审计人员可以${what}`);
  }
}
