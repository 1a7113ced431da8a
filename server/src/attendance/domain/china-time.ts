/** China time is UTC+8 all year: dates and clock times are computed with a fixed offset, never the machine's zone. */
export const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The China date of an instant, 'YYYY-MM-DD'. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of a China date and 'HH:MM' clock time. */
export function chinaInstant(date: string, hhmm: string): Date {
  return new Date(`${date}T${hhmm}:00+08:00`);
}

/** 'HH:MM' of an instant in China time. */
export function chinaClock(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(11, 16);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every date of a month 'YYYY-MM', in order. */
export function monthDates(month: string): string[] {
  const first = `${month}-01`;
  const out: string[] = [];
  for (let d = first; d.startsWith(month); d = addDays(d, 1)) out.push(d);
  return out;
}

/** Monday (China date) of the week an instant falls in. */
export function weekStart(at: Date): string {
  const date = chinaDate(at);
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
  return addDays(date, 1 - dow);
}

/** True for a real calendar date written 'YYYY-MM-DD'. */
export function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}
