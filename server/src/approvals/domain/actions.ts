/**
 * Who may do what to an instance, from its status and the caller's part in it.
 * Pure: no Nest, no database. The service still checks the specifics (which task, which member).
 */
import { URGE_INTERVAL_MINUTES } from '@lianxin/shared';
import type { ActionKind, InstanceStatus } from '@lianxin/shared';

export interface ActorState {
  status: InstanceStatus;
  isApplicant: boolean;
  /** The caller has a pending task on the instance. */
  hasPendingTask: boolean;
  /** The applicant, an assignee of any task (past or present), or a CC recipient. */
  isParticipant: boolean;
  /** When the instance was last urged. */
  lastUrgedAt: Date | null;
  now: Date;
}

const TASK_ACTIONS: readonly ActionKind[] = ['approve', 'reject', 'return', 'transfer', 'addSigner'];

/** Whether an urge is allowed now, and if not, how long until it is. */
export function canUrge(lastUrgedAt: Date | null, now: Date): { ok: true } | { ok: false; retryAfterSeconds: number } {
  if (!lastUrgedAt) return { ok: true };
  const wait = lastUrgedAt.getTime() + URGE_INTERVAL_MINUTES * 60_000 - now.getTime();
  return wait <= 0 ? { ok: true } : { ok: false, retryAfterSeconds: Math.ceil(wait / 1000) };
}

/**
 * The actions the caller may take now, in display order:
 * - running: an assignee with a pending task decides it (approve, reject, return, transfer, add a
 *   signer); the applicant may withdraw and, once an hour, urge;
 * - returned: the applicant may resubmit or withdraw;
 * - any status: every participant may comment.
 */
export function permittedActions(s: ActorState): ActionKind[] {
  const out: ActionKind[] = [];
  if (s.status === 'running') {
    if (s.hasPendingTask) out.push(...TASK_ACTIONS);
    if (s.isApplicant) {
      out.push('withdraw');
      if (canUrge(s.lastUrgedAt, s.now).ok) out.push('urge');
    }
  } else if (s.status === 'returned' && s.isApplicant) {
    out.push('resubmit', 'withdraw');
  }
  if (s.isParticipant || s.isApplicant || s.hasPendingTask) out.push('comment');
  return out;
}
