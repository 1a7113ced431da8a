import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
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
const DING_NOTE = '请今天下班前回执';
const FILES = {
  title: '关于报送防汛物资清单的通知',
  body: '请各村对照附件清单核对库存，周四前报镇应急办。',
  pdf: '防汛物资清单.pdf',
};

/** A small PDF of one blank page: what the server checks is that it starts with %PDF-. */
function smallPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
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
  /** In compose: 接收范围 → 兴州街道 → 五郎坪村, whose people are 张三丰 and 李四. */
  async function chooseVillage(page: Page): Promise<void> {
    await page.getByRole('button', { name: /接收范围/ }).click();
    const picker = page.getByRole('dialog', { name: '选择接收范围' });
    await picker.getByRole('button', { name: `进入 ${org.town.name}` }).click();
    await picker.getByRole('checkbox', { name: `选择 ${org.village.name}` }).click();
    await picker.getByRole('button', { name: /确定\(1\)/ }).click();
    await picker.waitFor({ state: 'hidden' });
    await page.getByLabel('已选接收范围').getByText(org.village.name).waitFor();
  }
  /** Waits until a sheet (a Vant popup) has slid all the way up, for a screenshot. */
  const settled = (page: Page, selector: string) =>
    page.waitForFunction((css) => {
      const popup = document.querySelector(css);
      return popup !== null && popup.getAnimations().length === 0 && popup.getBoundingClientRect().bottom <= window.innerHeight + 1;
    }, selector);

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

  it('DING offers the channels this server has: 应用内, the others shown with what they need; 指定人员 picks among the unread', async () => {
    await admin.getByRole('button', { name: 'DING 一下' }).click();
    const sheet = admin.getByRole('dialog', { name: 'DING 提醒' });
    await settled(admin, '.van-popup:has([aria-label="DING 提醒"])'); // a forced tap below needs it to have stopped moving
    const channel = (name: string) => sheet.getByRole('radio', { name: new RegExp(`^${name}`) });
    await expect(channel('应用内').getAttribute('aria-checked')).resolves.toBe('true');
    // This server has no DingTalk, SMS, voice or webhook settings: each says so and cannot be chosen.
    for (const name of ['钉钉', '短信', '电话', '推送接口']) {
      await expect(channel(name).getAttribute('aria-disabled')).resolves.toBe('true');
      await channel(name).getByText('未开通').waitFor();
    }
    await channel('短信').getByText(/短信渠道未配置：请设置 ALIYUN_ACCESS_KEY_ID/).waitFor();
    // A tap says what it needs (Playwright holds back from aria-disabled elements unless forced).
    await channel('短信').click({ force: true });
    await toast(admin, /短信渠道未配置/).waitFor();
    await expect(channel('短信').getAttribute('aria-checked')).resolves.toBe('false');
    await expect(channel('应用内').getAttribute('aria-checked')).resolves.toBe('true');
    await sheet.getByRole('button', { name: '发送 DING（3 人）' }).waitFor();

    // 指定人员: the three who have not read it, 李四 (who has) not among them.
    await sheet.getByRole('radio', { name: '指定人员' }).click();
    const people = sheet.getByRole('region', { name: '选择要提醒的人' }).getByRole('checkbox');
    await waitForCount(people, 3);
    await expect(people.filter({ hasText: org.li.name }).count()).resolves.toBe(0);
    await sheet.getByRole('button', { name: '请选择要提醒的人' }).waitFor();
    await people.filter({ hasText: org.zhang.name }).click();
    await sheet.getByRole('button', { name: '发送 DING（1 人）' }).waitFor();
    await settled(admin, '.van-popup:has([aria-label="DING 提醒"])');
    await toastsGone(admin);
    await expectNoSidewaysScroll(admin);
    await sheet.locator('.sheet-body').evaluate((body) => body.scrollTo(0, 0)); // picking scrolled it
    await shot(admin, 'ding-sheet');
    await sheet.getByRole('button', { name: '关闭' }).click();
    await sheet.waitFor({ state: 'hidden' });
  });

  it('a meeting with 回执 reaches 李四 on his workbench: 通知 and 工作台 count it', async () => {
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
    await settled(admin, '.van-popup:has(.van-picker-group)');
    await shot(admin, 'notice-compose-time');
    await admin.locator('.van-picker__confirm', { hasText: '下一步' }).click();
    await admin.locator('.van-picker__confirm', { hasText: '确定' }).click();
    await expect(admin.getByLabel('会议时间').inputValue()).resolves.toMatch(/月\d+日 星期. 09:00$/);
    await admin.getByLabel('会议地点').fill(MEETING.place);

    await chooseVillage(admin);
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
  });

  it('the administrator DINGs the unread in the app: 李四 gets the banner at once, 知道了 clears it for good, 提醒记录 shows it delivered', async () => {
    await admin.getByRole('button', { name: 'DING 一下' }).click();
    const sheet = admin.getByRole('dialog', { name: 'DING 提醒' });
    await expect(sheet.getByRole('radio', { name: '未读 2 人' }).getAttribute('aria-checked')).resolves.toBe('true');
    await sheet.getByRole('radio', { name: '未回执 2 人' }).waitFor();
    await settled(admin, '.van-popup:has([aria-label="DING 提醒"])');
    await shot(admin, 'ding-sheet-meeting');
    await sheet.getByRole('button', { name: '发送 DING（2 人）' }).click();
    await toast(admin, '已向 2 人发出 DING').waitFor();
    await sheet.waitFor({ state: 'hidden' });

    // 李四 is on his workbench with the live connection: the banner comes down over it.
    const banner = li.getByRole('alert', { name: new RegExp(`^DING：${MEETING.title} — `) });
    await banner.waitFor();
    await banner.getByText('来自 系统管理员').waitFor();
    await banner.getByText(new RegExp(`《${MEETING.title}》您还未阅读`)).waitFor();
    await expectNoSidewaysScroll(li);
    await li.waitForFunction(() => document.querySelector('.ding-banner')?.getAnimations().length === 0);
    await shot(li, 'ding-banner');

    await banner.getByRole('button', { name: '知道了' }).click();
    await banner.waitFor({ state: 'detached' });
    // Acknowledged on the server: after a reload the app asks again and there is nothing to show.
    const mine = li.waitForResponse((response) => response.url().endsWith('/api/dings/mine'));
    await li.reload();
    await expect((await mine).json()).resolves.toEqual([]);
    await li.locator('.live.is-open').waitFor({ timeout: 15_000 });
    await expect(li.getByRole('alert').count()).resolves.toBe(0);

    // The sender's 提醒记录: one DING by 应用内, both delivered, nobody has read yet.
    const records = admin.locator('section[aria-labelledby="ding-records"]');
    const record = records.getByRole('button', { name: /^应用内 DING/ });
    await record.getByText('已送达 2').waitFor();
    await record.getByText('已阅 0').waitFor();
    await toastsGone(admin);
    await records.scrollIntoViewIfNeeded();
    await expectNoSidewaysScroll(admin);
    await shot(admin, 'ding-records');

    // Person by person: 张三丰 and 李四, each delivered.
    await record.click();
    const deliveries = admin.getByRole('dialog', { name: '送达情况' });
    const rows = deliveries.locator('.delivery');
    await waitForCount(rows, 2);
    for (const person of [org.zhang, org.li]) await rows.filter({ hasText: person.name }).getByText('已送达').waitFor();
    await deliveries.getByRole('radio', { name: '已送达 2' }).waitFor();
    await settled(admin, '.van-popup:has([aria-label="送达情况"])');
    await shot(admin, 'ding-deliveries');
    await deliveries.getByRole('button', { name: '关闭' }).click();
    await deliveries.waitFor({ state: 'hidden' });
  });

  it('a DING to 李四 by name with a note: 查看 opens the meeting and reads it, the banner stays until 知道了', async () => {
    await admin.getByRole('button', { name: 'DING 一下' }).click();
    const sheet = admin.getByRole('dialog', { name: 'DING 提醒' });
    await sheet.getByRole('radio', { name: '指定人员' }).click();
    await sheet.getByRole('region', { name: '选择要提醒的人' }).getByRole('checkbox', { name: new RegExp(org.li.name) }).click();
    await sheet.getByLabel('附言').fill(DING_NOTE);
    await sheet.getByRole('button', { name: '发送 DING（1 人）' }).click();
    await toast(admin, '已向 1 人发出 DING').waitFor();

    const banner = li.getByRole('alert', { name: new RegExp(`^DING：${MEETING.title} — .*${DING_NOTE}`) });
    await banner.waitFor();
    await banner.getByRole('button', { name: '查看' }).click();
    await li.waitForURL('**/notices/*');
    await li.getByRole('heading', { name: MEETING.title }).waitFor();
    // Reading it is not acknowledging the DING: the banner stays above the page, which makes room for it.
    await banner.waitFor();
    const bannerBottom = await banner.evaluate((element) => element.getBoundingClientRect().bottom);
    const headingTop = await li.getByRole('heading', { name: MEETING.title }).evaluate((element) => element.getBoundingClientRect().top);
    expect(headingTop).toBeGreaterThan(bannerBottom);
    // The back bar moves down under the banner rather than hiding behind it.
    const backBar = li.locator('.van-nav-bar--fixed');
    await expect(backBar.evaluate((element) => element.getBoundingClientRect().top)).resolves.toBeGreaterThanOrEqual(bannerBottom - 1);
    await li.waitForFunction(() => document.querySelector('.ding-banner')?.getAnimations().length === 0);
    await shot(li, 'ding-banner-notice');
    await banner.getByRole('button', { name: '知道了' }).click();
    await banner.waitFor({ state: 'detached' });

    // Both DINGs reached him; he has read the meeting since.
    const records = admin.locator('section[aria-labelledby="ding-records"]');
    await waitForCount(records.getByRole('button', { name: /^应用内 DING/ }), 2);
    await records.getByRole('button', { name: /^应用内 DING/ }).first().getByText('已阅 1').waitFor();
    await records.getByRole('button', { name: /^应用内 DING/ }).last().getByText('已阅 1').waitFor();
  });

  it('李四 asks for leave with a reason, and the dashboard\'s 请假 tab shows it', async () => {
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

  it('compose with 30 分钟后应用内提醒未读 and a PDF: the dashboard shows the policy and 停止自动提醒 stops it', async () => {
    await admin.goto(`${server.baseUrl}/notices/new`);
    await admin.getByLabel('标题').fill(FILES.title);
    await admin.getByLabel('正文').fill(FILES.body);

    // 未读自动提醒: SMS is not set up on this server, so the preset that needs it is shown but not offered.
    const presets = admin.getByRole('radiogroup', { name: '未读自动提醒' });
    await expect(presets.getByRole('radio', { name: '不自动提醒' }).getAttribute('aria-checked')).resolves.toBe('true');
    const withSms = presets.getByRole('radio', { name: /2 小时后短信/ });
    await expect(withSms.getAttribute('aria-disabled')).resolves.toBe('true');
    await withSms.getByText('短信未开通').waitFor();
    await withSms.click({ force: true }); // Playwright holds back from aria-disabled elements unless forced
    await expect(withSms.getAttribute('aria-checked')).resolves.toBe('false');

    // 自定义: steps of one's own, by the channels the server has.
    await presets.getByRole('radio', { name: '自定义' }).click();
    const first = admin.getByRole('listitem', { name: '第 1 步' });
    await expect(first.getByRole('radio', { name: '应用内' }).getAttribute('aria-checked')).resolves.toBe('true');
    await expect(first.getByRole('radio', { name: '短信' }).count()).resolves.toBe(0);
    await first.getByRole('switch', { name: '改为提醒其上级' }).waitFor();
    await first.getByRole('switch', { name: '夜间也提醒' }).waitFor();
    await admin.getByRole('button', { name: '＋ 添加一步' }).click();
    const second = admin.getByRole('listitem', { name: '第 2 步' });
    await expect(second.getByLabel('第 2 步：发送后多少分钟').inputValue()).resolves.toBe('60');
    await second.getByText('即 1 小时后').waitFor();
    await second.getByRole('switch', { name: '改为提醒其上级' }).click();
    await second.getByLabel('第 2 步：发送后多少分钟').fill('20');
    await admin.getByRole('button', { name: '发送' }).click();
    await admin.getByRole('alert').filter({ hasText: '第 2 步：须晚于上一步' }).waitFor();
    await second.getByLabel('第 2 步：发送后多少分钟').fill('120');
    await expectNoSidewaysScroll(admin);
    await admin.locator('#field-escalation').scrollIntoViewIfNeeded();
    await shot(admin, 'compose-escalation-custom');

    // In the end, the preset: 30 minutes, in the app, whoever has not read.
    await presets.getByRole('radio', { name: '30 分钟后应用内提醒未读' }).click();
    await expect(admin.getByRole('listitem', { name: '第 1 步' }).count()).resolves.toBe(0);

    // A PDF, uploaded as soon as it is picked.
    const pdf = smallPdf();
    await admin.locator('input[type="file"]').setInputFiles({ name: FILES.pdf, mimeType: 'application/pdf', buffer: pdf });
    const picked = admin.getByRole('list', { name: '已添加的附件' });
    await picked.getByText(FILES.pdf).waitFor();
    await picked.getByText(`${pdf.length} B`).waitFor();

    await chooseVillage(admin);
    await expectNoSidewaysScroll(admin);
    await admin.locator('#field-escalation').scrollIntoViewIfNeeded();
    await shot(admin, 'compose-escalation');
    await admin.evaluate(() => window.scrollTo(0, 0));
    await admin.locator('#field-attachments').scrollIntoViewIfNeeded();
    await shot(admin, 'compose-attachments');

    await admin.getByRole('button', { name: '发送' }).click();
    const dialog = admin.locator('.van-dialog');
    await dialog.getByText('自动提醒：30 分钟后，应用内提醒未读的人').waitFor();
    await dialog.getByText('附件：1 个').waitFor();
    await dialog.getByRole('button', { name: '发送' }).click();
    await admin.waitForURL('**/notices/*/track');

    // The policy on the dashboard, step by step; the sender stops it.
    const policy = admin.locator('section[aria-labelledby="escalation-title"]');
    const step = policy.getByRole('listitem').filter({ hasText: '30 分钟后，应用内提醒未读的人' });
    await step.getByText('待提醒').waitFor();
    await toastsGone(admin);
    await expectNoSidewaysScroll(admin);
    await shot(admin, 'dashboard-escalation');
    await policy.getByRole('button', { name: '停止自动提醒' }).click();
    await admin.locator('.van-dialog').getByRole('button', { name: '停止', exact: true }).click();
    await step.getByText('已停止').waitFor();
    await toast(admin, '已停止自动提醒').waitFor();
    await expect(policy.getByRole('button', { name: '停止自动提醒' }).count()).resolves.toBe(0);
    await admin.reload();
    await policy.getByRole('listitem').filter({ hasText: '30 分钟后，应用内提醒未读的人' }).getByText('已停止').waitFor();
    await toastsGone(admin);
    await shot(admin, 'dashboard-escalation-stopped');
  });

  it('李四 sees the PDF on the notice with its size and downloads it as himself', async () => {
    const noticeId = new URL(admin.url()).pathname.split('/')[2];
    await li.goto(`${server.baseUrl}/notices/${noticeId}`);
    await li.getByRole('heading', { name: FILES.title }).waitFor();
    const files = li.getByRole('region', { name: '附件（1）' });
    const size = `${smallPdf().length} B`;
    const file = files.getByRole('button', { name: `下载 ${FILES.pdf}（${size}）` });
    await file.getByText(size).waitFor();
    await expectNoSidewaysScroll(li);
    await shot(li, 'notice-attachments');

    const download = li.waitForEvent('download');
    await file.click();
    const saved = await download;
    expect(saved.suggestedFilename()).toBe(FILES.pdf);
    const bytes = await readFile(await saved.path());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.equals(smallPdf())).toBe(true);
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
