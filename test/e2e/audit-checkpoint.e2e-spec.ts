import { createPublicKey, generateKeyPairSync, randomUUID, verify as verifySignature } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role, type AuditCheckpointFile, type AuditCheckpointView, type AuditPublicKeyView } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { AuditAnchorService } from '../../server/src/audit/audit-anchor.service';
import { session, type Api } from '../support/attendance-fixture';
import { buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { binary } from '../support/spot-fixture';
import { ADMIN, expectProblem, useTestApp } from '../support/test-app';
import { anchorNow, appendTrail, asSuperuser, leaveEvents, reanchor, rechain, saveRows, verifyChain } from './audit-support';

/**
 * Signed checkpoints: hashes alone do not stop someone with database access from rewriting the
 * whole tail, so the global chain's head is signed with an Ed25519 key from outside the database
 * (here AUDIT_SIGNING_KEY) and written to a file in DATA_DIR. A rewritten or truncated tail fails
 * against it.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'lx-audit-checkpoint-'));
const key = generateKeyPairSync('ed25519');
const keyPem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const ctx = useTestApp('audit-checkpoint', () => ({
  DATA_DIR: dataDir,
  AUDIT_ANCHOR_INTERVAL_SECONDS: '0',
  // one line, as a .env file holds it
  AUDIT_SIGNING_KEY: Buffer.from(keyPem).toString('base64'),
}));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

let org: OrgFixture;
let token: string;
let admin: Api;
let townAuditor: Api;
let ids: string[];
let first: AuditCheckpointView;
let chainDir: string;

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  token = (await ctx.login(ADMIN.phone, ADMIN.password)).accessToken;
  admin = await session(ctx, ADMIN);
  townAuditor = await session(ctx, await org.memberWithRole(Role.Auditor, org.units.xingzhou, '兴州审计'));
  ids = Array.from({ length: 4 }, () => randomUUID()).sort();
  for (const id of ids) {
    await appendTrail(ctx, id, { templateCode: 'leave', title: '李四的请假', applicantId: org.villagers.wulangping.id, unitId: org.units.wulangping }, leaveEvents(org.villagers.wulangping.id, { id: org.heads.wulangping.id, name: '张三丰' }));
  }
  chainDir = join(dataDir, 'audit-checkpoints', ctx.created.app.get(AuditAnchorService).chainId);
});

const verify = () => verifyChain(ctx, token);

describe('POST /api/audit/checkpoints', () => {
  it('anchors what moved and signs the global chain’s head; nothing new signs nothing new', async () => {
    const res = await admin.post('/api/audit/checkpoints');
    expect(res.status).toBe(201);
    first = res.body;
    const [last] = await asSuperuser<{ position: string; hash: string }>(ctx, `SELECT position, hash FROM audit_anchor ORDER BY position DESC LIMIT 1`);
    expect(first).toMatchObject({ position: ids.length, hash: last.hash, signedAt: expect.any(String) });
    expect(Number(last.position)).toBe(ids.length);
    const again = await admin.post('/api/audit/checkpoints');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.id);
    expect((await admin.get('/api/audit/checkpoints')).body).toMatchObject({ items: [{ id: first.id, position: ids.length }], nextCursor: null });
  });

  it('writes the checkpoint to a file in DATA_DIR whose signature verifies with the public key', async () => {
    const pub = (await admin.get('/api/audit/public-key')).body as AuditPublicKeyView;
    // the key given in AUDIT_SIGNING_KEY
    expect(pub.publicKey).toBe(createPublicKey(key.privateKey).export({ format: 'pem', type: 'spki' }).toString());
    expect(pub.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const file = JSON.parse(await readFile(join(chainDir, `checkpoint-${first.position}.json`), 'utf8')) as AuditCheckpointFile;
    expect(file).toMatchObject({ type: 'lianxin.audit.checkpoint', version: 1, position: first.position, hash: first.hash, algorithm: 'Ed25519', publicKey: pub.publicKey });
    expect(verifySignature(null, Buffer.from(file.payload), pub.publicKey, Buffer.from(file.signature, 'base64'))).toBe(true);
    expect(JSON.parse(file.payload)).toMatchObject({ position: first.position, hash: first.hash, signedAt: first.signedAt });
    expect(verifySignature(null, Buffer.from(file.payload.replace(first.hash, '0'.repeat(64))), pub.publicKey, Buffer.from(file.signature, 'base64'))).toBe(false);
    // the download is the same file
    const dl = await binary(admin.get(`/api/audit/checkpoints/${first.id}/file`));
    expect(dl.status).toBe(200);
    expect(dl.headers['content-disposition']).toContain(`checkpoint-${first.position}.json`);
    expect(JSON.parse(dl.body.toString('utf8'))).toEqual(file);
  });

  it('is for the county: a town auditor may read and download checkpoints but not sign one', async () => {
    expectProblem(await townAuditor.post('/api/audit/checkpoints'), 403, 'AUTH_FORBIDDEN');
    expect((await townAuditor.get('/api/audit/checkpoints')).status).toBe(200);
    expect((await townAuditor.get(`/api/audit/checkpoints/${first.id}/file`)).status).toBe(200);
    expectProblem(await admin.get('/api/audit/checkpoints/abc/file'), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.get('/api/audit/checkpoints/999999/file'), 404, 'AUDIT_CHECKPOINT_NOT_FOUND');
    expectProblem(await admin.get('/api/audit/checkpoints?limit=0'), 400, 'VALIDATION_FAILED');
  });

  it('is also signed every day at 01:00 China time by a pg-boss schedule', async () => {
    const rows = await ctx.created.app.get(DataSource).query(`SELECT name, cron, timezone FROM pgboss.schedule WHERE name LIKE 'audit.%' ORDER BY name`);
    expect(rows).toEqual([
      { name: 'audit.anchor', cron: '* * * * *', timezone: 'UTC' },
      { name: 'audit.checkpoint', cron: '0 1 * * *', timezone: 'Asia/Shanghai' },
    ]);
  });
});

describe('verification against the checkpoints', () => {
  it('passes, having checked the checkpoint; an instance reports how far it is covered', async () => {
    expect(await verify()).toMatchObject({ ok: true, checked: { checkpoints: 1, anchors: ids.length }, lastCheckpoint: { id: first.id, position: first.position } });
    expect(await verifyChain(ctx, token, ids[0])).toMatchObject({ ok: true, instance: { seq: 4, anchoredSeq: 4, checkpointedSeq: 4 } });
    // events after the checkpoint are anchored but not yet covered
    await appendTrail(ctx, ids[0], { templateCode: 'x', title: 'x', applicantId: null, unitId: org.units.wulangping }, [{ type: 'comment', actorId: null, data: { comment: '补充说明' } }]);
    await anchorNow(ctx);
    expect(await verifyChain(ctx, token, ids[0])).toMatchObject({ ok: true, instance: { seq: 5, anchoredSeq: 5, checkpointedSeq: 4 } });
  });

  it('fails when the tail is rewritten: an edit before the checkpoint, every hash after it recomputed, anchors and all', async () => {
    const id = ids[1];
    const [{ position }] = await asSuperuser<{ position: string }>(ctx, `SELECT position FROM audit_anchor WHERE instance_id = $1`, [id]);
    const events = await saveRows(ctx, 'approval_event', `instance_id = $1`, [id]);
    const head = await saveRows(ctx, 'audit_head', `instance_id = $1`, [id]);
    const anchors = await saveRows(ctx, 'audit_anchor', `position >= $1`, [position]);
    try {
      await asSuperuser(ctx, `UPDATE approval_event SET data = jsonb_set(data, '{comment}', '"不同意"') WHERE instance_id = $1 AND seq = 3`, [id]);
      await rechain(ctx, id);
      await reanchor(ctx, Number(position));
      const r = await verify();
      expect(r.ok).toBe(false);
      // every hash in the database agrees with every other: only the signature can tell
      expect(r.broken).toBe(1);
      expect(r.firstBroken).toMatchObject({ code: 'checkpoint_mismatch', position: first.position, instanceId: null });
      expect(r.firstBroken!.reason).toMatch(/改写/);
    } finally {
      await anchors.restore();
      await head.restore();
      await events.restore();
    }
    expect((await verify()).ok).toBe(true);
  });

  it('fails when the anchor chain is truncated before the checkpoint’s position', async () => {
    const cut = first.position - 1;
    const anchors = await saveRows(ctx, 'audit_anchor', `position >= $1`, [cut]);
    try {
      await asSuperuser(ctx, `DELETE FROM audit_anchor WHERE position >= $1`, [cut]);
      const r = await verify();
      expect(r.ok).toBe(false);
      expect(r.firstBroken).toMatchObject({ code: 'checkpoint_mismatch', position: first.position });
      expect(r.firstBroken!.reason).toMatch(/截断/);
    } finally {
      await anchors.restore();
    }
    expect((await verify()).ok).toBe(true);
  });

  it('fails when the checkpoint’s row is deleted, or forged, while its file remains', async () => {
    const rows = await saveRows(ctx, 'audit_checkpoint', `id = $1`, [first.id]);
    try {
      await asSuperuser(ctx, `DELETE FROM audit_checkpoint WHERE id = $1`, [first.id]);
      expect((await verify()).firstBroken).toMatchObject({ code: 'checkpoint_record', position: first.position });
      await rows.restore();
      await asSuperuser(ctx, `UPDATE audit_checkpoint SET hash = $2 WHERE id = $1`, [first.id, '0'.repeat(64)]);
      expect((await verify()).firstBroken).toMatchObject({ code: 'checkpoint_signature', position: first.position });
    } finally {
      await rows.restore();
    }
    expect((await verify()).ok).toBe(true);
  });

  it('fails on a checkpoint signed with another key, or a file edited by hand', async () => {
    const name = join(chainDir, `checkpoint-${first.position}.json`);
    const original = await readFile(name, 'utf8');
    try {
      const file = JSON.parse(original) as AuditCheckpointFile;
      await writeFile(name, JSON.stringify({ ...file, signature: Buffer.alloc(64).toString('base64') }));
      expect((await verify()).firstBroken).toMatchObject({ code: 'checkpoint_record', position: first.position });
      await writeFile(name, '{ not json');
      expect((await verify()).firstBroken).toMatchObject({ code: 'checkpoint_record' });
    } finally {
      await writeFile(name, original);
    }
    expect((await verify()).ok).toBe(true);
  });

  it('writes again the files this server is missing (another server signed them, or they were lost)', async () => {
    await unlink(join(chainDir, `checkpoint-${first.position}.json`));
    await ctx.created.app.get(AuditAnchorService).syncFiles();
    expect(await readdir(chainDir)).toContain(`checkpoint-${first.position}.json`);
    const second = await admin.post('/api/audit/checkpoints');
    expect(second.status).toBe(201);
    expect(second.body.position).toBeGreaterThan(first.position);
    expect(await verify()).toMatchObject({ ok: true, checked: { checkpoints: 2 } });
  });
});
