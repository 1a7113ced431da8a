import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DingTalkFake } from '../fakes/dingtalk-fake';
import { type BridgeCall, installFakeBridge } from './support/fake-dingtalk-bridge';
import { DINGTALK_UA, launchChromium, PHONE, until } from './support/phone';
import { ADMIN, REPO_ROOT, type RunningServer, startServer } from './support/server';

const ARTIFACTS = join(REPO_ROOT, 'test/browser/artifacts');

interface ClientConfig {
  dingtalk: { enabled: boolean; corpId: string | null; clientId: string | null };
}

/**
 * Inside DingTalk: the SDK chunk, 免登 with an auth code, dd.config with the server's signature,
 * titles through the client. The DingTalk client is a fake JavaScript bridge in the page; DingTalk's
 * open API is the fake from test/fakes, which the server is configured to call.
 */
describe('sign-in inside DingTalk', () => {
  const dingtalk = new DingTalkFake();
  let server: RunningServer;
  let browser: Browser;
  let clientConfig: ClientConfig;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    await dingtalk.start();
    server = await startServer(dingtalk.env());
    clientConfig = (await (await fetch(`${server.baseUrl}/api/client-config`)).json()) as ClientConfig;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await dingtalk.stop();
  });

  async function openInDingTalk(authCode: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ ...PHONE, userAgent: DINGTALK_UA });
    await context.addInitScript(installFakeBridge, { authCode });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return { context, page };
  }

  const bridgeCalls = (page: Page): Promise<BridgeCall[]> =>
    page.evaluate(() => (window as unknown as { __bridgeCalls: BridgeCall[] }).__bridgeCalls);

  it('the server reports DingTalk as enabled', () => {
    expect(clientConfig.dingtalk).toEqual({ enabled: true, corpId: dingtalk.corpId, clientId: expect.any(String) });
  });

  it('tells a DingTalk user who is not in the county directory what to do next', async () => {
    dingtalk.addUser({ userid: 'lisi', name: '李四', mobile: '13900000002' });
    const { context, page } = await openInDingTalk(dingtalk.issueAuthCode('lisi'));
    try {
      const sdk = page.waitForRequest((request) => /\/assets\/dingtalk[^/]*\.js$/.test(new URL(request.url()).pathname));
      await page.goto(`${server.baseUrl}/`);
      await sdk;

      await page.getByText('您的钉钉账号尚未加入连心').waitFor();
      await page.getByText('李四').waitFor(); // the server's detail names the DingTalk user
      await page.getByRole('button', { name: '使用手机号和密码登录' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/sign-in');

      const calls = await bridgeCalls(page);
      expect(calls).toContainEqual({
        name: 'runtime.permission.requestAuthCodeV2',
        params: expect.objectContaining({ corpId: clientConfig.dingtalk.corpId, clientId: clientConfig.dingtalk.clientId }),
      });
      // dd.config carried the server's signature for the URL the client opened, and DingTalk accepts it.
      const config = calls.find((call) => call.name === 'runtime.permission.requestJsApis')?.params ?? {};
      expect(config).toEqual(expect.objectContaining({ corpId: dingtalk.corpId, agentId: dingtalk.agentId }));
      const signed = {
        url: `${server.baseUrl}/`,
        nonceStr: String(config.nonceStr),
        timeStamp: String(config.timeStamp),
        signature: String(config.signature),
      };
      expect(dingtalk.verifyJsapiSignature(signed)).toBe(true);
      expect(calls).toContainEqual({ name: 'biz.navigation.setTitle', params: expect.objectContaining({ title: '登录' }) });
      await page.screenshot({ path: join(ARTIFACTS, 'dingtalk-unknown-user.png') });

      await page.getByRole('button', { name: '使用手机号和密码登录' }).click();
      await page.getByLabel('手机号').waitFor();
    } finally {
      await context.close();
    }
  });

  it('takes a signed-in DingTalk member straight to the workbench, titles drawn by DingTalk', async () => {
    // Linking a member to a DingTalk userid has no API yet (test/e2e covers the exchange with a
    // linked member), so the exchange answers here with a real session of the administrator.
    const login = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const session = (await login.json()) as { member: { name: string } };
    const { context, page } = await openInDingTalk('code-for-a-linked-member');
    try {
      await context.route('**/api/auth/dingtalk', (route) => route.fulfill({ json: session }));
      await page.goto(`${server.baseUrl}/`);
      await page.waitForURL((url) => url.pathname === '/');
      await page.getByText(session.member.name).first().waitFor();
      await page.locator('.live.is-open').waitFor({ timeout: 15_000 });
      await page.locator('.van-grid-item').getByText('打卡', { exact: true }).click();
      await page.getByRole('button', { name: /^(上班打卡|下班打卡)，现在/ }).waitFor();
      await expect(page.locator('.van-nav-bar').count()).resolves.toBe(0);
      // The 打卡 page asks DingTalk for a fresh GCJ-02 fix, not the 2-minute cache.
      const fix = await until(async () => (await bridgeCalls(page)).find((call) => call.name === 'device.geolocation.get'), 'a location request');
      expect(fix.params).toMatchObject({ useCache: false, coordinate: 1, targetAccuracy: 50, type: 1 });
      const titles = (await bridgeCalls(page)).filter((call) => call.name === 'biz.navigation.setTitle').map((call) => call.params.title);
      expect(titles).toEqual(expect.arrayContaining(['工作台', '打卡']));
    } finally {
      await context.close();
    }
  });

  it('ran without uncaught errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
