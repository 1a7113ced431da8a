/**
 * A member's attendance status for one date, in China time (fixed +08:00, no DST).
 * All date arithmetic is done on epoch milliseconds with an explicit 8 h offset, never the machine's zone.
 */
import type { DayStatus } from '@lianxin/shared';

/** One working span as 'HH:MM'; an end at or before the start is on the next day (night shift). */
export interface Segment {
  start: string;
  end: string;
}

/** A shift: one or two ordered segments (two = a lunch break between them), the weekdays it applies and its tolerances. */
export interface ShiftRule {
  segments: Segment[];
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  workdays: number[];
  /** Checking in later than start + grace is late. */
  lateGraceMinutes: number;
  /** Checking out earlier than end − grace is leaving early. */
  earlyGraceMinutes: number;
  /** Lateness (minutes after start) at or above this is serious. */
  seriousLateMinutes: number;
}

/** 法定节假日 ('holiday', a day off) or 调休 ('workday', worked even on a weekend). */
export type CalendarKind = 'holiday' | 'workday';

/**
 * One check-in. `counts` is false when its verdict failed (out of range, low accuracy, suspicious): it is shown but ignored.
 * Kind 'correction' is an approved 补卡 at its corrected time.
 */
export interface Punch {
  at: Date;
  kind: 'in' | 'out' | 'field' | 'spot' | 'meeting' | 'correction';
  counts: boolean;
}

/** Everything needed to judge one member's day. */
export interface DayInput {
  /** YYYY-MM-DD in China time. */
  date: string;
  rule: ShiftRule;
  calendar: CalendarKind | null;
  onLeave: boolean;
  punches: Punch[];
  /**
   * For a day still in progress: check-ins not yet due (an in before its start and grace, an out
   * before its segment ends) are not missing, and no out is judged before its segment ends.
   */
  now?: Date;
}

/** One segment's absolute times, the punches assigned to it and what they amount to. */
export interface SegmentResult {
  start: Date;
  end: Date;
  in: Date | null;
  out: Date | null;
  lateMinutes: number;
  earlyMinutes: number;
  inMissing: boolean;
  outMissing: boolean;
}

