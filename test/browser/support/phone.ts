import { expect } from '@jest/globals';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

/** An iPhone-sized phone in Chinese on China's clock, as the county's staff hold it. */
export const PHONE = {
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
} as const;
export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
/** The same iPhone inside the DingTalk client: the micro-app loads its DingTalk platform. */
export const DINGTALK_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 ' +
  'AliApp(DingTalk/7.6.0) com.laiwang.DingTalk/36000000 Channel/201200 language/zh-Hans-CN';

/** Debian's Chromium, headless, with nothing phoning home. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Signs in through the form and waits for the workbench. */
export async function signIn(page: Page, baseUrl: string, who: { phone: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('手机号').fill(who.phone);
  await page.getByLabel('密码').fill(who.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

/** Nothing may be wider than the 375 px phone screen. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
}

/** A PNG of the page in `dir`, once the web fonts are in. */
export async function shot(page: Page, dir: string, name: string, fullPage = false): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
}

/** Waits (at most 10 s) until `locator` matches exactly `count` elements: lists that refresh live settle. */
export async function waitForCount(locator: Locator, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = await locator.count();
    if (now === count) return;
    if (Date.now() > deadline) throw new Error(`expected ${count} of ${locator.toString()}, found ${now}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `probe` answers something truthy (at most 10 s) and returns it. */
export async function until<T>(probe: () => Promise<T>, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
