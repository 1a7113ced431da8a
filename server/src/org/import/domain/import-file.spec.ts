import iconv from 'iconv-lite';
import { MAX_IMPORT_ROWS, readImportFile } from './import-file.js';

const ROOT = '略阳县';
const HEADER = '单位路径,姓名,手机号,职务,是否负责人,角色';
const read = (text: string | Buffer) => readImportFile(typeof text === 'string' ? Buffer.from(text) : text, ROOT);
const csv = (...lines: string[]) => [HEADER, ...lines].join('\r\n') + '\r\n';

describe('readImportFile: encodings', () => {
  const text = csv('略阳县/兴州街道/五郎坪村,张三,13900000001,村支书,是,领导');

  it.each([
    ['UTF-8', Buffer.from(text)],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ['GB18030 (Excel in China)', iconv.encode(text, 'gb18030')],
    ['UTF-16 LE with BOM, tab-separated (Excel "Unicode 文本")', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text.replace(/,/g, '\t'), 'utf-16le')])],
  ])('reads %s', (_label, bytes) => {
    const file = read(bytes);
    expect(file.errors).toEqual([]);
    expect(file.rows).toEqual([
      { line: 2, path: ['略阳县', '兴州街道', '五郎坪村'], name: '张三', phone: '13900000001', title: '村支书', isHead: true, roles: ['leader'] },
    ]);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), '文件为空'],
    ['a file of blank lines', Buffer.from('\r\n \r\n,,,\r\n'), '没有内容'],
    ['an .xlsx workbook', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), '.xlsx'],
    ['an old .xls workbook', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), '.xls'],
    ['binary data', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]), '不是 CSV'],
    ['a JSON document', Buffer.from('{"name": "张三"}'), '表头'],
    ['a header and no rows', Buffer.from(HEADER + '\r\n'), '没有数据行'],
  ])('refuses %s as a whole', (_label, bytes, message) => {
    const file = read(bytes);
    expect(file.rows).toEqual([]);
    expect(file.errors).toEqual([expect.objectContaining({ message: expect.stringContaining(message) })]);
  });
});

describe('readImportFile: header', () => {
  it('finds columns by Chinese or English names in any order, and ignores unknown ones with a warning', () => {
    const file = read('Phone,备注,NAME,unit_path,Is Head,roles\n13900000001,老同志,李四,略阳县/城关镇,1,staff approver\n');
    expect(file.errors).toEqual([]);
    expect(file.warnings).toEqual([{ line: 1, column: null, message: expect.stringContaining('备注') }]);
    expect(file.rows[0]).toMatchObject({ path: ['略阳县', '城关镇'], name: '李四', phone: '13900000001', title: null, isHead: true, roles: ['staff', 'approver'] });
  });

  it('accepts short names and decorations: 单位, 手机, 手机号（必填）, *姓名', () => {
    const file = read('单位,*姓名,手机号（必填）\n略阳县,王五,13900000002\n');
    expect(file.errors).toEqual([]);
    expect(file.rows[0]).toMatchObject({ path: ['略阳县'], name: '王五', phone: '13900000002', title: null, isHead: null, roles: [] });
  });

  it('names every required column that is missing, and a column given twice', () => {
    expect(read('姓名,职务\n张三,村支书\n').errors.map((e) => e.message)).toEqual([
      expect.stringContaining('缺少“单位路径”'),
      expect.stringContaining('缺少“手机号”'),
    ]);
    expect(read('单位路径,姓名,手机号,手机\n略阳县,张三,13900000001,13900000001\n').errors).toEqual([
      { line: 1, column: 'phone', message: expect.stringContaining('两次') },
    ]);
  });

  it('skips blank lines before the header and numbers lines as the file has them', () => {
    const file = read(`\r\n\r\n${HEADER}\r\n略阳县,张三,1390000000x,,,\r\n`);
    expect(file.errors).toEqual([{ line: 4, column: 'phone', message: expect.stringContaining('格式不正确') }]);
  });
});

