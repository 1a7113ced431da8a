import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DINGTALK_UA, expectNoSidewaysScroll, IPHONE_UA, launchChromium, PHONE } from './support/phone';
import { ADMIN, ORG_NAME, REPO_ROOT, type RunningServer, startServer } from './support/server';

const ARTIFACTS = join(REPO_ROOT, 'test/browser/artifacts');

describe('sign-in in a phone browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let memberName: string;
  const requested: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    for (const built of ['server/dist/main.js', 'microapp/dist/index.html']) {
      if (!existsSync(join(REPO_ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
    }
    await mkdir(ARTIFACTS, { recursive: true });
    server = await startServer();

    // The name the server gave the seeded administrator, to look for on the pages.
    const session = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(session.status).toBe(200);
    memberName = ((await session.json()) as { member: { name: string } }).member.name;

    browser = await launchChromium();
    context = await browser.newContext({ ...PHONE, userAgent: IPHONE_UA });
    page = await context.newPage();
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('sends a visitor to sign-in and shows the organisation', async () => {
    await page.goto(`${server.baseUrl}/`);
    await page.waitForURL('**/sign-in');
    await expect(page.getByRole('heading', { name: '连心' }).isVisible()).resolves.toBe(true);
    await page.getByText(ORG_NAME).first().waitFor();
    await expect(page.title()).resolves.toContain('登录');
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(ARTIFACTS, 'sign-in.png') });
  });

  it('explains a wrong password and stays on sign-in', async () => {
    await page.getByLabel('手机号').fill(ADMIN.phone);
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.van-toast').getByText('手机号或密码错误').waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.locator('.van-toast').waitFor({ state: 'hidden' });
  });

  it('validates the form before calling the server', async () => {
    await page.getByLabel('手机号').fill('123');
    await page.getByLabel('密码').fill('');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('请输入 11 位手机号').waitFor();
    await page.getByText('请输入密码').waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('signs in and shows the workbench with its apps and a live connection', async () => {
    await page.getByLabel('手机号').fill(ADMIN.phone);
    await page.getByLabel('密码').fill(ADMIN.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    for (const tile of ['通知', '打卡', '审批', '通讯录']) {
      await page.locator('.van-grid-item').getByText(tile, { exact: true }).waitFor();
    }
    await page.getByText(memberName).first().waitFor();
    await page.getByText(ORG_NAME).first().waitFor();
    await page.locator('.live.is-open').waitFor({ timeout: 15_000 });
    await expect(page.title()).resolves.toContain('工作台');
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(ARTIFACTS, 'workbench.png') });
  });

  it('opens a workbench app that is not built yet', async () => {
    await page.locator('.van-grid-item').getByText('审批', { exact: true }).click();
    await page.waitForURL('**/approvals');
    await page.getByText('即将上线').first().waitFor();
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(ARTIFACTS, 'coming-soon.png') });
    await page.getByRole('button', { name: '返回工作台' }).click();
    await page.waitForURL((url) => url.pathname === '/');
  });

  it('shows the profile on 我的', async () => {
    await page.locator('.van-tabbar-item').getByText('我的').click();
    await page.waitForURL('**/me');
    await page.getByText(ADMIN.phone).waitFor();
    await page.getByText(memberName).first().waitFor();
    await page.getByText('管理员').first().waitFor();
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(ARTIFACTS, 'me.png'), fullPage: true });
  });

  it('keeps the session across a reload and signs out after confirming', async () => {
    await page.reload();
    await page.getByText(ADMIN.phone).waitFor();
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.locator('.van-dialog').getByRole('button', { name: '退出' }).click();
    await page.waitForURL('**/sign-in');
    await page.goto(`${server.baseUrl}/me`);
    await page.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('redirect') === '/me');
  });

  it('never downloads the DingTalk SDK in a plain browser', () => {
    expect(requested.some((path) => path.startsWith('/assets/'))).toBe(true);
    expect(requested.filter((path) => path.includes('dingtalk'))).toEqual([]);
  });

  it('inside DingTalk, loads the SDK and falls back to the password form when DingTalk is not set up', async () => {
    const inside = await browser.newContext({ ...PHONE, userAgent: DINGTALK_UA });
    try {
      const dingtalkPage = await inside.newPage();
      dingtalkPage.on('pageerror', (error) => pageErrors.push(`[DingTalk] ${error.message}`));
      const sdk = dingtalkPage.waitForRequest((request) => /\/assets\/dingtalk[^/]*\.js$/.test(new URL(request.url()).pathname));
      await dingtalkPage.goto(`${server.baseUrl}/`);
      await sdk;
      await dingtalkPage.getByRole('status').getByText('尚未开通钉钉登录').waitFor();
      await dingtalkPage.getByLabel('手机号').waitFor();
      expect(new URL(dingtalkPage.url()).pathname).toBe('/sign-in');
    } finally {
      await inside.close();
    }
  });

  it('is ready to sign in within 3 s on a throttled 3G profile (400 kbps, 300 ms RTT)', async () => {
    const slow = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, userAgent: IPHONE_UA });
    try {
      const cold = await slow.newPage();
      const cdp = await slow.newCDPSession(cold);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 300,
        downloadThroughput: 400_000 / 8,
        uploadThroughput: 400_000 / 8,
      });
      let onWire = 0;
      cdp.on('Network.loadingFinished', (event: { encodedDataLength: number }) => {
        onWire += event.encodedDataLength;
      });
      const started = Date.now();
      await cold.goto(`${server.baseUrl}/`);
      await cold.getByRole('button', { name: '登录' }).waitFor();
      const elapsed = Date.now() - started;
      console.info(`first screen on 3G: ${elapsed} ms, ${(onWire / 1024).toFixed(1)} KB on the wire`);
      expect(elapsed).toBeLessThanOrEqual(3000);
      expect(onWire).toBeLessThanOrEqual(150 * 1024);
    } finally {
      await slow.close();
    }
  });

  it('ran without uncaught errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
