/** The Vant icon font alone (see build/vant-icon-font.plugin.ts); imported by every page that shows icons. */
import 'vant/es/icon/index.css?icon-font';
