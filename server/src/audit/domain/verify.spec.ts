import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { checkpointPayload } from './chain';
import { describeEvent } from './describe';
import {
  afterCheckpointFinding,
  anchorFinding,
  checkpointAnchorFinding,
  checkpointSignatureFinding,
  firstFinding,
  instanceFinding,
  type CheckpointRecord,
} from './verify';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('firstFinding', () => {
  it('names instances in id order, then seq, before anchors by position, before checkpoints', () => {
    const found = [
      anchorFinding('event_missing', 3, A, 4),
      instanceFinding('link', B, 2),
      instanceFinding('hash', B, 5),
      instanceFinding('missing', B, 2),
      anchorFinding('gap', 2, null, null),
    ];
    expect(firstFinding(found)).toMatchObject({ instanceId: B, seq: 2, code: 'event_missing' });
    expect(firstFinding(found.filter((f) => f.stage !== 0))).toMatchObject({ position: 2, code: 'anchor_chain' });
    expect(firstFinding([])).toBeNull();
  });

  it('prefers an edited event to the broken link it causes at the same seq', () => {
    expect(firstFinding([instanceFinding('link', A, 3), instanceFinding('hash', A, 3)])?.code).toBe('event_hash');
  });

  it('says what the head disagreement means', () => {
    expect(instanceFinding('head', A, 4, { headSeq: 5, lastSeq: 3 }).reason).toMatch(/缺少第 4 至 5 条事件/);
    expect(instanceFinding('head', A, 6, { headSeq: 5, lastSeq: 6 }).reason).toMatch(/不在链头记录内/);
    expect(instanceFinding('head', A, 5, { headSeq: 5, lastSeq: 5 }).reason).toMatch(/哈希不符/);
  });
});

describe('checkpoints', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const chainId = A;
  const make = (over: Partial<{ position: number; hash: string; signedAt: string }> = {}, key = privateKey, keyPem = pem): CheckpointRecord => {
    const c = { chainId, position: 7, hash: 'e'.repeat(64), signedAt: '2026-03-02T17:00:00.000Z', ...over };
    const payload = checkpointPayload(c);
    return { id: '1', position: c.position, hash: c.hash, signedAt: c.signedAt, payload, signature: sign(null, Buffer.from(payload), key).toString('base64'), publicKey: keyPem };
  };
  const ctx = { chainId, publicKeyPem: pem, verify: (p: string, s: string) => verify(null, Buffer.from(p), publicKey, Buffer.from(s, 'base64')) };

  it('accepts a genuine one', () => {
    expect(checkpointSignatureFinding(make(), ctx, '检查点 #1')).toBeNull();
  });

  it('refuses one whose fields differ from what was signed, another chain’s, another key’s, or a forged signature', () => {
    expect(checkpointSignatureFinding({ ...make(), hash: 'f'.repeat(64) }, ctx, '检查点 #1')?.reason).toMatch(/被修改/);
    expect(checkpointSignatureFinding(make(), { ...ctx, chainId: B }, '检查点 #1')?.reason).toMatch(/另一条审计链/);
    const otherPem = other.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(checkpointSignatureFinding(make({}, other.privateKey, otherPem), ctx, '检查点 #1')?.reason).toMatch(/公钥不同/);
    expect(checkpointSignatureFinding(make({}, other.privateKey), ctx, '检查点 #1')?.reason).toMatch(/签名无效/);
  });

  it('holds the anchor chain to the signed head: rewritten or truncated is caught', () => {
    const cp = make();
    expect(checkpointAnchorFinding(cp, { hash: cp.hash }, 9, 'x')).toBeNull();
    expect(checkpointAnchorFinding(cp, { hash: '0'.repeat(64) }, 9, 'x')).toMatchObject({ code: 'checkpoint_mismatch', position: 7 });
    expect(checkpointAnchorFinding(cp, null, 5, 'x')?.reason).toMatch(/截断/);
    expect(checkpointAnchorFinding(make({ position: 0 }), null, 0, 'x')).toBeNull();
  });

  it('catches anchors written after the fact behind a checkpoint', () => {
    const cp = make();
    expect(afterCheckpointFinding(cp, { position: 8, createdAt: new Date('2026-03-02T17:01:00Z') }, 'x')).toBeNull();
    expect(afterCheckpointFinding(cp, { position: 8, createdAt: new Date('2026-03-01T00:00:00Z') }, 'x')).toMatchObject({ code: 'anchor_time', position: 8 });
  });
});

describe('describeEvent', () => {
  it('reads an event in Chinese from its data', () => {
    expect(
      describeEvent('nodeActivated', { nodeName: '镇长审批', approvers: [{ id: A, name: '赵德明' }, { id: B, name: '钱进' }], rule: '发起人所在单位负责人' }, 'n2'),
    ).toBe('节点：镇长审批；审批人：赵德明、钱进；规则：发起人所在单位负责人');
    expect(describeEvent('approve', { comment: '同意', formBefore: { amount: 100, note: 'a' }, formAfter: { amount: 80, note: 'a' } }, null)).toBe(
      '意见：同意；表单修改：amount：100 → 80',
    );
    expect(describeEvent('cc', { targets: [{ id: A, name: '王建国' }] }, null)).toBe('抄送：王建国');
    expect(describeEvent('finish', { result: 'approved', extra: { x: 1 } }, null)).toBe('结果：通过；extra：{"x":1}');
  });
});
