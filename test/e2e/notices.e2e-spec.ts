import type { AddressInfo } from 'node:net';
import { Role, type NoticeStatsView } from '@lianxin/shared';
import type { MadeMember } from '../support/factory';
import { as, buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { openSse } from '../support/sse';
import { ADMIN, expectProblem, useTestApp } from '../support/test-app';

const ctx = useTestApp('notices');
let org: OrgFixture;
let admin: Awaited<ReturnType<typeof as>>;

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  admin = await as(ctx, { id: '', ...ADMIN });
});

const toXingzhou = (extra: object = {}) => ({
  kind: 'notice',
  title: '关于召开防汛工作会议的通知',
  body: '各村：\n请于明日上午9时到街道办三楼会议室参加防汛工作会议。',
  audience: { units: [{ unitId: org.units.xingzhou, includeSubUnits: true }] },
  ...extra,
});

/** Every receipt and counter recounted from scratch, to compare with what the API reports. */
async function recount(noticeId: string) {
  const [r] = await org.ds.query(
    `SELECT count(*)::int AS total, count(read_at)::int AS read, count(*) FILTER (WHERE confirm_status = 'attend')::int AS confirmed,
            count(*) FILTER (WHERE confirm_status = 'leave')::int AS leave FROM notice_receipt WHERE notice_id = $1`,
    [noticeId],
  );
  const [s] = await org.ds.query(
    `SELECT sum(total)::int AS total, sum(read_count)::int AS read, sum(confirmed_count)::int AS confirmed, sum(leave_count)::int AS leave
       FROM notice_unit_stat WHERE notice_id = $1`,
    [noticeId],
  );
  return { receipts: r, counters: s };
}

describe('sending', () => {
  it('writes one receipt per active member under the units, each with their primary unit, and counts them', async () => {
    const res = await admin.post('/api/notices', toXingzhou());
    expect(res.status).toBe(201);
    const members = await org.ds.query<{ id: string }[]>(
      `SELECT DISTINCT ms.member_id AS id FROM unit_closure c JOIN membership ms ON ms.unit_id = c.descendant_id
         JOIN member m ON m.id = ms.member_id AND m.status = 'active' WHERE c.ancestor_id = $1`,
      [org.units.xingzhou],
    );
    expect(res.body.recipientCount).toBe(members.length);
    const receipts = await org.ds.query<{ member_id: string; unit_id: string }[]>(`SELECT member_id, unit_id FROM notice_receipt WHERE notice_id = $1`, [res.body.id]);
    expect(receipts.map((r) => r.member_id).sort()).toEqual(members.map((m) => m.id).sort());
    expect(receipts.find((r) => r.member_id === org.villagers.wulangping.id)?.unit_id).toBe(org.units.wulangping);
    expect(res.body).toMatchObject({ title: '关于召开防汛工作会议的通知', kind: 'notice', canTrack: true, receipt: null });
  });

  it('de-duplicates overlapping units, members and roles, and leaves out the sender and disabled members', async () => {
    const gone = await org.memberWithRole(null, org.units.hejiayan, '已离职');
    await org.ds.query(`UPDATE member SET status = 'disabled' WHERE id = $1`, [gone.id]);
    const approver = await org.memberWithRole(Role.Approver, org.units.hejiayan, '何家岩审批人');
    const res = await admin.post('/api/notices', {
      ...toXingzhou(),
      audience: {
        units: [{ unitId: org.units.xingzhou, includeSubUnits: true }, { unitId: org.units.wulangping, includeSubUnits: false }],
        members: [org.villagers.wulangping.id, org.heads.wulangping.id, org.villagers.shimen.id],
        roles: [{ role: 'approver', unitId: org.units.xingzhou, includeSubUnits: true }],
      },
    });
    expect(res.status).toBe(201);
    const rows = await org.ds.query<{ member_id: string }[]>(`SELECT member_id FROM notice_receipt WHERE notice_id = $1`, [res.body.id]);
    const ids = rows.map((r) => r.member_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([org.villagers.shimen.id, approver.id, org.villagers.wulangping.id]));
    expect(ids).not.toContain(gone.id);
    expect(res.body.recipientCount).toBe(ids.length);
  });

  it('a town-only unit without sub-units reaches only the people sitting in the town itself', async () => {
    const res = await admin.post('/api/notices', toXingzhou({ audience: { units: [{ unitId: org.units.xingzhou, includeSubUnits: false }] } }));
    expect(res.body.recipientCount).toBe(1);
  });

  it('refuses an audience outside the sender’s reach (403) and a plain villager (403); nothing is written', async () => {
    const townAdmin = await as(ctx, await org.memberWithRole(Role.Admin, org.units.xingzhou, '街道管理员'));
    const before = await org.ds.query(`SELECT count(*)::int AS n FROM notice`);
    expectProblem(await townAdmin.post('/api/notices', toXingzhou({ audience: { units: [{ unitId: org.units.shimen, includeSubUnits: true }] } })), 403, 'AUTH_FORBIDDEN');
    expectProblem(await townAdmin.post('/api/notices', toXingzhou({ audience: { members: [org.villagers.shimen.id] } })), 403, 'AUTH_FORBIDDEN');
    const villager = await as(ctx, org.villagers.hejiayan);
    expectProblem(await villager.post('/api/notices', toXingzhou({ audience: { units: [{ unitId: org.units.hejiayan, includeSubUnits: true }] } })), 403, 'AUTH_FORBIDDEN');
    expect(await org.ds.query(`SELECT count(*)::int AS n FROM notice`)).toEqual(before);
  });

  it('refuses bad input with the fields at fault, and an audience with nobody in it (422)', async () => {
    const bad = expectProblem(await admin.post('/api/notices', { kind: 'memo', title: '', body: '', audience: { units: [{ unitId: 'x' }] } }), 400, 'VALIDATION_FAILED');
    expect((bad.errors as { path: string }[]).map((e) => e.path)).toEqual(expect.arrayContaining(['kind', 'title', 'body']));
    expectProblem(await admin.post('/api/notices', toXingzhou({ kind: 'meeting' })), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.post('/api/notices', toXingzhou({ audience: {} })), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.post('/api/notices', toXingzhou({ title: '长'.repeat(201) })), 400, 'VALIDATION_FAILED');
    const office = await admin.post('/api/org/units', { parentId: org.units.budget, name: '空科室', kind: 'office' });
    const before = await org.ds.query(`SELECT count(*)::int AS n FROM notice`);
    expectProblem(await admin.post('/api/notices', toXingzhou({ audience: { units: [{ unitId: office.body.id, includeSubUnits: true }] } })), 422, 'NOTICE_AUDIENCE_EMPTY');
    expect(await org.ds.query(`SELECT count(*)::int AS n FROM notice`)).toEqual(before);
  });
});

