import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type AttachmentView } from '@lianxin/shared';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../common/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { FILE_CONTENT_TYPES } from '../common/file-body.js';
import { contentMatches } from '../common/file-type.js';
import { PG_POOL } from '../database/database.module.js';
import { ScopeService } from '../org/scope.service.js';
import { NoticeAccess, notFound } from './notice-access.js';

/** Types a notice may carry: every file type the app takes as a raw body except anonymous bytes. */
export const ATTACHMENT_TYPES = FILE_CONTENT_TYPES.filter((t) => t !== 'application/octet-stream');
export const MAX_ATTACHMENTS = 10;

const invalid = (detail: string) => new DomainError(ErrorCode.NoticeAttachmentInvalid, detail);

/** Files for notices: uploaded by someone who may send notices, attached at send, read by whoever may read the notice. */
@Injectable()
export class AttachmentsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly scope: ScopeService,
    private readonly access: NoticeAccess,
  ) {}

  async upload(principal: Principal, filename: string, contentType: string | undefined, data: Buffer): Promise<AttachmentView> {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!ATTACHMENT_TYPES.includes(type)) throw invalid('不支持该文件类型：请上传 Word、Excel、PPT、PDF、图片、文本或 zip 文件');
    if (data.length === 0) throw invalid('文件是空的');
    if (!contentMatches(type, data)) throw invalid(`文件内容与类型 ${type} 不符，请确认文件没有损坏或改过扩展名`);
    const s = this.scope.units(principal, 'notices.send', 1);
    const { rows } = await this.pool.query(`SELECT 1 FROM (${s.sql}) x LIMIT 1`, s.params);
    if (rows.length === 0) throw new DomainError(ErrorCode.Forbidden, '您没有发送通知的权限，不能上传附件');
    const name = filename.replace(/[\\/\u0000-\u001f]/g, '_').trim().slice(0, 200);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const { rows: [a] } = await this.pool.query<{ id: string }>(
      `INSERT INTO notice_attachment (uploader_id, filename, content_type, size, sha256, data) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [principal.memberId, name, type, data.length, sha256, data],
    );
    return { id: a.id, filename: name, contentType: type, size: data.length };
  }

  /** Attaches the sender's own unused uploads to a notice, in its send transaction; anything else is refused. */
  async attach(tx: EntityManager, noticeId: string, senderId: string, ids: string[]): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    if (unique.length > MAX_ATTACHMENTS) throw invalid(`最多 ${MAX_ATTACHMENTS} 个附件`);
    const [{ n }] = await tx.query<{ n: number }[]>(
      `WITH u AS (UPDATE notice_attachment SET notice_id = $1 WHERE id = ANY($2::uuid[]) AND uploader_id = $3 AND notice_id IS NULL RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [noticeId, unique, senderId],
    );
    if (n !== unique.length) throw invalid('有附件不存在、不是您上传的或已用于其他通知，请重新上传');
  }

  async list(noticeId: string): Promise<AttachmentView[]> {
    const { rows } = await this.pool.query<{ id: string; filename: string; content_type: string; size: number }>(
      `SELECT id, filename, content_type, size FROM notice_attachment WHERE notice_id = $1 ORDER BY created_at, id`,
      [noticeId],
    );
    return rows.map((r) => ({ id: r.id, filename: r.filename, contentType: r.content_type, size: r.size }));
  }

  /** The file, for whoever may read the notice (a recipient, the sender, someone tracking it). */
  async download(principal: Principal, noticeId: string, attachmentId: string): Promise<{ filename: string; contentType: string; data: Buffer }> {
    const notice = await this.access.load(noticeId);
    const { rows: [recipient] } = await this.pool.query(`SELECT 1 FROM notice_receipt WHERE notice_id = $1 AND member_id = $2`, [noticeId, principal.memberId]);
    if (!recipient && !(await this.access.tracking(principal, notice))) throw notFound();
    const { rows: [a] } = await this.pool.query<{ filename: string; content_type: string; data: Buffer }>(
      `SELECT filename, content_type, data FROM notice_attachment WHERE id = $1 AND notice_id = $2`,
      [attachmentId, noticeId],
    );
    if (!a) throw new DomainError(ErrorCode.NotFound, '附件不存在');
    return { filename: a.filename, contentType: a.content_type, data: a.data };
  }
}
