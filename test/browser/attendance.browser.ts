import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO, gcj02ToWgs84, MemberApi, north } from './support/demo-county';
import { expectNoSidewaysScroll, IPHONE_UA, launchChromium, PHONE, shot as shotIn, signIn } from './support/phone';
import { REPO_ROOT, type RunningServer, startServer } from './support/server';

/** Screenshots of the 打卡 pages; LIANXIN_SHOTS=/tmp/shots puts them somewhere else. */
const SHOTS = process.env.LIANXIN_SHOTS ?? join(REPO_ROOT, 'test/browser/artifacts');

interface Place {
  id: string;
  name: string;
  kind: string;
  latitude: number;
  longitude: number;
  radius: number;
}

/*
 * Fixes as coarse as a village's cell tower gives (±400 m): the centre of a 300 m fence still
 * counts as inside, 760 m away is plainly outside, and going between the two is never faster than
 * a car could (the server flags impossible travel between check-ins, which a test makes seconds apart).
 */
const ACCURACY = 400;
const OUTSIDE_METRES = 760;

describe('打卡: a verdict from the fence, check-ins kept offline, and a spot check followed live', () => {
  let server: RunningServer;
  let browser: Browser;
  let staffContext: BrowserContext;
  let supervisorContext: BrowserContext;
  /** 李春梅, 驻村工作队员 in 何家岩村. */
  let staff: Page;
  /** 陈志刚, 督查室主任, who spot-checks the county. */
  let supervisor: Page;
  let village: Place;
  let inside: { latitude: number; longitude: number };
  let outside: { latitude: number; longitude: number };
  const pageErrors: string[] = [];
  const shot = (page: Page, name: string, fullPage = false) => shotIn(page, SHOTS, name, fullPage);

  beforeAll(async () => {
    for (const built of ['server/dist/main.js', 'microapp/dist/index.html', 'shared/dist/index.js']) {
      if (!existsSync(join(REPO_ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
    }
    await mkdir(SHOTS, { recursive: true });
    server = await startServer({ DEMO_SEED: 'true' });

    // Where 李春梅 checks in: her village committee (places are GCJ-02; the browser reports WGS-84).
    const api = await MemberApi.signIn(server.baseUrl, DEMO.staff);
    const mine = await api.call<{ places: Place[] }>('GET', '/attendance/me');
    const found = mine.places.find((place) => place.kind === 'village');
    if (!found) throw new Error(`李春梅 has no village place: ${JSON.stringify(mine.places)}`);
    village = found;
    inside = gcj02ToWgs84(village.latitude, village.longitude);
    const away = north(village.latitude, village.longitude, OUTSIDE_METRES);
    outside = gcj02ToWgs84(away.lat, away.lng);

    browser = await launchChromium();
    staffContext = await browser.newContext({ ...PHONE, userAgent: IPHONE_UA, geolocation: { ...inside, accuracy: ACCURACY } });
    await staffContext.grantPermissions(['geolocation'], { origin: server.baseUrl });
    supervisorContext = await browser.newContext({ ...PHONE, userAgent: IPHONE_UA });
    staff = await staffContext.newPage();
    supervisor = await supervisorContext.newPage();
    staff.on('pageerror', (error) => pageErrors.push(`[李春梅] ${error.message}`));
    supervisor.on('pageerror', (error) => pageErrors.push(`[陈志刚] ${error.message}`));
  });

  afterAll(async () => {
    await staffContext?.close();
    await supervisorContext?.close();
    await browser?.close();
    await server?.stop();
  });

  const punch = (page: Page) => page.getByRole('button', { name: /^(上班打卡|下班打卡|抽查打卡)，现在/ });
  const answer = (page: Page) => page.getByRole('status', { name: '打卡结果' });
  const toastsGone = (page: Page) => page.locator('.van-toast').waitFor({ state: 'hidden' });

  it('inside her village committee\'s fence: the page says so before sending, and the server\'s verdict is 正常', async () => {
    await signIn(staff, server.baseUrl, DEMO.staff);
    await staff.locator('.van-grid-item', { hasText: '打卡' }).click();
    await staff.waitForURL('**/attendance');
    await staff.getByText(`已进入考勤范围：${village.name}`).waitFor();
    await staff.getByText(`精度 ±${ACCURACY} 米`).waitFor();
    await expectNoSidewaysScroll(staff);
    await shot(staff, 'attendance-inside');

    await punch(staff).click();
    await answer(staff).getByText('打卡成功').waitFor();
    await answer(staff).getByText('正常').waitFor();
    // Today's list has it, with the server's verdict.
    const today = staff.getByRole('region', { name: '今日打卡' });
    await today.locator('.check-in-row', { hasText: '正常' }).first().waitFor();
  });

  it(`${OUTSIDE_METRES} m away: the page warns 不在考勤范围内, and the server records 不在范围内 with the distance`, async () => {
    await staffContext.setGeolocation({ ...outside, accuracy: ACCURACY });
    await staff.getByRole('button', { name: '重新定位' }).click();
    await staff.getByText(/不在考勤范围内：距「.+」\d+ 米/).waitFor();

    await punch(staff).click();
    const dialog = staff.locator('.van-dialog');
    await dialog.getByText('不在范围内').waitFor();
    await dialog.getByRole('button', { name: '仍要打卡' }).click();
    await answer(staff).getByText('打卡已记录').waitFor();
    await answer(staff).getByText('不在范围内').waitFor();
    // The server's own reason, with how far she was.
    await answer(staff).getByText(new RegExp(`距「${village.name}」\\d+ 米，不在打卡范围内`)).waitFor();
    await toastsGone(staff);
    await shot(staff, 'attendance-outside', true);
  });

  it('without a signal the check-in is kept as 待上传（离线）, and goes up with its verdict when the network returns', async () => {
    await staffContext.setGeolocation({ ...inside, accuracy: ACCURACY });
    await staff.getByRole('button', { name: '重新定位' }).click();
    await staff.getByText(`已进入考勤范围：${village.name}`).waitFor();

    await staffContext.setOffline(true);
    await punch(staff).click();
    const offline = staff.getByRole('region', { name: '待上传的打卡' });
    await offline.getByText('已离线保存，联网后自动上传').waitFor();
    await offline.getByText('待上传（离线）').waitFor();
    await expect(staff.evaluate(() => JSON.parse(localStorage.getItem('lianxin.attendance.offline') ?? '[]').length)).resolves.toBe(1);
    await shot(staff, 'attendance-offline');

    await staffContext.setOffline(false);
    const synced = staff.getByRole('status').filter({ hasText: '离线打卡已上传' });
    await synced.getByText('正常').waitFor();
    await offline.waitFor({ state: 'detached' });
    await expect(staff.evaluate(() => JSON.parse(localStorage.getItem('lianxin.attendance.offline') ?? '[]').length)).resolves.toBe(0);
  });

  it('a supervisor spot-checks 李春梅: she gets the demand on any page, answers it, and his result turns to 通过 live', async () => {
    // She waits on the workbench, connected for live events.
    await staff.goto(`${server.baseUrl}/`);
    await staff.getByText('实时在线').waitFor();

    await signIn(supervisor, server.baseUrl, DEMO.supervisor);
    await supervisor.goto(`${server.baseUrl}/attendance`);
    await supervisor.getByRole('link', { name: '发起抽查' }).click();
    await supervisor.waitForURL('**/attendance/spot-checks/new');
    await supervisor.getByRole('textbox', { name: '抽查原因' }).fill('汛期在岗情况抽查');
    await supervisor.getByRole('button', { name: /抽查范围/ }).click();
    const picker = supervisor.getByRole('dialog', { name: '选择抽查范围' });
    await picker.getByText('下级单位').waitFor(); // opened: a search typed earlier would be cleared
    await picker.getByPlaceholder('搜索姓名、手机号或拼音首字母').fill(DEMO.staff.phone);
    await picker.locator('.pick-row', { hasText: DEMO.staff.name }).click();
    await picker.getByRole('button', { name: /确定\(1\)/ }).click();
    await picker.waitFor({ state: 'hidden' });
    await supervisor.getByRole('radio', { name: '全部人员' }).click();
    await expectNoSidewaysScroll(supervisor);
    await shot(supervisor, 'attendance-spot-check-new', true);
    await supervisor.getByRole('button', { name: '发起抽查' }).click();
    const confirm = supervisor.locator('.van-dialog');
    await confirm.getByText(`范围：${DEMO.staff.name}`).waitFor();
    await confirm.getByRole('button', { name: '发起' }).click();
    await supervisor.waitForURL((url) => /\/attendance\/spot-checks\/(?!new$)[^/]+$/.test(url.pathname));
    const row = supervisor.locator('li.target', { hasText: DEMO.staff.name });
    await row.getByText('待打卡', { exact: true }).waitFor();
    await supervisor.getByText('实时更新').waitFor();

    // Her screen is covered at once: who, why, and the time left.
    const demand = staff.getByRole('alertdialog', { name: '请立即打卡' });
    await demand.getByText('汛期在岗情况抽查').waitFor();
    await demand.getByText(DEMO.supervisor.name, { exact: false }).waitFor();
    await demand.getByRole('timer').waitFor();
    await shot(staff, 'attendance-spot-demand');
    await demand.getByRole('button', { name: '立即打卡' }).click();
    await staff.waitForURL((url) => url.pathname === '/attendance' && url.searchParams.has('spotCheckId'));
    await demand.waitFor({ state: 'detached' });
    await staff.getByText(`已进入考勤范围：${village.name}`).waitFor();
    await punch(staff).click();
    await answer(staff).getByText('打卡成功').waitFor();

    // His page follows without a reload, sooner than its 15-second fallback poll.
    await row.getByText('通过', { exact: true }).waitFor({ timeout: 10_000 });
    await supervisor.getByText(/通过\s*1/).first().waitFor();
    await toastsGone(supervisor);
    await expectNoSidewaysScroll(supervisor);
    await shot(supervisor, 'attendance-spot-check-result', true);
  });

  it('外勤 without a signal: the photo and the note wait on the phone and go up together, judged 外勤', async () => {
    // A camera photo: the file input the page opens is answered with a JPEG drawn in the page.
    const dataUrl = await staff.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 320;
      canvas.height = 240;
      const draw = canvas.getContext('2d');
      if (draw) {
        draw.fillStyle = '#3a7';
        draw.fillRect(0, 0, 320, 240);
      }
      return canvas.toDataURL('image/jpeg', 0.8);
    });
    const jpeg = Buffer.from(dataUrl.split(',')[1] ?? '', 'base64');
    // After the spot check (a member out on field duty today would have been excused from it).
    await staff.goto(`${server.baseUrl}/attendance`);
    await staff.getByText(`已进入考勤范围：${village.name}`).waitFor();

    await staffContext.setOffline(true);
    await staff.getByRole('button', { name: '外勤打卡' }).click();
    const sheet = staff.getByRole('dialog', { name: '外勤打卡' });
    const chooser = staff.waitForEvent('filechooser');
    await sheet.getByRole('button', { name: '拍照' }).click();
    await (await chooser).setFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await sheet.getByText('暂无网络，照片将随打卡联网后上传').waitFor();
    await sheet.getByRole('img', { name: '现场照片' }).waitFor();
    await sheet.getByRole('textbox', { name: '外勤事由' }).fill('山里没有信号，入户核查');
    await sheet.getByRole('button', { name: '外勤打卡' }).click();
    const offline = staff.getByRole('region', { name: '待上传的打卡' });
    await offline.locator('li', { hasText: '外勤' }).getByText('待上传（离线）').waitFor();

    await staffContext.setOffline(false);
    const synced = staff.getByRole('status').filter({ hasText: '离线打卡已上传' }).filter({ hasText: '外勤 ·' });
    await synced.locator('.tone-tag', { hasText: '外勤' }).waitFor();
    await offline.waitFor({ state: 'detached' });
    const row = staff.getByRole('region', { name: '今日打卡' }).locator('.check-in-row', { hasText: '山里没有信号，入户核查' });
    await row.getByText('外勤', { exact: true }).first().waitFor();
    await expect(staff.evaluate(() => JSON.parse(localStorage.getItem('lianxin.attendance.offline') ?? '[]').length)).resolves.toBe(0);
  });

  it('no page broke along the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
