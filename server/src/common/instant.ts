import { ValidateBy } from 'class-validator';

/** Years a county office's records can be about; anything else is a typo or a probe. */
const YEAR_MIN = 2000;
const YEAR_MAX = 2100;

/** True for an ISO 8601 calendar date-time (`2026-11-25T09:00:00+08:00`) that JavaScript reads as the same instant, within 2000–2100. */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return false;
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  // 2026-02-30 is parsed by JavaScript as 2 March: the written date must exist.
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return false;
  const t = Date.parse(value);
  if (!Number.isFinite(t)) return false;
  const year = new Date(t).getUTCFullYear();
  return year >= YEAR_MIN && year <= YEAR_MAX;
}

/**
 * An instant as `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z` or an offset. Stricter than IsISO8601, which also
 * takes week dates and ordinal days that `new Date` cannot read (they would reach the database as NaN).
 */
export const IsInstant = (message: string) => ValidateBy({ name: 'isInstant', validator: { validate: isInstant, defaultMessage: () => message } });
