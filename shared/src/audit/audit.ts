/**
 * The audit trail (审计留痕): every approval event appended to a per-instance hash chain, the
 * instance heads anchored in one global chain, and that chain's head signed (Ed25519) into
 * checkpoints that live outside the database.
 *
 * Instants are ISO 8601 strings; hashes are 64 lowercase hex digits (SHA-256).
 */
import { TimelineKind, TimelineKindLabel } from '../approvals/approvals.js';

/**
 * What happened: the approval timeline's kinds plus the engine's own steps. The trail stores any
 * short code, and shows the code itself when it has no label for it.
 */
export const AuditEventType = {
  ...TimelineKind,
  NodeActivated: 'nodeActivated',
  FormChanged: 'formChanged',
} as const;
export type AuditEventType = (typeof AuditEventType)[keyof typeof AuditEventType];
export const AuditEventTypeLabel: Record<AuditEventType, string> = {
  ...TimelineKindLabel,
  nodeActivated: '进入审批节点',
  formChanged: '修改表单',
};

/** A person named in an event's data. */
export interface AuditPersonRef {
  id: string;
  name: string;
}

/**
 * The data an event carries, as the trail describes it in exports (说明). Every key is optional and
 * an event may carry others; all of it is hashed.
 */
export interface AuditEventData {
  /** The approver's or commenter's words. */
  comment?: string | null;
  /** nodeActivated: whom the node resolved to, and by which rule (「发起人所在单位负责人」). */
  approvers?: AuditPersonRef[];
  rule?: string | null;
  nodeName?: string | null;
  /** transfer, addSigner, urge, cc: whom it concerns. */
  targets?: AuditPersonRef[];
  /** The form before and after, when the event changed it (only the changed fields, or whole). */
  formBefore?: Record<string, unknown> | null;
  formAfter?: Record<string, unknown> | null;
  /** finish: approved | rejected | withdrawn … */
  result?: string | null;
  /** skip, admin: why. */
  reason?: string | null;
  /**
   * Written by the trail itself into the first event: the instance as it was started. The search
   * fields of the trail (template, title, applicant, unit) are checked against it.
   */
  instance?: AuditInstanceHead;
  [key: string]: unknown;
}

/** What an instance is, given with its first event. */
export interface AuditInstanceHead {
  templateCode: string;
  title: string;
  applicantId: string | null;
  /** The applicant's unit: the trail is in the scope of auditors of this unit and those above it. */
  unitId: string;
}

/** Who acted, as they were at that moment (people move; the trail shows who they were then). */
export interface AuditActorView {
  id: string;
  name: string;
  title: string | null;
  unitId: string | null;
  unitName: string | null;
}

/** One event of a trail. `hash = sha256(prevHash ‖ canonical JSON of the event)`. */
export interface AuditEventView {
  /** The event's id (what the approvals engine keeps as auditEventId). */
  id: string;
  seq: number;
  type: string;
  /** Chinese name of the type (the code itself for a type without one). */
  typeLabel: string;
  /** null: done by the system. */
  actor: AuditActorView | null;
  nodeId: string | null;
  data: AuditEventData;
  createdAt: string;
  prevHash: string;
  hash: string;
}

/** `GET /audit/trails/:instanceId`: the instance's whole timeline, with hashes and its verification. */
export interface AuditTrailView {
  instanceId: string;
  templateCode: string;
  title: string;
  applicant: AuditPersonRef | null;
  unit: { id: string; name: string | null };
  startedAt: string;
  events: AuditEventView[];
  verification: AuditVerifyResult;
}

/** A line of `GET /audit/trails` (`Page<AuditTrailListItem>`), newest first. */
export interface AuditTrailListItem {
  instanceId: string;
  templateCode: string;
  title: string;
  applicant: AuditPersonRef | null;
  unit: { id: string; name: string | null };
  /** Events so far. */
  events: number;
  lastType: string | null;
  startedAt: string;
  updatedAt: string;
}

/** `GET /audit/trails?…` and `GET /audit/export?…`: trails in the caller's audit scope. */
export interface AuditTrailQuery {
  /** Template code. */
  template?: string;
  /** A unit in scope: trails of applicants in it or below it. */
  unitId?: string;
  /** Started on or after: 'YYYY-MM-DD' (China time) or an ISO instant. */
  from?: string;
  /** Started on or before that day (a date is the whole China-time day), or before that instant. */
  to?: string;
  /** A member id: trails in which they acted. */
  actor?: string;
  /** Text in the title. */
  q?: string;
  cursor?: string;
  limit?: number;
}

