import { PassThrough } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type AuditExportFormat } from '@lianxin/shared';
import ExcelJS from 'exceljs';
import type pg from 'pg';
import type { Principal } from '../common/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { PG_POOL } from '../database/database.module.js';
import { AuditService, EVENT_COLUMNS, type EventRow, type TrailFilters } from './audit.service.js';
import { describeEvent, typeLabel } from './domain/describe.js';

export interface ExportFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Events one export may hold; beyond it the caller narrows the filters (or exports in parts). */
export const EXPORT_MAX_EVENTS = 200_000;
const BATCH = 5_000;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = ['单号', '模板', '标题', '序号', '事件', '操作人', '单位', '职务', '时间', '说明', '前一哈希', '哈希'];
const WIDTHS = [38, 14, 30, 6, 12, 10, 20, 14, 20, 60, 66, 66];

type Row = EventRow & { template_code: string; title: string };

/** China time, to the second. */
const chinaTime = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

const cells = (r: Row): Array<string | number> => [
  r.instance_id,
  r.template_code,
  r.title,
  r.seq,
  typeLabel(r.type),
  r.actor_id ? (r.actor_name ?? '') : '系统',
  r.actor_unit_name ?? '',
  r.actor_title ?? '',
  chinaTime(r.created_at),
  describeEvent(r.type, r.data, r.node_id),
  r.prev_hash,
  r.hash,
];

function csvCell(v: string | number): string {
  // A cell Excel would read as a formula (=, +, -, @) is kept as text.
  const s = typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Exports the trails in scope, one row per event, each instance's timeline in order (instances by
 * start), hashes included, in Chinese: xlsx (frozen header) or CSV (UTF-8 with BOM, CRLF).
 * Read in one snapshot, in batches.
 */
@Injectable()
export class AuditExportService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly audit: AuditService,
  ) {}

  async export(principal: Principal, filters: TrailFilters, format: AuditExportFormat): Promise<ExportFile> {
    const where = await this.audit.where(principal, filters);
    const from = `approval_event e JOIN audit_head h ON h.instance_id = e.instance_id WHERE ${where.sql.join(' AND ')}`;
    const stamp = chinaTime(new Date()).slice(0, 10).replace(/-/g, '');
    const filename = `审批留痕-${stamp}.${format}`;
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows: [{ n }] } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from}`, where.params);
      if (n > EXPORT_MAX_EVENTS) {
        throw new DomainError(ErrorCode.AuditExportTooLarge, `符合条件的事件有 ${n.toLocaleString('en')} 条，一次最多导出 ${EXPORT_MAX_EVENTS.toLocaleString('en')} 条：请按单位、模板或时间缩小范围`);
      }
      await c.query(
        `DECLARE audit_export NO SCROLL CURSOR FOR
           SELECT ${EVENT_COLUMNS}, h.template_code, h.title FROM ${from} ORDER BY h.created_at, h.instance_id, e.seq`,
        where.params,
      );
      const batches = async function* () {
        for (;;) {
          const { rows } = await c.query<Row>(`FETCH ${BATCH} FROM audit_export`);
          if (rows.length === 0) return;
          yield rows;
        }
      };
      const data = format === 'csv' ? await csv(batches()) : await xlsx(batches());
      await c.query('COMMIT');
      return { filename, contentType: format === 'csv' ? 'text/csv; charset=utf-8' : XLSX, data };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
}

async function csv(batches: AsyncIterable<Row[]>): Promise<Buffer> {
  const parts: string[] = ['\uFEFF' + HEADER.join(',') + '\r\n'];
  for await (const rows of batches) parts.push(rows.map((r) => cells(r).map(csvCell).join(',') + '\r\n').join(''));
  return Buffer.from(parts.join(''), 'utf8');
}

async function xlsx(batches: AsyncIterable<Row[]>): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: true });
  wb.creator = '连心';
  const ws = wb.addWorksheet('审批留痕', { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  ws.columns = HEADER.map((header, i) => ({ header, width: WIDTHS[i] }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  for await (const rows of batches) for (const r of rows) ws.addRow(cells(r)).commit();
  await ws.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}
