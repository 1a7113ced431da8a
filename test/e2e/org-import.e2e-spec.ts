import iconv from 'iconv-lite';
import { DataSource } from 'typeorm';
import type { ImportReport } from '@lianxin/shared';
import { OrgTree } from '../../server/src/org/org-tree.repository';
import { makeMember } from '../support/factory';
import { expectProblem, useTestApp } from '../support/test-app';

const onServer = !!process.env.DATABASE_URL;
const HEADER = '单位路径,姓名,手机号,职务,是否负责人,角色';
const csv = (...lines: string[]) => [HEADER, ...lines].join('\r\n') + '\r\n';

describe('POST /api/org/import', () => {
  const ctx = useTestApp('org-import');
  let token: string;
  let ds: DataSource;
  beforeAll(async () => {
    token = (await ctx.login()).accessToken;
    ds = ctx.created.app.get(DataSource);
  });

  const upload = (body: string | Buffer, opts: { dryRun?: boolean; type?: string; as?: string | null } = {}) => {
    const req = ctx
      .http()
      .post(`/api/org/import${opts.dryRun ? '?dryRun=true' : ''}`)
      .set('content-type', opts.type ?? 'text/csv');
    const auth = opts.as === undefined ? token : opts.as;
    if (auth) req.set('authorization', `Bearer ${auth}`);
    return req.send(typeof body === 'string' ? Buffer.from(body) : body);
  };

  /** Every row the import could touch, hashed: equal digests mean nothing changed (updated_at included). */
  const digest = async (): Promise<string> => {
    const [{ d }] = await ds.query<{ d: string }[]>(
      `SELECT md5(concat_ws('|',
         (SELECT string_agg(concat_ws(',', id, parent_id, name, kind, sort_order, updated_at), ';' ORDER BY id) FROM unit),
         (SELECT string_agg(concat_ws(',', id, name, phone, title, status, name_initials, name_pinyin, updated_at), ';' ORDER BY id) FROM member),
         (SELECT string_agg(concat_ws(',', member_id, unit_id, is_head, is_primary), ';' ORDER BY member_id, unit_id) FROM membership),
         (SELECT string_agg(concat_ws(',', member_id, unit_id, role), ';' ORDER BY member_id, unit_id, role) FROM role_grant),
         (SELECT string_agg(concat_ws(',', ancestor_id, descendant_id, depth), ';' ORDER BY ancestor_id, descendant_id) FROM unit_closure))) AS d`,
    );
    return d;
  };

  const memberByPhone = async (phone: string) => {
    const [m] = await ds.query<Array<{ id: string; name: string; title: string | null; status: string; name_initials: string; name_pinyin: string; has_password: boolean }>>(
      `SELECT id, name, title, status, name_initials, name_pinyin, password_hash IS NOT NULL AS has_password FROM member WHERE phone = $1`,
      [phone],
    );
    return m;
  };

  /** The member's units as `path:head:primary`, and roles as `path:role`, with paths from the root, sorted by code point. */
  const placesOf = async (memberId: string) => {
    const path = `(SELECT string_agg(a.name, '/' ORDER BY c.depth DESC) FROM unit_closure c JOIN unit a ON a.id = c.ancestor_id WHERE c.descendant_id = u.id)`;
    const units = await ds.query<{ p: string }[]>(
      `SELECT ${path} || ':' || ms.is_head || ':' || ms.is_primary AS p FROM membership ms JOIN unit u ON u.id = ms.unit_id WHERE ms.member_id = $1`,
      [memberId],
    );
    const roles = await ds.query<{ p: string }[]>(
      `SELECT ${path} || ':' || g.role AS p FROM role_grant g JOIN unit u ON u.id = g.unit_id WHERE g.member_id = $1`,
      [memberId],
    );
    return { units: units.map((r) => r.p).sort(), roles: roles.map((r) => r.p).sort() };
  };

  const unitKinds = async (): Promise<Record<string, string>> => {
    const rows = await ds.query<{ path: string; kind: string }[]>(
      `SELECT (SELECT string_agg(a.name, '/' ORDER BY c.depth DESC) FROM unit_closure c JOIN unit a ON a.id = c.ancestor_id WHERE c.descendant_id = u.id) AS path, u.kind
         FROM unit u`,
    );
    return Object.fromEntries(rows.map((r) => [r.path, r.kind]));
  };

  describe('a good file', () => {
    const file = csv(
      '测试县/县财政局,王财政,13700000001,局长,是,领导;审批人',
      '测试县/县财政局/预算股,李预算,13700000002,股长,否,',
      '测试县/兴州街道,赵街道,13700000003,主任,是,"领导,督查"',
      '测试县/兴州街道/五郎坪村,张三,13700000004,村支书,是,工作人员、帮扶力量',
      '测试县/兴州街道/五郎坪村,李四,13700000005,村主任,,staff',
      '测试县/兴州街道/东关社区,王 五,137-0000-0006,,N,',
      '测试县/兴州街道/五郎坪村,老干部新名,13700000007,驻村第一书记,是,督查',
      '测试县/兴州街道/东关社区,停用者,13700000008,,,',
    );
    let existing: { id: string; phone: string };
    let disabledId: string;
    let first: ImportReport;

    beforeAll(async () => {
      existing = await makeMember(ds, { name: '老干部', phone: '13700000007', title: '干部' });
      disabledId = (await makeMember(ds, { name: '停用者', phone: '13700000008' })).id;
      await ds.query(`UPDATE member SET status = 'disabled' WHERE id = $1`, [disabledId]);
      const res = await upload(file);
      expect(res.status).toBe(200);
      first = res.body;
    });

    it('reports what it created and updated', () => {
      expect(first).toEqual({
        dryRun: false,
        rows: 8,
        unitsCreated: 5,
        createdUnits: ['测试县/县财政局', '测试县/兴州街道', '测试县/县财政局/预算股', '测试县/兴州街道/五郎坪村', '测试县/兴州街道/东关社区'],
        membersCreated: 6,
        membersUpdated: 2,
        membersUnchanged: 0,
        membershipsAdded: 8,
        rolesGranted: 8,
        errors: [],
        warnings: [{ line: 9, column: 'phone', message: expect.stringContaining('停用') }],
      });
    });

    it('creates the units along the paths with kinds read from their names, and a closure that matches the tree', async () => {
      expect(await unitKinds()).toEqual({
        测试县: 'county',
        '测试县/县财政局': 'bureau',
        '测试县/县财政局/预算股': 'office',
        '测试县/兴州街道': 'town',
        '测试县/兴州街道/五郎坪村': 'village',
        '测试县/兴州街道/东关社区': 'village',
      });
      expect(await OrgTree.closureDrift(ds)).toBe(0);
    });

    it('creates members with search keys, no password, their unit as primary, head flags and roles', async () => {
      const zhang = await memberByPhone('13700000004');
      expect(zhang).toMatchObject({ name: '张三', title: '村支书', status: 'active', name_initials: 'zs', name_pinyin: 'zhangsan', has_password: false });
      expect(await placesOf(zhang.id)).toEqual({
        units: ['测试县/兴州街道/五郎坪村:true:true'],
        roles: ['测试县/兴州街道/五郎坪村:helper', '测试县/兴州街道/五郎坪村:staff'],
      });
      const wang = await memberByPhone('13700000001');
      expect(await placesOf(wang.id)).toEqual({ units: ['测试县/县财政局:true:true'], roles: ['测试县/县财政局:approver', '测试县/县财政局:leader'] });
      const li = await memberByPhone('13700000005');
      expect(await placesOf(li.id)).toEqual({ units: ['测试县/兴州街道/五郎坪村:false:true'], roles: ['测试县/兴州街道/五郎坪村:staff'] });
      expect(await memberByPhone('13700000006')).toMatchObject({ name: '王五', title: null });
    });

    it('updates an existing member by phone and adds the unit without taking their primary', async () => {
      const m = await memberByPhone(existing.phone);
      expect(m).toMatchObject({ id: existing.id, name: '老干部新名', title: '驻村第一书记', name_initials: 'lgbxm', has_password: true });
      expect(await placesOf(m.id)).toEqual({
        units: ['测试县/兴州街道/五郎坪村:true:false', '测试县:false:true'],
        roles: ['测试县/兴州街道/五郎坪村:supervisor'],
      });
    });

    it('leaves a disabled member disabled', async () => {
      expect(await memberByPhone('13700000008')).toMatchObject({ status: 'disabled' });
      expect((await placesOf(disabledId)).units).toEqual(['测试县/兴州街道/东关社区:false:false', '测试县:false:true']);
    });

    it('changes nothing when the same file is imported again', async () => {
      const before = await digest();
      const res = await upload(file);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ rows: 8, unitsCreated: 0, createdUnits: [], membersCreated: 0, membersUpdated: 0, membersUnchanged: 8, membershipsAdded: 0, rolesGranted: 0, errors: [] });
      expect(await digest()).toBe(before);
    });

    it('never takes roles away, and keeps a title when the cell is empty', async () => {
      const res = await upload('name,phone,unit_path\n张三,13700000004,测试县/兴州街道/五郎坪村\n');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ membersUnchanged: 1, rolesGranted: 0 });
      const zhang = await memberByPhone('13700000004');
      expect(zhang.title).toBe('村支书');
      expect((await placesOf(zhang.id)).roles).toHaveLength(2);
    });

    it('turns a head into a plain member when the row says 否', async () => {
      const res = await upload(csv('测试县/兴州街道/五郎坪村,张三,13700000004,村支书,否,'));
      expect(res.body).toMatchObject({ membersUpdated: 1 });
      expect((await placesOf((await memberByPhone('13700000004')).id)).units).toEqual(['测试县/兴州街道/五郎坪村:false:true']);
    });
  });

  it.each([
    ['UTF-8 with a BOM', (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), '13700000101'],
    ['GB18030, as Excel in China saves CSV', (text: string) => iconv.encode(text, 'gb18030'), '13700000102'],
  ])('imports %s with the Chinese names intact', async (_label, encode, phone) => {
    const name = phone.endsWith('1') ? '欧阳娜娜' : '諸葛亮𠀀'; // a traditional character and one outside the BMP (GB18030 four-byte)
    const unit = phone.endsWith('1') ? '接官亭镇' : '白雀寺镇';
    const res = await upload(encode(csv(`测试县/${unit}/何家岩村,${name},${phone},文书,否,工作人员`)), { type: 'application/octet-stream' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ membersCreated: 1, createdUnits: [`测试县/${unit}`, `测试县/${unit}/何家岩村`] });
    const m = await memberByPhone(phone);
    expect(m).toMatchObject({ name, title: '文书' });
    expect((await placesOf(m.id)).units).toEqual([`测试县/${unit}/何家岩村:false:true`]);
  });

  it('refuses a file with bad rows among good ones, lists each with its line, and changes nothing', async () => {
    const before = await digest();
    const res = await upload(
      csv(
        '测试县/坏行测试镇,好人甲,13700000201,,,',
        '测试县/坏行测试镇,坏手机,1370000020,,,', // line 3
        '测试县/坏行测试镇,好人乙,13700000203,,,',
        '测试县/坏行测试镇,坏角色,13700000204,,,部长', // line 5
        '坏行测试镇/某村,坏路径,13700000205,,,', // line 6
        '测试县/坏行测试镇/某村,好人丙,13700000206,,是,领导',
      ),
    );
    const problem = expectProblem(res, 400, 'ORG_IMPORT_INVALID');
    const report = problem.report as ImportReport;
    expect(report.errors).toEqual([
      { line: 3, column: 'phone', message: expect.stringContaining('格式不正确') },
      { line: 5, column: 'roles', message: expect.stringContaining('未知角色“部长”') },
      { line: 6, column: 'unitPath', message: expect.stringContaining('应从根单位“测试县”开始') },
    ]);
    expect(report).toMatchObject({ rows: 6, unitsCreated: 0, membersCreated: 0 });
    expect(problem.detail).toContain('第 3 行');
    expect(await digest()).toBe(before);
  });

  it('refuses a path through two units of the same name, since it cannot tell which is meant', async () => {
    const [root] = await ds.query<{ id: string }[]>(`SELECT id FROM unit WHERE parent_id IS NULL`);
    const town = await OrgTree.insertUnit(ds, { parentId: root.id, name: '重名镇', kind: 'town' });
    await OrgTree.insertUnit(ds, { parentId: root.id, name: '重名镇', kind: 'town' });
    await OrgTree.insertUnit(ds, { parentId: town, name: '某村', kind: 'village' });
    const before = await digest();
    const res = await upload(csv('测试县/重名镇/某村,重名者,13700000301,,,'));
    const report = expectProblem(res, 400, 'ORG_IMPORT_INVALID').report as ImportReport;
    expect(report.errors).toEqual([{ line: 2, column: 'unitPath', message: expect.stringContaining('“测试县/重名镇”有重名') }]);
    expect(await digest()).toBe(before);
  });

  it('with dryRun=true reports what would change and changes nothing', async () => {
    const file = csv(
      '测试县/试运行镇/甲村,试甲,13700000401,,是,领导',
      '测试县/试运行镇/乙村,试乙,13700000402,,,',
      '测试县/兴州街道/五郎坪村,张三,13700000004,村支书,否,督查',
    );
    const before = await digest();
    const dry = await upload(file, { dryRun: true });
    expect(dry.status).toBe(200);
    const expected = {
      rows: 3,
      unitsCreated: 3,
      createdUnits: ['测试县/试运行镇', '测试县/试运行镇/甲村', '测试县/试运行镇/乙村'],
      membersCreated: 2,
      membersUpdated: 1,
      membersUnchanged: 0,
      membershipsAdded: 2,
      rolesGranted: 2,
      errors: [],
    };
    expect(dry.body).toMatchObject({ dryRun: true, ...expected });
    expect(await digest()).toBe(before);
    expect(await memberByPhone('13700000401')).toBeUndefined();

    const real = await upload(file);
    expect(real.body).toMatchObject({ dryRun: false, ...expected });
    expect(await memberByPhone('13700000401')).toBeDefined();
  });

  it('with dryRun=true still refuses a bad file', async () => {
    const res = await upload(csv('测试县,无名,abc,,,'), { dryRun: true });
    expect((expectProblem(res, 400, 'ORG_IMPORT_INVALID').report as ImportReport).dryRun).toBe(true);
  });

  it.each([
    ['an empty body', Buffer.alloc(0), '文件为空'],
    ['an Excel workbook', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), '.xlsx'],
    ['a file without a phone column', Buffer.from('单位路径,姓名\n测试县,张三\n'), '缺少“手机号”列'],
    ['a header with no rows', Buffer.from(HEADER + '\n'), '没有数据行'],
    ['a row with a missing column', Buffer.from(csv('测试县,张三,13700000501,,')), '应有 6 列，实际有 5 列'],
    ['a phone given twice', Buffer.from(csv('测试县,张三,13700000502,,,', '测试县,李四,13700000502,,,')), '与第 2 行重复'],
    ['a name over 50 characters', Buffer.from(csv(`测试县,${'名'.repeat(51)},13700000503,,,`)), '50'],
    ['an empty unit path', Buffer.from(csv(',张三,13700000504,,,')), '单位路径为空'],
  ])('refuses %s with ORG_IMPORT_INVALID saying why', async (_label, body, message) => {
    const before = await digest();
    const problem = expectProblem(await upload(body), 400, 'ORG_IMPORT_INVALID');
    expect(problem.detail).toContain(message);
    expect((problem.report as ImportReport).errors).toEqual([expect.objectContaining({ message: expect.stringContaining(message) })]);
    expect(await digest()).toBe(before);
  });

  it('refuses a file over 10 MB with PAYLOAD_TOO_LARGE', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 'a');
    const problem = expectProblem(await upload(big), 413, 'PAYLOAD_TOO_LARGE');
    expect(problem.detail).toContain('10 MB');
  });

  it('refuses JSON and forms with UNSUPPORTED_MEDIA_TYPE', async () => {
    const json = await ctx.http().post('/api/org/import').set('authorization', `Bearer ${token}`).send({ rows: [] });
    expect(expectProblem(json, 415, 'UNSUPPORTED_MEDIA_TYPE').detail).toContain('text/csv');
    const form = await upload('--x\r\n\r\n--x--', { type: 'multipart/form-data; boundary=x' });
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect(form.status).toBeLessThan(500);
  });

  it('refuses a bad dryRun value', async () => {
    const res = await ctx.http().post('/api/org/import?dryRun=yes').set('authorization', `Bearer ${token}`).set('content-type', 'text/csv').send(Buffer.from(csv('测试县,张三,13700000004,,,')));
    expectProblem(res, 400, 'VALIDATION_FAILED');
  });

  it('documents the CSV upload in OpenAPI', async () => {
    const op = (await ctx.http().get('/api/docs-json')).body.paths['/api/org/import'].post;
    expect(Object.keys(op.requestBody.content)).toEqual(expect.arrayContaining(['text/csv', 'application/octet-stream']));
    expect(op.parameters).toEqual([expect.objectContaining({ name: 'dryRun', in: 'query' })]);
  });

  it('refuses callers without a token', async () => {
    expectProblem(await upload(csv('测试县,张三,13700000601,,,'), { as: null }), 401, 'AUTH_UNAUTHENTICATED');
  });

  it('refuses members who are not administrators of the root unit, and changes nothing', async () => {
    const [town] = await ds.query<{ id: string }[]>(`SELECT id FROM unit WHERE name = '兴州街道'`);
    const plain = await makeMember(ds, { unitId: town.id });
    const townAdmin = await makeMember(ds, { unitId: town.id });
    await ds.query(`INSERT INTO role_grant (member_id, unit_id, role) VALUES ($1, $2, 'admin')`, [townAdmin.id, town.id]);
    const before = await digest();
    for (const who of [plain, townAdmin]) {
      const session = await ctx.login(who.phone, who.password);
      expectProblem(await upload(csv('测试县/兴州街道,越权者,13700000701,,,管理员'), { as: session.accessToken }), 403, 'AUTH_FORBIDDEN');
    }
    expect(await digest()).toBe(before);
  });

  (onServer ? it : it.skip)('imports 10,000 rows in one go', async () => {
    // 30 bureaus, and 20 towns of 20 villages each: 450 new units.
    const lines: string[] = [];
    let v = 0;
    for (let i = 0; i < 10_000; i++) {
      const path = i % 10 === 0 ? `测试县/县第${((i / 10) % 30) + 1}局` : `测试县/第${(v % 20) + 1}镇/第${(v++ % 400) + 1}村`;
      lines.push(`${path},成员${i},138${String(i).padStart(8, '0')},干部,${i % 25 === 0 ? '是' : '否'},${i % 7 === 0 ? '工作人员' : ''}`);
    }
    const file = csv(...lines);
    const [{ n: membersBefore }] = await ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM member`);
    const started = performance.now();
    const res = await upload(file);
    const ms = performance.now() - started;
    console.log(`org import: 10,000 rows (${(Buffer.byteLength(file) / 1024).toFixed(0)} KB) in ${ms.toFixed(0)} ms on ${onServer ? 'PostgreSQL' : 'embedded PGlite'}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 10_000, membersCreated: 10_000, membershipsAdded: 10_000, unitsCreated: 30 + 20 + 400, errors: [] });
    const [{ n: membersAfter }] = await ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM member`);
    expect(membersAfter - membersBefore).toBe(10_000);
    expect(await OrgTree.closureDrift(ds)).toBe(0);
  });
});
