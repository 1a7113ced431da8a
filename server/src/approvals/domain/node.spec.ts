import type { ApproverRule } from '@lianxin/shared';
import { approvalsNeeded, nodeOutcome, planAssignees } from './node.js';
import type { Candidate, Vote } from './node.js';

const A = 'a'.repeat(8);
const votes = (s: string): Vote[] => [...s].map((c) => (c === 'y' ? 'approved' : c === 'n' ? 'rejected' : 'pending'));

describe('nodeOutcome', () => {
  describe('sequential (依次)', () => {
    it.each<[string, string]>([
      ['...', 'pending'],
      ['y..', 'pending'],
      ['yy.', 'pending'],
      ['yyy', 'passed'],
      ['y', 'passed'],
      ['yn.', 'rejected'],
      ['n..', 'rejected'],
    ])('%s → %s', (v, expected) => {
      expect(nodeOutcome('sequential', undefined, votes(v))).toBe(expected);
    });

    it('ignores a pass ratio', () => {
      expect(nodeOutcome('sequential', 0.5, votes('y.'))).toBe('pending');
    });
  });

  describe('all (会签)', () => {
    it.each<[number | undefined, string, string]>([
      // Default ratio 1: everyone, and the first rejection decides.
      [undefined, '...', 'pending'],
      [undefined, 'yy.', 'pending'],
      [undefined, 'yyy', 'passed'],
      [undefined, 'y.n', 'rejected'],
      [1, 'yyn', 'rejected'],
      // Half: 2 of 4.
      [0.5, 'y...', 'pending'],
      [0.5, 'yy..', 'passed'],
      [0.5, 'nn..', 'pending'],
      [0.5, 'nnn.', 'rejected'],
      [0.5, 'nny.', 'pending'],
      [0.5, 'nnyy', 'passed'],
      // Two thirds of 3 is 2; 0.67 of 3 needs all 3.
      [2 / 3, 'yy.', 'passed'],
      [2 / 3, 'yn.', 'pending'],
      [2 / 3, 'nn.', 'rejected'],
      [0.67, 'yy.', 'pending'],
      [0.67, 'yyn', 'rejected'],
      // A tiny ratio still needs one approval.
      [0.01, 'n.', 'pending'],
      [0.01, 'nn', 'rejected'],
      [0.01, '.y', 'passed'],
      // One approver.
      [0.5, '.', 'pending'],
      [0.5, 'y', 'passed'],
      [0.5, 'n', 'rejected'],
    ])('ratio %p, %s → %s', (ratio, v, expected) => {
      expect(nodeOutcome('all', ratio, votes(v))).toBe(expected);
    });

    it('treats a null ratio as everyone', () => {
      expect(nodeOutcome('all', null, votes('yy.'))).toBe('pending');
    });
  });

  describe('any (或签)', () => {
    it.each<[string, string]>([
      ['...', 'pending'],
      ['n..', 'pending'],
      ['nn.', 'pending'],
      ['n.y', 'passed'],
      ['y..', 'passed'],
      ['nnn', 'rejected'],
      ['n', 'rejected'],
    ])('%s → %s', (v, expected) => {
      expect(nodeOutcome('any', undefined, votes(v))).toBe(expected);
    });
  });

  it('refuses to decide a node without tasks', () => {
    for (const mode of ['sequential', 'all', 'any'] as const) expect(() => nodeOutcome(mode, undefined, [])).toThrow(RangeError);
  });
});

describe('approvalsNeeded', () => {
  it.each<[number, number | undefined, number]>([
    [3, undefined, 3],
    [4, 0.5, 2],
    [5, 0.5, 3],
    [3, 1 / 3, 1],
    [3, 2 / 3, 2],
    [10, 0.8, 8],
    [10, 0.01, 1],
  ])('%i tasks at ratio %p need %i approvals', (total, ratio, expected) => {
    expect(approvalsNeeded(total, ratio)).toBe(expected);
  });
});

describe('planAssignees', () => {
  const supervisor: ApproverRule = { kind: 'supervisor', levels: 1 };
  const role: ApproverRule = { kind: 'role', role: 'approver', unitKey: 'bureau:财政局' };
  const c = (memberId: string, rule: ApproverRule = supervisor, ruleIndex = 0): Candidate => ({ memberId, rule, ruleIndex });
  const applicant = `${A}-applicant`;
  const opts = { applicantId: applicant, allowSelfApproval: false };

  it('assigns the candidates in order, the first rule that named a member keeping them', () => {
    const plan = planAssignees({}, [c('m1'), c('m2', role, 1), c('M1', role, 1)], opts);
    expect(plan).toEqual({ kind: 'assign', assignees: [c('m1'), c('m2', role, 1)] });
  });

  it('leaves the applicant out unless self-approval is allowed', () => {
    expect(planAssignees({}, [c(applicant), c('m2')], opts)).toEqual({ kind: 'assign', assignees: [c('m2')] });
    expect(planAssignees({}, [c(applicant.toUpperCase()), c('m2')], opts)).toEqual({ kind: 'assign', assignees: [c('m2')] });
    expect(planAssignees({}, [c(applicant), c('m2')], { ...opts, allowSelfApproval: true })).toEqual({
      kind: 'assign',
      assignees: [c(applicant), c('m2')],
    });
  });

  it('skips a node whose only approver is the applicant, whatever the policy', () => {
    for (const onEmpty of ['skip', 'admin', 'fail'] as const) {
      expect(planAssignees({ onEmpty }, [c(applicant)], { ...opts, atStart: true })).toEqual({ kind: 'skip', reason: 'self' });
    }
  });

  it('applies the empty-approver policy when nobody resolved', () => {
    expect(planAssignees({ onEmpty: 'skip' }, [], opts)).toEqual({ kind: 'skip', reason: 'empty' });
    expect(planAssignees({ onEmpty: 'admin' }, [], opts)).toEqual({ kind: 'admin' });
    expect(planAssignees({}, [], opts)).toEqual({ kind: 'admin' });
  });

  it("'fail' refuses the start, but a node that activates later goes to the admins", () => {
    expect(planAssignees({ onEmpty: 'fail' }, [], { ...opts, atStart: true })).toEqual({ kind: 'fail' });
    expect(planAssignees({ onEmpty: 'fail' }, [], opts)).toEqual({ kind: 'admin' });
  });
});
