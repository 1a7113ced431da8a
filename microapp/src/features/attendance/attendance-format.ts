import type { DayStatus, RequestStatus, ShiftView, SpotTargetStatus, Verdict } from '@lianxin/shared';
import type { TagTone } from '@/components/tone-tag.vue';

/** The tone of a verdict's tag: passing green (field blue), failing red, unsure orange. */
export const VERDICT_TONE: Record<Verdict, TagTone> = {
  ok: 'green',
  wifi: 'green',
  field: 'brand',
  out_of_range: 'red',
  low_accuracy: 'orange',
  suspicious: 'red',
};

/** A day's colour on the calendar and the board's chart. */
export const DAY_STATUS_COLOR: Record<DayStatus, string> = {
  normal: '#00b578',
  field: '#1677ff',
  leave: '#7e57c2',
  late: '#ff8f1f',
  early_leave: '#d48806',
  serious_late: '#f53f3f',
  missing: '#eb2f96',
  absent: '#a8071a',
  rest: '#c8c9cc',
  pending: '#dcdee0',
};

export const DAY_STATUS_TONE: Record<DayStatus, TagTone> = {
  normal: 'green',
  field: 'brand',
  leave: 'grey',
  late: 'orange',
  early_leave: 'orange',
  serious_late: 'red',
  missing: 'red',
  absent: 'red',
  rest: 'grey',
  pending: 'grey',
};

/** The order statuses are listed in: what needs attention first. */
export const DAY_STATUS_ORDER: readonly DayStatus[] = ['absent', 'missing', 'serious_late', 'late', 'early_leave', 'field', 'leave', 'normal', 'pending', 'rest'];

/** Days a 补卡 can put right. */
export const CORRECTABLE: ReadonlySet<DayStatus> = new Set<DayStatus>(['missing', 'late', 'serious_late', 'early_leave', 'absent']);

export const SPOT_STATUS_TONE: Record<SpotTargetStatus, TagTone> = {
  pending: 'brand',
  passed: 'green',
  failed: 'red',
  no_response: 'orange',
  excused: 'grey',
};

export const SPOT_STATUS_COLOR: Record<SpotTargetStatus, string> = {
  pending: '#1677ff',
  passed: '#00b578',
  failed: '#f53f3f',
  no_response: '#ff8f1f',
  excused: '#c8c9cc',
};

export const SPOT_STATUS_ORDER: readonly SpotTargetStatus[] = ['failed', 'no_response', 'pending', 'passed', 'excused'];

export const REQUEST_STATUS_TONE: Record<RequestStatus, TagTone> = {
  pending: 'brand',
  approved: 'green',
  rejected: 'red',
  withdrawn: 'grey',
};

/** 85 米 · 1.2 公里 */
export function distanceText(metres: number): string {
  if (metres < 1000) return `${Math.max(0, Math.round(metres))} 米`;
  return `${(metres / 1000).toFixed(metres < 10_000 ? 1 : 0)} 公里`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** 09:05 */
export function clockText(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** 09:05:32 */
export function clockSeconds(d: Date): string {
  return `${clockText(d)}:${pad(d.getSeconds())}`;
}

const CHINA_OFFSET_MS = 8 * 3600_000;

/** 'YYYY-MM-DD' of a moment in China time (the server's days), whatever the phone's zone. */
export function chinaDate(at: Date = new Date()): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since midnight, China time. */
export function chinaMinutes(at: Date): number {
  const d = new Date(at.getTime() + CHINA_OFFSET_MS);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
}

/** 'YYYY-MM-DD' moved by `days`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** 'YYYY-MM' moved by `months`. */
export function addMonths(month: string, months: number): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1 + months, 1));
  return d.toISOString().slice(0, 7);
}

const WEEKDAYS = '日一二三四五六';

/** 11月24日 星期二 */
export function dayLabel(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 星期${WEEKDAYS[d.getUTCDay()]}`;
}

/** 2026年11月 */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${y}年${m}月`;
}

/** 09:00–12:00、14:00–18:00 */
export function segmentsText(shift: Pick<ShiftView, 'segments'>): string {
  return shift.segments.map((segment) => `${segment.start}–${segment.end}`).join('、');
}

/** mm:ss, or h:mm:ss past an hour. */
export function countdownText(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}
