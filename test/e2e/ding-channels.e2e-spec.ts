import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DingEvent } from '@lianxin/shared';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { APP_CONFIG, loadConfig, type AppConfig } from '../../server/src/config/app-config';
import { ConfigError } from '../../server/src/config/env';
import { ChannelRegistry } from '../../server/src/ding/channels/channel-registry';
import { ChannelName, type DeliveryMessage, type DeliveryOutcome, type DeliveryTarget } from '../../server/src/ding/channels/channel';
import { ChannelsModule } from '../../server/src/ding/channels/channels.module';
import { DingTalkChannel } from '../../server/src/ding/channels/dingtalk.channel';
import { InAppChannel } from '../../server/src/ding/channels/in-app.channel';
import { SmsChannel } from '../../server/src/ding/channels/sms.channel';
import { VoiceChannel } from '../../server/src/ding/channels/voice.channel';
import { WebhookChannel } from '../../server/src/ding/channels/webhook.channel';
import { DingTalkClient } from '../../server/src/dingtalk/dingtalk.client';
import { EVENT_BUS } from '../../server/src/events/event-bus';
import { EventsService } from '../../server/src/events/events.service';
import { InProcessBus } from '../../server/src/events/in-process-bus';
import { AliyunFake } from '../fakes/aliyun-fake';
import { DingTalkFake } from '../fakes/dingtalk-fake';
import { WebhookReceiver } from '../fakes/webhook-receiver';

/**
 * The DING delivery channels over real HTTP against the local fakes (Alibaba Cloud SMS and voice,
 * DingTalk, a webhook receiver), each of which verifies what it receives the way the provider does.
 * The channels are plain classes built from a loaded configuration, as the orchestration gets them.
 */
