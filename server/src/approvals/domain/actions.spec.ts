import { canUrge, permittedActions } from './actions.js';
import type { ActorState } from './actions.js';

const NOW = new Date('2026-03-02T10:00:00+08:00');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const state = (s: Partial<ActorState>): ActorState => ({
  status: 'running',
  isApplicant: false,
  hasPendingTask: false,
  isParticipant: false,
  lastUrgedAt: null,
  now: NOW,
  ...s,
});

describe('canUrge', () => {
  it('allows the first urge and one an hour after the last', () => {
    expect(canUrge(null, NOW)).toEqual({ ok: true });
    expect(canUrge(minutesAgo(60), NOW)).toEqual({ ok: true });
    expect(canUrge(minutesAgo(61), NOW)).toEqual({ ok: true });
  });

  it('refuses within the hour and says how long to wait', () => {
    expect(canUrge(minutesAgo(59), NOW)).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(canUrge(NOW, NOW)).toEqual({ ok: false, retryAfterSeconds: 3600 });
    expect(canUrge(new Date(NOW.getTime() - 3_599_500), NOW)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });
});

describe('permittedActions', () => {
  it('lets an assignee with a pending task decide a running instance, and comment', () => {
    expect(permittedActions(state({ hasPendingTask: true, isParticipant: true }))).toEqual([
      'approve',
      'reject',
      'return',
      'transfer',
      'addSigner',
      'comment',
    ]);
  });

  it('lets the applicant withdraw, urge once an hour, and comment while running', () => {
    expect(permittedActions(state({ isApplicant: true, isParticipant: true }))).toEqual(['withdraw', 'urge', 'comment']);
    expect(permittedActions(state({ isApplicant: true, isParticipant: true, lastUrgedAt: minutesAgo(10) }))).toEqual(['withdraw', 'comment']);
  });

  it('lets the applicant resubmit or withdraw a returned instance', () => {
    expect(permittedActions(state({ status: 'returned', isApplicant: true, isParticipant: true }))).toEqual(['resubmit', 'withdraw', 'comment']);
    expect(permittedActions(state({ status: 'returned', isParticipant: true }))).toEqual(['comment']);
  });

  it('allows only comments once finished', () => {
    for (const status of ['approved', 'rejected', 'withdrawn'] as const) {
      expect(permittedActions(state({ status, isApplicant: true, hasPendingTask: true, isParticipant: true }))).toEqual(['comment']);
    }
  });

  it('allows nothing to someone with no part in the instance', () => {
    expect(permittedActions(state({}))).toEqual([]);
  });
});
