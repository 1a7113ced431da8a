/** A piece of text, marked when it is what the search matched. */
export interface TextPart {
  text: string;
  hit: boolean;
}

const LATIN = /^[a-z]+$/i;

/** Splits `text` around every case-insensitive occurrence of `query`. */
export function splitMatches(text: string, query: string): TextPart[] {
  const needle = query.trim().toLowerCase();
  if (!needle || !text) return [{ text, hit: false }];
  const parts: TextPart[] = [];
  const haystack = text.toLowerCase();
  let from = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, from)) {
    if (at > from) parts.push({ text: text.slice(from, at), hit: false });
    parts.push({ text: text.slice(at, at + needle.length), hit: true });
    from = at + needle.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), hit: false });
  return parts.length > 0 ? parts : [{ text, hit: false }];
}

/**
 * How to mark a member's name for a search: where the query appears in it literally. Latin letters
 * are pinyin, matched by the server from the start of the initials (zsf → 张三丰, zs → 张三…) or
 * of the full pinyin (zhangs): up to one letter a character is read as initials and marks that
 * many leading characters; a longer query (full pinyin) marks the whole name.
 */
export function nameParts(name: string, query: string): TextPart[] {
  const q = query.trim();
  const literal = splitMatches(name, q);
  if (literal.some((part) => part.hit) || !q || !LATIN.test(q)) return literal;
  const chars = Array.from(name);
  if (q.length >= chars.length) return [{ text: name, hit: true }];
  return [
    { text: chars.slice(0, q.length).join(''), hit: true },
    { text: chars.slice(q.length).join(''), hit: false },
  ];
}
