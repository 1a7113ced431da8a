import { randomUUID, verify as verifySignature } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditCheckpointFile } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { AuditAnchorService } from '../../server/src/audit/audit-anchor.service';
import { KEY_FILE } from '../../server/src/audit/signing-key';
import { session } from '../support/attendance-fixture';
import { buildOrgFixture } from '../support/org-fixture';
import { ADMIN, useTestApp } from '../support/test-app';
import { appendTrail, asSuperuser, leaveEvents, saveRows, verifyChain } from './audit-support';

/**
 * The trail on the embedded database (PGlite), whatever DATABASE_URL says: the trigger refuses
 * UPDATE, DELETE and TRUNCATE there too, the hashes computed in SQL verify, tampering is caught, and
 * the signing key and checkpoint files are made in DATA_DIR.
 */
const ctx = useTestApp('audit-embedded', {}, { embedded: true });

it('appends, refuses changes, catches tampering and signs checkpoints on PGlite', async () => {
  expect(ctx.created.runtime.database.embedded).not.toBeNull();
  const org = await buildOrgFixture(ctx);
  const ds = ctx.created.app.get(DataSource);
  const token = (await ctx.login(ADMIN.phone, ADMIN.password)).accessToken;
  const id = randomUUID();
  await appendTrail(ctx, id, { templateCode: 'leave', title: '李四的请假', applicantId: org.villagers.wulangping.id, unitId: org.units.wulangping }, leaveEvents(org.villagers.wulangping.id, { id: org.heads.wulangping.id, name: '张三丰' }));

  for (const sql of [`UPDATE approval_event SET seq = seq + 10`, `DELETE FROM approval_event`, `TRUNCATE approval_event`, `DELETE FROM audit_anchor`]) {
    await expect(ds.query(sql)).rejects.toThrow(/append-only/);
  }

  const admin = await session(ctx, ADMIN);
  const cp = await admin.post('/api/audit/checkpoints');
  expect(cp.status).toBe(201);
  expect(await verifyChain(ctx, token)).toMatchObject({ ok: true, checked: { events: 4, instances: 1, anchors: 1, checkpoints: 1 } });

  const saved = await saveRows(ctx, 'approval_event', `instance_id = $1 AND seq = 3`, [id]);
  await asSuperuser(ctx, `UPDATE approval_event SET data = jsonb_set(data, '{comment}', '"不同意"') WHERE instance_id = $1 AND seq = 3`, [id]);
  expect((await verifyChain(ctx, token)).firstBroken).toMatchObject({ code: 'event_hash', instanceId: id, seq: 3 });
  await saved.restore();
  expect((await verifyChain(ctx, token)).ok).toBe(true);

  // The key file was made on first start, readable by the server's user only, and signs the files.
  const dataDir = ctx.env.DATA_DIR;
  expect((await stat(join(dataDir, KEY_FILE))).mode & 0o077).toBe(0);
  const chain = ctx.created.app.get(AuditAnchorService).chainId;
  const file = JSON.parse(await readFile(join(dataDir, 'audit-checkpoints', chain, `checkpoint-${cp.body.position}.json`), 'utf8')) as AuditCheckpointFile;
  const { publicKey } = (await admin.get('/api/audit/public-key')).body;
  expect(verifySignature(null, Buffer.from(file.payload), publicKey, Buffer.from(file.signature, 'base64'))).toBe(true);
}, 180_000);
