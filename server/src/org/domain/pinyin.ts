import { pinyin } from 'pinyin-pro';

/** Search keys of a Chinese name: 张三 → { initials: 'zs', pinyin: 'zhangsan' }; surnames read as surnames (曾 → zeng), ü typed as v (吕 → lv). */
export function nameKeys(name: string): { initials: string; pinyin: string } {
  const opts = { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive', v: true } as const;
  const initials = pinyin(name, { ...opts, pattern: 'first' }).join('').replace(/[^a-z0-9]/gi, '').toLowerCase();
  const full = pinyin(name, opts).join('').replace(/[^a-z0-9]/gi, '').toLowerCase();
  return { initials: initials.slice(0, 50), pinyin: full.slice(0, 300) };
}
