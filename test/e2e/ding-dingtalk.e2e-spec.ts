import type { DingView } from '@lianxin/shared';
import { AliyunFake } from '../fakes/aliyun-fake';
import { DingTalkFake } from '../fakes/dingtalk-fake';
import { as, buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { ADMIN, useTestApp } from '../support/test-app';

/** DingTalk as a DING channel: the work notification that goes with a notice, its send result, and the robot DING with its fallback. */
const dingtalk = new DingTalkFake();
const aliyun = new AliyunFake();
beforeAll(() => Promise.all([dingtalk.start(), aliyun.start()]), 10_000);
afterAll(() => Promise.all([dingtalk.stop(), aliyun.stop()]));

const ctx = useTestApp('ding-dingtalk', () => ({
  ...dingtalk.env({ DINGTALK_ROBOT_CODE: dingtalk.robotCode, DINGTALK_RESULT_CHECK_SECONDS: '1', DINGTALK_MESSAGE_RATE_PER_SECOND: '20' }),
  ...aliyun.env(),
  NOTICE_QUIET_HOURS: 'off',
}));
let org: OrgFixture;
let admin: Awaited<ReturnType<typeof as>>;

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  admin = await as(ctx, { id: '', ...ADMIN });
  // Everyone in 兴州街道 has a DingTalk account except 周小红.
  for (const [m, userid] of [
    [org.heads.xingzhou, 'wangjianguo'],
    [org.heads.wulangping, 'zhangsanfeng'],
    [org.villagers.wulangping, 'lisi'],
  ] as const) {
    await org.ds.query(`UPDATE member SET dingtalk_user_id = $2 WHERE id = $1`, [m.id, userid]);
    dingtalk.addUser({ userid, name: userid, mobile: m.phone });
  }
});

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const send = () =>
  admin.post('/api/notices', { kind: 'notice', title: '钉钉测试通知', body: '请查看。', audience: { units: [{ unitId: org.units.xingzhou, includeSubUnits: true }] } });

it('sends a work notification with the notice to everyone with a DingTalk account, and records who DingTalk refused', async () => {
  dingtalk.resetMessages();
  dingtalk.forbidUser('lisi', '143106');
  const sent = await send();
  const dings = await until(() => admin.get(`/api/notices/${sent.body.id}/dings`).then((r) => r.body as DingView[]), (d) => d.length === 1);
  const announce = dings[0];
  expect(announce).toMatchObject({ purpose: 'announce', channel: 'dingtalk', total: 3 });
  const notice = await until(() => Promise.resolve(dingtalk.workNotices), (w) => w.length > 0);
  expect(notice[0].userids.sort()).toEqual(['lisi', 'wangjianguo', 'zhangsanfeng']);
  const done = await until(
    () => admin.get(`/api/dings/${announce.id}/deliveries`).then((r) => r.body.items as { member: { name: string }; status: string; error: string | null; providerId: string }[]),
    (rows) => rows.some((r) => r.status === 'failed'),
  );
  const li = done.find((r) => r.member.name === '李四')!;
  expect(li).toMatchObject({ status: 'failed', error: expect.stringContaining('143106') });
  expect(done.filter((r) => r.status === 'sent' || r.status === 'delivered')).toHaveLength(2);
  expect(new Set(done.map((r) => r.providerId)).size).toBe(1);
});

it('DINGs by robot DING where the edition allows it', async () => {
  dingtalk.resetMessages();
  dingtalk.robotDingAvailable = true;
  const sent = await send();
  const ding = await admin.post(`/api/notices/${sent.body.id}/ding`, { channel: 'dingtalk', target: 'unread' });
  expect(ding.status).toBe(201);
  await until(() => Promise.resolve(dingtalk.robotDings.length), (n) => n > 0);
  expect(dingtalk.robotDings[0].userids.sort()).toEqual(['lisi', 'wangjianguo', 'zhangsanfeng']);
  const view = await until(() => admin.get(`/api/dings/${ding.body.id}`).then((r) => r.body as DingView), (d) => d.byStatus.sent + d.byStatus.failed === d.total);
  // 周小红 has no DingTalk account: that delivery fails and says why
  expect(view.byStatus).toMatchObject({ sent: 3, failed: 1 });
});

it('falls back to SMS when DingTalk refuses the robot DING, and says so on the deliveries', async () => {
  dingtalk.resetMessages();
  aliyun.reset();
  dingtalk.robotDingAvailable = false;
  const sent = await send();
  const ding = await admin.post(`/api/notices/${sent.body.id}/ding`, { channel: 'dingtalk', target: 'unread' });
  const rows = await until(
    () => admin.get(`/api/dings/${ding.body.id}/deliveries?limit=50`).then((r) => r.body.items as { channel: string; status: string; note: string | null; error: string | null }[]),
    (r) => r.filter((x) => x.channel === 'sms' && x.status === 'sent').length === 4,
  );
  expect(rows.filter((r) => r.channel === 'dingtalk').every((r) => r.status === 'failed' && /改用短信/.test(r.error ?? ''))).toBe(true);
  expect(rows.filter((r) => r.channel === 'sms').every((r) => r.note === '钉钉 DING 不可用，改用短信')).toBe(true);
  expect(aliyun.sms).toHaveLength(4);
});
