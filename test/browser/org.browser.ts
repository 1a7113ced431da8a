import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DingTalkFake } from '../fakes/dingtalk-fake';
import { type BridgeCall, installFakeBridge } from './support/fake-dingtalk-bridge';
import { AdminApi, createSmallOrg, type SmallOrg } from './support/org-data';
import { DINGTALK_UA, expectNoSidewaysScroll, IPHONE_UA, launchChromium, PHONE, shot as shotIn, signIn, until } from './support/phone';
import { ADMIN, REPO_ROOT, type RunningServer, startServer } from './support/server';

/** Screenshots of every 通讯录 page; LIANXIN_SHOTS=/tmp/shots puts them somewhere else. */
const SHOTS = process.env.LIANXIN_SHOTS ?? join(REPO_ROOT, 'test/browser/artifacts');

describe('通讯录 in a phone browser', () => {
  const dingtalk = new DingTalkFake();
  let server: RunningServer;
  let org: SmallOrg;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (target: Page, name: string, fullPage = false) => shotIn(target, SHOTS, name, fullPage);

  beforeAll(async () => {
    for (const built of ['server/dist/main.js', 'microapp/dist/index.html']) {
      if (!existsSync(join(REPO_ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
    }
    await mkdir(SHOTS, { recursive: true });
    await dingtalk.start();
    server = await startServer(dingtalk.env());
    org = await createSmallOrg(await AdminApi.signIn(server.baseUrl));

    browser = await launchChromium();
    context = await browser.newContext({ ...PHONE, userAgent: IPHONE_UA });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
    await dingtalk.stop();
  });

  type Scope = Page | ReturnType<Page['locator']>;
  const memberRows = (scope: Scope) => scope.locator('.member-row');
  /** The name in a member row (the avatar repeats the last two characters). */
  const personNamed = (scope: Scope, name: string) => scope.locator('.member-row .name', { hasText: name });

  it('opens 通讯录 from the tab bar: the caller\'s own units first, then the tree with counts', async () => {
    await signIn(page, server.baseUrl, ADMIN);

    await page.locator('.van-tabbar-item').getByText('通讯录').click();
    await page.waitForURL('**/contacts');
    await expect(page.title()).resolves.toContain('通讯录');

    const mine = page.locator('section[aria-labelledby="my-units"]');
    await mine.getByText(org.root.name).waitFor();
    await mine.getByText('主单位').waitFor();

    const tree = page.locator('section[aria-labelledby="org-tree"]');
    const town = tree.locator('a', { hasText: org.town.name });
    await town.waitFor();
    await expect(town.textContent()).resolves.toContain('4 人'); // 王建国, 张三丰, 李四, 刘红梅
    await expectNoSidewaysScroll(page);
    await shot(page, 'contacts-home');
  });

  it('finds 张三丰 by the pinyin initials zsf and shows name, title and primary unit', async () => {
    const search = page.getByPlaceholder('搜索姓名、手机号、拼音首字母');
    await search.fill('zsf');
    const results = page.locator('section[aria-label="搜索结果"]');
    const hit = results.locator('a', { hasText: org.zhang.name });
    await hit.waitFor();
    await expect(hit.textContent()).resolves.toContain(`${org.zhang.title} · ${org.village.name}`);
    await expect(hit.locator('mark').textContent()).resolves.toBe(org.zhang.name);
    await expect(memberRows(results).count()).resolves.toBe(1);
    expect(new URL(page.url()).searchParams.get('q')).toBe('zsf');
    await expectNoSidewaysScroll(page);
    await shot(page, 'contacts-search');

    // A phone fragment finds by number and marks the digits.
    await search.fill('0103');
    await results.locator('a', { hasText: org.li.name }).waitFor();
    await expect(results.locator('mark').first().textContent()).resolves.toBe('0103');

    await search.fill('没有这个人');
    await page.getByText('没有找到“没有这个人”').waitFor();
    await search.fill('zsf');
    await hit.waitFor();
  });

  it('opens 张三丰\'s card: phone with a tel: link, his village as head and primary unit, his supervisor', async () => {
    await page.locator('section[aria-label="搜索结果"]').locator('a', { hasText: org.zhang.name }).click();
    await page.waitForURL(`**/contacts/members/${org.zhang.id}`);
    await page.getByRole('heading', { name: org.zhang.name }).waitFor();
    await page.getByText(org.zhang.phone).waitFor();
    await expect(page.getByRole('link', { name: `拨打 ${org.zhang.name} 的电话` }).getAttribute('href')).resolves.toBe(`tel:${org.zhang.phone}`);

    const units = page.locator('section[aria-labelledby="units"]');
    const village = units.locator('a', { hasText: org.village.name });
    await village.waitFor();
    await expect(village.textContent()).resolves.toMatch(/主单位[\s\S]*负责人/);

    // He heads the village, so his supervisor is the head of the town above it.
    const boss = page.locator('section[aria-labelledby="supervisor"]');
    await boss.getByText(org.townHead.name).waitFor();
    await boss.getByText('单位负责人').waitFor();
    await expect(page.title()).resolves.toContain(org.zhang.name);
    await expectNoSidewaysScroll(page);
  });

  it('shows 李四\'s supervisor 张三丰 (by default: the head of his unit) and links to his card', async () => {
    await page.goto(`${server.baseUrl}/contacts/members/${org.li.id}`);
    await page.getByRole('heading', { name: org.li.name }).waitFor();
    await page.getByText(org.li.phone).waitFor();
    const boss = page.locator('section[aria-labelledby="supervisor"]');
    await boss.getByText(org.zhang.name).waitFor();
    await boss.getByText('单位负责人').waitFor();
    await page.locator('section[aria-labelledby="units"]').getByText(org.village.name).waitFor();
    await expectNoSidewaysScroll(page);
    await shot(page, 'contacts-member-card', true);

    await boss.locator('a').click();
    await page.waitForURL(`**/contacts/members/${org.zhang.id}`);
    await page.getByRole('heading', { name: org.zhang.name }).waitFor();
  });

  it('labels a supervisor set by hand 指定', async () => {
    await page.goto(`${server.baseUrl}/contacts/members/${org.liu.id}`);
    const boss = page.locator('section[aria-labelledby="supervisor"]');
    await boss.getByText(org.townHead.name).waitFor();
    await boss.getByText('指定').waitFor();
  });

  it('marks a disabled member 已停用 on the card and leaves him out of search', async () => {
    await page.goto(`${server.baseUrl}/contacts/members/${org.retired.id}`);
    await page.getByRole('heading', { name: org.retired.name }).waitFor();
    await page.getByRole('heading', { name: org.retired.name }).getByText('已停用').waitFor();
    await shot(page, 'contacts-member-disabled');
    await page.goto(`${server.baseUrl}/contacts?q=${encodeURIComponent(org.retired.name)}`);
    await page.getByText(`没有找到“${org.retired.name}”`).waitFor();
  });

  it('browses the tree level by level to the village and sees both of its members', async () => {
    await page.goto(`${server.baseUrl}/contacts`);
    await page.locator('section[aria-labelledby="org-tree"]').locator('a', { hasText: org.town.name }).click();
    await page.waitForURL(`**/contacts/units/${org.town.id}`);
    await page.getByRole('heading', { name: org.town.name }).waitFor();
    const subUnits = page.locator('section[aria-labelledby="sub-units"]');
    await subUnits.getByText(org.otherVillage.name).waitFor();
    const people = page.locator('section[aria-labelledby="unit-members"]');
    await personNamed(people, org.townHead.name).waitFor();
    await expect(memberRows(people).count()).resolves.toBe(1);

    // The whole subtree's people, with their units.
    await people.getByRole('tab', { name: /含下级/ }).click();
    await personNamed(people, org.li.name).waitFor();
    await expect(memberRows(people).count()).resolves.toBe(4);
    await expectNoSidewaysScroll(page);
    await shot(page, 'contacts-unit-town', true);

    await subUnits.locator('a', { hasText: org.village.name }).click();
    await page.waitForURL(`**/contacts/units/${org.village.id}`);
    await page.getByRole('heading', { name: org.village.name }).waitFor();
    const crumbs = page.getByRole('navigation', { name: '单位层级' });
    await expect(crumbs.textContent()).resolves.toMatch(new RegExp(`通讯录.*${org.root.name}.*${org.town.name}.*${org.village.name}`));
    const villagers = page.locator('section[aria-labelledby="unit-members"]');
    await personNamed(villagers, org.zhang.name).waitFor();
    await personNamed(villagers, org.li.name).waitFor();
    await expect(memberRows(villagers).count()).resolves.toBe(2);
    await villagers.locator('.member-row', { hasText: org.zhang.name }).getByText('负责人').waitFor();
    await expectNoSidewaysScroll(page);
    await shot(page, 'contacts-unit-village');

    // Breadcrumbs lead back up.
    await crumbs.getByRole('link', { name: org.town.name }).click();
    await page.waitForURL(`**/contacts/units/${org.town.id}`);
    await page.getByRole('heading', { name: org.town.name }).waitFor();
  });

  it('explains a unit that does not exist or is out of reach', async () => {
    await page.goto(`${server.baseUrl}/contacts/units/00000000-0000-4000-8000-000000000000`);
    await page.getByText('单位不存在或不在您的管辖范围内').waitFor();
    await page.getByRole('button', { name: '返回通讯录' }).waitFor();
    await shot(page, 'contacts-unit-missing');
  });

  it('says so when the network fails during a search, and retries', async () => {
    await page.goto(`${server.baseUrl}/contacts`);
    await page.locator('section[aria-labelledby="org-tree"]').getByText(org.town.name).waitFor();
    await context.route('**/api/org/members?*', (route) => route.abort('internetdisconnected'));
    await page.getByPlaceholder('搜索姓名、手机号、拼音首字母').fill('ls');
    const retry = page.getByText('网络连接失败，请检查网络后重试，点击重试');
    await retry.waitFor();
    await shot(page, 'contacts-search-error');
    await context.unroute('**/api/org/members?*');
    await retry.click();
    await personNamed(page.locator('section[aria-label="搜索结果"]'), org.li.name).waitFor();
  });

  it('picks a village and one person in the picker, and copies their numbers', async () => {
    await page.goto(`${server.baseUrl}/contacts`);
    await page.getByRole('button', { name: '复制号码' }).click();
    const picker = page.getByRole('dialog', { name: '选择要复制号码的人员' });
    // One top unit: the picker starts inside it.
    await picker.getByRole('button', { name: `进入 ${org.town.name}` }).click();
    await picker.getByRole('checkbox', { name: `选择 ${org.village.name}` }).click();
    await picker.getByRole('checkbox', { name: new RegExp(org.townHead.name) }).waitFor();
    await picker.locator('.pick-row', { hasText: org.townHead.name }).click();

    const chips = picker.getByLabel('已选');
    await chips.getByText(org.village.name).waitFor();
    await chips.getByText(org.townHead.name).waitFor();
    // The village has no villages of its own, so its chip has no 含下级 switch.
    await expect(chips.getByRole('button', { name: `${org.village.name} 含下级单位` }).count()).resolves.toBe(0);
    await expectNoSidewaysScroll(page);
    await shot(page, 'org-picker');

    // Search inside the picker: by pinyin initials, across the tree; people already picked are ticked.
    await picker.getByPlaceholder('搜索姓名、手机号或拼音首字母').fill('l');
    // One letter stands for the first character's initial: 李 of 李四, 刘 of 刘红梅.
    await personNamed(picker, org.liu.name).waitFor();
    await expect(picker.locator('.member-row .name mark').allTextContents()).resolves.toEqual(['李', '刘']);
    await expect(picker.getByRole('checkbox', { name: new RegExp(org.li.name) }).getAttribute('aria-checked')).resolves.toBe('false');
    await shot(page, 'org-picker-search');
    await picker.getByPlaceholder('搜索姓名、手机号或拼音首字母').fill('wjg');
    await picker.locator('mark', { hasText: org.townHead.name }).waitFor();
    await expect(picker.getByRole('checkbox', { name: new RegExp(org.townHead.name) }).getAttribute('aria-checked')).resolves.toBe('true');

    await picker.getByRole('button', { name: /确定\(2\)/ }).click();
    const dialog = page.locator('.van-dialog');
    await dialog.getByText('已选 1 个单位、1 人').waitFor();
    await dialog.getByText('共 3 人、3 个手机号').waitFor(); // 张三丰 and 李四 in the village, 王建国 by name
    await dialog.getByRole('button', { name: '复制手机号' }).click();
    await page.locator('.van-toast').getByText('已复制 3 个手机号').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.split(',').sort()).toEqual([org.townHead.phone, org.zhang.phone, org.li.phone].sort());
  });

  it('counts only a unit\'s own people when 含下级 is turned off', async () => {
    await page.getByRole('button', { name: '复制号码' }).click();
    const picker = page.getByRole('dialog', { name: '选择要复制号码的人员' });
    const chips = picker.getByLabel('已选');
    // The last selection comes back; start over with the town alone, without its villages.
    await chips.getByRole('button', { name: `移除 ${org.village.name}` }).click();
    await chips.getByRole('button', { name: `移除 ${org.townHead.name}` }).click();
    await picker.getByText('尚未选择').waitFor();
    await picker.getByRole('checkbox', { name: `选择 ${org.town.name}` }).click();
    const sub = chips.getByRole('button', { name: `${org.town.name} 含下级单位` });
    await expect(sub.getAttribute('aria-pressed')).resolves.toBe('true');
    await sub.click();
    await expect(sub.getAttribute('aria-pressed')).resolves.toBe('false');
    await picker.getByRole('button', { name: /确定\(1\)/ }).click();
    const dialog = page.locator('.van-dialog');
    await dialog.getByText('共 1 人、1 个手机号').waitFor();
    await dialog.getByRole('button', { name: '关闭' }).click();
  });

  it('inside DingTalk: signs in as 张三丰, adds people from DingTalk\'s picker, calls through DingTalk', async () => {
    dingtalk.addUser({ userid: 'zhangsanfeng', name: org.zhang.name, mobile: org.zhang.phone });
    const inside = await browser.newContext({ ...PHONE, userAgent: DINGTALK_UA });
    try {
      await inside.addInitScript(installFakeBridge, {
        authCode: dingtalk.issueAuthCode('zhangsanfeng'),
        results: {
          'biz.contact.complexPicker': {
            selectedCount: 2,
            users: [
              { name: org.li.name, emplId: 'lisi', avatar: '' },
              { name: '王小二', emplId: 'wangxiaoer', avatar: '' },
            ],
            departments: [],
          },
        },
      });
      const dd = await inside.newPage();
      dd.on('pageerror', (error) => pageErrors.push(`[DingTalk] ${error.message}`));
      const calls = (): Promise<BridgeCall[]> => dd.evaluate(() => (window as unknown as { __bridgeCalls: BridgeCall[] }).__bridgeCalls);

      await dd.goto(`${server.baseUrl}/`);
      await dd.waitForURL((url) => url.pathname === '/');
      await dd.getByText(org.zhang.name).first().waitFor();

      await dd.locator('.van-tabbar-item').getByText('通讯录').click();
      // 张三丰 sees his own village only.
      await dd.locator('section[aria-labelledby="org-tree"]').getByText(org.village.name).waitFor();
      await dd.getByRole('button', { name: '复制号码' }).click();
      const picker = dd.getByRole('dialog', { name: '选择要复制号码的人员' });
      await picker.getByRole('button', { name: '钉钉通讯录' }).click();
      const chips = picker.getByLabel('已选');
      await chips.getByText(org.li.name).waitFor();
      const picked = (await calls()).find((call) => call.name === 'biz.contact.complexPicker');
      expect(picked?.params).toEqual(expect.objectContaining({ corpId: dingtalk.corpId, appId: Number(dingtalk.agentId), multiple: true }));
      // 王小二 is in DingTalk but not in our directory: left out, and the person is told.
      const ignored = await until(
        async () => (await calls()).find((call) => call.name === 'device.notification.toast' && String(call.params.text).includes('王小二')),
        'the toast about 王小二',
      );
      expect(String(ignored.params.text)).toContain('已忽略');
      await expect(chips.getByText('王小二').count()).resolves.toBe(0);
      await picker.getByRole('button', { name: '取消' }).click();

      await dd.goto(`${server.baseUrl}/contacts/members/${org.li.id}`);
      await dd.getByRole('heading', { name: org.li.name }).waitFor();
      await dd.getByRole('link', { name: `拨打 ${org.li.name} 的电话` }).click();
      const menu = await until(async () => (await calls()).find((call) => call.name === 'biz.telephone.showCallMenu'), 'the call menu');
      expect(menu.params).toEqual(expect.objectContaining({ phoneNumber: org.li.phone, code: '+86' }));
      expect(new URL(dd.url()).pathname).toBe(`/contacts/members/${org.li.id}`);
    } finally {
      await inside.close();
    }
  });

  it('ran without uncaught errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
