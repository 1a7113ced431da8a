import { Role, type DingView } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { createApp, type CreatedApp } from '../../server/src/app.factory';
import { loadConfig } from '../../server/src/config/app-config';
import { AliyunFake } from '../fakes/aliyun-fake';
import { as, buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { ADMIN, expectProblem, useTestApp } from '../support/test-app';

/** DING and escalation against the fake Alibaba Cloud SMS/VMS gateway, which checks every signature. */
const aliyun = new AliyunFake();
const MINUTE_MS = 400;
beforeAll(() => aliyun.start(), 10_000); // before the app, which reads its address
const ctx = useTestApp('ding', () => ({
  ...aliyun.env(),
  NOTICE_QUIET_HOURS: 'off',
  NOTICE_ESCALATION_MINUTE_MS: String(MINUTE_MS),
  DING_DELIVERY_ATTEMPTS: '3',
  DING_RETRY_DELAY_SECONDS: '1',
}));
let org: OrgFixture;
let admin: Awaited<ReturnType<typeof as>>;

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  admin = await as(ctx, { id: '', ...ADMIN });
});
afterAll(() => aliyun.stop());

const notice = (extra: object = {}) => ({
  kind: 'notice',
  title: '森林防火紧急通知',
  body: '请各村立即开展巡查。',
  audience: { units: [{ unitId: org.units.xingzhou, includeSubUnits: true }] },
  ...extra,
});

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 150));
  }
}

const settled = (d: DingView) => d.byStatus.queued + d.byStatus.sending + d.byStatus.retrying === 0;
const phoneOf = async (memberId: string) => (await org.ds.query(`SELECT phone FROM member WHERE id = $1`, [memberId]))[0].phone as string;

