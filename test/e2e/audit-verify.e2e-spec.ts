import { randomUUID } from 'node:crypto';
import { Role, type AuditTrailView, type AuditVerifyResult } from '@lianxin/shared';
import { eventHash, ZERO_HASH } from '../../server/src/audit/domain/chain';
import { session, type Api } from '../support/attendance-fixture';
import { buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { ADMIN, useTestApp } from '../support/test-app';
import { anchorNow, appendTrail, asSuperuser, leaveEvents, rechain, saveRows, verifyChain } from './audit-support';

/**
 * GET /api/audit/verify against tampering done the way it would be done: through a superuser
 * connection that gets past the append-only trigger. A clean chain passes; an edited comment, a
 * deleted event, a deleted instance, a reordered sequence, a recomputed chain … are each caught, and
 * the answer names the first broken link. Each test puts back what it broke and the chain passes again.
 */
const ctx = useTestApp('audit-verify', { AUDIT_ANCHOR_INTERVAL_SECONDS: '0' });
let org: OrgFixture;
let token: string;
let auditor: Api;
/** Sorted, so which instance is "first" is known. */
let ids: string[];
const EVENTS = 4;

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  token = (await ctx.login(ADMIN.phone, ADMIN.password)).accessToken;
  auditor = await session(ctx, await org.memberWithRole(Role.Auditor, org.units.xingzhou, '兴州审计'));
  ids = Array.from({ length: 5 }, () => randomUUID()).sort();
  for (const [i, id] of ids.entries()) {
    const v = i % 2 === 0 ? org.villagers.wulangping : org.villagers.hejiayan;
    const unitId = i % 2 === 0 ? org.units.wulangping : org.units.hejiayan;
    await appendTrail(ctx, id, { templateCode: 'leave', title: `请假 ${i}`, applicantId: v.id, unitId }, leaveEvents(v.id, { id: org.heads.wulangping.id, name: '张三丰' }, `意见 ${i}`));
  }
  await anchorNow(ctx);
});

const verify = (instanceId?: string) => verifyChain(ctx, token, instanceId);

/** Breaks something, checks what verify says, puts it back, checks the chain is whole again. */
async function caught(breakIt: () => Promise<() => Promise<void>>, expected: Partial<NonNullable<AuditVerifyResult['firstBroken']>>, instanceId?: string) {
  const restore = await breakIt();
  try {
    const whole = await verify();
    expect(whole.ok).toBe(false);
    expect(whole.broken).toBeGreaterThanOrEqual(1);
    expect(whole.firstBroken).toMatchObject(expected);
    expect(whole.firstBroken!.reason).toMatch(/[\u4e00-\u9fa5]/);
    if (instanceId) {
      const one = await verify(instanceId);
      expect(one.ok).toBe(false);
      expect(one.firstBroken).toMatchObject(expected);
    }
    return whole;
  } finally {
    await restore();
    expect(await verify()).toMatchObject({ ok: true, firstBroken: null, broken: 0 });
  }
}

it('passes a clean chain, counting what it checked', async () => {
  const r = await verify();
  expect(r).toMatchObject({ ok: true, scope: 'chain', firstBroken: null, broken: 0, checked: { events: ids.length * EVENTS, instances: ids.length, anchors: ids.length, checkpoints: 0 } });
  expect(r.ms).toBeGreaterThan(0);
  const one = await verify(ids[2]);
  expect(one).toMatchObject({ ok: true, scope: 'instance', checked: { events: EVENTS, instances: 1, anchors: 1 }, instance: { seq: EVENTS, anchoredSeq: EVENTS, checkpointedSeq: 0 } });
});

it('catches an UPDATE to one event’s comment, naming the instance and seq', async () => {
  const id = ids[3];
  await caught(
    async () => {
      const saved = await saveRows(ctx, 'approval_event', `instance_id = $1 AND seq = 3`, [id]);
      await asSuperuser(ctx, `UPDATE approval_event SET data = jsonb_set(data, '{comment}', '"不同意"') WHERE instance_id = $1 AND seq = 3`, [id]);
      return saved.restore;
    },
    { code: 'event_hash', instanceId: id, seq: 3 },
    id,
  );
});