describe('readImportFile: rows', () => {
  it('reports every bad cell of every row with its line, counting lines inside quoted cells', () => {
    const file = read(
      csv(
        '略阳县/兴州街道,张三,13900000001,"村支书\n兼会计",是,领导', // line 2-3: a cell with a line break
        '', // line 4: blank, skipped
        '略阳县/兴州街道,,139,,也许,部长', // line 5: three bad cells
        '兴州街道/五郎坪村,李四,13900000004,,,', // line 6
        '略阳县//五郎坪村,王五,13900000005,,,', // line 7
        ',赵六,13900000006,,,', // line 8
        '略阳县/兴州街道,钱七,13900000001,,,', // line 9: phone of line 2
        '略阳县/兴州街道,孙八,13900000008,,', // line 10: a column short
        '略阳县/兴州街道,周九,13900000009,,,,村里的,逗号', // line 11: unquoted commas
        `略阳县/兴州街道,${'长'.repeat(51)},13900000010,,,`, // line 12
      ),
    );
    expect(file.rowCount).toBe(9);
    expect(file.rows.map((r) => r.line)).toEqual([2]);
    expect(file.rows[0].title).toBe('村支书 兼会计');
    expect(file.errors.map((e) => [e.line, e.column])).toEqual([
      [5, 'name'],
      [5, 'phone'],
      [5, 'isHead'],
      [5, 'roles'],
      [6, 'unitPath'],
      [7, 'unitPath'],
      [8, 'unitPath'],
      [9, 'phone'],
      [10, null],
      [11, null],
      [12, 'name'],
    ]);
    const message = (line: number, column: string | null) => file.errors.find((e) => e.line === line && e.column === column)!.message;
    expect(message(5, 'name')).toBe('姓名为空');
    expect(message(5, 'phone')).toContain('11 位数字');
    expect(message(5, 'isHead')).toContain('“是”或“否”');
    expect(message(5, 'roles')).toContain('未知角色“部长”');
    expect(message(6, 'unitPath')).toContain('应从根单位“略阳县”开始');
    expect(message(7, 'unitPath')).toContain('空的一级');
    expect(message(8, 'unitPath')).toBe('单位路径为空');
    expect(message(9, 'phone')).toContain('与第 2 行重复');
    expect(message(10, null)).toContain('应有 6 列，实际有 5 列');
    expect(message(11, null)).toContain('英文双引号');
    expect(message(12, 'name')).toContain('50');
  });

  it('tidies what Excel and people do to phones, names, flags and role lists', () => {
    const file = read(
      csv(
        '/略阳县/城关镇/,张  三,139 0000 0001,,Y,"管理员；领导、 staff,Leader"',
        "略阳县,Mary  Ann,'13900000002,,n,",
        '略阳县,欧阳·娜娜,+86 139-0000-0003,,FALSE,',
        '略阳县,王五,１３９０００００００４,,,',
      ),
    );
    expect(file.errors).toEqual([]);
    expect(file.rows.map((r) => [r.path.join('/'), r.name, r.phone, r.isHead, r.roles])).toEqual([
      ['略阳县/城关镇', '张三', '13900000001', true, ['admin', 'leader', 'staff']],
      ['略阳县', 'Mary Ann', '13900000002', false, []],
      ['略阳县', '欧阳·娜娜', '13900000003', false, []],
      ['略阳县', '王五', '13900000004', false, []],
    ]);
  });

  it('explains a phone that Excel turned into scientific notation', () => {
    expect(read(csv('略阳县,张三,1.39E+10,,,')).errors[0].message).toContain('科学计数法');
  });

  it('accepts extra empty cells at the end of a row', () => {
    expect(read(csv('略阳县,张三,13900000001,,,,,')).errors).toEqual([]);
  });

  it('reports an unclosed quote with the line it starts on', () => {
    const file = read(csv('略阳县,张三,13900000001,,,', '略阳县,"李四,13900000002,,,'));
    expect(file.rows).toEqual([]);
    expect(file.errors).toEqual([{ line: 3, column: null, message: expect.stringContaining('引号') }]);
  });

  it(`refuses more than ${MAX_IMPORT_ROWS} rows`, () => {
    const lines = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `略阳县,张三,1${String(i).padStart(10, '0')},,,`);
    expect(read(csv(...lines)).errors).toEqual([{ line: 0, column: null, message: expect.stringContaining(`最多导入 ${MAX_IMPORT_ROWS} 行`) }]);
  });
});