describe('DING', () => {
  it('DINGs the unread by SMS: one signed message per person, delivery rows sent with provider ids; a later reader counts as answered', async () => {
    const sent = await admin.post('/api/notices', notice());
    await (await as(ctx, org.villagers.wulangping)).post(`/api/notices/${sent.body.id}/read`);
    aliyun.reset();
    const res = await admin.post(`/api/notices/${sent.body.id}/ding`, { channel: 'sms', target: 'unread', message: '今晚8点前回复' });
    expect(res.status).toBe(201);
    expect(res.body.total).toBe(sent.body.recipientCount - 1);
    expect(res.body.text).toMatch(/^【提醒 \d\d:\d\d】《森林防火紧急通知》您还未阅读，请尽快查看。 今晚8点前回复$/);
    const done = await until(() => admin.get(`/api/dings/${res.body.id}`).then((r) => r.body as DingView), settled);
    expect(done.byStatus.sent).toBe(res.body.total);
    const phones = aliyun.sms.map((m) => m.phone).sort();
    expect(new Set(phones).size).toBe(phones.length);
    expect(phones).toHaveLength(res.body.total);
    expect(phones).not.toContain(org.villagers.wulangping.phone);
    expect(phones).toContain(await phoneOf(org.villagers.hejiayan.id));
    const list = await admin.get(`/api/dings/${res.body.id}/deliveries?limit=200`);
    expect(list.body.items.every((d: { status: string; providerId: string | null; attempts: number }) => d.status === 'sent' && d.providerId && d.attempts === 1)).toBe(true);
    await (await as(ctx, org.villagers.hejiayan)).post(`/api/notices/${sent.body.id}/read`);
    expect((await admin.get(`/api/dings/${res.body.id}`)).body.answered).toBe(1);
  });

  it('calls by voice once per person', async () => {
    const sent = await admin.post('/api/notices', notice({ audience: { units: [{ unitId: org.units.wulangping, includeSubUnits: false }] } }));
    aliyun.reset();
    const res = await admin.post(`/api/notices/${sent.body.id}/ding`, { channel: 'call', target: 'unread' });
    await until(() => admin.get(`/api/dings/${res.body.id}`).then((r) => r.body as DingView), settled);
    expect(aliyun.calls.map((c) => c.phone).sort()).toEqual([org.heads.wulangping.phone, org.villagers.wulangping.phone].sort());
  });

  it('retries a provider failure, then sends once', async () => {
    const sent = await admin.post('/api/notices', notice({ audience: { members: [org.villagers.hejiayan.id] } }));
    aliyun.reset();
    aliyun.failNext(1, 'isp.SYSTEM_ERROR', { status: 500 });
    const res = await admin.post(`/api/notices/${sent.body.id}/ding`, { channel: 'sms', target: 'unread' });
    const done = await until(() => admin.get(`/api/dings/${res.body.id}`).then((r) => r.body as DingView), (d) => d.byStatus.sent === 1);
    expect(done.byStatus).toMatchObject({ sent: 1, failed: 0 });
    const [row] = (await admin.get(`/api/dings/${res.body.id}/deliveries`)).body.items;
    expect(row.attempts).toBe(2);
    expect(aliyun.sms.filter((m) => m.phone === org.villagers.hejiayan.phone)).toHaveLength(1);
  });

  it('ends failed with the provider’s error after the last attempt, and fails a bad number at once', async () => {
    const sent = await admin.post('/api/notices', notice({ audience: { members: [org.villagers.hejiayan.id, org.villagers.wulangping.id] } }));
    aliyun.reset();
    aliyun.illegalNumbers.add(org.villagers.wulangping.phone);
    aliyun.failNext(10, 'isp.SYSTEM_ERROR', { status: 500 });
    const res = await admin.post(`/api/notices/${sent.body.id}/ding`, { channel: 'sms', target: 'unread' });
    const done = await until(() => admin.get(`/api/dings/${res.body.id}`).then((r) => r.body as DingView), settled, 30_000);
    aliyun.illegalNumbers.clear();
    aliyun.reset();
    expect(done.byStatus.failed).toBe(2);
    const rows = (await admin.get(`/api/dings/${res.body.id}/deliveries?status=failed`)).body.items as { attempts: number; error: string }[];
    expect(rows.every((r) => r.error && r.error.length > 0)).toBe(true);
    expect(Math.max(...rows.map((r) => r.attempts))).toBe(3);
  });

  it('refuses an unconfigured channel with what to set, a target with nobody, and anyone outside the notice (404)', async () => {
    const sent = await admin.post('/api/notices', notice());
    const before = await org.ds.query(`SELECT count(*)::int AS n FROM ding`);
    const webhook = expectProblem(await admin.post(`/api/notices/${sent.body.id}/ding`, { channel: 'webhook', target: 'unread' }), 422, 'DING_CHANNEL_UNCONFIGURED');
    expect(webhook.detail).toContain('DING_WEBHOOK_URL');
    expectProblem(await admin.post(`/api/notices/${sent.body.id}/ding`, { channel: 'fax', target: 'unread' }), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.post(`/api/notices/${sent.body.id}/ding`, { channel: 'app', target: 'members' }), 400, 'VALIDATION_FAILED');
    expect(await org.ds.query(`SELECT count(*)::int AS n FROM ding`)).toEqual(before);
    const outsider = await as(ctx, org.villagers.shimen);
    expectProblem(await outsider.post(`/api/notices/${sent.body.id}/ding`, { channel: 'app', target: 'unread' }), 404, 'NOTICE_NOT_FOUND');
    const one = await admin.post('/api/notices', notice({ audience: { members: [org.villagers.hejiayan.id] } }));
    await (await as(ctx, org.villagers.hejiayan)).post(`/api/notices/${one.body.id}/read`);
    expectProblem(await admin.post(`/api/notices/${one.body.id}/ding`, { channel: 'app', target: 'unread' }), 422, 'DING_NOBODY');
    const ding = await admin.post(`/api/notices/${sent.body.id}/ding`, { channel: 'app', target: 'unread' });
    expectProblem(await outsider.get(`/api/dings/${ding.body.id}`), 404, 'DING_NOT_FOUND');
  });
});

describe('channels', () => {
  it('lists the channels with what each needs when it is not configured', async () => {
    const res = await admin.get('/api/dings/channels');
    const by = Object.fromEntries(res.body.map((c: { channel: string }) => [c.channel, c]));
    expect(by.app).toMatchObject({ configured: true, label: '应用内', reason: null });
    expect(by.sms).toMatchObject({ configured: true, label: '短信' });
    expect(by.webhook).toMatchObject({ configured: false, reason: expect.stringContaining('DING_WEBHOOK_URL') });
  });
});

