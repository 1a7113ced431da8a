import { createHmac } from 'node:crypto';
import { WebhookReceiver } from './webhook-receiver';

/** The receiver must refuse unsigned, mis-signed and stale calls, or it proves nothing about the channel. */
describe('WebhookReceiver', () => {
  const receiver = new WebhookReceiver();

  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  beforeEach(() => receiver.reset());

  const item = (deliveryId: string) => ({
    deliveryId, memberId: `m-${deliveryId}`, name: '张三', phone: '13800000001', dingtalkUserId: null,
    title: '防汛会议', text: '请阅读通知', url: null, sentAt: new Date().toISOString(),
  });
  const sign = (secret: string, ts: string, body: string) => `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
  const post = async (body: string, headers: Record<string, string>) => {
    const res = await fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
  };
  const now = () => String(Math.floor(Date.now() / 1000));
  const signedPost = (body: string, ts = now(), secret = receiver.secret) => post(body, { 'x-lianxin-timestamp': ts, 'x-lianxin-signature': sign(secret, ts, body) });

  it('accepts a correctly signed, fresh array of deliveries and records them', async () => {
    const body = JSON.stringify([item('d1'), item('d2')]);
    expect(await signedPost(body)).toEqual({ status: 200, body: { ok: true } });
    expect(receiver.deliveries.map((d) => d.deliveryId)).toEqual(['d1', 'd2']);
  });

  it('refuses a wrong secret, a changed body, a missing signature, a stale or future timestamp: 401, nothing recorded', async () => {
    const body = JSON.stringify([item('d1')]);
    const ts = now();
    expect((await signedPost(body, ts, 'another-secret-0123456789abcdef')).status).toBe(401);
    expect((await post(body.replace('张三', '李四'), { 'x-lianxin-timestamp': ts, 'x-lianxin-signature': sign(receiver.secret, ts, body) })).status).toBe(401);
    expect((await post(body, { 'x-lianxin-timestamp': ts })).status).toBe(401);
    expect((await post(body, { 'x-lianxin-timestamp': ts, 'x-lianxin-signature': sign(receiver.secret, ts, body).replace('sha256=', '') })).status).toBe(401);
    expect((await signedPost(body, String(Number(ts) - 400))).body).toEqual({ error: 'stale X-Lianxin-Timestamp' });
    expect((await signedPost(body, String(Number(ts) + 400))).status).toBe(401);
    expect(receiver.deliveries).toHaveLength(0);
    expect(receiver.received.every((c) => c.status === 401 && c.refusal)).toBe(true);
  });

  it('refuses a signed body that is not an array of deliveries with 400', async () => {
    expect((await signedPost(JSON.stringify(item('d1')))).status).toBe(400);
    expect((await signedPost(JSON.stringify([{ deliveryId: 'd1' }]))).status).toBe(400);
    expect((await signedPost('not json')).status).toBe(400);
  });

  it('answers injected failures for the next n genuine calls, then recovers', async () => {
    receiver.failNext(2);
    receiver.failNext(1, 404);
    const body = JSON.stringify([item('d1')]);
    expect((await signedPost(body)).status).toBe(500);
    expect((await signedPost(body)).status).toBe(500);
    expect((await signedPost(body)).status).toBe(404);
    expect((await signedPost(body)).status).toBe(200);
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('answers per-delivery results when asked to', async () => {
    receiver.answerWith((d) => (d.deliveryId === 'd2' ? { ok: false, error: '号码停机' } : { ok: true }));
    expect((await signedPost(JSON.stringify([item('d1'), item('d2')]))).body).toEqual({
      results: [{ deliveryId: 'd1', ok: true }, { deliveryId: 'd2', ok: false, error: '号码停机' }],
    });
  });
});
