import { EventPayloadError, parseCallbackEvent } from './org-event.js';

describe('parseCallbackEvent (§4.1 payloads)', () => {
  it('reads a user event envelope', () => {
    const plain = JSON.stringify({ EventType: 'user_add_org', EventTime: 1663143335567, CorpId: 'dingx', BizId: 'b', eventId: 'e-1', timeStamp: '1685501863357', userId: ['015xxxx227', 'a'] });
    expect(parseCallbackEvent(plain)).toEqual({ kind: 'org', id: 'e-1', type: 'user_add_org', userIds: ['015xxxx227', 'a'], deptIds: [] });
  });

  it('reads department ids beyond 2^53 exactly', () => {
    const plain = '{"EventType":"org_dept_remove","eventId":"e-2","deptId":[432825033,18446744073709551615]}';
    expect(parseCallbackEvent(plain)).toMatchObject({ type: 'org_dept_remove', deptIds: ['432825033', '18446744073709551615'] });
  });

  it('accepts the legacy spellings, and keys an event without an id by the hash of its plaintext', () => {
    const plain = '{"EventType":"user_leave_org","TimeStamp":"1","UserId":["zs"],"CorpId":"dingx"}';
    const ev = parseCallbackEvent(plain);
    expect(ev).toEqual({ kind: 'org', id: expect.stringMatching(/^sha1:[0-9a-f]{40}$/), type: 'user_leave_org', userIds: ['zs'], deptIds: [] });
    expect(parseCallbackEvent(plain)).toEqual(ev);
    expect(parseCallbackEvent('{"EventType":"org_dept_create","DeptId":[7],"EventId":"E"}')).toMatchObject({ id: 'E', deptIds: ['7'] });
  });

  it('tells the URL check and other event types apart', () => {
    expect(parseCallbackEvent('{"EventType":"check_url"}')).toEqual({ kind: 'check_url' });
    expect(parseCallbackEvent('{"EventType":"label_user_change","eventId":"x"}')).toEqual({ kind: 'other', type: 'label_user_change' });
  });

  it.each([['not json'], ['[]'], ['{"foo":1}'], ['{"EventType":"org_dept_create","deptId":["x"]}']])('refuses %s', (plain) => {
    expect(() => parseCallbackEvent(plain)).toThrow(EventPayloadError);
  });
});