it('shows the break in the trail’s own timeline', async () => {
  const id = ids[0];
  const saved = await saveRows(ctx, 'approval_event', `instance_id = $1 AND seq = 2`, [id]);
  await asSuperuser(ctx, `UPDATE approval_event SET actor_name = '冒名' , actor_id = $2 WHERE instance_id = $1 AND seq = 2`, [id, org.heads.xingzhou.id]);
  try {
    const res = await ctx.http().get(`/api/audit/trails/${id}`).set('authorization', `Bearer ${token}`);
    const view = res.body as AuditTrailView;
    expect(view.verification).toMatchObject({ ok: false, firstBroken: { code: 'event_hash', instanceId: id, seq: 2 } });
    // so does a town auditor's view of it
    expect((await auditor.get(`/api/audit/trails/${id}`)).body.verification.ok).toBe(false);
  } finally {
    await saved.restore();
  }
});

it('catches a deleted event', async () => {
  const id = ids[1];
  await caught(
    async () => {
      const saved = await saveRows(ctx, 'approval_event', `instance_id = $1 AND seq = 2`, [id]);
      await asSuperuser(ctx, `DELETE FROM approval_event WHERE instance_id = $1 AND seq = 2`, [id]);
      return saved.restore;
    },
    { code: 'event_missing', instanceId: id, seq: 2 },
    id,
  );
});

it('catches a deleted last event, even with the head left as it was', async () => {
  const id = ids[4];
  const r = await caught(
    async () => {
      const saved = await saveRows(ctx, 'approval_event', `instance_id = $1 AND seq = $2`, [id, EVENTS]);
      await asSuperuser(ctx, `DELETE FROM approval_event WHERE instance_id = $1 AND seq = $2`, [id, EVENTS]);
      return saved.restore;
    },
    { code: 'head', instanceId: id, seq: EVENTS },
    id,
  );
  // and the global chain notices too: the anchored event is gone
  expect(r.broken).toBeGreaterThanOrEqual(2);
});

it('catches a deleted instance (all its events and its head) through the global chain', async () => {
  const id = ids[2];
  const [{ position }] = await asSuperuser<{ position: string }>(ctx, `SELECT position FROM audit_anchor WHERE instance_id = $1`, [id]);
  await caught(
    async () => {
      const events = await saveRows(ctx, 'approval_event', `instance_id = $1`, [id]);
      const head = await saveRows(ctx, 'audit_head', `instance_id = $1`, [id]);
      await asSuperuser(ctx, `DELETE FROM approval_event WHERE instance_id = $1`, [id]);
      await asSuperuser(ctx, `DELETE FROM audit_head WHERE instance_id = $1`, [id]);
      return async () => {
        await events.restore();
        await head.restore();
      };
    },
    { code: 'anchor_event_missing', instanceId: id, seq: EVENTS, position: Number(position) },
  );
});

it('catches a reordered sequence (two events’ seqs swapped)', async () => {
  const id = ids[3];
  const swap = async () => {
    await asSuperuser(ctx, `UPDATE approval_event SET seq = 1000 WHERE instance_id = $1 AND seq = 2`, [id]);
    await asSuperuser(ctx, `UPDATE approval_event SET seq = 2 WHERE instance_id = $1 AND seq = 3`, [id]);
    await asSuperuser(ctx, `UPDATE approval_event SET seq = 3 WHERE instance_id = $1 AND seq = 1000`, [id]);
  };
  await caught(
    async () => {
      await swap();
      return swap;
    },
    { code: 'event_hash', instanceId: id, seq: 2 },
    id,
  );
});

