/**
 * Verification findings as pure functions: what each broken link means, in Chinese, and which one
 * is named first. The SQL in audit-verify.service.ts finds them; checkpoints are judged here.
 */
import { AuditBreakCode, type AuditBrokenLink } from '@lianxin/shared';
import { parseCheckpointPayload } from './chain.js';

/** How far a problem is into the trail: instances (by id, then seq) first, then the anchor chain, then checkpoints. */
export const Stage = { Instance: 0, Anchor: 1, Checkpoint: 2 } as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

export interface Finding extends AuditBrokenLink {
  stage: Stage;
}

/** An event is anchored this long after it was written at most; later means it was written in afterwards. */
export const ANCHOR_DELAY_LIMIT_MS = 60 * 60 * 1000;
/** Clocks may step back this much between anchoring passes (and checkpoints) before it counts. */
export const CLOCK_TOLERANCE_MS = 5 * 60 * 1000;

const short = (id: string | null) => (id ? id.slice(0, 8) : '');

/** The problem kinds the instance pass (SQL) reports, in the order they are told apart at one seq. */
export const InstanceProblem = {
  Hash: 'hash',
  Missing: 'missing',
  Link: 'link',
  HeadFields: 'head_fields',
  Head: 'head',
  NoHead: 'no_head',
  NoEvents: 'no_events',
} as const;
export type InstanceProblem = (typeof InstanceProblem)[keyof typeof InstanceProblem];

export function instanceFinding(kind: InstanceProblem, instanceId: string, seq: number, extra: { headSeq?: number; lastSeq?: number } = {}): Finding {
  const base = { stage: Stage.Instance, instanceId, seq, position: null } as const;
  const who = `审批 ${short(instanceId)}`;
  switch (kind) {
    case 'hash':
      return { ...base, code: AuditBreakCode.EventHash, reason: `${who} 第 ${seq} 条事件的内容与其哈希不符：事件被修改，或序号被调换` };
    case 'missing':
      return { ...base, code: AuditBreakCode.EventMissing, reason: `${who} 缺少第 ${seq} 条事件（被删除），或事件序号错乱` };
    case 'link':
      return { ...base, code: AuditBreakCode.EventLink, reason: `${who} 第 ${seq} 条事件记录的前一哈希与第 ${seq - 1} 条不符：其前的事件被替换或调换` };
    case 'head_fields':
      return { ...base, code: AuditBreakCode.HeadFields, reason: `${who} 的模板、标题、申请人或单位与发起时记录的不符：检索信息被改动` };
    case 'head':
      return extra.lastSeq !== undefined && extra.headSeq !== undefined && extra.lastSeq < extra.headSeq
        ? { ...base, code: AuditBreakCode.Head, reason: `${who} 缺少第 ${seq} 至 ${extra.headSeq} 条事件（链头记录到第 ${extra.headSeq} 条）：末尾的事件被删除` }
        : extra.lastSeq !== undefined && extra.headSeq !== undefined && extra.lastSeq > extra.headSeq
          ? { ...base, code: AuditBreakCode.Head, reason: `${who} 第 ${seq} 条起的事件不在链头记录内（链头记录到第 ${extra.headSeq} 条）：事件不是经由系统追加的` }
          : { ...base, code: AuditBreakCode.Head, reason: `${who} 最后一条事件（第 ${seq} 条）与链头记录的哈希不符：事件或链头被改动` };
    case 'no_head':
      return { ...base, code: AuditBreakCode.Head, reason: `${who} 有事件却没有链头：事件不是经由系统写入的，或链头被删除` };
    case 'no_events':
      return { ...base, code: AuditBreakCode.Head, reason: `${who} 的全部事件都不存在了（链头记录到第 ${extra.headSeq ?? '?'} 条）：事件被删除` };
  }
}

export const AnchorProblem = {
  Gap: 'gap',
  Link: 'link',
  Hash: 'hash',
  EventMissing: 'event_missing',
  EventHash: 'event_hash',
  TimeBack: 'time_back',
  Late: 'late',
} as const;
export type AnchorProblem = (typeof AnchorProblem)[keyof typeof AnchorProblem];

export function anchorFinding(kind: AnchorProblem, position: number, instanceId: string | null, seq: number | null): Finding {
  const base = { stage: Stage.Anchor, instanceId, seq, position } as const;
  const what = instanceId ? `审批 ${short(instanceId)} 第 ${seq} 条事件` : '';
  switch (kind) {
    case 'gap':
      return { ...base, instanceId: null, seq: null, code: AuditBreakCode.AnchorChain, reason: `全局链缺少第 ${position} 个锚点（被删除）` };
    case 'link':
      return { ...base, code: AuditBreakCode.AnchorChain, reason: `全局链第 ${position} 个锚点记录的前一哈希与第 ${position - 1} 个不符：锚点被替换` };
    case 'hash':
      return { ...base, code: AuditBreakCode.AnchorChain, reason: `全局链第 ${position} 个锚点的内容与其哈希不符：锚点被修改` };
    case 'event_missing':
      return { ...base, code: AuditBreakCode.AnchorEventMissing, reason: `全局链第 ${position} 个锚点锚定的${what}已不存在：事件或整个审批被删除` };
    case 'event_hash':
      return { ...base, code: AuditBreakCode.AnchorEventHash, reason: `全局链第 ${position} 个锚点锚定的${what}的哈希已变：这条审批的链被改写后重新计算过` };
    case 'time_back':
      return { ...base, code: AuditBreakCode.AnchorTime, reason: `全局链第 ${position} 个锚点的时间早于前一个：锚点是事后补写的` };
    case 'late':
      return { ...base, code: AuditBreakCode.AnchorTime, reason: `${what}写入一小时后才被全局链锚定（第 ${position} 个锚点）：事件可能是事后补写、倒填时间的` };
  }
}