describe('reading and confirming', () => {
  let meeting: string;
  beforeAll(async () => {
    const res = await admin.post('/api/notices', toXingzhou({ kind: 'meeting', startsAt: '2026-11-25T09:00:00+08:00', place: '街道办三楼会议室', requireConfirm: true }));
    meeting = res.body.id;
  });

  it('marks read once: repeats answer the first time', async () => {
    const li = await as(ctx, org.villagers.wulangping);
    const first = await li.post(`/api/notices/${meeting}/read`);
    expect(first.status).toBe(200);
    expect(first.body.readAt).toEqual(expect.any(String));
    const again = await li.post(`/api/notices/${meeting}/read`);
    expect(again.body.readAt).toBe(first.body.readAt);
    const view = await li.get(`/api/notices/${meeting}`);
    expect(view.body).toMatchObject({ kind: 'meeting', place: '街道办三楼会议室', canTrack: false, receipt: { readAt: first.body.readAt } });
    expect((await recount(meeting)).counters.read).toBe(1);
  });

  it('回执: attend, or leave with a reason; the first answer stands', async () => {
    const zhou = await as(ctx, org.villagers.hejiayan);
    expectProblem(await zhou.post(`/api/notices/${meeting}/confirm`, { status: 'leave' }), 400, 'VALIDATION_FAILED');
    const leave = await zhou.post(`/api/notices/${meeting}/confirm`, { status: 'leave', reason: '在县医院陪护家人' });
    expect(leave.body).toMatchObject({ confirmStatus: 'leave', leaveReason: '在县医院陪护家人', readAt: expect.any(String) });
    expect((await zhou.post(`/api/notices/${meeting}/confirm`, { status: 'leave', reason: '在县医院陪护家人' })).status).toBe(200);
    expectProblem(await zhou.post(`/api/notices/${meeting}/confirm`, { status: 'attend' }), 409, 'NOTICE_ALREADY_CONFIRMED');
    const zhang = await as(ctx, org.heads.wulangping);
    expect((await zhang.post(`/api/notices/${meeting}/confirm`, { status: 'attend' })).body.confirmStatus).toBe('attend');
    const { receipts, counters } = await recount(meeting);
    expect(counters).toEqual(receipts);
    expect(counters).toMatchObject({ read: 3, confirmed: 1, leave: 1 });
  });

  it('refuses 回执 on a notice that does not ask for it, and anything from a non-recipient (404)', async () => {
    const plain = await admin.post('/api/notices', toXingzhou());
    const li = await as(ctx, org.villagers.wulangping);
    expectProblem(await li.post(`/api/notices/${plain.body.id}/confirm`, { status: 'attend' }), 409, 'NOTICE_NOT_CONFIRMABLE');
    const sun = await as(ctx, org.villagers.shimen);
    expectProblem(await sun.post(`/api/notices/${meeting}/read`), 404, 'NOTICE_NOT_FOUND');
    expectProblem(await sun.get(`/api/notices/${meeting}`), 404, 'NOTICE_NOT_FOUND');
    expectProblem(await sun.get(`/api/notices/00000000-0000-4000-8000-000000000000`), 404, 'NOTICE_NOT_FOUND');
  });

  it('inbox lists newest first, unread only on request, and pages without gaps', async () => {
    const zhou = await as(ctx, org.villagers.hejiayan);
    const all = await zhou.get('/api/notices?box=inbox&limit=2');
    expect(all.status).toBe(200);
    const seen = [...all.body.items];
    let cursor = all.body.nextCursor;
    while (cursor) {
      const next = await zhou.get(`/api/notices?box=inbox&limit=2&cursor=${cursor}`);
      seen.push(...next.body.items);
      cursor = next.body.nextCursor;
    }
    const [{ n }] = await org.ds.query(`SELECT count(*)::int AS n FROM notice_receipt WHERE member_id = $1`, [org.villagers.hejiayan.id]);
    expect(seen).toHaveLength(n);
    expect(new Set(seen.map((i: { id: string }) => i.id)).size).toBe(n);
    const unread = await zhou.get('/api/notices?box=inbox&unread=true&limit=100');
    expect(unread.body.items.every((i: { readAt: string | null }) => i.readAt === null)).toBe(true);
    expect((await zhou.get('/api/notices/unread-count')).body).toEqual({ unread: unread.body.items.length });
    expect(unread.body.items.map((i: { id: string }) => i.id)).not.toContain(meeting);
    const sent = await admin.get('/api/notices?box=sent&limit=100');
    expect(sent.body.items.find((i: { id: string }) => i.id === meeting)).toMatchObject({ readCount: 3, recipientCount: expect.any(Number) });
    expectProblem(await zhou.get('/api/notices?box=trash'), 400, 'VALIDATION_FAILED');
  });
});