it('catches a chain recomputed after an edit, through the hash the global chain anchored', async () => {
  const id = ids[1];
  const [{ position }] = await asSuperuser<{ position: string }>(ctx, `SELECT position FROM audit_anchor WHERE instance_id = $1`, [id]);
  await caught(
    async () => {
      const events = await saveRows(ctx, 'approval_event', `instance_id = $1`, [id]);
      const head = await saveRows(ctx, 'audit_head', `instance_id = $1`, [id]);
      await asSuperuser(ctx, `UPDATE approval_event SET data = jsonb_set(data, '{comment}', '"不同意"') WHERE instance_id = $1 AND seq = 3`, [id]);
      await rechain(ctx, id);
      // the trail itself is consistent again …
      expect((await verify(id)).firstBroken?.code).toBe('anchor_event_hash');
      return async () => {
        await events.restore();
        await head.restore();
      };
    },
    { code: 'anchor_event_hash', instanceId: id, seq: EVENTS, position: Number(position) },
  );
});

it('catches a head moved to another unit (to hide a trail from an auditor)', async () => {
  const id = ids[0];
  await caught(
    async () => {
      const head = await saveRows(ctx, 'audit_head', `instance_id = $1`, [id]);
      await asSuperuser(ctx, `UPDATE audit_head SET unit_id = $2 WHERE instance_id = $1`, [id, org.units.shimen]);
      return head.restore;
    },
    { code: 'head_fields', instanceId: id, seq: 1 },
  );
});

it('catches a deleted anchor', async () => {
  await caught(
    async () => {
      const saved = await saveRows(ctx, 'audit_anchor', `position = 2`);
      await asSuperuser(ctx, `DELETE FROM audit_anchor WHERE position = 2`);
      return saved.restore;
    },
    { code: 'anchor_chain', position: 2 },
  );
});

it('catches an instance written in afterwards with a past date, once the system anchors it', async () => {
  const id = randomUUID();
  const [{ max }] = await asSuperuser<{ max: string }>(ctx, `SELECT max(position) AS max FROM audit_anchor`);
  await caught(
    async () => {
      // A complete, self-consistent trail dated two days ago, inserted straight into the tables.
      const createdAt = new Date(Date.now() - 2 * 86_400_000);
      createdAt.setMilliseconds(0);
      const head = { templateCode: 'leave', title: '补写的请假', applicantId: org.villagers.wulangping.id, unitId: org.units.wulangping };
      const data = { instance: head };
      const hash = eventHash(ZERO_HASH, { instanceId: id, seq: 1, type: 'start', actor: null, nodeId: null, data, createdAt: createdAt.toISOString() });
      await asSuperuser(
        ctx,
        `INSERT INTO approval_event (instance_id, seq, type, data, created_at, prev_hash, hash) VALUES ($1, 1, 'start', $2, $3, $4, $5)`,
        [id, JSON.stringify(data), createdAt, ZERO_HASH, hash],
      );
      await asSuperuser(
        ctx,
        `INSERT INTO audit_head (instance_id, template_code, title, applicant_id, unit_id, seq, hash, anchored_seq, created_at, updated_at) VALUES ($1, 'leave', '补写的请假', $2, $3, 1, $4, 0, $5, $5)`,
        [id, head.applicantId, head.unitId, hash, createdAt],
      );
      expect((await verify(id)).ok).toBe(true); // by itself it looks whole …
      await anchorNow(ctx); // … until the global chain anchors it, two days late
      return async () => {
        await asSuperuser(ctx, `DELETE FROM audit_anchor WHERE position > $1`, [max]);
        await asSuperuser(ctx, `DELETE FROM approval_event WHERE instance_id = $1`, [id]);
        await asSuperuser(ctx, `DELETE FROM audit_head WHERE instance_id = $1`, [id]);
      };
    },
    { code: 'anchor_time', instanceId: id, seq: 1, position: Number(max) + 1 },
  );
});

it('keeps verifying while events are appended meanwhile (one snapshot)', async () => {
  const id = randomUUID();
  const appending = appendTrail(ctx, id, { templateCode: 'leave', title: '边校验边写', applicantId: null, unitId: org.units.shimen }, Array.from({ length: 20 }, () => ({ type: 'comment', actorId: null })));
  const results = await Promise.all([verify(), verify(), appending.then(() => verify())]);
  for (const r of results) expect(r).toMatchObject({ ok: true, broken: 0 });
});
