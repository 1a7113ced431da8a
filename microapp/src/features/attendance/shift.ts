import { PASSING_VERDICTS, type CheckInView, type ShiftView } from '@lianxin/shared';
import { chinaMinutes } from './attendance-format';

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

interface Window {
  kind: 'in' | 'out';
  from: number;
  to: number;
}

/**
 * The day cut into windows: before the middle of a segment is its 上班, after it its 下班, up to the
 * middle of the break before the next segment. An end not after its start is on the next day.
 */
function windows(shift: ShiftView): Window[] {
  const spans: Array<{ start: number; end: number }> = [];
  for (const segment of shift.segments) {
    const start = minutes(segment.start);
    let end = minutes(segment.end);
    if (end <= start) end += 1440;
    spans.push({ start, end });
  }
  const result: Window[] = [];
  spans.forEach((span, index) => {
    const previous = spans[index - 1];
    const next = spans[index + 1];
    const middle = (span.start + span.end) / 2;
    result.push({ kind: 'in', from: previous ? (previous.end + span.start) / 2 : -Infinity, to: middle });
    result.push({ kind: 'out', from: middle, to: next ? (span.end + next.start) / 2 : Infinity });
  });
  return result;
}

/**
 * 上班 or 下班 for the big button, by the time and what today holds: within a segment's 上班 window
 * it is 上班 unless a passing 上班 (or 外勤) check-in was already made in that window.
 */
export function suggestKind(shift: ShiftView, checkIns: readonly CheckInView[], now: Date): 'in' | 'out' {
  const at = chinaMinutes(now);
  const all = windows(shift);
  const current = all.find((w) => at >= w.from && at < w.to) ?? all[all.length - 1];
  if (!current || current.kind === 'out') return 'out';
  const done = checkIns.some(
    (c) => (c.kind === 'in' || c.kind === 'field') && PASSING_VERDICTS.includes(c.verdict) && chinaMinutes(new Date(c.at)) >= current.from,
  );
  return done ? 'out' : 'in';
}