describe('in-app DING banner', () => {
  it('shows the recipient their unacknowledged DINGs until they acknowledge them', async () => {
    const sent = await admin.post('/api/notices', notice({ audience: { members: [org.villagers.hejiayan.id] } }));
    const ding = await admin.post(`/api/notices/${sent.body.id}/ding`, { channel: 'app', target: 'unread' });
    const zhou = await as(ctx, org.villagers.hejiayan);
    const mine = await zhou.get('/api/dings/mine');
    expect(mine.body).toEqual(expect.arrayContaining([expect.objectContaining({ dingId: ding.body.id, noticeId: sent.body.id, title: '森林防火紧急通知', senderName: '系统管理员' })]));
    const ack = await zhou.post(`/api/dings/${ding.body.id}/ack`);
    expect(ack.status).toBe(200);
    expect((await zhou.post(`/api/dings/${ding.body.id}/ack`)).body.acknowledgedAt).toBe(ack.body.acknowledgedAt);
    expect((await zhou.get('/api/dings/mine')).body.map((d: { dingId: string }) => d.dingId)).not.toContain(ding.body.id);
    expectProblem(await (await as(ctx, org.villagers.shimen)).post(`/api/dings/${ding.body.id}/ack`), 404, 'DING_NOT_FOUND');
  });
});

describe('DING seen by someone tracking part of a notice', () => {
  it('a town leader sees and DINGs only their town’s people', async () => {
    const county = await admin.post('/api/notices', notice({ audience: { units: [{ unitId: org.rootId, includeSubUnits: true }] } }));
    const all = await admin.post(`/api/notices/${county.body.id}/ding`, { channel: 'app', target: 'unread' });
    const leader = await as(ctx, await org.memberWithRole(Role.Leader, org.units.jieguanting, '接官亭镇镇长助理'));
    const seen = (await leader.get(`/api/dings/${all.body.id}/deliveries?limit=200`)).body.items as { member: { id: string } }[];
    const ids = seen.map((d) => d.member.id);
    expect(ids).toEqual(expect.arrayContaining([org.villagers.shimen.id, org.heads.shimen.id]));
    expect(ids).not.toContain(org.villagers.wulangping.id);
    const own = await leader.post(`/api/notices/${county.body.id}/ding`, { channel: 'app', target: 'unread' });
    const [{ n }] = await org.ds.query(
      `SELECT count(*)::int AS n FROM ding_delivery d JOIN notice_receipt r ON r.member_id = d.member_id AND r.notice_id = $2
         JOIN unit_closure c ON c.descendant_id = r.unit_id AND c.ancestor_id = $3 WHERE d.ding_id = $1`,
      [own.body.id, county.body.id, org.units.jieguanting],
    );
    expect(own.body.total).toBe(n);
    expect(own.body.total).toBeLessThan(all.body.total);
  });
});