export const AuditExportFormat = { Xlsx: 'xlsx', Csv: 'csv' } as const;
export type AuditExportFormat = (typeof AuditExportFormat)[keyof typeof AuditExportFormat];

export interface AuditExportQuery extends Omit<AuditTrailQuery, 'cursor' | 'limit'> {
  format?: AuditExportFormat;
}

/** `GET /audit/verify?instanceId=`: one instance (in scope); without it, the whole chain (county auditors and admins). */
export interface AuditVerifyQuery {
  instanceId?: string;
}

/** Why a link is broken. */
export const AuditBreakCode = {
  /** An event's content no longer gives its hash (edited, or its seq changed). */
  EventHash: 'event_hash',
  /** An event does not point at the hash of the one before it. */
  EventLink: 'event_link',
  /** A seq is missing (an event was deleted), or out of order. */
  EventMissing: 'event_missing',
  /** The instance's head does not match its last event (events deleted or added at the end). */
  Head: 'head',
  /** The head's template, title, applicant or unit differ from what the first event recorded. */
  HeadFields: 'head_fields',
  /** An anchored event no longer exists (the event or the whole instance was deleted). */
  AnchorEventMissing: 'anchor_event_missing',
  /** An anchored event's hash differs from the one anchored (the instance's chain was recomputed). */
  AnchorEventHash: 'anchor_event_hash',
  /** An anchor's own hash, or its link to the one before, is wrong, or a position is missing. */
  AnchorChain: 'anchor_chain',
  /** An event was anchored long after it was written, or anchors go back in time (written afterwards). */
  AnchorTime: 'anchor_time',
  /** A checkpoint's signature does not verify with this server's public key. */
  CheckpointSignature: 'checkpoint_signature',
  /** The anchor chain no longer has the head a checkpoint signed (rewritten or truncated). */
  CheckpointMismatch: 'checkpoint_mismatch',
  /** A checkpoint file has no row in the database, or they differ. */
  CheckpointRecord: 'checkpoint_record',
} as const;
export type AuditBreakCode = (typeof AuditBreakCode)[keyof typeof AuditBreakCode];

export interface AuditBrokenLink {
  code: AuditBreakCode;
  instanceId: string | null;
  seq: number | null;
  /** Anchor position (global chain), for anchor and checkpoint breaks. */
  position: number | null;
  /** In Chinese, for the auditor. */
  reason: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  scope: 'chain' | 'instance';
  checked: { events: number; instances: number; anchors: number; checkpoints: number };
  /** The first broken link (instances in id order, then anchors by position, then checkpoints); null when ok. */
  firstBroken: AuditBrokenLink | null;
  /** How many broken links were found in all. */
  broken: number;
  /** The newest checkpoint whose signature verified, if any. */
  lastCheckpoint: { id: string; position: number; signedAt: string } | null;
  /** Instance scope: its last seq, how far the global chain anchors it, and how far a signed checkpoint covers it. */
  instance?: { seq: number; anchoredSeq: number; checkpointedSeq: number };
  ms: number;
}

/** A signed checkpoint of the global chain's head (`GET /audit/checkpoints`). */
export interface AuditCheckpointView {
  id: string;
  /** The anchor position it signs (0: the empty chain). */
  position: number;
  /** The anchor chain's hash at that position. */
  hash: string;
  signedAt: string;
  /** Base64 Ed25519 signature of `payload`. */
  signature: string;
  /** The exact text that was signed (JSON). */
  payload: string;
  /** PEM (SPKI) public key it was signed with. */
  publicKey: string;
}

/**
 * The checkpoint file auditors download (`GET /audit/checkpoints/:id/file`, also written to
 * `DATA_DIR/audit-checkpoints/<chain>/`): verify `signature` over the UTF-8 bytes of `payload`
 * with `publicKey` (Ed25519), e.g. `crypto.verify(null, Buffer.from(payload), publicKey, Buffer.from(signature, 'base64'))`.
 */
export interface AuditCheckpointFile {
  type: 'lianxin.audit.checkpoint';
  version: 1;
  chainId: string;
  position: number;
  hash: string;
  signedAt: string;
  algorithm: 'Ed25519';
  payload: string;
  signature: string;
  publicKey: string;
}

/** `GET /audit/public-key`. */
export interface AuditPublicKeyView {
  algorithm: 'Ed25519';
  /** PEM (SPKI). */
  publicKey: string;
  /** SHA-256 of the DER public key, hex. */
  fingerprint: string;
}
