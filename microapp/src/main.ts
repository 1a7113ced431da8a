import { Locale } from 'vant';
import zhCN from 'vant/es/locale/lang/zh-CN';
import { createApp } from 'vue';
import './app/first-screen-styles';
import App from './app/App.vue';
import { router } from './app/router';
import './app/theme.css';
import { loadPlatform } from './platform';

Locale.use('zh-CN', zhCN);

async function start(): Promise<void> {
  // Chosen before the first navigation: guards and page titles go through it.
  await loadPlatform();
  createApp(App).use(router).mount('#app');
}

start().catch((error: unknown) => {
  console.error(error);
  const root = document.getElementById('app');
  if (root) root.innerHTML = '<p style="padding:48px 24px;text-align:center;color:#646a73">连心加载失败，请检查网络后刷新重试</p>';
});
