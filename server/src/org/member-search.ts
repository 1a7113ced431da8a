/**
 * How a search box query matches members: digits match the phone anywhere, Latin letters match the
 * start of the pinyin initials (zsf → 张三丰) or of the full pinyin (zhangs), anything else the name.
 * Returns a SQL condition on `m` using parameter $n, and the parameter.
 */
export function memberSearch(q: string | undefined, n: number): { sql: string; param: string } | null {
  const term = q?.trim().replace(/\s+/g, '');
  if (!term) return null;
  const like = term.replace(/[\\%_]/g, (c) => `\\${c}`);
  if (/^\d+$/.test(term)) return { sql: `m.phone LIKE '%' || $${n} || '%'`, param: like };
  if (/^[a-z]+$/i.test(term)) return { sql: `(m.name_initials LIKE $${n} || '%' OR m.name_pinyin LIKE $${n} || '%')`, param: like.toLowerCase() };
  return { sql: `m.name LIKE '%' || $${n} || '%'`, param: like };
}