describe('tracking: stats and receipts', () => {
  let countyWide: string;
  let townLeader: MadeMember;
  beforeAll(async () => {
    const res = await admin.post('/api/notices', toXingzhou({ audience: { units: [{ unitId: org.rootId, includeSubUnits: true }] }, requireConfirm: true }));
    countyWide = res.body.id;
    townLeader = await org.memberWithRole(Role.Leader, org.units.jieguanting, '接官亭镇领导');
    await (await as(ctx, org.villagers.shimen)).post(`/api/notices/${countyWide}/read`);
  });

  it('gives totals and the units one level below the deepest unit holding every recipient', async () => {
    const town = await admin.post('/api/notices', toXingzhou());
    await (await as(ctx, org.villagers.wulangping)).post(`/api/notices/${town.body.id}/read`);
    const stats = (await admin.get(`/api/notices/${town.body.id}/stats`)).body as NoticeStatsView;
    expect(stats.unit?.name).toBe('兴州街道');
    const byName = Object.fromEntries(stats.units.map((u) => [u.self ? `${u.unit.name}(本级)` : u.unit.name, u]));
    expect(byName['五郎坪村']).toMatchObject({ read: 1, unread: byName['五郎坪村'].total - 1 });
    expect(byName['兴州街道(本级)']).toMatchObject({ read: 0 });
    expect(stats.units.reduce((n, u) => n + u.total, 0)).toBe(stats.total);
    expect(stats).toMatchObject({ read: 1, unread: stats.total - 1, confirmed: 0 });
    const county = (await admin.get(`/api/notices/${countyWide}/stats`)).body as NoticeStatsView;
    expect(county.unit?.name).toBe('测试县');
    // 财政局 has nobody in it, and the sender (the only one at the county level itself) gets no receipt
    expect(county.units.map((u) => u.unit.name).sort()).toEqual(['兴州街道', '接官亭镇'].sort());
    const drill = (await admin.get(`/api/notices/${countyWide}/stats?unitId=${org.units.jieguanting}`)).body as NoticeStatsView;
    expect(drill.units.find((u) => u.unit.name === '石门村')).toMatchObject({ read: 1 });
  });

  it('a leader of one town sees only that town’s part of a county-wide notice', async () => {
    const leader = await as(ctx, townLeader);
    const stats = await leader.get(`/api/notices/${countyWide}/stats`);
    expect(stats.status).toBe(200);
    const [{ n }] = await org.ds.query(
      `SELECT count(*)::int AS n FROM notice_receipt r JOIN unit_closure c ON c.descendant_id = r.unit_id WHERE r.notice_id = $1 AND c.ancestor_id = $2`,
      [countyWide, org.units.jieguanting],
    );
    expect(stats.body).toMatchObject({ total: n, read: 1, unit: { name: '接官亭镇' } });
    const list = await leader.get(`/api/notices/${countyWide}/receipts?limit=200`);
    expect(list.body.items.map((r: { member: { name: string } }) => r.member.name).sort()).not.toContain('李四');
    expect(list.body.items).toHaveLength(n);
    expectProblem(await leader.get(`/api/notices/${countyWide}/stats?unitId=${org.units.xingzhou}`), 404, 'ORG_UNIT_NOT_FOUND');
  });

  it('a cadre outside the notice’s scope gets 404 on its stats, receipts and the notice', async () => {
    const town = await admin.post('/api/notices', toXingzhou());
    for (const who of [townLeader, org.villagers.shimen, org.villagers.wulangping]) {
      const api = await as(ctx, who);
      expectProblem(await api.get(`/api/notices/${town.body.id}/stats`), 404, 'NOTICE_NOT_FOUND');
      expectProblem(await api.get(`/api/notices/${town.body.id}/receipts`), 404, 'NOTICE_NOT_FOUND');
    }
    expectProblem(await (await as(ctx, townLeader)).get(`/api/notices/${town.body.id}`), 404, 'NOTICE_NOT_FOUND');
  });

  it('lists receipts by status and unit, paged', async () => {
    const unread = await admin.get(`/api/notices/${countyWide}/receipts?status=unread&unitId=${org.units.jieguanting}&limit=1`);
    expect(unread.status).toBe(200);
    const names: string[] = unread.body.items.map((r: { member: { name: string } }) => r.member.name);
    let cursor = unread.body.nextCursor;
    while (cursor) {
      const next = await admin.get(`/api/notices/${countyWide}/receipts?status=unread&unitId=${org.units.jieguanting}&limit=1&cursor=${cursor}`);
      names.push(...next.body.items.map((r: { member: { name: string } }) => r.member.name));
      cursor = next.body.nextCursor;
    }
    expect(names).toContain('钱进');
    expect(names).not.toContain('孙立');
    const read = await admin.get(`/api/notices/${countyWide}/receipts?status=read`);
    expect(read.body.items).toEqual([expect.objectContaining({ member: expect.objectContaining({ name: '孙立', phone: org.villagers.shimen.phone }), unit: expect.objectContaining({ name: '石门村' }) })]);
    expectProblem(await admin.get(`/api/notices/${countyWide}/receipts?status=lost`), 400, 'VALIDATION_FAILED');
  });

  it('counters equal a recount after concurrent reads and confirms', async () => {
    const crowd = await Promise.all(Array.from({ length: 24 }, (_, i) => org.memberWithRole(null, i % 2 ? org.units.wulangping : org.units.hejiayan, `村民${i}`)));
    const res = await admin.post('/api/notices', toXingzhou({ requireConfirm: true }));
    const apis = await Promise.all(crowd.map((m) => as(ctx, m)));
    await Promise.all(
      apis.flatMap((api, i) => [
        api.post(`/api/notices/${res.body.id}/read`),
        api.post(`/api/notices/${res.body.id}/read`),
        i % 3 === 0 ? api.post(`/api/notices/${res.body.id}/confirm`, { status: i % 2 ? 'attend' : 'leave', reason: '外出' }) : Promise.resolve(),
        admin.get(`/api/notices/${res.body.id}/stats`),
      ]),
    );
    const { receipts, counters } = await recount(res.body.id);
    expect(counters).toEqual(receipts);
    expect(receipts.read).toBe(24);
    const stats = (await admin.get(`/api/notices/${res.body.id}/stats`)).body as NoticeStatsView;
    expect({ total: stats.total, read: stats.read, confirmed: stats.confirmed, leave: stats.onLeave }).toEqual(receipts);
  });
});

