import { as, buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { ADMIN, useTestApp } from '../support/test-app';

/** Quiet hours that cover "now" (China time): a due non-urgent step waits for the window's end, an urgent one fires. */
function windowAroundNow(): string {
  const local = new Date(Date.now() + 8 * 3600_000);
  const hh = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${hh(new Date(local.getTime() - 3600_000))}-${hh(new Date(local.getTime() + 2 * 3600_000))}`;
}

const ctx = useTestApp('escalation-quiet', () => ({ NOTICE_QUIET_HOURS: windowAroundNow(), NOTICE_ESCALATION_MINUTE_MS: '300' }));
let org: OrgFixture;

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
});

it('postpones a due non-urgent step to the end of quiet hours and fires an urgent one', async () => {
  const admin = await as(ctx, { id: '', ...ADMIN });
  const sent = await admin.post('/api/notices', {
    kind: 'notice',
    title: '夜间通知',
    body: '明早处理。',
    audience: { units: [{ unitId: org.units.xingzhou, includeSubUnits: true }] },
    escalation: { steps: [{ afterMinutes: 1, target: 'unread', channel: 'app' }, { afterMinutes: 1, target: 'unread', channel: 'app', urgent: true }] },
  });
  expect(sent.status).toBe(201);
  const firstDue = new Date(sent.body.escalation[0].fireAt).getTime();
  let steps: { status: string; fireAt: string }[] = [];
  for (let i = 0; i < 100; i++) {
    steps = (await admin.get(`/api/notices/${sent.body.id}`)).body.escalation;
    if (steps[1].status === 'fired' && new Date(steps[0].fireAt).getTime() > firstDue) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  expect(steps[1].status).toBe('fired');
  expect(steps[0].status).toBe('pending');
  // moved to the window's end, about two hours from now
  expect(new Date(steps[0].fireAt).getTime() - Date.now()).toBeGreaterThan(100 * 60_000);
});