/** The verdict for one day with its per-segment detail and totals. */
export interface DayResult {
  date: string;
  status: DayStatus;
  workday: boolean;
  segments: SegmentResult[];
  firstIn: Date | null;
  lastOut: Date | null;
  lateMinutes: number;
  earlyMinutes: number;
  missingCount: number;
  field: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** China Standard Time is UTC+08:00 all year. */
const CHINA_OFFSET = 8 * HOUR;
/** The attendance day opens this long before the first segment starts. */
const WINDOW_LEAD = 4 * HOUR;

/** Epoch milliseconds of 00:00 China time on a YYYY-MM-DD date. */
function chinaMidnight(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`Invalid date: ${date}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = Date.UTC(y, mo - 1, d);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new RangeError(`Invalid date: ${date}`);
  }
  return utc - CHINA_OFFSET;
}

/** Minutes after midnight of an 'HH:MM' clock time. */
function clockMinutes(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new RangeError(`Invalid time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date, independent of any time zone. */
function isoWeekday(date: string): number {
  const day = new Date(chinaMidnight(date) + CHINA_OFFSET).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The rule's segments, refusing a rule without any. */
function ruleSegments(rule: ShiftRule): Segment[] {
  if (rule.segments.length === 0) throw new RangeError('A shift rule needs at least one segment');
  return rule.segments;
}

/** Absolute [start, end] of each segment on a date, kept monotonic across midnight. */
function segmentSpans(date: string, rule: ShiftRule): Array<{ start: number; end: number }> {
  const midnight = chinaMidnight(date);
  const segments = ruleSegments(rule);
  const firstStart = clockMinutes(segments[0].start);
  return segments.map((s) => {
    const startMin = clockMinutes(s.start);
    const endMin = clockMinutes(s.end);
    const start = midnight + (startMin < firstStart ? DAY : 0) + startMin * MINUTE;
    const length = endMin > startMin ? endMin - startMin : endMin - startMin + 24 * 60;
    return { start, end: start + length * MINUTE };
  });
}

/** Whether the member is due at work: a holiday is off, a 调休 day is on, otherwise the rule's weekdays decide. */
export function isWorkday(date: string, rule: ShiftRule, calendar: CalendarKind | null): boolean {
  if (calendar === 'holiday') return false;
  if (calendar === 'workday') return true;
  return rule.workdays.includes(isoWeekday(date));
}

/** The instants [from, to) whose punches belong to this date: from 4 h before the first segment starts, for 24 h. */
export function dayWindow(date: string, rule: ShiftRule): { from: Date; to: Date } {
  const from = segmentSpans(date, rule)[0].start - WINDOW_LEAD;
  return { from: new Date(from), to: new Date(from + DAY) };
}

/** A counting punch reduced to its instant, keeping its index so the same punch is never used twice in one segment. */
interface Stamp {
  index: number;
  at: number;
}

/** The earliest stamp with lo <= at < hi. */
function earliestIn(stamps: Stamp[], lo: number, hi: number): Stamp | null {
  return stamps.find((s) => s.at >= lo && s.at < hi) ?? null;
}

/** The latest stamp with lo < at <= hi. */
function latestIn(stamps: Stamp[], lo: number, hi: number): Stamp | null {
  for (let i = stamps.length - 1; i >= 0; i--) {
    if (stamps[i].at > lo && stamps[i].at <= hi) return stamps[i];
  }
  return null;
}

/** Picks a segment's in and out by time alone; a lone punch is the in before the segment's midpoint, otherwise the out. */
function assignPunches(
  stamps: Stamp[],
  span: { start: number; end: number },
  windowStart: number,
  windowEnd: number,
): { in: number | null; out: number | null } {
  const first = earliestIn(stamps, windowStart, span.end);
  const last = latestIn(stamps, span.start, windowEnd);
  if (first && last && first.index === last.index) {
    const midpoint = (span.start + span.end) / 2;
    return first.at < midpoint ? { in: first.at, out: null } : { in: null, out: first.at };
  }
  return { in: first?.at ?? null, out: last?.at ?? null };
}

/** Whole minutes (rounded up) late, or 0 within the grace. */
function lateness(inAt: number | null, start: number, graceMinutes: number): number {
  if (inAt === null || inAt <= start + graceMinutes * MINUTE) return 0;
  return Math.ceil((inAt - start) / MINUTE);
}

/** Whole minutes (rounded up) left early, or 0 within the grace. */
function earliness(outAt: number | null, end: number, graceMinutes: number): number {
  if (outAt === null || outAt >= end - graceMinutes * MINUTE) return 0;
  return Math.ceil((end - outAt) / MINUTE);
}

/** Each segment's result from the counting punches, split between segments at the middle of each break. */
function judgeSegments(input: DayInput, stamps: Stamp[], from: number, to: number): SegmentResult[] {
  const spans = segmentSpans(input.date, input.rule);
  const boundaries = spans.slice(0, -1).map((s, i) => (s.end + spans[i + 1].start) / 2);
  return spans.map((span, i) => {
    const windowStart = i === 0 ? from : boundaries[i - 1];
    const windowEnd = i === spans.length - 1 ? to : boundaries[i];
    const picked = assignPunches(stamps, span, windowStart, windowEnd);
    const now = input.now?.getTime() ?? Infinity;
    if (now < span.end) {
      // The segment is still running: its one punch so far is the arrival, and no departure is judged yet.
      if (picked.in === null) picked.in = picked.out;
      picked.out = null;
    }
    return {
      start: new Date(span.start),
      end: new Date(span.end),
      in: picked.in === null ? null : new Date(picked.in),
      out: picked.out === null ? null : new Date(picked.out),
      lateMinutes: lateness(picked.in, span.start, input.rule.lateGraceMinutes),
      earlyMinutes: earliness(picked.out, span.end, input.rule.earlyGraceMinutes),
      inMissing: picked.in === null && now >= span.start + input.rule.lateGraceMinutes * MINUTE,
      outMissing: picked.out === null && now >= span.end,
    };
  });
}

/** The day's status, testing leave, rest, absence, missing punches, lateness, early leave and field work in that order. */
function decideStatus(input: DayInput, workday: boolean, segments: SegmentResult[], anyPunch: boolean, field: boolean): DayStatus {
  if (input.onLeave) return 'leave';
  if (!workday) return 'rest';
  if (!anyPunch) {
    const over = input.now === undefined || input.now >= segments[segments.length - 1].end;
    if (over) return 'absent';
    return segments.some((s) => s.inMissing) ? 'missing' : 'pending';
  }
  if (segments.some((s) => s.inMissing || s.outMissing)) return 'missing';
  if (segments.some((s) => s.lateMinutes >= input.rule.seriousLateMinutes && s.lateMinutes > 0)) return 'serious_late';
  if (segments.some((s) => s.lateMinutes > 0)) return 'late';
  if (segments.some((s) => s.earlyMinutes > 0)) return 'early_leave';
  if (field) return 'field';
  return 'normal';
}

/** The earliest or latest of some optional instants, or null when there are none. */
function extreme(dates: Array<Date | null>, which: 'earliest' | 'latest'): Date | null {
  const times = dates.filter((d): d is Date => d !== null).map((d) => d.getTime());
  if (times.length === 0) return null;
  return new Date(which === 'earliest' ? Math.min(...times) : Math.max(...times));
}

/** Judges one member's day: assigns the counting punches in the day's window to segments and derives status and totals. */
export function computeDay(input: DayInput): DayResult {
  const window = dayWindow(input.date, input.rule);
  const from = window.from.getTime();
  const to = window.to.getTime();
  const counting = input.punches
    .filter((p) => p.counts && p.at.getTime() >= from && p.at.getTime() < to)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const stamps = counting.map((p, index) => ({ index, at: p.at.getTime() }));
  const segments = judgeSegments(input, stamps, from, to);
  const workday = isWorkday(input.date, input.rule, input.calendar);
  const field = counting.some((p) => p.kind === 'field');
  return {
    date: input.date,
    status: decideStatus(input, workday, segments, counting.length > 0, field),
    workday,
    segments,
    firstIn: extreme(segments.map((s) => s.in), 'earliest'),
    lastOut: extreme(segments.map((s) => s.out), 'latest'),
    lateMinutes: segments.reduce((sum, s) => sum + s.lateMinutes, 0),
    earlyMinutes: segments.reduce((sum, s) => sum + s.earlyMinutes, 0),
    missingCount: segments.reduce((sum, s) => sum + (s.inMissing ? 1 : 0) + (s.outMissing ? 1 : 0), 0),
    field,
  };
}
