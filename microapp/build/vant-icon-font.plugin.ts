import type { Plugin } from 'vite';

/** Import this from pages that show Vant icons: it carries only the icon font. */
export const ICON_FONT_QUERY = 'icon-font';

const ICON_CSS = /[\\/]vant[\\/]es[\\/]icon[\\/]index\.css(\?.*)?$/;
const FONT_FACE = /@font-face\s*\{[^}]*\}/g;

/**
 * Vant inlines its icon font (≈ 28 KB gzip of base64 woff2) in icon/index.css, which every
 * component's style entry imports, so even a page without a single icon pays for it. This splits
 * the file: `vant/es/icon/index.css` keeps the icon class rules without the font, and
 * `vant/es/icon/index.css?icon-font` holds only the @font-face, for the lazily loaded pages
 * that draw icons.
 */
export function vantIconFont(): Plugin {
  return {
    name: 'lianxin:vant-icon-font',
    enforce: 'pre',
    transform(code, id) {
      const match = ICON_CSS.exec(id);
      if (!match) return null;
      const fontOnly = new URLSearchParams(match[1]?.slice(1) ?? '').has(ICON_FONT_QUERY);
      const fonts = code.match(FONT_FACE) ?? [];
      if (fonts.length === 0) this.error(`no @font-face found in ${id}: Vant changed its icon CSS`);
      return { code: fontOnly ? fonts.join('\n') : code.replace(FONT_FACE, ''), map: null };
    },
  };
}