describe('DING delivery channels', () => {
  const aliyun = new AliyunFake({ smsTemplates: { SMS_480000001: ['name', 'title'], SMS_480000002: ['name', 'title', 'time'] } });
  const receiver = new WebhookReceiver();
  const dingtalk = new DingTalkFake();
  let env: Record<string, string>;

  const configWith = (extra: Record<string, string> = {}): AppConfig => loadConfig({ ...env, ...extra });
  const target = (i: number, patch: Partial<DeliveryTarget> = {}): DeliveryTarget => ({
    deliveryId: `d-${i}`,
    memberId: `m-${i}`,
    name: `成员${i}`,
    phone: `139${String(i).padStart(8, '0')}`,
    dingtalkUserId: `u${i}`,
    ...patch,
  });
  const targets = (n: number, from = 1) => Array.from({ length: n }, (_, i) => target(from + i));
  const message: DeliveryMessage = { title: '关于召开防汛工作会议的通知', text: '第2次提醒 14:05：请阅读并回执。', url: 'https://lianxin.example/notices/n-1' };
  const chunks = <T>(list: T[], size: number) => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
  const byId = (outcomes: DeliveryOutcome[]) => new Map(outcomes.map((o) => [o.deliveryId, o]));

  beforeAll(async () => {
    await Promise.all([aliyun.start(), receiver.start(), dingtalk.start()]);
    for (let i = 1; i <= 260; i++) dingtalk.addUser({ userid: `u${i}`, name: `成员${i}` });
    env = { ...aliyun.env(), ...receiver.env(), ...dingtalk.env({ DINGTALK_ROBOT_CODE: dingtalk.robotCode }), CHANNEL_TIMEOUT_MS: '1500' };
  });
  afterAll(() => Promise.all([aliyun.stop(), receiver.stop(), dingtalk.stop()]));
  beforeEach(() => {
    aliyun.reset();
    receiver.reset();
    dingtalk.resetMessages();
    dingtalk.clearFailures();
    dingtalk.robotDingAvailable = true;
  });

  describe('configuration', () => {
    it('reads the channel settings with their defaults', () => {
      const c = loadConfig({}).channels;
      expect(c).toEqual({
        timeoutMs: 10_000,
        aliyun: { accessKeyId: null, accessKeySecret: null },
        sms: { endpoint: 'https://dysmsapi.aliyuncs.com', signName: null, templateCode: null, ratePerSecond: 60 },
        voice: { endpoint: 'https://dyvmsapi.aliyuncs.com', showNumber: null, ttsCode: null, ratePerSecond: 5 },
        webhook: { url: null, secret: null, ratePerSecond: 10, maxBatch: 100 },
        dingtalk: { robotCode: null, ratePerSecond: 0.8, resultCheckSeconds: 60 },
      });
      const set = configWith({ ALIYUN_SMS_RATE_PER_SECOND: '20', ALIYUN_VMS_SHOW_NUMBER: '057100000001', DING_WEBHOOK_MAX_BATCH: '10', DINGTALK_MESSAGE_RATE_PER_SECOND: '0.5' }).channels;
      expect(set).toMatchObject({ sms: { ratePerSecond: 20, signName: '连心测试' }, voice: { showNumber: '057100000001' }, webhook: { maxBatch: 10 }, dingtalk: { ratePerSecond: 0.5 } });
      // .env.example leaves unused values empty
      expect(loadConfig({ ALIYUN_ACCESS_KEY_ID: '', ALIYUN_SMS_RATE_PER_SECOND: '', DING_WEBHOOK_URL: '' }).channels.sms.ratePerSecond).toBe(60);
    });

    it.each([
      [{ ALIYUN_ACCESS_KEY_ID: 'LTAI5tFakeKey000000000001' }, /ALIYUN_ACCESS_KEY_ID and ALIYUN_ACCESS_KEY_SECRET go together/],
      [{ ALIYUN_ACCESS_KEY_ID: 'has space', ALIYUN_ACCESS_KEY_SECRET: 'x'.repeat(30) }, /ALIYUN_ACCESS_KEY_ID must be/],
      [{ ALIYUN_SMS_SIGN_NAME: '连心' }, /ALIYUN_SMS_SIGN_NAME and ALIYUN_SMS_TEMPLATE_CODE go together/],
      [{ ALIYUN_SMS_SIGN_NAME: '连心', ALIYUN_SMS_TEMPLATE_CODE: 'SMS_1' }, /ALIYUN_SMS_\* and ALIYUN_VMS_\* need ALIYUN_ACCESS_KEY_ID/],
      [{ ALIYUN_SMS_TEMPLATE_CODE: '123' }, /ALIYUN_SMS_TEMPLATE_CODE must look like SMS_/],
      [{ ALIYUN_VMS_TTS_CODE: 'TTS_1' }, /need ALIYUN_ACCESS_KEY_ID/],
      [{ ALIYUN_VMS_SHOW_NUMBER: '0571000' }, /ALIYUN_VMS_SHOW_NUMBER needs ALIYUN_VMS_TTS_CODE/],
      [{ ALIYUN_SMS_ENDPOINT: 'dysmsapi.aliyuncs.com' }, /ALIYUN_SMS_ENDPOINT must be an http\(s\) URL/],
      [{ ALIYUN_SMS_RATE_PER_SECOND: 'fast' }, /ALIYUN_SMS_RATE_PER_SECOND/],
      [{ ALIYUN_VMS_RATE_PER_SECOND: '0' }, /ALIYUN_VMS_RATE_PER_SECOND/],
      [{ DING_WEBHOOK_URL: 'https://hooks.example/ding' }, /DING_WEBHOOK_URL and DING_WEBHOOK_SECRET go together/],
      [{ DING_WEBHOOK_URL: 'ftp://x', DING_WEBHOOK_SECRET: 'x'.repeat(20) }, /DING_WEBHOOK_URL must be an http\(s\) URL/],
      [{ DING_WEBHOOK_URL: 'https://hooks.example/ding', DING_WEBHOOK_SECRET: 'short' }, /DING_WEBHOOK_SECRET must be at least 16/],
      [{ DING_WEBHOOK_MAX_BATCH: '5000' }, /DING_WEBHOOK_MAX_BATCH/],
      [{ DINGTALK_ROBOT_CODE: 'dingrobot1' }, /DINGTALK_ROBOT_CODE needs the DingTalk app settings/],
      [{ DINGTALK_MESSAGE_RATE_PER_SECOND: '50' }, /DINGTALK_MESSAGE_RATE_PER_SECOND/],
      [{ CHANNEL_TIMEOUT_MS: '10' }, /CHANNEL_TIMEOUT_MS/],
    ])('refuses %j with one line', (bad, pattern) => {
      let err: unknown;
      try {
        loadConfig(bad as Record<string, string>);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(pattern);
      expect((err as Error).message).not.toContain('\n');
    });
  });

  describe('unconfigured channels', () => {
    const bare = loadConfig({});
    const channels = [new SmsChannel(bare), new VoiceChannel(bare), new WebhookChannel(bare), new DingTalkChannel(bare, new DingTalkClient(bare))];

    it('report configured() = false with a Chinese reason naming the variables', () => {
      expect(channels.map((c) => [c.name, c.configured(), c.unconfiguredReason])).toEqual([
        ['sms', false, '短信渠道未配置：请设置 ALIYUN_ACCESS_KEY_ID、ALIYUN_ACCESS_KEY_SECRET、ALIYUN_SMS_SIGN_NAME、ALIYUN_SMS_TEMPLATE_CODE'],
        ['call', false, '语音电话渠道未配置：请设置 ALIYUN_ACCESS_KEY_ID、ALIYUN_ACCESS_KEY_SECRET、ALIYUN_VMS_TTS_CODE（专属号码外呼另设 ALIYUN_VMS_SHOW_NUMBER）'],
        ['webhook', false, 'Webhook 渠道未配置：请设置 DING_WEBHOOK_URL 和 DING_WEBHOOK_SECRET'],
        ['dingtalk', false, '钉钉工作通知未配置：请设置 DINGTALK_APP_KEY、DINGTALK_APP_SECRET、DINGTALK_AGENT_ID 和 DINGTALK_CORP_ID'],
      ]);
      const keysOnly = loadConfig({ ALIYUN_ACCESS_KEY_ID: aliyun.accessKeyId, ALIYUN_ACCESS_KEY_SECRET: aliyun.accessKeySecret });
      expect(new SmsChannel(keysOnly).unconfiguredReason).toBe('短信渠道未配置：请设置 ALIYUN_SMS_SIGN_NAME、ALIYUN_SMS_TEMPLATE_CODE');
    });

    it('refuse a send with that reason, permanently, without calling anyone', async () => {
      for (const c of channels) {
        const [o] = await c.send([target(1)], message);
        expect(o).toEqual({ deliveryId: 'd-1', status: 'failed', providerId: null, error: c.unconfiguredReason, retryable: false });
      }
      expect(aliyun.requests).toHaveLength(0);
      expect(receiver.received).toHaveLength(0);
    });

    it('leave only in-app in the registry’s configured list; a full configuration has all five', () => {
      const events = new EventsService(new InProcessBus());
      const registry = (cfg: AppConfig) =>
        new ChannelRegistry(new InAppChannel(events), new DingTalkChannel(cfg, new DingTalkClient(cfg)), new SmsChannel(cfg), new VoiceChannel(cfg), new WebhookChannel(cfg));
      expect(registry(bare).configured().map((c) => c.name)).toEqual([ChannelName.App]);
      const full = registry(configWith());
      expect(full.configured().map((c) => c.name).sort()).toEqual(['app', 'call', 'dingtalk', 'sms', 'webhook']);
      expect(full.get(ChannelName.Sms)).toBeInstanceOf(SmsChannel);
      expect(() => full.get('fax' as ChannelName)).toThrow(/no delivery channel named fax/);
    });
  });

  describe('SMS (Alibaba Cloud dysmsapi)', () => {
    let sms: SmsChannel;
    beforeAll(() => {
      sms = new SmsChannel(configWith());
    });

    it('sends one person with SendSms: OutId = delivery id, template variables, BizId as provider id', async () => {
      const [o] = await sms.send([target(1)], message);
      expect(aliyun.accepted('SendSms')).toBe(1);
      expect(aliyun.sms).toEqual([
        { action: 'SendSms', phone: '13900000001', signName: '连心测试', templateCode: 'SMS_480000001', params: { name: '成员1', title: '关于召开防汛工作会议的通知' }, outId: 'd-1', bizId: expect.any(String) },
      ]);
      expect(o).toEqual({ deliveryId: 'd-1', status: 'sent', providerId: aliyun.sms[0].bizId });
    });

    it('sends 250 people as 3 SendBatchSms calls of ≤ 100, each person once', async () => {
      const all = targets(250);
      expect(sms.maxBatch).toBe(100);
      const outcomes = (await Promise.all(chunks(all, sms.maxBatch).map((c) => sms.send(c, message)))).flat();
      expect(aliyun.accepted('SendBatchSms')).toBe(3);
      expect(aliyun.requests.filter((r) => r.action === 'SendBatchSms').map((r) => JSON.parse(r.params.PhoneNumberJson).length).sort()).toEqual([100, 100, 50]);
      expect(aliyun.sms).toHaveLength(250);
      expect(new Set(aliyun.sms.map((s) => s.phone)).size).toBe(250);
      expect(aliyun.sms.find((s) => s.phone === '13900000123')?.params).toEqual({ name: '成员123', title: '关于召开防汛工作会议的通知' });
      expect(outcomes).toHaveLength(250);
      expect(outcomes.every((o) => o.status === 'sent' && o.providerId)).toBe(true);
    });

    it('fails a malformed number on its own, without a call, and sends the rest', async () => {
      const out = byId(await sms.send([target(1), target(2, { phone: '0571-123' }), target(3)], message));
      expect(out.get('d-2')).toEqual({ deliveryId: 'd-2', status: 'failed', providerId: null, error: expect.stringContaining('手机号码格式错误（0571-123）'), retryable: false });
      expect(out.get('d-1')?.status).toBe('sent');
      expect(aliyun.sms.map((s) => s.phone)).toEqual(['13900000001', '13900000003']);
    });

    it('when the provider refuses a batch for one number, sends the others one by one and fails only that one', async () => {
      aliyun.illegalNumbers.add('13900000002');
      const out = byId(await sms.send(targets(3), message));
      expect(aliyun.requests.map((r) => `${r.action}:${r.code}`)).toEqual(['SendBatchSms:isv.MOBILE_NUMBER_ILLEGAL', 'SendSms:OK', 'SendSms:isv.MOBILE_NUMBER_ILLEGAL', 'SendSms:OK']);
      expect(out.get('d-2')).toMatchObject({ status: 'failed', retryable: false, error: expect.stringContaining('手机号码格式错误') });
      expect([out.get('d-1')?.status, out.get('d-3')?.status]).toEqual(['sent', 'sent']);
    });

    it('passes DeliveryMessage.params to the template, overriding the built-in variables', async () => {
      const withTime = new SmsChannel(configWith({ ALIYUN_SMS_TEMPLATE_CODE: 'SMS_480000002' }));
      const [o] = await withTime.send([target(1)], { ...message, params: { time: '14:05', title: '防汛会议' } });
      expect(o.status).toBe('sent');
      expect(aliyun.sms[0].params).toEqual({ name: '成员1', title: '防汛会议', time: '14:05' });
    });

    it.each([
      ['isv.BUSINESS_LIMIT_CONTROL', '触发云通信流控限制'],
      ['Throttling.User', '阿里云接口限流'],
      ['InternalError', '阿里云内部错误'],
      ['ServiceUnavailable', '阿里云服务暂不可用'],
      ['isp.SYSTEM_ERROR', '阿里云系统错误'],
    ])('maps %s to a retryable failure (%s)', async (code, reason) => {
      aliyun.failNext(2, code);
      const single = await sms.send([target(1)], message);
      const batch = await sms.send(targets(2, 5), message);
      for (const o of [...single, ...batch]) {
        expect(o).toMatchObject({ status: 'failed', retryable: true, error: expect.stringContaining(reason) });
        expect(o.status === 'failed' && o.error).toContain(code);
      }
      expect(aliyun.sms).toHaveLength(0);
    });

    it('maps the fake’s throttle (isv.BUSINESS_LIMIT_CONTROL above N/s) to retryable failures', async () => {
      aliyun.throttle(1);
      const [a, b] = await Promise.all([sms.send([target(1)], message), sms.send([target(2)], message)]);
      expect([a[0].status, b[0].status].sort()).toEqual(['failed', 'sent']);
      expect([...a, ...b].find((o) => o.status === 'failed')).toMatchObject({ retryable: true });
    });

    it('maps a missing template variable, an illegal number and an unknown template to permanent failures in Chinese', async () => {
      const withTime = new SmsChannel(configWith({ ALIYUN_SMS_TEMPLATE_CODE: 'SMS_480000002' }));
      expect((await withTime.send([target(1)], message))[0]).toMatchObject({ status: 'failed', retryable: false, error: '短信发送失败：模板变量缺少对应参数值（isv.TEMPLATE_MISSING_PARAMETERS）' });
      aliyun.failNext(1, 'isv.MOBILE_NUMBER_ILLEGAL');
      expect((await sms.send([target(1)], message))[0]).toMatchObject({ status: 'failed', retryable: false, error: expect.stringContaining('手机号码格式错误（isv.MOBILE_NUMBER_ILLEGAL') });
      const unknownTemplate = new SmsChannel(configWith({ ALIYUN_SMS_TEMPLATE_CODE: 'SMS_999' }));
      expect((await unknownTemplate.send([target(1)], message))[0]).toMatchObject({ retryable: false, error: expect.stringContaining('ALIYUN_SMS_TEMPLATE_CODE') });
    });

    it('maps a wrong secret (SignatureDoesNotMatch) and an unknown key to permanent failures naming the setting', async () => {
      const wrongSecret = new SmsChannel(configWith({ ALIYUN_ACCESS_KEY_SECRET: 'WrongSecret0123456789abcdefghij' }));
      const [o] = await wrongSecret.send([target(1)], message);
      expect(o).toMatchObject({ status: 'failed', retryable: false, error: expect.stringMatching(/^短信发送失败：阿里云签名校验失败，请核对 ALIYUN_ACCESS_KEY_SECRET（SignatureDoesNotMatch/) });
      const unknownKey = new SmsChannel(configWith({ ALIYUN_ACCESS_KEY_ID: 'LTAInobody0000' }));
      expect((await unknownKey.send(targets(2), message))[1]).toMatchObject({ retryable: false, error: expect.stringContaining('ALIYUN_ACCESS_KEY_ID') });
      expect(aliyun.sms).toHaveLength(0);
    });

    it('maps a timeout and an unreachable endpoint to retryable failures', async () => {
      const slow = new SmsChannel(configWith({ CHANNEL_TIMEOUT_MS: '200' }));
      aliyun.delay(600);
      expect((await slow.send([target(1)], message))[0]).toMatchObject({ status: 'failed', retryable: true, error: '短信接口 200 ms 内未应答（可能已提交，稍后重试）' });
      aliyun.delay(0);
      const down = new SmsChannel(configWith({ ALIYUN_SMS_ENDPOINT: 'http://127.0.0.1:9' }));
      expect((await down.send([target(1)], message))[0]).toMatchObject({ status: 'failed', retryable: true, error: expect.stringContaining('无法连接短信接口') });
    });

    it('throws for more targets than maxBatch (a caller bug)', async () => {
      await expect(sms.send(targets(101), message)).rejects.toThrow(/exceed maxBatch 100/);
    });
  });

  describe('voice call (Alibaba Cloud dyvmsapi SingleCallByTts)', () => {
    it('places one call per person with the TTS template, OutId and CallId as provider id', async () => {
      const voice = new VoiceChannel(configWith({ ALIYUN_VMS_SHOW_NUMBER: '057100000001' }));
      expect([voice.maxBatch, voice.ratePerSecond]).toEqual([1, 5]);
      const [o] = await voice.send([target(7)], message);
      expect(aliyun.calls).toEqual([{ phone: '13900000007', showNumber: '057100000001', ttsCode: 'TTS_480000001', params: { name: '成员7', title: '关于召开防汛工作会议的通知' }, outId: 'd-7', callId: expect.any(String) }]);
      expect(o).toEqual({ deliveryId: 'd-7', status: 'sent', providerId: aliyun.calls[0].callId });
      await expect(voice.send(targets(2), message)).rejects.toThrow(/maxBatch 1/);
    });

    it('uses the public pool without a show number, leaves out an OutId over 15 bytes, calls landlines', async () => {
      const voice = new VoiceChannel(configWith());
      const long = target(1, { deliveryId: '4f9c2d1e-7a3b-4c5d-9e8f-0123456789ab', phone: '057188880000' });
      expect((await voice.send([long], message))[0]).toMatchObject({ status: 'sent', deliveryId: long.deliveryId });
      expect(aliyun.calls[0]).toMatchObject({ phone: '057188880000', showNumber: null, outId: null });
      await voice.send([target(3, { phone: '+8613900000003' })], message);
      expect(aliyun.calls[1].phone).toBe('13900000003');
      expect((await voice.send([target(2, { phone: '12345' })], message))[0]).toMatchObject({ status: 'failed', retryable: false, error: expect.stringContaining('电话号码格式错误') });
    });

    it('maps throttling to retryable and a missing variable to permanent', async () => {
      const voice = new VoiceChannel(configWith());
      aliyun.failNext(1, 'isv.BUSINESS_LIMIT_CONTROL');
      expect((await voice.send([target(1)], message))[0]).toMatchObject({ status: 'failed', retryable: true, error: expect.stringMatching(/^语音电话发送失败：触发云通信流控限制/) });
      aliyun.ttsTemplates.set('TTS_480000009', ['name', 'place']);
      const needsPlace = new VoiceChannel(configWith({ ALIYUN_VMS_TTS_CODE: 'TTS_480000009' }));
      expect((await needsPlace.send([target(1)], message))[0]).toMatchObject({ retryable: false, error: expect.stringContaining('isv.TEMPLATE_MISSING_PARAMETERS') });
      expect(aliyun.calls).toHaveLength(0);
    });
  });

  describe('signed webhook', () => {
    let webhook: WebhookChannel;
    beforeAll(() => {
      webhook = new WebhookChannel(configWith());
    });

    it('POSTs a signed JSON array the receiver verifies; 2xx delivers everyone', async () => {
      const batch = [target(1), target(2, { dingtalkUserId: null })];
      const out = await webhook.send(batch, message);
      expect(out).toEqual([
        { deliveryId: 'd-1', status: 'delivered', providerId: 'rcv-1' },
        { deliveryId: 'd-2', status: 'delivered', providerId: 'rcv-1' },
      ]);
      expect(receiver.received[0]).toMatchObject({ status: 200, refusal: null, timestamp: expect.stringMatching(/^\d{10}$/), signature: expect.stringMatching(/^sha256=[0-9a-f]{64}$/) });
      expect(receiver.deliveries).toEqual([
        { deliveryId: 'd-1', memberId: 'm-1', name: '成员1', phone: '13900000001', dingtalkUserId: 'u1', title: message.title, text: message.text, url: message.url, sentAt: expect.any(String) },
        { deliveryId: 'd-2', memberId: 'm-2', name: '成员2', phone: '13900000002', dingtalkUserId: null, title: message.title, text: message.text, url: message.url, sentAt: expect.any(String) },
      ]);
      await webhook.send([target(3)], { title: 't', text: 'x' });
      expect(receiver.deliveries[2].url).toBeNull();
    });

    it('retries on 5xx, 429 and timeouts; 4xx is final', async () => {
      receiver.failNext(1, 500);
      expect((await webhook.send([target(1)], message))[0]).toMatchObject({ status: 'failed', retryable: true, error: expect.stringContaining('Webhook 接收方出错（HTTP 500') });
      receiver.failNext(1, 429);
      expect((await webhook.send([target(1)], message))[0]).toMatchObject({ status: 'failed', retryable: true });
      receiver.failNext(1, 404);
      expect((await webhook.send([target(1)], message))[0]).toMatchObject({ status: 'failed', retryable: false, error: expect.stringContaining('Webhook 接收方拒绝（HTTP 404') });
      expect((await webhook.send([target(1)], message))[0].status).toBe('delivered');
      const slow = new WebhookChannel(configWith({ CHANNEL_TIMEOUT_MS: '200' }));
      receiver.delay(600);
      expect((await slow.send([target(1)], message))[0]).toMatchObject({ status: 'failed', retryable: true, error: expect.stringContaining('未应答') });
    });

    it('is refused (401, final) when signed with another secret', async () => {
      const wrong = new WebhookChannel(configWith({ DING_WEBHOOK_SECRET: 'not-the-receivers-secret-000' }));
      expect((await wrong.send([target(1)], message))[0]).toMatchObject({ status: 'failed', retryable: false, error: expect.stringContaining('HTTP 401') });
      expect(receiver.deliveries).toHaveLength(0);
    });

    it('takes per-person results from {results:[…]}', async () => {
      receiver.answerWith((d) => (d.deliveryId === 'd-2' ? { ok: false, error: '号码已停机' } : d.deliveryId === 'd-3' ? { ok: false, error: '稍后再试', retryable: true } : { ok: true }));
      const out = byId(await webhook.send(targets(3), message));
      expect(out.get('d-1')?.status).toBe('delivered');
      expect(out.get('d-2')).toMatchObject({ status: 'failed', retryable: false, error: 'Webhook 接收方拒收：号码已停机' });
      expect(out.get('d-3')).toMatchObject({ status: 'failed', retryable: true });
    });

    it('batches up to DING_WEBHOOK_MAX_BATCH', async () => {
      const small = new WebhookChannel(configWith({ DING_WEBHOOK_MAX_BATCH: '2' }));
      expect(small.maxBatch).toBe(2);
      await expect(small.send(targets(3), message)).rejects.toThrow(/maxBatch 2/);
    });
  });

  describe('DingTalk', () => {
    let channel: DingTalkChannel;
    const SEND = '/topapi/message/corpconversation/asyncsend_v2';
    beforeAll(() => {
      const cfg = configWith();
      channel = new DingTalkChannel(cfg, new DingTalkClient(cfg));
    });

    it('sends a work notification: an action card to the linked members, task id as provider id', async () => {
      const out = byId(await channel.send([target(1), target(2, { dingtalkUserId: null }), target(3)], message));
      expect(dingtalk.workNotices).toHaveLength(1);
      const notice = dingtalk.workNotices[0];
      expect(notice).toMatchObject({ agentId: dingtalk.agentId, userids: ['u1', 'u3'] });
      expect(notice.msg).toEqual({
        msgtype: 'action_card',
        action_card: { title: message.title, markdown: `### ${message.title}\n\n${message.text}`, single_title: '查看详情', single_url: message.url },
      });
      expect(out.get('d-1')).toEqual({ deliveryId: 'd-1', status: 'sent', providerId: String(notice.taskId) });
      expect(out.get('d-3')).toEqual({ deliveryId: 'd-3', status: 'sent', providerId: String(notice.taskId) });
      expect(out.get('d-2')).toEqual({ deliveryId: 'd-2', status: 'failed', providerId: null, error: '成员未关联钉钉账号', retryable: false });
      expect(dingtalk.callsTo(SEND)[0].body?.agent_id).toBe(Number(dingtalk.agentId));
    });

    it('sends markdown without a link, and shortens a long text to fit 2048 bytes', async () => {
      await channel.send([target(1)], { title: '通知', text: '第1行\n第2行' });
      expect(dingtalk.workNotices[0].msg).toEqual({ msgtype: 'markdown', markdown: { title: '通知', text: '### 通知\n\n第1行  \n第2行' } });
      const [o] = await channel.send([target(1)], { ...message, text: '很长的提醒。'.repeat(400) });
      expect(o.status).toBe('sent');
      expect(Buffer.byteLength(JSON.stringify(dingtalk.workNotices[1].msg))).toBeLessThanOrEqual(2048);
      expect((dingtalk.workNotices[1].msg.action_card as { markdown: string }).markdown).toMatch(/…$/);
    });

    it('sends 100 user ids per call (the API limit)', async () => {
      const out = (await Promise.all(chunks(targets(250), channel.maxBatch).map((c) => channel.send(c, message)))).flat();
      expect(dingtalk.workNotices.map((n) => n.userids.length).sort()).toEqual([100, 100, 50]);
      expect(out.filter((o) => o.status === 'sent')).toHaveLength(250);
    });

    it('getSendResult reports forbidden, failed and invalid users, which undelivered() turns into failures', async () => {
      dingtalk.forbidUser('u2', '143106');
      dingtalk.forbidUser('u4', '143103');
      dingtalk.failDelivery('u3');
      const out = await channel.send([target(1), target(2), target(3), target(4), target(999)], message);
      const taskId = out[0].providerId!;
      dingtalk.markRead(Number(taskId), 'u1');
      const result = await channel.getSendResult(taskId);
      expect(result).toEqual({
        read: ['u1'],
        unread: [],
        failed: ['u3'],
        invalid: ['u999'],
        forbidden: [
          { userid: 'u2', code: '143106', reason: '当天已发送过相同内容' },
          { userid: 'u4', code: '143103', reason: '超过每分钟发送人数上限' },
        ],
      });
      expect(channel.undelivered(result)).toEqual([
        { dingtalkUserId: 'u2', error: '钉钉未送达：当天已发送过相同内容（143106）', retryable: false },
        { dingtalkUserId: 'u4', error: '钉钉未送达：超过每分钟发送人数上限（143103）', retryable: true },
        { dingtalkUserId: 'u3', error: '钉钉未送达：发送失败', retryable: true },
        { dingtalkUserId: 'u999', error: '钉钉未送达：钉钉账号无效或已离职', retryable: false },
      ]);
    });

    it('maps throttling (after the client’s own retries) to retryable and a missing permission to permanent', async () => {
      dingtalk.failNext(SEND, 90018, { times: 4 });
      expect((await channel.send([target(1)], message))[0]).toMatchObject({ status: 'failed', retryable: true, error: expect.stringContaining('钉钉接口调用过于频繁') });
      dingtalk.failNext(SEND, 88, { subCode: '60011', subMsg: '没有调用该接口的权限' });
      expect((await channel.send([target(1)], message))[0]).toMatchObject({ status: 'failed', retryable: false, error: expect.stringContaining('没有调用该接口的权限') });
      expect(dingtalk.workNotices).toHaveLength(0);
    });

    it('robot DING: sends in chunks of 200 with the open DING id as provider id', async () => {
      const answer = await channel.robotDing([...targets(250), target(251, { dingtalkUserId: null })], '请阅读防汛会议通知');
      expect(answer.kind).toBe('done');
      const outcomes = answer.kind === 'done' ? answer.outcomes : [];
      expect(dingtalk.robotDings.map((d) => d.userids.length)).toEqual([200, 50]);
      expect(dingtalk.robotDings[0]).toMatchObject({ robotCode: dingtalk.robotCode, remindType: 1, content: '请阅读防汛会议通知' });
      expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(250);
      expect(byId(outcomes).get('d-1')?.providerId).toBe(dingtalk.robotDings[0].openDingId);
      expect(byId(outcomes).get('d-251')).toMatchObject({ status: 'failed', error: '成员未关联钉钉账号' });
    });

    it('robot DING: answers unavailable where the edition lacks it (403), so the caller falls back to SMS/voice', async () => {
      dingtalk.robotDingAvailable = false;
      expect(await channel.robotDing(targets(3), '请阅读')).toEqual({
        kind: 'unavailable',
        code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied',
        reason: '当前钉钉版本不支持机器人 DING（需专业版/专属版并开通 Premium.Ding.Write 权限）',
      });
      expect(dingtalk.robotDings).toHaveLength(0);
      const noRobot = configWith({ DINGTALK_ROBOT_CODE: '' });
      expect(await new DingTalkChannel(noRobot, new DingTalkClient(noRobot)).robotDing(targets(1), '请阅读')).toMatchObject({ kind: 'unavailable', code: 'NOT_CONFIGURED', reason: expect.stringContaining('DINGTALK_ROBOT_CODE') });
      dingtalk.robotDingAvailable = true;
      dingtalk.dingQuota = 0;
      expect(await channel.robotDing(targets(1), '请接电话', { remindType: 3 })).toMatchObject({ kind: 'unavailable', code: 'ding.serverquota.insufficient' });
    });

    it('robot DING: unknown receivers fail alone; a refused token is refreshed once (v1.0 header token)', async () => {
      dingtalk.revokeAllTokens();
      dingtalk.resetCalls();
      const answer = await channel.robotDing([target(1), target(2, { dingtalkUserId: 'left-the-org' })], '请阅读');
      const out = byId(answer.kind === 'done' ? answer.outcomes : []);
      expect(out.get('d-1')?.status).toBe('sent');
      expect(out.get('d-2')).toMatchObject({ status: 'failed', retryable: false, error: '机器人 DING 未送达：miss.staffId' });
      const [refused, retried] = dingtalk.callsTo('/v1.0/robot/ding/send');
      expect(dingtalk.callsTo('/v1.0/robot/ding/send')).toHaveLength(2);
      expect(refused.accessToken).toEqual(expect.any(String));
      expect(retried.accessToken).not.toBe(refused.accessToken);
      expect(retried.query.access_token).toBeUndefined();
      dingtalk.failNextV1('/v1.0/robot/ding/send', 400, 'toomuch.msg', { message: '发送太快' });
      const throttled = await channel.robotDing([target(1)], '请阅读');
      expect(throttled).toEqual({ kind: 'done', outcomes: [expect.objectContaining({ status: 'failed', retryable: true, error: expect.stringContaining('toomuch.msg') })] });
    });
  });

  describe('in-app', () => {
    it('publishes one ding event to every target’s open streams and reports them delivered', async () => {
      const events = new EventsService(new InProcessBus());
      const channel = new InAppChannel(events);
      expect([channel.configured(), channel.unconfiguredReason]).toEqual([true, '']);
      const got = firstValueFrom(events.stream('m-1', 3_600_000).pipe(filter((e) => e.type === 'ding'), take(2), toArray()));
      const other = firstValueFrom(events.stream('m-2', 3_600_000).pipe(filter((e) => e.type === 'ding'), take(1)));
      const out = await channel.send([target(1), target(2)], { ...message, params: { dingId: 'ding-1', noticeId: 'n-1' } });
      await channel.send([target(1)], { title: '无链接', text: '请阅读' });
      expect(out).toEqual([
        { deliveryId: 'd-1', status: 'delivered', providerId: null },
        { deliveryId: 'd-2', status: 'delivered', providerId: null },
      ]);
      const expected: DingEvent['data'] = { dingId: 'ding-1', noticeId: 'n-1', title: message.title, text: message.text, url: message.url };
      expect(await got).toEqual([
        { type: 'ding', data: expected },
        { type: 'ding', data: { title: '无链接', text: '请阅读' } },
      ]);
      expect(await other).toEqual({ type: 'ding', data: expected });
      events.onModuleDestroy();
    });

    it('reports a bus failure as retryable', async () => {
      const bus = new InProcessBus();
      bus.publish = () => Promise.reject(new Error('NOTIFY failed'));
      const [o] = await new InAppChannel(new EventsService(bus)).send([target(1)], message);
      expect(o).toEqual({ deliveryId: 'd-1', status: 'failed', providerId: null, error: '应用内提醒推送失败：NOTIFY failed', retryable: true });
    });
  });

  it('ChannelsModule resolves in a Nest application context with the app’s global providers', async () => {
    const config = configWith();
    @Global()
    @Module({
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: EVENT_BUS, useValue: new InProcessBus() }, EventsService, DingTalkClient],
      exports: [APP_CONFIG, EventsService, DingTalkClient],
    })
    class InfraModule {}
    @Module({ imports: [InfraModule, ChannelsModule] })
    class RootModule {}
    const ctx = await NestFactory.createApplicationContext(RootModule, { logger: false });
    try {
      const registry = ctx.get(ChannelRegistry);
      expect(registry.configured().map((c) => c.name).sort()).toEqual(['app', 'call', 'dingtalk', 'sms', 'webhook']);
      const [o] = await registry.get(ChannelName.Sms).send([target(1)], message);
      expect(o.status).toBe('sent');
      expect(ctx.get(DingTalkChannel)).toBe(registry.get(ChannelName.DingTalk));
    } finally {
      await ctx.close();
    }
  });
});
