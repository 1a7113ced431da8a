import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router';
import { session } from '@/features/identity/session';
import { disconnectLive } from '@/features/live/live-connection';
import { WORKBENCH_TILES } from '@/features/workbench/tiles';
import { ApiError, ClientErrorCode, setUnauthorizedHandler } from '@/lib/http';
import { notifyError } from '@/lib/notify';
import { platform } from '@/platform';
import SignInPage from '@/pages/sign-in.page.vue';

const routes: RouteRecordRaw[] = [
  // The sign-in page is the first screen for most visits, so it ships in the entry chunk.
  { path: '/sign-in', name: 'sign-in', component: SignInPage, meta: { title: '登录', public: true } },
  {
    path: '/',
    component: () => import('./tab-layout.vue'),
    children: [
      { path: '', name: 'workbench', component: () => import('@/pages/workbench.page.vue'), meta: { title: '工作台' } },
      { path: 'contacts', name: 'contacts', component: () => import('@/pages/contacts.page.vue'), meta: { title: '通讯录' } },
      { path: 'me', name: 'me', component: () => import('@/pages/me.page.vue'), meta: { title: '我的' } },
    ],
    meta: { title: '连心' },
  },
  {
    path: '/contacts/units/:id',
    name: 'contacts-unit',
    component: () => import('@/pages/contacts-unit.page.vue'),
    meta: { title: '通讯录' },
  },
  {
    path: '/contacts/members/:id',
    name: 'contacts-member',
    component: () => import('@/pages/contacts-member.page.vue'),
    meta: { title: '成员资料' },
  },
  { path: '/notices', name: 'notices', component: () => import('@/pages/notices.page.vue'), meta: { title: '通知' } },
  { path: '/notices/new', name: 'notice-compose', component: () => import('@/pages/notice-compose.page.vue'), meta: { title: '发通知' } },
  { path: '/notices/:id', name: 'notice', component: () => import('@/pages/notice.page.vue'), meta: { title: '通知' } },
  { path: '/notices/:id/track', name: 'notice-track', component: () => import('@/pages/notice-track.page.vue'), meta: { title: '阅读情况' } },
  { path: '/attendance', name: 'attendance', component: () => import('@/pages/attendance.page.vue'), meta: { title: '打卡' } },
  { path: '/attendance/month', name: 'attendance-month', component: () => import('@/pages/attendance-month.page.vue'), meta: { title: '我的月历' } },
  { path: '/attendance/requests', name: 'attendance-requests', component: () => import('@/pages/attendance-requests.page.vue'), meta: { title: '考勤申请' } },
  {
    path: '/attendance/requests/new',
    name: 'attendance-request-new',
    component: () => import('@/pages/attendance-request-new.page.vue'),
    meta: { title: '补卡 / 请假' },
  },
  { path: '/attendance/daily', name: 'attendance-daily', component: () => import('@/pages/attendance-daily.page.vue'), meta: { title: '考勤日报' } },
  { path: '/attendance/spot-checks', name: 'spot-checks', component: () => import('@/pages/spot-checks.page.vue'), meta: { title: '我的抽查' } },
  { path: '/attendance/spot-checks/new', name: 'spot-check-new', component: () => import('@/pages/spot-check-new.page.vue'), meta: { title: '发起抽查' } },
  { path: '/attendance/spot-checks/:id', name: 'spot-check', component: () => import('@/pages/spot-check.page.vue'), meta: { title: '抽查结果' } },
  ...WORKBENCH_TILES.filter((tile) => tile.soon).map(
    (tile): RouteRecordRaw => ({
      path: tile.path,
      name: tile.name,
      component: () => import('@/pages/coming-soon.page.vue'),
      meta: { title: tile.label },
    }),
  ),
  { path: '/:rest(.*)*', redirect: '/', meta: { title: '连心' } },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

function signInLocation(to: RouteLocationNormalized) {
  return to.fullPath === '/' ? { name: 'sign-in' } : { name: 'sign-in', query: { redirect: to.fullPath } };
}

router.beforeEach(async (to) => {
  if (to.meta.public) {
    return to.name === 'sign-in' && session.signedIn.value ? { name: 'workbench' } : true;
  }
  if (!session.signedIn.value) return signInLocation(to);
  try {
    await session.ensureMember();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signInLocation(to);
    notifyError(error); // the page still opens and shows what it can without the member
  }
  return true;
});

router.afterEach((to) => {
  platform().setTitle(to.meta.title);
});

router.onError((error) => {
  // Usually a lazy page chunk that failed to download on a weak signal.
  notifyError(error instanceof ApiError ? error : new ApiError(0, ClientErrorCode.Network, '页面加载失败，请检查网络后重试'));
});

setUnauthorizedHandler(() => {
  session.signOut();
  disconnectLive();
  const current = router.currentRoute.value;
  // During the first navigation the guard itself sends the visitor to sign-in.
  if (current.matched.length > 0 && !current.meta.public) void router.replace(signInLocation(current));
});
