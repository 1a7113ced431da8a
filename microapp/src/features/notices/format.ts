const WEEKDAYS = '日一二三四五六';

const pad = (n: number): string => String(n).padStart(2, '0');
const clock = (d: Date): string => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

function dayDiff(d: Date, now: Date): number {
  const start = (x: Date): number => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  return Math.round((start(now) - start(d)) / 86_400_000);
}

/** When something happened, as a list shows it: 09:30 · 昨天 18:00 · 11月23日 · 2025年11月23日. */
export function listTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const days = dayDiff(d, now);
  if (days === 0) return clock(d);
  if (days === 1) return `昨天 ${clock(d)}`;
  if (d.getFullYear() === now.getFullYear()) return `${d.getMonth() + 1}月${d.getDate()}日`;
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

/** A moment in full: 今天 09:30 · 昨天 18:00 · 11月23日 09:30 (the year when it is not this one). */
export function fullTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const days = dayDiff(d, now);
  if (days === 0) return `今天 ${clock(d)}`;
  if (days === 1) return `昨天 ${clock(d)}`;
  const year = d.getFullYear() === now.getFullYear() ? '' : `${d.getFullYear()}年`;
  return `${year}${d.getMonth() + 1}月${d.getDate()}日 ${clock(d)}`;
}

/** When a meeting starts: 11月25日 星期二 09:00 (the year when it is not this one). */
export function meetingTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const year = d.getFullYear() === now.getFullYear() ? '' : `${d.getFullYear()}年`;
  return `${year}${d.getMonth() + 1}月${d.getDate()}日 星期${WEEKDAYS[d.getDay()]} ${clock(d)}`;
}

/** A piece of a notice's body: plain text, or a web link to show as one. */
export interface BodyPart {
  text: string;
  href?: string;
}

const LINK = /https?:\/\/[^\s<>"'，。；！？、（）《》【】「」]+/gi;
/** Punctuation that ends a sentence rather than a link. */
const TRAILING = /[.,;:!?)\]}'"]+$/;

/**
 * Splits a notice's text into plain runs and http(s) links. The page renders each part as a text
 * node or an <a>, so nothing the sender typed is ever parsed as HTML.
 */
export function bodyParts(text: string): BodyPart[] {
  const parts: BodyPart[] = [];
  let from = 0;
  for (const match of text.matchAll(LINK)) {
    const at = match.index ?? 0;
    const raw = match[0].replace(TRAILING, '');
    const href = safeHref(raw);
    if (!href) continue;
    if (at > from) parts.push({ text: text.slice(from, at) });
    parts.push({ text: raw, href });
    from = at + raw.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from) });
  return parts;
}

function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null; // not a URL after all: left as text
  }
}
