import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { Role, type AuditTrailListItem, type AuditTrailView } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { AuditTrailService } from '../../server/src/audit/audit-trail.service';
import { eventHash, eventJson, ZERO_HASH } from '../../server/src/audit/domain/chain';
import { eventJsonSql } from '../../server/src/audit/audit.sql';
import { session, type Api } from '../support/attendance-fixture';
import type { MadeMember } from '../support/factory';
import { buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { binary, parseCsv } from '../support/spot-fixture';
import { expectProblem, useTestApp } from '../support/test-app';
import { anchorNow, appendTrail, leaveEvents } from './audit-support';

/**
 * The trail as auditors read it: appended through AuditTrailService (as the approvals engine will),
 * hashed as domain/chain.ts says, actors as they were then, read by id, searched and exported within
 * the auditor's scope (DESIGN: a town's auditor must not read another town's trails).
 */
const ctx = useTestApp('audit-trail', { AUDIT_ANCHOR_INTERVAL_SECONDS: '0' });
let org: OrgFixture;
let ds: DataSource;
let admin: Api;
let townAuditor: Api; // auditor at 兴州街道
let otherAuditor: Api; // auditor at 接官亭镇
let staff: Api; // staff at 兴州街道
let townAdmin: Api; // admin at 兴州街道
let leader: Api; // leader at the root: no audit.read
const ids = { x1: randomUUID(), x2: randomUUID(), j1: randomUUID() };
let zhang: { id: string; name: string };

const ODD = {
  comment: '同意。"引号" \\ 反斜杠\n换行\t制表 😀 \u2028',
  formBefore: { amount: 1e21, rate: 1.5e-7, neg: -0.25, nested: [[1, { b: true, aa: null }], []], 单位: '五郎坪村', empty: {} },
  formAfter: { amount: 12345.678, rate: 0, when: '2026-03-01' },
  lone: 'x\ud800y',
};

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  ds = ctx.created.app.get(DataSource);
  admin = await session(ctx, { phone: '13900000001', password: 'Admin-pass-2026' });
  townAuditor = await session(ctx, await org.memberWithRole(Role.Auditor, org.units.xingzhou, '兴州审计'));
  otherAuditor = await session(ctx, await org.memberWithRole(Role.Auditor, org.units.jieguanting, '接官亭审计'));
  staff = await session(ctx, await org.memberWithRole(Role.Staff, org.units.xingzhou, '兴州干部'));
  townAdmin = await session(ctx, await org.memberWithRole(Role.Admin, org.units.xingzhou, '兴州管理员'));
  leader = await session(ctx, await org.memberWithRole(Role.Leader, org.rootId, '县领导'));
  zhang = { id: org.heads.wulangping.id, name: '张三丰' };
  await appendTrail(ctx, ids.x1, { templateCode: 'leave', title: '李四的请假', applicantId: org.villagers.wulangping.id, unitId: org.units.wulangping }, leaveEvents(org.villagers.wulangping.id, zhang));
  await appendTrail(ctx, ids.x2, { templateCode: 'expense', title: '周小红的费用报销', applicantId: org.villagers.hejiayan.id, unitId: org.units.hejiayan }, [
    { type: 'start', actorId: org.villagers.hejiayan.id, data: { formAfter: { amount: 880000 } } },
    { type: 'formChanged', actorId: org.heads.xingzhou.id, nodeId: 'n1', data: ODD },
  ]);
  await appendTrail(ctx, ids.j1, { templateCode: 'leave', title: '孙立的请假', applicantId: org.villagers.shimen.id, unitId: org.units.shimen }, leaveEvents(org.villagers.shimen.id, { id: org.heads.shimen.id, name: '钱进' }));
});

const trail = (api: Api, id: string) => api.get(`/api/audit/trails/${id}`);