/** A checkpoint as stored (row) or as found in DATA_DIR (file). */
export interface CheckpointRecord {
  id: string | null;
  position: number;
  hash: string;
  signedAt: string;
  payload: string;
  signature: string;
  publicKey: string;
}

/**
 * Whether a checkpoint is genuine: its payload is this chain's, agrees with its fields, and its
 * signature verifies with this server's key. Null when it is.
 */
export function checkpointSignatureFinding(
  cp: CheckpointRecord,
  ctx: { chainId: string; publicKeyPem: string; verify(payload: string, signature: string): boolean },
  label: string,
): Finding | null {
  const base = { stage: Stage.Checkpoint, instanceId: null, seq: null, position: cp.position, code: AuditBreakCode.CheckpointSignature } as const;
  const p = parseCheckpointPayload(cp.payload);
  if (!p || p.position !== cp.position || p.hash !== cp.hash || Date.parse(p.signedAt) !== Date.parse(cp.signedAt)) {
    return { ...base, reason: `${label}的签名内容与其记录的位置、哈希或时间不符：检查点被修改` };
  }
  if (p.chainId !== ctx.chainId) return { ...base, reason: `${label}属于另一条审计链（${short(p.chainId)}），不是本库的` };
  if (cp.publicKey.trim() !== ctx.publicKeyPem.trim()) return { ...base, reason: `${label}不是用本服务器的签名密钥签的（公钥不同）` };
  if (!ctx.verify(cp.payload, cp.signature)) return { ...base, reason: `${label}的签名无效：检查点被伪造或修改` };
  return null;
}

/** Whether the anchor chain still has the head a (genuine) checkpoint signed. */
export function checkpointAnchorFinding(cp: CheckpointRecord, anchor: { hash: string } | null, lastPosition: number, label: string): Finding | null {
  const base = { stage: Stage.Checkpoint, instanceId: null, seq: null, position: cp.position, code: AuditBreakCode.CheckpointMismatch } as const;
  if (cp.position === 0) return null;
  if (!anchor) {
    return { ...base, reason: `${label}签名到全局链第 ${cp.position} 个锚点，现在链上只有 ${lastPosition} 个：锚点链的末尾被截断` };
  }
  if (anchor.hash !== cp.hash) {
    return { ...base, reason: `全局链第 ${cp.position} 个锚点的哈希与${label}签名的不符：此前的记录被改写并重新计算了哈希` };
  }
  return null;
}

/** The first anchor after a checkpoint was appended after it was signed; earlier means written in afterwards. */
export function afterCheckpointFinding(cp: CheckpointRecord, next: { position: number; createdAt: Date } | null, label: string): Finding | null {
  if (!next || next.createdAt.getTime() >= Date.parse(cp.signedAt) - CLOCK_TOLERANCE_MS) return null;
  return {
    stage: Stage.Checkpoint,
    instanceId: null,
    seq: null,
    position: next.position,
    code: AuditBreakCode.AnchorTime,
    reason: `全局链第 ${next.position} 个锚点的时间早于${label}的签名时间：签名之后补写了锚点`,
  };
}

export function checkpointRecordFinding(position: number, reason: string): Finding {
  return { stage: Stage.Checkpoint, instanceId: null, seq: null, position, code: AuditBreakCode.CheckpointRecord, reason };
}

/** At one place, the cause before what it causes: an edited event breaks the link after it, a missing one the order. */
const KIND_ORDER: AuditBreakCode[] = [
  AuditBreakCode.EventHash,
  AuditBreakCode.EventMissing,
  AuditBreakCode.EventLink,
  AuditBreakCode.HeadFields,
  AuditBreakCode.Head,
  AuditBreakCode.AnchorChain,
  AuditBreakCode.AnchorEventMissing,
  AuditBreakCode.AnchorEventHash,
  AuditBreakCode.AnchorTime,
  AuditBreakCode.CheckpointSignature,
  AuditBreakCode.CheckpointRecord,
  AuditBreakCode.CheckpointMismatch,
];

/** The first broken link: instances in id order (then seq), then anchors by position, then checkpoints by position. */
export function firstFinding(findings: Finding[]): Finding | null {
  let best: Finding | null = null;
  for (const f of findings) if (!best || compareFindings(f, best) < 0) best = f;
  return best;
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.stage !== b.stage) return a.stage - b.stage;
  if (a.stage === Stage.Instance) {
    if (a.instanceId !== b.instanceId) return (a.instanceId ?? '') < (b.instanceId ?? '') ? -1 : 1;
    if (a.seq !== b.seq) return (a.seq ?? 0) - (b.seq ?? 0);
  } else if (a.position !== b.position) {
    return (a.position ?? 0) - (b.position ?? 0);
  }
  return KIND_ORDER.indexOf(a.code) - KIND_ORDER.indexOf(b.code);
}

/** Strips the internal stage. */
export const brokenLink = (f: Finding): AuditBrokenLink => ({ code: f.code, instanceId: f.instanceId, seq: f.seq, position: f.position, reason: f.reason });
