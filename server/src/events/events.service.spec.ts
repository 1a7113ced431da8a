import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { EventsService } from './events.service';
import { InProcessBus } from './in-process-bus';

describe('EventsService streams', () => {
  it('greets, sends heartbeats, delivers addressed events and ends on shutdown', async () => {
    const service = new EventsService(new InProcessBus());
    const stream = service.stream('m1', 20);
    const collected = firstValueFrom(stream.pipe(take(4), toArray()));
    await new Promise((r) => setTimeout(r, 5));
    await service.publish(['m2'], { type: 'test', data: 'not for m1' });
    await service.publish(['m1'], { type: 'test', data: 'for m1' });
    const events = await collected;
    expect(events[0].type).toBe('hello');
    expect(events.filter((e) => e.type === 'test').map((e) => e.data)).toEqual(['for m1']);
    expect(events.some((e) => e.type === 'ping')).toBe(true);

    const open = firstValueFrom(service.stream('m1', 1000).pipe(filter((e) => e.type !== 'hello'), toArray()));
    expect(service.openStreams()).toBe(1);
    service.onModuleDestroy();
    expect(await open).toEqual([]);
    expect(service.openStreams()).toBe(0);
  });
});
