/** Quiet hours as minutes after local midnight, e.g. 22:00–07:00 → { from: 1320, to: 420 }; the window may wrap midnight. */
export interface QuietHours {
  from: number;
  to: number;
  /** The county's offset from UTC in minutes (China: +480, no daylight saving). */
  offsetMinutes: number;
}

/** Parses "22:00-07:00"; null for "" or "off". Throws for anything else. */
export function parseQuietHours(text: string | undefined, offsetMinutes = 480): QuietHours | null {
  if (!text || text === 'off') return null;
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) throw new Error(`quiet hours must look like 22:00-07:00, got ${text}`);
  const [h1, m1, h2, m2] = m.slice(1).map(Number);
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) throw new Error(`quiet hours must look like 22:00-07:00, got ${text}`);
  return { from: h1 * 60 + m1, to: h2 * 60 + m2, offsetMinutes };
}

/** When a non-urgent step due at `at` may fire: `at` itself, or the end of the quiet window it falls in. */
export function afterQuietHours(at: Date, q: QuietHours | null): Date {
  if (!q || q.from === q.to) return at;
  const local = at.getTime() + q.offsetMinutes * 60_000;
  const dayStart = Math.floor(local / 86_400_000) * 86_400_000;
  const minute = (local - dayStart) / 60_000;
  const wraps = q.from > q.to;
  const inside = wraps ? minute >= q.from || minute < q.to : minute >= q.from && minute < q.to;
  if (!inside) return at;
  // The end of this window: today at `to`, or tomorrow at `to` when the window started today before midnight.
  const endLocal = dayStart + q.to * 60_000 + (wraps && minute >= q.from ? 86_400_000 : 0);
  return new Date(endLocal - q.offsetMinutes * 60_000);
}