describe('live', () => {
  it('recipients hear of a new notice; the sender hears reads, batched', async () => {
    if (!ctx.created.app.getHttpServer().listening) await ctx.created.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(ctx.created.app.getHttpServer().address() as AddressInfo).port}`;
    const li = await ctx.login(org.villagers.wulangping.phone, org.villagers.wulangping.password);
    const boss = await ctx.login(ADMIN.phone, ADMIN.password);
    const liStream = await openSse(`${base}/api/events`, li.accessToken);
    const bossStream = await openSse(`${base}/api/events`, boss.accessToken);
    try {
      const res = await admin.post('/api/notices', toXingzhou({ title: '紧急通知' }));
      const heard = await liStream.next((e) => e.type === 'notice.new');
      expect(heard.data).toMatchObject({ noticeId: res.body.id, title: '紧急通知', senderName: '系统管理员' });
      await (await as(ctx, org.villagers.wulangping)).post(`/api/notices/${res.body.id}/read`);
      await (await as(ctx, org.heads.wulangping)).post(`/api/notices/${res.body.id}/read`);
      const stats = await bossStream.next((e) => e.type === 'notice.stats' && (e.data as { read: number }).read === 2, 5000);
      expect(stats.data).toMatchObject({ noticeId: res.body.id, read: 2, total: res.body.recipientCount });
      // two reads inside one interval arrive as one event
      expect(bossStream.events.filter((e) => e.type === 'notice.stats' && (e.data as { noticeId: string }).noticeId === res.body.id).length).toBeLessThanOrEqual(2);
    } finally {
      liStream.close();
      bossStream.close();
    }
  });
});

describe('attachments', () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('防汛预案'.repeat(100))]);
  let token: string;
  const up = (body: Buffer, type: string, filename = '防汛预案.pdf', t = token) =>
    ctx.http().post(`/api/notices/attachments?filename=${encodeURIComponent(filename)}`).set('authorization', `Bearer ${t}`).set('content-type', type).send(body);

  beforeAll(async () => {
    token = (await ctx.login(ADMIN.phone, ADMIN.password)).accessToken;
  });

  it('keeps an uploaded file with the notice; recipients download it byte for byte', async () => {
    const file = await up(pdf, 'application/pdf');
    expect(file.status).toBe(201);
    expect(file.body).toMatchObject({ filename: '防汛预案.pdf', contentType: 'application/pdf', size: pdf.length });
    const sent = await admin.post('/api/notices', { ...toXingzhou(), attachmentIds: [file.body.id] });
    expect(sent.body.attachments).toEqual([file.body]);
    const li = await ctx.login(org.villagers.wulangping.phone, org.villagers.wulangping.password);
    const got = await ctx
      .http()
      .get(`/api/notices/${sent.body.id}/attachments/${file.body.id}`)
      .set('authorization', `Bearer ${li.accessToken}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toMatch(/^application\/pdf/);
    expect(got.headers['content-disposition']).toContain(encodeURIComponent('防汛预案.pdf'));
    expect(Buffer.compare(got.body as Buffer, pdf)).toBe(0);
    const sun = await ctx.login(org.villagers.shimen.phone, org.villagers.shimen.password);
    const refused = await ctx.http().get(`/api/notices/${sent.body.id}/attachments/${file.body.id}`).set('authorization', `Bearer ${sun.accessToken}`);
    expectProblem(refused, 404, 'NOTICE_NOT_FOUND');
    // an attachment goes with one notice only
    const before = await org.ds.query(`SELECT count(*)::int AS n FROM notice`);
    expectProblem(await admin.post('/api/notices', { ...toXingzhou(), attachmentIds: [file.body.id] }), 400, 'NOTICE_ATTACHMENT_INVALID');
    expect(await org.ds.query(`SELECT count(*)::int AS n FROM notice`)).toEqual(before);
  });

  it('refuses a file whose bytes are not its type, an unknown type, no file name, too large a file, and a plain villager', async () => {
    expectProblem(await up(Buffer.from('MZ\x90\x00executable', 'latin1'), 'application/pdf'), 400, 'NOTICE_ATTACHMENT_INVALID');
    expect((await up(Buffer.from('MZ'), 'application/x-msdownload')).status).toBe(415);
    const noName = await ctx.http().post('/api/notices/attachments').set('authorization', `Bearer ${token}`).set('content-type', 'application/pdf').send(pdf);
    expectProblem(noName, 400, 'VALIDATION_FAILED');
    expectProblem(await up(Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(10 * 1024 * 1024)]), 'application/pdf'), 413, 'PAYLOAD_TOO_LARGE');
    const villager = await ctx.login(org.villagers.hejiayan.phone, org.villagers.hejiayan.password);
    expectProblem(await up(pdf, 'application/pdf', 'a.pdf', villager.accessToken), 403, 'AUTH_FORBIDDEN');
  });
});
