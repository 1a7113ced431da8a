import { PassThrough } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { DayStatus, DayStatusLabel, SpotTargetStatusLabel, VerdictLabel } from '@lianxin/shared';
import ExcelJS from 'exceljs';
import type { Principal } from '../common/decorators.js';
import { DailyService } from './daily.service.js';
import { chinaClock, chinaDate, monthDates } from './domain/china-time.js';
import { SpotChecksService } from './spot-checks.service.js';

export interface ReportFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
/** The order of the totals columns. */
const TOTALS: DayStatus[] = ['normal', 'late', 'serious_late', 'early_leave', 'missing', 'absent', 'field', 'leave', 'rest', 'pending'];
/**
 * Days whose late minutes, early minutes and missing punches go into the totals. A day's segments
 * record missing punches and lateness whatever its status, so a weekend, a day on leave or a day of
 * absence (counted in its own column) would otherwise add 4 缺卡 — and a Saturday worked late some
 * 迟到 minutes — to the month.
 */
const COUNTED_DETAIL: ReadonlySet<DayStatus> = new Set<DayStatus>(['normal', 'late', 'serious_late', 'early_leave', 'missing', 'field']);
const STATUS_FILL: Partial<Record<DayStatus, string>> = {
  late: 'FFFFF1D6',
  serious_late: 'FFFFD8CC',
  early_leave: 'FFFFF1D6',
  missing: 'FFFFF1D6',
  absent: 'FFFFCCC7',
  leave: 'FFE6F4FF',
  field: 'FFE8F8EE',
};

function csvCell(v: string | number): string {
  // A cell Excel would read as a formula (=, +, -, @) is kept as text.
  const s = typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV Excel opens as UTF-8 (with the BOM), CRLF line ends. */
function csv(rows: Array<Array<string | number>>): Buffer {
  return Buffer.from('\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n', 'utf8');
}

async function streamed(build: (wb: ExcelJS.stream.xlsx.WorkbookWriter) => Promise<void>): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: true });
  wb.creator = '连心';
  await build(wb);
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

/** Monthly attendance reports and spot-check reports, as xlsx (Chinese headers, frozen, a summary sheet) or CSV. */
@Injectable()
export class AttendanceReportsService {
  constructor(
    private readonly daily: DailyService,
    private readonly spotChecks: SpotChecksService,
  ) {}

