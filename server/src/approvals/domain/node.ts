/**
 * One approver node at a time: who gets a task when it activates, and when its votes decide it.
 * Pure: no Nest, no database.
 */
import type { ApproverMode, ApproverNode, ApproverRule } from '@lianxin/shared';

export type Vote = 'approved' | 'rejected' | 'pending';
export type NodeOutcome = 'pending' | 'passed' | 'rejected';

/** Approvals a 会签 node of `total` tasks needs: the smallest n with n / total ≥ passRatio (default 1: everyone). */
export function approvalsNeeded(total: number, passRatio = 1): number {
  // The epsilon keeps 1/3 × 3 from needing 2 because of rounding.
  return Math.min(total, Math.max(1, Math.ceil(passRatio * total - 1e-9)));
}

/**
 * Whether a node's tasks have decided it. `votes` are its tasks' states in task order (a task not yet
 * due — sequential, or a signer added after — counts as pending).
 * - sequential (依次): rejected at the first rejection; passed when all have approved.
 * - all (会签): passed once approvals reach passRatio of the tasks; rejected as soon as that can no
 *   longer happen (with the default ratio 1, at the first rejection).
 * - any (或签): passed at the first approval; rejected when every task has rejected.
 * A node with no tasks is a caller's bug (the empty-approver policy decides before tasks exist): it throws.
 */
export function nodeOutcome(mode: ApproverMode, passRatio: number | null | undefined, votes: readonly Vote[]): NodeOutcome {
  if (votes.length === 0) throw new RangeError('nodeOutcome needs at least one vote');
  const approved = votes.filter((v) => v === 'approved').length;
  const rejected = votes.filter((v) => v === 'rejected').length;
  switch (mode) {
    case 'sequential':
      if (rejected > 0) return 'rejected';
      return approved === votes.length ? 'passed' : 'pending';
    case 'all': {
      const needed = approvalsNeeded(votes.length, passRatio ?? 1);
      if (approved >= needed) return 'passed';
      if (votes.length - rejected < needed) return 'rejected';
      return 'pending';
    }
    case 'any':
      if (approved > 0) return 'passed';
      return rejected === votes.length ? 'rejected' : 'pending';
  }
}

/** A member a node's rule resolved to, with the rule (and its index in the node) that chose them. */
export interface Candidate {
  memberId: string;
  rule: ApproverRule;
  ruleIndex: number;
}

/**
 * What to do when a node activates (or, `atStart`, whether the instance may start):
 * - assign: tasks for these members, in order (the first rule that named a member keeps them);
 * - skip: pass the node at once — nobody resolved and the policy says skip ('empty'), or the only
 *   approver is the applicant, who may not approve their own application ('self');
 * - admin: nobody resolved: give the node to the admins;
 * - fail: nobody resolved and the policy forbids starting (only `atStart`; later it goes to the admins).
 */
export type AssigneePlan =
  | { kind: 'assign'; assignees: Candidate[] }
  | { kind: 'skip'; reason: 'empty' | 'self' }
  | { kind: 'admin' }
  | { kind: 'fail' };

export function planAssignees(
  node: Pick<ApproverNode, 'onEmpty'>,
  candidates: readonly Candidate[],
  opts: { applicantId: string; allowSelfApproval: boolean; atStart?: boolean },
): AssigneePlan {
  const seen = new Set<string>();
  const unique = candidates.filter((c) => {
    const id = c.memberId.toLowerCase();
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const applicant = opts.applicantId.toLowerCase();
  const assignees = opts.allowSelfApproval ? unique : unique.filter((c) => c.memberId.toLowerCase() !== applicant);
  if (assignees.length > 0) return { kind: 'assign', assignees };
  if (unique.length > 0) return { kind: 'skip', reason: 'self' };
  switch (node.onEmpty ?? 'admin') {
    case 'skip':
      return { kind: 'skip', reason: 'empty' };
    case 'fail':
      return opts.atStart ? { kind: 'fail' } : { kind: 'admin' };
    case 'admin':
      return { kind: 'admin' };
  }
}
