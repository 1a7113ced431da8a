import { DataSource } from 'typeorm';
import { createApp, type CreatedApp } from '../../server/src/app.factory';
import { loadConfig } from '../../server/src/config/app-config';
import { EventsService } from '../../server/src/events/events.service';
import { serverUrl } from '../support/database';
import { makeMember } from '../support/factory';
import { openSse, type SseClient } from '../support/sse';
import { expectProblem, useTestApp, type TestContext } from '../support/test-app';

async function listen(created: CreatedApp): Promise<string> {
  if (!created.app.getHttpServer().listening) await created.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = created.app.getHttpServer().address();
  if (!addr || typeof addr !== 'object') throw new Error('no address');
  return `http://127.0.0.1:${addr.port}`;
}

function sseSuite(mode: 'embedded' | 'server', ctx: TestContext) {
  let base: string;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  const open: SseClient[] = [];

  beforeAll(async () => {
    base = await listen(ctx.created);
    const ds = ctx.created.app.get(DataSource);
    const a = await makeMember(ds, { name: '张三' });
    const b = await makeMember(ds, { name: '李四' });
    alice = { id: a.id, token: (await ctx.login(a.phone, a.password)).accessToken };
    bob = { id: b.id, token: (await ctx.login(b.phone, b.password)).accessToken };
  });
  afterAll(() => open.forEach((c) => c.close()));

  it(`(${mode}) delivers a published event to the addressed member only`, async () => {
    const a = await openSse(`${base}/api/events`, alice.token);
    const b = await openSse(`${base}/api/events?access_token=${encodeURIComponent(bob.token)}`);
    open.push(a, b);
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toMatch(/^text\/event-stream/);
    await a.next((e) => e.type === 'hello');
    await b.next((e) => e.type === 'hello');

    await ctx.created.app.get(EventsService).publish([alice.id], { type: 'test', data: { n: 1, text: '开会通知' } });
    expect((await a.next((e) => e.type === 'test')).data).toEqual({ n: 1, text: '开会通知' });
    // A marker sent to Bob afterwards arrives first in his stream: he never saw Alice's event.
    await ctx.created.app.get(EventsService).publish([bob.id], { type: 'test', data: { n: 2 } });
    expect((await b.next((e) => e.type === 'test')).data).toEqual({ n: 2 });
    expect(b.events.filter((e) => e.type === 'test')).toEqual([{ type: 'test', data: { n: 2 } }]);
  });

  it(`(${mode}) refuses a stream without a valid token`, async () => {
    const res = await ctx.http().get('/api/events');
    expectProblem(res, 401, 'AUTH_UNAUTHENTICATED');
    const bad = await ctx.http().get('/api/events?access_token=forged');
    expectProblem(bad, 401, 'AUTH_TOKEN_INVALID');
  });
}

describe('GET /api/events on the embedded database (in-process bus)', () => {
  const ctx = useTestApp('events-embedded', {}, { embedded: true });
  sseSuite('embedded', ctx);
});

(serverUrl() ? describe : describe.skip)('GET /api/events across two instances on one PostgreSQL (LISTEN/NOTIFY)', () => {
  const ctx = useTestApp('events-server');
  sseSuite('server', ctx);

  let second: CreatedApp;
  beforeAll(async () => {
    second = await createApp(loadConfig(ctx.env));
  });
  afterAll(async () => {
    await second?.close();
  });

  it('delivers an event published on instance B to a member streaming from instance A, and to no one else', async () => {
    const base = await listen(ctx.created);
    const ds = ctx.created.app.get(DataSource);
    const carol = await makeMember(ds, { name: '王五' });
    const dave = await makeMember(ds, { name: '赵六' });
    const carolToken = (await ctx.login(carol.phone, carol.password)).accessToken;
    const daveToken = (await ctx.login(dave.phone, dave.password)).accessToken;
    const c = await openSse(`${base}/api/events`, carolToken);
    const d = await openSse(`${base}/api/events`, daveToken);
    try {
      await c.next((e) => e.type === 'hello');
      await d.next((e) => e.type === 'hello');
      await second.app.get(EventsService).publish([carol.id], { type: 'test', data: { from: 'B' } });
      expect((await c.next((e) => e.type === 'test')).data).toEqual({ from: 'B' });
      await second.app.get(EventsService).publish([dave.id], { type: 'test', data: { marker: true } });
      await d.next((e) => e.type === 'test');
      expect(d.events.filter((e) => e.type === 'test')).toEqual([{ type: 'test', data: { marker: true } }]);
    } finally {
      c.close();
      d.close();
    }
  });
});