  /** Per member per day, with totals per status; the xlsx adds a summary per unit. */
  async month(principal: Principal, unitId: string, month: string, format: 'xlsx' | 'csv'): Promise<ReportFile> {
    const { unit, members } = await this.daily.roster(principal, unitId);
    const dates = monthDates(month);
    const today = chinaDate(new Date());
    const cells = dates[0] <= today ? await this.daily.cells(members.map((m) => m.id), dates[0], dates[dates.length - 1] < today ? dates[dates.length - 1] : today, { storeLater: true }) : new Map();
    const dateHeads = dates.map((d) => `${d.slice(5)} ${WEEKDAYS[new Date(`${d}T00:00:00Z`).getUTCDay()]}`);
    const header = ['姓名', '单位', ...dateHeads, ...TOTALS.map((s) => `${DayStatusLabel[s]}（天）`), '迟到（分钟）', '早退（分钟）', '缺卡（次）'];
    const rows = members.map((m) => {
      const days = cells.get(m.id) ?? new Map();
      const totals = Object.fromEntries(TOTALS.map((s) => [s, 0])) as Record<DayStatus, number>;
      let late = 0;
      let early = 0;
      let missing = 0;
      const statuses = dates.map((d) => {
        const c = days.get(d);
        if (!c) return null;
        totals[c.status as DayStatus]++;
        if (COUNTED_DETAIL.has(c.status as DayStatus)) {
          late += c.lateMinutes;
          early += c.earlyMinutes;
          missing += c.missingCount;
        }
        return c.status as DayStatus;
      });
      return { m, statuses, totals, late, early, missing };
    });
    const base = `考勤月报-${unit.name}-${month}`;
    if (format === 'csv') {
      return {
        filename: `${base}.csv`,
        contentType: 'text/csv; charset=utf-8',
        data: csv([
          header,
          ...rows.map((r) => [r.m.name, r.m.unit_name ?? '', ...r.statuses.map((s) => (s ? DayStatusLabel[s] : '')), ...TOTALS.map((s) => r.totals[s]), r.late, r.early, r.missing]),
        ]),
      };
    }
    const data = await streamed(async (wb) => {
      const ws = wb.addWorksheet('考勤明细', { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
      ws.columns = header.map((h, i) => ({ header: h, width: i === 0 ? 10 : i === 1 ? 16 : i < 2 + dates.length ? 7 : 11 }));
      ws.getRow(1).font = { bold: true };
      ws.getRow(1).commit();
      for (const r of rows) {
        const row = ws.addRow([r.m.name, r.m.unit_name ?? '', ...r.statuses.map((s) => (s ? DayStatusLabel[s] : '')), ...TOTALS.map((s) => r.totals[s]), r.late, r.early, r.missing]);
        r.statuses.forEach((s, i) => {
          const fill = s ? STATUS_FILL[s] : undefined;
          if (fill) row.getCell(3 + i).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
        });
        row.commit();
      }
      await ws.commit();

      const byUnit = new Map<string, { name: string; people: number; totals: Record<DayStatus, number>; late: number }>();
      for (const r of rows) {
        const key = r.m.unit_id ?? '';
        const u = byUnit.get(key) ?? { name: r.m.unit_name ?? '', people: 0, totals: Object.fromEntries(TOTALS.map((s) => [s, 0])) as Record<DayStatus, number>, late: 0 };
        u.people++;
        for (const s of TOTALS) u.totals[s] += r.totals[s];
        u.late += r.late;
        byUnit.set(key, u);
      }
      const sum = wb.addWorksheet('汇总', { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
      sum.columns = ['单位', '人数', ...TOTALS.map((s) => `${DayStatusLabel[s]}（人天）`), '迟到（分钟）'].map((h, i) => ({ header: h, width: i === 0 ? 18 : 12 }));
      sum.getRow(1).font = { bold: true };
      sum.getRow(1).commit();
      const all = { people: 0, totals: Object.fromEntries(TOTALS.map((s) => [s, 0])) as Record<DayStatus, number>, late: 0 };
      for (const u of [...byUnit.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh'))) {
        sum.addRow([u.name, u.people, ...TOTALS.map((s) => u.totals[s]), u.late]).commit();
        all.people += u.people;
        for (const s of TOTALS) all.totals[s] += u.totals[s];
        all.late += u.late;
      }
      const total = sum.addRow(['合计', all.people, ...TOTALS.map((s) => all.totals[s]), all.late]);
      total.font = { bold: true };
      total.commit();
      await sum.commit();
    });
    return { filename: `${base}.xlsx`, contentType: XLSX, data };
  }

  /** One spot check, target by target, for the supervisor's records. */
  async spotCheck(principal: Principal, id: string, format: 'xlsx' | 'csv'): Promise<ReportFile> {
    const s = await this.spotChecks.get(principal, id);
    const header = ['姓名', '手机', '单位', '结果', '说明', '打卡时间', '打卡判定', '距离（米）'];
    const rows = s.targets.map((t) => [
      t.member.name,
      t.member.phone,
      t.unit?.name ?? '',
      SpotTargetStatusLabel[t.status],
      t.excuse ?? t.reasons.map((r) => r.message).join('；'),
      t.checkIn ? `${chinaDate(new Date(t.checkIn.at))} ${chinaClock(new Date(t.checkIn.at))}` : '',
      t.checkIn ? VerdictLabel[t.checkIn.verdict] : '',
      t.checkIn?.distance ?? '',
    ]);
    const base = `抽查-${chinaDate(new Date(s.createdAt))}-${s.createdBy.name}`;
    const meta = [
      ['发起人', s.createdBy.name],
      ['原因', s.reason],
      ['发起时间', `${chinaDate(new Date(s.createdAt))} ${chinaClock(new Date(s.createdAt))}`],
      ['截止时间', `${chinaDate(new Date(s.deadline))} ${chinaClock(new Date(s.deadline))}`],
      ['抽取', s.sampleSize ? `从 ${s.populationSize} 人中随机抽取 ${s.targets.length} 人（种子 ${s.seed}）` : `全部 ${s.targets.length} 人`],
    ];
    if (format === 'csv') return { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', data: csv([...meta, [], header, ...rows]) };
    const data = await streamed(async (wb) => {
      const ws = wb.addWorksheet('抽查结果', { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.columns = header.map((h) => ({ header: h, width: h === '说明' ? 40 : 14 }));
      ws.getRow(1).font = { bold: true };
      ws.getRow(1).commit();
      for (const r of rows) ws.addRow(r).commit();
      await ws.commit();
      const info = wb.addWorksheet('抽查信息');
      info.columns = [{ width: 12 }, { width: 60 }];
      for (const m of meta) info.addRow(m).commit();
      await info.commit();
    });
    return { filename: `${base}.xlsx`, contentType: XLSX, data };
  }
}
