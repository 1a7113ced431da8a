import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AdminApi, createSmallOrg, type SmallOrg } from './support/org-data';
import { expectNoSidewaysScroll, IPHONE_UA, launchChromium, PHONE, shot as shotIn, signIn, waitForCount } from './support/phone';
import { ADMIN, REPO_ROOT, type RunningServer, startServer } from './support/server';

/** Screenshots of the 通知 pages; LIANXIN_SHOTS=/tmp/shots-notices puts them somewhere else. */
const SHOTS = process.env.LIANXIN_SHOTS ?? join(REPO_ROOT, 'test/browser/artifacts');
const LI_PASSWORD = 'Lisi-pass-2026';

const NOTICE = {
  title: '关于开展汛期安全隐患排查的通知',
  body: '各村（社区）：\n请于本周五前完成辖区内山塘、危房的隐患排查，并上报排查台账。\n填报说明见 https://example.gov.cn/flood?id=7。',
};
const MEETING = {
  title: '全镇防汛工作部署会',
  body: '请各村党支部书记、村委会主任准时参会。',
  place: '兴州街道办三楼会议室',
  reason: '在村里组织转移群众，无法到场',
};

describe('通知: compose, inbox, reading and the sender\'s dashboard, live', () => {
  let server: RunningServer;
  let org: SmallOrg;
  let browser: Browser;
  let adminContext: BrowserContext;
  let liContext: BrowserContext;
  /** The county's administrator, who sends. */
  let admin: Page;
  /** 李四, a village committee member, who receives. */
  let li: Page;
  const pageErrors: string[] = [];
  const shot = (page: Page, name: string, fullPage = false) => shotIn(page, SHOTS, name, fullPage);

  beforeAll(async () => {
    for (const built of ['server/dist/main.js', 'microapp/dist/index.html']) {
      if (!existsSync(join(REPO_ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
    }
    await mkdir(SHOTS, { recursive: true });
    server = await startServer();
    const api = await AdminApi.signIn(server.baseUrl);
    org = await createSmallOrg(api);
    await api.call('PATCH', `/org/members/${org.li.id}`, { password: LI_PASSWORD });

    browser = await launchChromium();
    adminContext = await browser.newContext({ ...PHONE, userAgent: IPHONE_UA });
    liContext = await browser.newContext({ ...PHONE, userAgent: IPHONE_UA });
    admin = await adminContext.newPage();
    li = await liContext.newPage();
    admin.on('pageerror', (error) => pageErrors.push(`[admin] ${error.message}`));
    li.on('pageerror', (error) => pageErrors.push(`[李四] ${error.message}`));
  });

  afterAll(async () => {
    await adminContext?.close();
    await liContext?.close();
    await browser?.close();
    await server?.stop();
  });

  const toast = (page: Page, text: string | RegExp) => page.locator('.van-toast', { hasText: text });
  /** Screenshots wait for toasts to fade. */
  const toastsGone = (page: Page) => page.locator('.van-toast').waitFor({ state: 'hidden' });
  const ring = (page: Page, read: number, total: number) => page.getByRole('img', { name: `已读 ${read} / ${total} 人` });
  const receiptRows = (page: Page) => page.locator('section[aria-labelledby="people"] .receipt-row');

  it('李四 opens 通知 from the workbench: an empty inbox, and no 发通知 for someone without a role', async () => {
    await signIn(li, server.baseUrl, { phone: org.li.phone, password: LI_PASSWORD });
    await li.locator('.van-grid-item', { hasText: '通知' }).click();
    await li.waitForURL('**/notices');
    await expect(li.title()).resolves.toContain('通知');
    await li.getByText('暂无通知，新通知会实时出现在这里').waitFor();
    await expect(li.getByRole('link', { name: '发通知' }).count()).resolves.toBe(0);
  });

  it('the administrator writes a notice to 兴州街道 with its villages: checks, picks the audience, confirms and lands on the dashboard', async () => {
    await signIn(admin, server.baseUrl, ADMIN);
    await admin.locator('.van-grid-item', { hasText: '通知' }).click();
    await admin.getByRole('link', { name: '发通知' }).click();
    await admin.waitForURL('**/notices/new');

    // Nothing filled in: each field says what it needs, nothing is sent.
    await admin.getByRole('button', { name: '发送' }).click();
    await admin.getByText('请填写标题').waitFor();
    await admin.getByText('请填写正文').waitFor();
    await admin.getByText('请选择接收的单位或人员').waitFor();

    await admin.getByLabel('标题').fill(NOTICE.title);
    await admin.getByLabel('正文').fill(NOTICE.body);
    await expect(admin.getByText('请填写标题').count()).resolves.toBe(0);

    await admin.getByRole('button', { name: /接收范围/ }).click();
    const picker = admin.getByRole('dialog', { name: '选择接收范围' });
    await picker.getByRole('checkbox', { name: `选择 ${org.town.name}` }).click();
    await picker.getByRole('button', { name: /确定\(1\)/ }).click();
    await picker.waitFor({ state: 'hidden' });
    const chips = admin.getByLabel('已选接收范围');
    await chips.getByText(org.town.name).waitFor();
    await expect(chips.getByRole('button', { name: `${org.town.name} 含下级单位` }).getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(admin.getByRole('switch', { name: '需要回执' }).getAttribute('aria-checked')).resolves.toBe('false');
    await expectNoSidewaysScroll(admin);
    await shot(admin, 'notice-compose', true);

    await admin.getByRole('button', { name: '发送' }).click();
    const dialog = admin.locator('.van-dialog');
    await dialog.getByText(`接收范围：${org.town.name}（含下级）`).waitFor();
    await dialog.getByText('不需要回执').waitFor();
    await dialog.getByRole('button', { name: '发送' }).click();

    await admin.waitForURL('**/notices/*/track');
    await toast(admin, '已发送给 4 人').waitFor(); // 王建国, 张三丰, 李四, 刘红梅; 赵六 is disabled
    await ring(admin, 0, 4).waitFor();
    await admin.getByRole('tab', { name: /未读\s*4/ }).waitFor();
    await waitForCount(receiptRows(admin), 4);
    // Whom to call: names, units, numbers and a 拨打 link each.
    const liRow = receiptRows(admin).filter({ hasText: org.li.name });
    await liRow.getByText(org.li.phone).waitFor();
    await liRow.getByText(org.village.name).waitFor();
    await expect(liRow.getByRole('link', { name: `拨打 ${org.li.name} 的电话` }).getAttribute('href')).resolves.toBe(`tel:${org.li.phone}`);
    // Per unit, one level below the town: both villages and the town's own office.
    const units = admin.locator('section[aria-labelledby="by-unit"]');
    await units.getByText(org.village.name).waitFor();
    await units.getByText(org.otherVillage.name).waitFor();
  });

  it('李四 sees it arrive at the top of his inbox without reloading, with a toast and an unread badge', async () => {
    await toast(li, `新通知：${NOTICE.title}`).waitFor();
    const inbox = li.locator('section[aria-label="收到的通知"]');
    const row = inbox.locator('a', { hasText: NOTICE.title });
    await row.waitFor();
    await row.getByLabel('未读').waitFor();
    await expect(li.getByRole('tab', { name: /收到的/ }).locator('.van-badge').textContent()).resolves.toBe('1');
    await toastsGone(li);
    await expectNoSidewaysScroll(li);
    await shot(li, 'notices-inbox');
  });

  it('李四 opens it: line breaks kept, the link a link, and it is marked read', async () => {
    await li.locator('section[aria-label="收到的通知"]').locator('a', { hasText: NOTICE.title }).click();
    await li.waitForURL('**/notices/*');
    await li.getByRole('heading', { name: NOTICE.title }).waitFor();
    await li.getByText('系统管理员').first().waitFor();
    const body = li.locator('.notice-body');
    await expect(body.innerText()).resolves.toContain('各村（社区）：\n请于本周五前');
    const link = body.getByRole('link', { name: 'https://example.gov.cn/flood?id=7' });
    await expect(link.getAttribute('href')).resolves.toBe('https://example.gov.cn/flood?id=7');
    await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer');
    // No 回执 asked for, and 李四 may not track it.
    await expect(li.getByRole('button', { name: '参加' }).count()).resolves.toBe(0);
    await expect(li.getByRole('link', { name: '阅读情况' }).count()).resolves.toBe(0);
    await expectNoSidewaysScroll(li);
    await shot(li, 'notice-page');

    await li.goBack();
    const row = li.locator('section[aria-label="收到的通知"]').locator('a', { hasText: NOTICE.title });
    await row.waitFor();
    await expect(row.getByLabel('未读').count()).resolves.toBe(0);
  });

  it('the administrator\'s dashboard counts 李四 as read, live, and takes him off the unread list', async () => {
    await ring(admin, 1, 4).waitFor();
    await admin.getByRole('tab', { name: /未读\s*3/ }).waitFor();
    await waitForCount(receiptRows(admin), 3);
    await expect(receiptRows(admin).filter({ hasText: org.li.name }).count()).resolves.toBe(0);
    await admin.getByText('实时更新').waitFor();
    await expectNoSidewaysScroll(admin);
    await shot(admin, 'notice-dashboard');

    await admin.getByRole('tab', { name: /已读\s*1/ }).click();
    await receiptRows(admin).filter({ hasText: org.li.name }).waitFor();
    await admin.getByRole('tab', { name: /未读/ }).click();
  });

  it('drills from the town into 五郎坪村 and back by the breadcrumbs', async () => {
    await admin.getByRole('button', { name: `查看 ${org.village.name} 的下级单位和人员` }).click();
    await admin.waitForURL(`**/track?unit=${org.village.id}`);
    const crumbs = admin.getByRole('navigation', { name: '单位层级' });
    await expect(crumbs.textContent()).resolves.toMatch(new RegExp(`${org.town.name}.*${org.village.name}`));
    // Only the village's people: 张三丰 unread, 李四 read.
    await admin.getByRole('tab', { name: /未读\s*1/ }).waitFor();
    await waitForCount(receiptRows(admin), 1);
    await receiptRows(admin).filter({ hasText: org.zhang.name }).waitFor();
    await shot(admin, 'notice-dashboard-village');

    await crumbs.getByRole('button', { name: org.town.name }).click();
    await admin.waitForURL((url) => url.pathname.endsWith('/track') && !url.searchParams.has('unit'));
    await admin.getByRole('tab', { name: /未读\s*3/ }).waitFor();
    await waitForCount(receiptRows(admin), 3);
  });

  it('offers DING by app, SMS or phone call, and says so plainly while the server has no DING yet', async () => {
    await admin.getByRole('button', { name: 'DING 一下' }).click();
    const sheet = admin.getByRole('dialog', { name: 'DING 提醒' });
    for (const channel of ['应用内', '短信', '电话']) await sheet.getByRole('radio', { name: new RegExp(channel) }).waitFor();
    await expect(sheet.getByRole('radio', { name: /应用内/ }).getAttribute('aria-checked')).resolves.toBe('true');
    await sheet.getByRole('radio', { name: /短信/ }).click();
    await expect(sheet.getByRole('radio', { name: /短信/ }).getAttribute('aria-checked')).resolves.toBe('true');
    await expectNoSidewaysScroll(admin);
    await shot(admin, 'notice-ding');

    // A server without the DING endpoint answers 404: the page says DING is coming, and does not pretend it went.
    let asked: unknown = null;
    await adminContext.route('**/api/notices/*/ding', async (route) => {
      asked = route.request().postDataJSON();
      await route.fulfill({
        status: 404,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: '未找到', status: 404, code: 'NOT_FOUND', detail: '请求的地址不存在' }),
      });
    });
    await sheet.getByRole('button', { name: '发送 DING（3 人）' }).click();
    await toast(admin, 'DING 功能即将上线').waitFor();
    expect(asked).toEqual({ channel: 'sms', target: 'unread' });
    await expect(toast(admin, /已向/).count()).resolves.toBe(0);
    await adminContext.unroute('**/api/notices/*/ding');
    await sheet.getByRole('button', { name: '关闭' }).click();
    await sheet.waitFor({ state: 'hidden' });
  });

  it('a meeting with 回执: 李四 asks for leave with a reason, and the dashboard\'s 请假 tab shows it', async () => {
    await admin.goto(`${server.baseUrl}/notices/new`);
    await admin.getByRole('radio', { name: '会议' }).click();
    // A meeting asks for 回执 unless the sender turns it off.
    await expect(admin.getByRole('switch', { name: '需要回执' }).getAttribute('aria-checked')).resolves.toBe('true');
    await admin.getByLabel('标题').fill(MEETING.title);
    await admin.getByLabel('正文').fill(MEETING.body);
    await admin.getByRole('button', { name: '发送' }).click();
    await admin.getByText('请选择会议时间').waitFor();

    // Tomorrow 09:00 is offered first: 下一步 to the time, then 确定.
    await admin.getByLabel('会议时间').click();
    const sheet = admin.locator('.van-popup', { has: admin.locator('.van-picker-group') });
    await sheet.waitFor();
    // The sheet slides up; the shot waits until it has stopped.
    await admin.waitForFunction(() => {
      const popup = document.querySelector('.van-popup:has(.van-picker-group)');
      return popup !== null && popup.getAnimations().length === 0 && popup.getBoundingClientRect().bottom <= window.innerHeight + 1;
    });
    await shot(admin, 'notice-compose-time');
    await admin.locator('.van-picker__confirm', { hasText: '下一步' }).click();
    await admin.locator('.van-picker__confirm', { hasText: '确定' }).click();
    await expect(admin.getByLabel('会议时间').inputValue()).resolves.toMatch(/月\d+日 星期. 09:00$/);
    await admin.getByLabel('会议地点').fill(MEETING.place);

    await admin.getByRole('button', { name: /接收范围/ }).click();
    const picker = admin.getByRole('dialog', { name: '选择接收范围' });
    await picker.getByRole('button', { name: `进入 ${org.town.name}` }).click();
    await picker.getByRole('checkbox', { name: `选择 ${org.village.name}` }).click();
    await picker.getByRole('button', { name: /确定\(1\)/ }).click();
    await picker.waitFor({ state: 'hidden' });
    await admin.getByLabel('已选接收范围').getByText(org.village.name).waitFor();
    await expectNoSidewaysScroll(admin);
    await shot(admin, 'notice-compose-meeting', true);

    await admin.getByRole('button', { name: '发送' }).click();
    const dialog = admin.locator('.van-dialog');
    await dialog.getByText(`会议地点：${MEETING.place}`).waitFor();
    await dialog.getByText('需要接收人回执（参加 / 请假）').waitFor();
    await dialog.getByRole('button', { name: '发送' }).click();
    await admin.waitForURL('**/notices/*/track');
    await ring(admin, 0, 2).waitFor();
    await admin.getByRole('tab', { name: /未回执\s*2/ }).waitFor();
    await admin.getByRole('tab', { name: /请假\s*0/ }).waitFor();

    // 李四 is on his inbox: the meeting arrives; back on the workbench, 通知 and 工作台 count it.
    await toast(li, `新会议：${MEETING.title}`).waitFor();
    await li.goBack();
    await li.waitForURL((url) => url.pathname === '/');
    const tile = li.locator('.van-grid-item', { hasText: '通知' });
    await tile.locator('.van-badge', { hasText: /^1$/ }).waitFor();
    await li.locator('.van-tabbar-item', { hasText: '工作台' }).locator('.van-badge', { hasText: /^1$/ }).waitFor();
    await toastsGone(li);
    await shot(li, 'workbench-badge');

    // He opens it and asks for leave.
    await tile.click();
    await li.locator('section[aria-label="收到的通知"]').locator('a', { hasText: MEETING.title }).click();
    await li.getByRole('heading', { name: MEETING.title }).waitFor();
    const meeting = li.getByLabel('会议信息');
    await meeting.getByText(MEETING.place).waitFor();
    await meeting.getByText(/星期. 09:00/).waitFor();
    await shot(li, 'notice-meeting');

    await li.getByRole('button', { name: '请假' }).click();
    // Vant labels its dialogs by the title text rather than an id, so the dialog is found by its field.
    const leave = li.locator('.van-dialog', { hasText: '请假原因' });
    await leave.getByRole('button', { name: '提交' }).click();
    await leave.getByText('请填写请假原因').waitFor();
    await leave.getByLabel('请假原因').fill(MEETING.reason);
    await leave.getByRole('button', { name: '提交' }).click();
    await leave.waitFor({ state: 'hidden' });
    const answer = li.getByLabel('我的回执');
    await answer.getByText('您已请假').waitFor();
    await answer.getByText(`原因：${MEETING.reason}`).waitFor();
    await expect(li.getByRole('button', { name: '参加' }).count()).resolves.toBe(0);
    await expectNoSidewaysScroll(li);
    await toastsGone(li);
    await shot(li, 'notice-meeting-answered');

    // The dashboard hears it: read and on leave, without a reload.
    await ring(admin, 1, 2).waitFor();
    await admin.getByRole('tab', { name: /请假\s*1/ }).click();
    const row = receiptRows(admin).filter({ hasText: org.li.name });
    await row.getByText(`请假原因：${MEETING.reason}`).waitFor();
    await expect(receiptRows(admin).count()).resolves.toBe(1);
    await expectNoSidewaysScroll(admin);
    await toastsGone(admin);
    await shot(admin, 'notice-dashboard-leave');
  });

  it('the sent box shows each notice with how many have read', async () => {
    await admin.goto(`${server.baseUrl}/notices?box=sent`);
    const sent = admin.locator('section[aria-label="我发的通知"]');
    await sent.locator('a', { hasText: NOTICE.title }).getByText('已读 1/4').waitFor();
    await sent.locator('a', { hasText: MEETING.title }).getByText('已读 1/2').waitFor();
    await expectNoSidewaysScroll(admin);
    await shot(admin, 'notices-sent');
  });

  it('explains a notice that does not exist or is out of reach', async () => {
    await li.goto(`${server.baseUrl}/notices/00000000-0000-4000-8000-000000000000`);
    await li.getByText('通知不存在或不在您的查看范围内').waitFor();
    await li.getByRole('button', { name: '返回通知' }).waitFor();
  });

  it('ran without uncaught errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