describe('appending', () => {
  it('numbers each instance’s events from 1 and links each to the hash before it', async () => {
    const res = await trail(admin, ids.x1);
    expect(res.status).toBe(200);
    const view = res.body as AuditTrailView;
    expect(view).toMatchObject({ instanceId: ids.x1, templateCode: 'leave', title: '李四的请假', applicant: { id: org.villagers.wulangping.id, name: '李四' }, unit: { id: org.units.wulangping, name: '五郎坪村' } });
    expect(view.events.map((e) => [e.seq, e.type, e.typeLabel])).toEqual([
      [1, 'start', '发起申请'],
      [2, 'nodeActivated', '进入审批节点'],
      [3, 'approve', '同意'],
      [4, 'finish', '审批结束'],
    ]);
    expect(view.events[0].prevHash).toBe(ZERO_HASH);
    for (let i = 1; i < view.events.length; i++) expect(view.events[i].prevHash).toBe(view.events[i - 1].hash);
    expect(view.events[0].data.instance).toEqual({ templateCode: 'leave', title: '李四的请假', applicantId: org.villagers.wulangping.id, unitId: org.units.wulangping });
    expect(view.events[1]).toMatchObject({ actor: null, nodeId: 'n1', data: { approvers: [zhang], rule: '发起人所在单位负责人' } });
    expect(view.verification).toMatchObject({ ok: true, scope: 'instance', firstBroken: null, checked: { events: 4, instances: 1 } });
  });

  it('records the actor’s name, title and unit as they were: a move afterwards does not change the trail', async () => {
    const before = (await trail(admin, ids.x1)).body as AuditTrailView;
    expect(before.events[2].actor).toEqual({ id: zhang.id, name: '张三丰', title: '村支书', unitId: org.units.wulangping, unitName: '五郎坪村' });
    await ds.query(`UPDATE member SET title = '镇长助理' WHERE id = $1`, [zhang.id]);
    await ds.query(`UPDATE membership SET unit_id = $2 WHERE member_id = $1 AND is_primary`, [zhang.id, org.units.jieguanting]);
    try {
      const after = (await trail(admin, ids.x1)).body as AuditTrailView;
      expect(after.events[2].actor).toEqual(before.events[2].actor);
      expect(after.verification.ok).toBe(true);
      // A new event by him records who he is now.
      const [e] = await appendTrail(ctx, randomUUID(), { templateCode: 'leave', title: '调动后', applicantId: zhang.id, unitId: org.units.jieguanting }, [{ type: 'start', actorId: zhang.id }]);
      const [row] = await ds.query(`SELECT actor_title, actor_unit_name FROM approval_event WHERE id = $1`, [e.id]);
      expect(row).toEqual({ actor_title: '镇长助理', actor_unit_name: '接官亭镇' });
    } finally {
      await ds.query(`UPDATE member SET title = '村支书' WHERE id = $1`, [zhang.id]);
      await ds.query(`UPDATE membership SET unit_id = $2 WHERE member_id = $1 AND is_primary`, [zhang.id, org.units.wulangping]);
    }
  });

  it('hashes exactly what domain/chain.ts says, for odd data too (quotes, control characters, emoji, 1e21, 1.5e-7, unicode keys)', async () => {
    const view = (await trail(admin, ids.x2)).body as AuditTrailView;
    let prev = ZERO_HASH;
    for (const e of view.events) {
      const recomputed = eventHash(prev, { instanceId: ids.x2, seq: e.seq, type: e.type, actor: e.actor, nodeId: e.nodeId, data: e.data, createdAt: e.createdAt });
      expect(recomputed).toBe(e.hash);
      prev = e.hash;
    }
    // A lone surrogate is stored (and hashed) as U+FFFD.
    expect(view.events[1].data.lone).toBe('x\ufffdy');
    // The SQL that computes and verifies the hashes gives the text jsonb_build_object gives, and canonicalJson gives.
    const rows = await ds.query<Array<{ fast: string; built: string; seq: number }>>(
      `SELECT e.seq, ${eventJsonSql('e')} AS fast,
              jsonb_build_object('instanceId', e.instance_id, 'seq', e.seq, 'type', e.type,
                'actor', CASE WHEN e.actor_id IS NULL THEN NULL ELSE jsonb_build_object('id', e.actor_id, 'name', e.actor_name, 'title', e.actor_title, 'unitId', e.actor_unit_id, 'unitName', e.actor_unit_name) END,
                'nodeId', e.node_id, 'data', e.data, 'createdAt', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text AS built
         FROM approval_event e WHERE e.instance_id = $1 ORDER BY e.seq`,
      [ids.x2],
    );
    for (const r of rows) {
      const e = view.events[r.seq - 1];
      expect(r.fast).toBe(r.built);
      expect(r.fast).toBe(eventJson({ instanceId: ids.x2, seq: e.seq, type: e.type, actor: e.actor, nodeId: e.nodeId, data: e.data, createdAt: e.createdAt }));
    }
  });

  it('refuses what the engine must not do: an unknown actor, a first event without its head, a bad type', async () => {
    const svc = ctx.created.app.get(AuditTrailService);
    const id = randomUUID();
    await expect(ds.transaction((tx) => svc.append(tx, { instanceId: id, type: 'start', actorId: randomUUID(), head: { templateCode: 'leave', title: 't', applicantId: null, unitId: org.units.shimen } }))).rejects.toThrow(/no member/);
    await expect(ds.transaction((tx) => svc.append(tx, { instanceId: id, type: 'start', actorId: null }))).rejects.toThrow(/needs `head`/);
    await expect(ds.transaction((tx) => svc.append(tx, { instanceId: id, type: 'drop table', actorId: null }))).rejects.toThrow(/short code/);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM approval_event WHERE instance_id = $1`, [id]);
    expect(n).toBe(0);
  });

  it('hands out seqs one at a time when appends to one instance race', async () => {
    const id = randomUUID();
    await appendTrail(ctx, id, { templateCode: 'leave', title: '并发', applicantId: null, unitId: org.units.shimen }, [{ type: 'start', actorId: null }]);
    const svc = ctx.created.app.get(AuditTrailService);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ds.transaction((tx) => svc.append(tx, { instanceId: id, type: 'comment', actorId: null, data: { comment: `第 ${i} 条` } }))));
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const res = await admin.get(`/api/audit/verify?instanceId=${id}`);
    expect(res.body).toMatchObject({ ok: true, checked: { events: 9 } });
  });

  it('is refused by the database itself: no UPDATE, DELETE or TRUNCATE from the app’s own connection', async () => {
    await anchorNow(ctx);
    for (const sql of [
      `UPDATE approval_event SET data = '{"comment": "改"}' WHERE instance_id = '${ids.x1}' AND seq = 3`,
      `DELETE FROM approval_event WHERE instance_id = '${ids.x1}'`,
      `TRUNCATE approval_event`,
      `UPDATE audit_anchor SET seq = seq + 1`,
      `DELETE FROM audit_anchor`,
      `DELETE FROM audit_checkpoint`,
    ]) {
      await expect(ds.query(sql)).rejects.toThrow(/append-only/);
    }
    expect((await trail(admin, ids.x1)).body.verification.ok).toBe(true);
  });
});

describe('scope', () => {
  it('lets a town’s auditor read that town’s trails and answers 404 for another town’s', async () => {
    expect((await trail(townAuditor, ids.x1)).status).toBe(200);
    expect((await trail(townAuditor, ids.x2)).status).toBe(200);
    expectProblem(await trail(townAuditor, ids.j1), 404, 'AUDIT_TRAIL_NOT_FOUND');
    expect((await trail(otherAuditor, ids.j1)).status).toBe(200);
    expectProblem(await trail(otherAuditor, ids.x1), 404, 'AUDIT_TRAIL_NOT_FOUND');
    // the same answer as an id that does not exist
    expectProblem(await trail(townAuditor, randomUUID()), 404, 'AUDIT_TRAIL_NOT_FOUND');
  });

  it('lists only the trails in the auditor’s scope; the county admin sees all', async () => {
    const titles = async (api: Api, q = '') => ((await api.get(`/api/audit/trails${q}`)).body.items as AuditTrailListItem[]).map((t) => t.title);
    expect((await titles(townAuditor)).sort()).toEqual(['周小红的费用报销', '李四的请假']);
    expect(await titles(otherAuditor, '?template=leave')).toEqual(expect.arrayContaining(['孙立的请假']));
    expect(await titles(otherAuditor)).not.toContain('李四的请假');
    expect(await titles(admin)).toEqual(expect.arrayContaining(['李四的请假', '周小红的费用报销', '孙立的请假']));
    expect(await titles(townAdmin)).not.toContain('孙立的请假');
  });

  it('refuses people without audit.read: 404 by id, 403 for lists, exports and the whole chain', async () => {
    for (const api of [staff, leader]) {
      expectProblem(await trail(api, ids.x1), 404, 'AUDIT_TRAIL_NOT_FOUND');
      expectProblem(await api.get(`/api/audit/verify?instanceId=${ids.x1}`), 404, 'AUDIT_TRAIL_NOT_FOUND');
      expectProblem(await api.get('/api/audit/trails'), 403, 'AUTH_FORBIDDEN');
      expectProblem(await api.get('/api/audit/export?format=csv'), 403, 'AUTH_FORBIDDEN');
      expectProblem(await api.get('/api/audit/verify'), 403, 'AUTH_FORBIDDEN');
      expectProblem(await api.post('/api/audit/checkpoints'), 403, 'AUTH_FORBIDDEN');
      expectProblem(await api.get('/api/audit/checkpoints'), 403, 'AUTH_FORBIDDEN');
    }
    // a town auditor may verify a trail of the town, not the county's whole chain
    expect((await townAuditor.get(`/api/audit/verify?instanceId=${ids.x1}`)).body.ok).toBe(true);
    expectProblem(await townAuditor.get('/api/audit/verify'), 403, 'AUTH_FORBIDDEN');
    expectProblem(await townAuditor.get(`/api/audit/trails?unitId=${org.units.jieguanting}`), 404, 'ORG_UNIT_NOT_FOUND');
  });
});

describe('GET /api/audit/trails', () => {
  const list = (q: string, api = admin) => api.get(`/api/audit/trails?${q}`);
  const titles = (res: { body: { items: AuditTrailListItem[] } }) => res.body.items.map((t) => t.title);

  it('filters by template, unit with its sub-units, actor, title text and start time', async () => {
    expect(titles(await list('template=expense'))).toEqual(['周小红的费用报销']);
    expect(titles(await list(`unitId=${org.units.xingzhou}`)).sort()).toEqual(['周小红的费用报销', '李四的请假']);
    expect(titles(await list(`unitId=${org.units.hejiayan}`))).toEqual(['周小红的费用报销']);
    expect(titles(await list(`actor=${org.heads.shimen.id}`))).toEqual(['孙立的请假']);
    expect(titles(await list(`q=${encodeURIComponent('请假')}&unitId=${org.units.xingzhou}`))).toEqual(['李四的请假']);
    expect(titles(await list(`q=${encodeURIComponent('%')}`))).toEqual([]);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(titles(await list(`from=${today}&to=${today}&template=expense`))).toEqual(['周小红的费用报销']);
    expect(titles(await list(`to=2020-01-01`))).toEqual([]);
    expect(titles(await list(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`))).toEqual([]);
  });

  it('pages newest first with a cursor, each trail once', async () => {
    const first = await list('limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toMatchObject({ events: expect.any(Number), lastType: expect.any(String), unit: { id: expect.any(String) } });
    const seen = [...first.body.items];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const next = await list(`limit=2&cursor=${cursor}`);
      seen.push(...next.body.items);
      cursor = next.body.nextCursor;
    }
    const all = (await list('limit=200')).body.items as AuditTrailListItem[];
    expect(seen.map((t) => t.instanceId)).toEqual(all.map((t) => t.instanceId));
    expect(new Set(seen.map((t) => t.instanceId)).size).toBe(seen.length);
    const started = all.map((t) => t.startedAt);
    expect([...started].sort().reverse()).toEqual(started);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['unitId=not-a-uuid', 'unitId'],
    ['actor=1', 'actor'],
    ['from=2026-02-30', 'from'],
    ['to=yesterday', 'to'],
    [`q=${'长'.repeat(101)}`, 'q'],
    ['template=a%20b', 'template'],
    ['cursor=garbage', 'cursor'],
    ['evil=1', 'evil'],
  ])('answers %s with VALIDATION_FAILED naming %s', async (q, field) => {
    const body = expectProblem(await list(q), 400, 'VALIDATION_FAILED');
    expect((body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(field);
  });

  it('answers bad ids with a 400 and unknown ones with a 404', async () => {
    expectProblem(await admin.get('/api/audit/trails/123'), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.get('/api/audit/verify?instanceId=x'), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.get(`/api/audit/verify?instanceId=${randomUUID()}`), 404, 'AUDIT_TRAIL_NOT_FOUND');
    expectProblem(await admin.get('/api/audit/export?format=pdf'), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.get(`/api/audit/trails?unitId=${randomUUID()}`), 404, 'ORG_UNIT_NOT_FOUND');
  });
});

