/**
 * Vant styles for the first screen (sign-in and toasts), file by file and in Vant's own order.
 * The icon rules come first so that components' icon sizes win over them; the icon font itself
 * (≈ 28 KB gzip) is split off by build/vant-icon-font.plugin.ts and arrives with the pages that
 * show icons (see icon-font.ts), since sign-in shows none.
 */
import 'vant/es/style/base.css';
import 'vant/es/badge/index.css';
import 'vant/es/icon/index.css';
import 'vant/es/cell/index.css';
import 'vant/es/field/index.css';
import 'vant/es/loading/index.css';
import 'vant/es/button/index.css';
import 'vant/es/overlay/index.css';
import 'vant/es/popup/index.css';
import 'vant/es/toast/index.css';
