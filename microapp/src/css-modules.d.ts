/** The Vant icon font split off by build/vant-icon-font.plugin.ts (a side-effect CSS import). */
declare module '*?icon-font';