describe('GET /api/audit/export', () => {
  const HEADER = ['单号', '模板', '标题', '序号', '事件', '操作人', '单位', '职务', '时间', '说明', '前一哈希', '哈希'];
  const exportAs = (api: Api, q: string) => binary(api.get(`/api/audit/export?${q}`));

  it('writes an xlsx, one row per event with hashes, in Chinese, frozen header, only what is in scope', async () => {
    const res = await exportAs(townAuditor, 'format=xlsx');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(decodeURIComponent(res.headers['content-disposition'])).toMatch(/审批留痕-\d{8}\.xlsx/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet('审批留痕')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const rows: string[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(rows[0]).toEqual(HEADER);
    const body = rows.slice(1);
    const x1 = (await trail(admin, ids.x1)).body as AuditTrailView;
    const x2 = (await trail(admin, ids.x2)).body as AuditTrailView;
    expect(body).toHaveLength(x1.events.length + x2.events.length);
    expect(body.some((r) => r[0] === ids.j1)).toBe(false);
    const approve = body.find((r) => r[0] === ids.x1 && r[3] === '3')!;
    expect(approve).toEqual([ids.x1, 'leave', '李四的请假', '3', '同意', '张三丰', '五郎坪村', '村支书', expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/), '节点：n1；意见：同意', x1.events[1].hash, x1.events[2].hash]);
    const activated = body.find((r) => r[0] === ids.x1 && r[3] === '2')!;
    expect(activated.slice(4, 6)).toEqual(['进入审批节点', '系统']);
    expect(activated[9]).toBe('节点：村支书审批；审批人：张三丰；规则：发起人所在单位负责人');
    // each instance's timeline in order
    const seqs = body.filter((r) => r[0] === ids.x1).map((r) => Number(r[3]));
    expect(seqs).toEqual([1, 2, 3, 4]);
  });

  it('writes a CSV with the same rows and the same filters', async () => {
    const res = await exportAs(admin, `format=csv&template=expense`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const text = res.body.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(text.slice(1)).filter((r) => r.length > 1);
    expect(rows[0]).toEqual(HEADER);
    expect(rows.slice(1).map((r) => [r[0], r[3], r[4]])).toEqual([
      [ids.x2, '1', '发起申请'],
      [ids.x2, '2', '修改表单'],
    ]);
    expect(rows[2][9]).toContain('表单修改：');
    const x2 = (await trail(admin, ids.x2)).body as AuditTrailView;
    expect(rows.slice(1).map((r) => r[11])).toEqual(x2.events.map((e) => e.hash));
  });
});
