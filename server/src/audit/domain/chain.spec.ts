import { createHash } from 'node:crypto';
import {
  anchorHash,
  canonicalJson,
  chainAnchors,
  checkpointPayload,
  compareKeys,
  eventHash,
  eventJson,
  normaliseData,
  numericText,
  parseCheckpointPayload,
  ZERO_HASH,
  type ChainEvent,
} from './chain';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('canonicalJson (PostgreSQL jsonb text form)', () => {
  it('sorts keys at every level, shorter first, then by UTF-8 bytes, with jsonb spacing', () => {
    // SELECT '{"b":1,"aa":[1,2.5,1e21,1.5e-7],"a":{"y":null,"x":"\n"}}'::jsonb::text
    expect(canonicalJson({ b: 1, aa: [1, 2.5, 1e21, 1.5e-7], a: { y: null, x: '\n' } })).toBe(
      '{"a": {"x": "\\n", "y": null}, "b": 1, "aa": [1, 2.5, 1000000000000000000000, 0.00000015]}',
    );
    expect(canonicalJson({ 意见: 1, zz: 2, 单位: 3 })).toBe('{"zz": 2, "单位": 3, "意见": 1}');
    expect(['bb', 'a', 'ab', '审', 'ba'].sort(compareKeys)).toEqual(['a', 'ab', 'ba', 'bb', '审']);
  });

  it('writes empty containers, booleans, nulls and nested arrays like jsonb', () => {
    expect(canonicalJson({ a: [], b: {}, c: [[true, false], null] })).toBe('{"a": [], "b": {}, "c": [[true, false], null]}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson('引号"和\\反斜杠\t')).toBe('"引号\\"和\\\\反斜杠\\t"');
  });

  it('escapes control characters as JSON.stringify does and keeps the rest of Unicode as it is', () => {
    expect(canonicalJson('\u0001\u001f\u2028😀/')).toBe('"\\u0001\\u001f\u2028😀/"');
  });

  it('leaves out undefined members and uses toJSON', () => {
    expect(canonicalJson({ a: undefined, b: new Date('2026-03-01T00:00:00Z') })).toBe('{"b": "2026-03-01T00:00:00.000Z"}');
  });
});

describe('numericText (PostgreSQL numeric output)', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [42, '42'],
    [-3.25, '-3.25'],
    [0.1, '0.1'],
    [1e21, '1000000000000000000000'],
    [1.2345e25, '12345000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-2e-7, '-0.0000002'],
    [123456.789e-10, '0.0000123456789'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
  ])('%p → %s', (n, text) => {
    expect(numericText(n)).toBe(text);
  });
});

describe('normaliseData', () => {
  it('stores what JSON keeps, with lone surrogates replaced and NUL removed (jsonb refuses both)', () => {
    expect(normaliseData({ a: undefined, d: new Date('2026-01-02T03:04:05.678Z'), s: 'x\u0000y\ud800z', ok: '😀', n: NaN, [`k\u0000`]: 1 })).toEqual({
      d: '2026-01-02T03:04:05.678Z',
      s: 'xy\ufffdz',
      ok: '😀',
      n: null,
      k: 1,
    });
    expect(normaliseData(undefined)).toEqual({});
  });
});

describe('the chains', () => {
  const event: ChainEvent = {
    instanceId: '0b7d2f8e-4c1a-4e7b-9a55-3c2d1e0f9a8b',
    seq: 2,
    type: 'approve',
    actor: { id: '5f0e9d8c-7b6a-4948-8372-615049382716', name: '张海军', title: '扶贫开发办公室主任', unitId: '1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d', unitName: '扶贫开发办公室' },
    nodeId: 'n2',
    data: { comment: '同意', formAfter: { amount: 500000 } },
    createdAt: '2026-03-01T02:03:04.005Z',
  };

  it('hashes prev_hash ‖ the event in jsonb form, keys in jsonb order', () => {
    const json = eventJson(event);
    expect(json).toBe(
      '{"seq": 2, "data": {"comment": "同意", "formAfter": {"amount": 500000}}, "type": "approve", ' +
        '"actor": {"id": "5f0e9d8c-7b6a-4948-8372-615049382716", "name": "张海军", "title": "扶贫开发办公室主任", "unitId": "1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d", "unitName": "扶贫开发办公室"}, ' +
        '"nodeId": "n2", "createdAt": "2026-03-01T02:03:04.005Z", "instanceId": "0b7d2f8e-4c1a-4e7b-9a55-3c2d1e0f9a8b"}',
    );
    expect(eventHash(ZERO_HASH, event)).toBe(sha(ZERO_HASH + json));
  });

  it('changes with every field, and with the previous hash', () => {
    const base = eventHash(ZERO_HASH, event);
    const variants: ChainEvent[] = [
      { ...event, seq: 3 },
      { ...event, type: 'reject' },
      { ...event, actor: null },
      { ...event, actor: { ...event.actor!, title: '副主任' } },
      { ...event, nodeId: null },
      { ...event, data: { comment: '同意。' } },
      { ...event, createdAt: '2026-03-01T02:03:04.006Z' },
    ];
    for (const v of variants) expect(eventHash(ZERO_HASH, v)).not.toBe(base);
    expect(eventHash('1'.repeat(64), event)).not.toBe(base);
  });

  it('links anchors of instance heads after the chain’s end', () => {
    const heads = [
      { instanceId: event.instanceId, seq: 2, hash: 'a'.repeat(64) },
      { instanceId: event.actor!.id, seq: 7, hash: 'b'.repeat(64) },
    ];
    const [a, b] = chainAnchors({ position: 10, hash: 'c'.repeat(64) }, heads);
    expect(a).toEqual({ position: 11, instanceId: event.instanceId, seq: 2, instanceHash: 'a'.repeat(64), prevHash: 'c'.repeat(64), hash: sha('c'.repeat(64) + event.instanceId + '2' + 'a'.repeat(64)) });
    expect(b.position).toBe(12);
    expect(b.prevHash).toBe(a.hash);
    expect(b.hash).toBe(anchorHash(a.hash, event.actor!.id, 7, 'b'.repeat(64)));
  });

  it('signs checkpoints as an exact JSON text that parses back', () => {
    const c = { chainId: event.instanceId, position: 12, hash: 'd'.repeat(64), signedAt: '2026-03-02T17:00:00.000Z' };
    const payload = checkpointPayload(c);
    expect(JSON.parse(payload)).toEqual({ type: 'lianxin.audit.checkpoint', version: 1, ...c });
    expect(parseCheckpointPayload(payload)).toEqual(c);
    expect(parseCheckpointPayload('{"type":"other"}')).toBeNull();
    expect(parseCheckpointPayload('not json')).toBeNull();
  });
});