describe('escalation', () => {
  it('fires each step on time for whoever is still behind, then the laggards’ supervisors; steps are shown on the notice', async () => {
    aliyun.reset();
    const sent = await admin.post('/api/notices', notice({
      escalation: {
        steps: [
          { afterMinutes: 2, target: 'unread', channel: 'app' },
          { afterMinutes: 4, target: 'unread', channel: 'sms', toSupervisor: true },
        ],
      },
    }));
    expect(sent.status).toBe(201);
    expect(sent.body.escalation.map((s: { status: string }) => s.status)).toEqual(['pending', 'pending']);
    // 李四 reads before step 1: step 1 skips him; 何家岩村's 周小红 never reads.
    await (await as(ctx, org.villagers.wulangping)).post(`/api/notices/${sent.body.id}/read`);
    const fired = await until(
      () => admin.get(`/api/notices/${sent.body.id}`).then((r) => r.body.escalation as { status: string; dingId: string | null }[]),
      (steps) => steps.every((s) => s.status !== 'pending'),
    );
    expect(fired.map((s) => s.status)).toEqual(['fired', 'fired']);
    const step1 = (await admin.get(`/api/dings/${fired[0].dingId}/deliveries?limit=200`)).body.items as { member: { id: string } }[];
    expect(step1.map((d) => d.member.id)).toContain(org.villagers.hejiayan.id);
    expect(step1.map((d) => d.member.id)).not.toContain(org.villagers.wulangping.id);
    // step 2 goes to supervisors: 周小红's is the town head 王建国 (何家岩村 has no head of its own)
    const step2 = (await admin.get(`/api/dings/${fired[1].dingId}/deliveries?limit=200`)).body.items as { member: { id: string } }[];
    expect(step2.map((d) => d.member.id)).toContain(org.heads.xingzhou.id);
    expect(new Set(step2.map((d) => d.member.id)).size).toBe(step2.length);
    await until(() => Promise.resolve(aliyun.sms.length), (n) => n >= step2.length);
    expect(aliyun.sms.map((m) => m.phone)).toContain(org.heads.xingzhou.phone);
  });

  it('skips a step when everyone has read, and the sender can stop what has not fired', async () => {
    const one = await admin.post('/api/notices', notice({ audience: { members: [org.villagers.hejiayan.id] }, escalation: { steps: [{ afterMinutes: 2, target: 'unread', channel: 'app' }] } }));
    await (await as(ctx, org.villagers.hejiayan)).post(`/api/notices/${one.body.id}/read`);
    const steps = await until(() => admin.get(`/api/notices/${one.body.id}`).then((r) => r.body.escalation as { status: string }[]), (s) => s[0].status !== 'pending');
    expect(steps[0].status).toBe('skipped');
    const later = await admin.post('/api/notices', notice({ escalation: { steps: [{ afterMinutes: 60, target: 'unread', channel: 'app' }] } }));
    expectProblem(await (await as(ctx, org.villagers.hejiayan)).post(`/api/notices/${later.body.id}/escalation/stop`), 404, 'NOTICE_NOT_FOUND');
    const stopped = await admin.post(`/api/notices/${later.body.id}/escalation/stop`);
    expect(stopped.body.map((s: { status: string }) => s.status)).toEqual(['stopped']);
  });

  it('refuses a policy on an unconfigured channel before anything is sent', async () => {
    const before = await org.ds.query(`SELECT count(*)::int AS n FROM notice`);
    expectProblem(await admin.post('/api/notices', notice({ escalation: { steps: [{ afterMinutes: 5, target: 'unread', channel: 'webhook' }] } })), 422, 'DING_CHANNEL_UNCONFIGURED');
    expectProblem(await admin.post('/api/notices', notice({ escalation: { steps: [{ afterMinutes: 0, target: 'unread', channel: 'app' }] } })), 400, 'VALIDATION_FAILED');
    expect(await org.ds.query(`SELECT count(*)::int AS n FROM notice`)).toEqual(before);
  });

  const onServer = process.env.DATABASE_URL ? it : it.skip;

  onServer('survives a restart mid-policy and fires once with two instances on one database', async () => {
    const sent = await admin.post('/api/notices', notice({ escalation: { steps: [{ afterMinutes: 8, target: 'unread', channel: 'sms' }] } }));
    aliyun.reset();
    // Stop this instance before the step is due, start two new ones on the same database.
    await ctx.created.close();
    const a: CreatedApp = await createApp(loadConfig(ctx.env));
    const b: CreatedApp = await createApp(loadConfig(ctx.env));
    try {
      const ds = a.app.get(DataSource);
      const row = await until<{ status: string; ding_id: string }>(
        async () => (await ds.query(`SELECT status, ding_id FROM notice_escalation WHERE notice_id = $1`, [sent.body.id]))[0],
        (r: { status: string; ding_id: string }) => r.status !== 'pending',
      );
      expect(row.status).toBe('fired');
      const dings = await ds.query(`SELECT count(*)::int AS n FROM ding WHERE notice_id = $1 AND purpose = 'escalation'`, [sent.body.id]);
      expect(dings[0].n).toBe(1);
      await until(async () => (await ds.query(`SELECT count(*)::int AS n FROM ding_delivery WHERE ding_id = $1 AND status IN ('queued', 'sending', 'retrying')`, [row.ding_id]))[0].n, (n: number) => n === 0);
      await new Promise((r) => setTimeout(r, 1000));
      const phones = aliyun.sms.map((m) => m.phone);
      expect(phones.length).toBe(sent.body.recipientCount);
      expect(new Set(phones).size).toBe(phones.length);
    } finally {
      await b.close();
      ctx.created = a; // closed by the harness
    }
  });
});
