import { Role, RoleLabel, type ImportColumn, type ImportRowError } from '@lianxin/shared';
import { CsvError, parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';

/** Far above a county's staff, well below what one transaction handles in a few seconds. */
export const MAX_IMPORT_ROWS = 50_000;
/** Deeper than 县/镇/村/组 and then some; deeper paths are typing mistakes. */
export const MAX_PATH_DEPTH = 12;

/** A row that passed every check that needs no database. */
export interface ImportRow {
  line: number;
  /** Unit names from the root down; the first is the root's own name. */
  path: string[];
  name: string;
  phone: string;
  /** Null: leave an existing member's title as it is. */
  title: string | null;
  /** Null when the file has no is_head column: leave an existing membership's flag as it is. */
  isHead: boolean | null;
  roles: Role[];
}

export interface ImportFile {
  /** Data rows read, bad ones included, blank ones not. */
  rowCount: number;
  /** The good rows, in file order. */
  rows: ImportRow[];
  errors: ImportRowError[];
  warnings: ImportRowError[];
}

const HEADER_ALIASES: Record<ImportColumn, string[]> = {
  unitPath: ['单位路径', '单位', '所属单位', '部门', '部门路径', 'unitpath', 'unit', 'path'],
  name: ['姓名', '名字', 'name'],
  phone: ['手机号', '手机', '手机号码', 'phone', 'mobile'],
  title: ['职务', '职位', 'title'],
  isHead: ['是否负责人', '负责人', 'ishead', 'head'],
  roles: ['角色', 'roles', 'role'],
};
const COLUMN_LABEL: Record<ImportColumn, string> = { unitPath: '单位路径', name: '姓名', phone: '手机号', title: '职务', isHead: '是否负责人', roles: '角色' };
const REQUIRED: ImportColumn[] = ['unitPath', 'name', 'phone'];
const HEADER_EXAMPLE = '单位路径,姓名,手机号,职务,是否负责人,角色';

const COLUMN_OF = new Map<string, ImportColumn>(
  (Object.entries(HEADER_ALIASES) as [ImportColumn, string[]][]).flatMap(([col, names]) => names.map((n) => [n, col] as const)),
);
const ROLE_OF = new Map<string, Role>([
  ...Object.values(Role).map((r) => [r, r] as const),
  ...(Object.entries(RoleLabel) as [Role, string][]).map(([r, label]) => [label, r] as const),
]);
const ROLE_CHOICES = Object.values(RoleLabel).join('、');
const YES = new Set(['是', 'true', '1', 'y', 'yes']);
const NO = new Set(['否', 'false', '0', 'n', 'no', '']);

const fileError = (message: string, line = 0): ImportFile => ({ rowCount: 0, rows: [], errors: [{ line, column: null, message }], warnings: [] });

/**
 * Reads an org import file: decodes it (UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 as
 * Excel in China saves CSV), finds the columns by their header in any order, and checks every row,
 * collecting every problem rather than stopping at the first, so a person can fix the file in one go.
 */
export function readImportFile(bytes: Uint8Array, rootName: string): ImportFile {
  const decoded = decode(bytes);
  if ('error' in decoded) return fileError(decoded.error);
  const text = decoded.text;
  const firstLine = text.slice(0, text.search(/[\r\n]|$/));
  // Excel's "Unicode 文本" is tab-separated; everything else here is comma-separated.
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const utf8 = Buffer.from(text, 'utf8');
  let records: Array<{ record: string[]; info: { bytes: number } }>;
  let parsedTo = 0;
  try {
    records = parse(utf8, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      info: true,
      on_record: (record: string[], context: { bytes: number }) => {
        parsedTo = context.bytes;
        return record;
      },
    }) as unknown as typeof records;
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    // The bad record starts where the last good one ended; csv-parse reports where it gave up.
    const line = lineCounter(utf8)(parsedTo);
    return fileError(
      err.code === 'CSV_QUOTE_NOT_CLOSED'
        ? '这一行有一个英文双引号没有配对，从这里到文件末尾都无法读取；请检查这一行的引号'
        : '文件无法按 CSV 格式读取；请在 Excel 中“另存为”→“CSV（逗号分隔）”后重新导入',
      line,
    );
  }

  const out: ImportFile = { rowCount: 0, rows: [], errors: [], warnings: [] };
  const lines = lineCounter(utf8);
  let start = 0;
  let header: Header | null = null;
  const phoneLines = new Map<string, number>();
  for (const { record, info } of records) {
    const line = lines(start);
    start = info.bytes;
    if (record.every((c) => c.trim() === '')) continue;
    if (!header) {
      const h = readHeader(record, line);
      if ('errors' in h) return { ...out, errors: h.errors };
      header = h;
      out.warnings.push(...h.warnings);
      continue;
    }
    out.rowCount += 1;
    if (out.rowCount > MAX_IMPORT_ROWS) {
      return fileError(`一次最多导入 ${MAX_IMPORT_ROWS} 行，请把文件拆成几个分别导入`);
    }
    const row = readRow(record, line, header, rootName, phoneLines, out.errors);
    if (row) out.rows.push(row);
  }
  if (!header) return fileError('文件里没有内容');
  if (out.rowCount === 0) return fileError('文件只有表头，没有数据行');
  return out;
}

function decode(bytes: Uint8Array): { text: string } | { error: string } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length === 0) return { error: '文件为空' };
  if (b.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    return { error: '这是 Excel 工作簿（.xlsx）或压缩包，不是 CSV；请在 Excel 中“另存为”→“CSV（逗号分隔）”后重新导入' };
  }
  if (b.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    return { error: '这是旧版 Excel 文件（.xls），不是 CSV；请在 Excel 中“另存为”→“CSV（逗号分隔）”后重新导入' };
  }
  let text: string;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) text = utf8OrNull(b.subarray(3)) ?? iconv.decode(b.subarray(3), 'gb18030');
  else if (b[0] === 0xff && b[1] === 0xfe) text = iconv.decode(b.subarray(2), 'utf-16le');
  else if (b[0] === 0xfe && b[1] === 0xff) text = iconv.decode(b.subarray(2), 'utf-16be');
  else text = utf8OrNull(b) ?? iconv.decode(b, 'gb18030');
  text = text.replace(/\x1a+$/, ''); // DOS end-of-file marker some old tools append
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]/.test(text)) {
    return { error: '文件不是 CSV 文本（含有二进制内容）；请在 Excel 中“另存为”→“CSV（逗号分隔）”后重新导入' };
  }
  if (text.trim() === '') return { error: '文件为空' };
  return { text };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function utf8OrNull(b: Uint8Array): string | null {
  try {
    return strictUtf8.decode(b);
  } catch {
    return null; // not UTF-8: the caller decodes it as GB18030
  }
}

/** Line number (1-based) of a byte offset, for offsets given in increasing order. \r\n, \n and a lone \r each end a line. */
function lineCounter(buf: Buffer): (offset: number) => number {
  let pos = 0;
  let line = 1;
  return (offset) => {
    for (; pos < offset; pos++) {
      const c = buf[pos];
      if (c === 0x0a || (c === 0x0d && buf[pos + 1] !== 0x0a)) line += 1;
    }
    return line;
  };
}

interface Header {
  width: number;
  index: Partial<Record<ImportColumn, number>>;
  warnings: ImportRowError[];
}

function readHeader(record: string[], line: number): Header | { errors: ImportRowError[] } {
  const index: Partial<Record<ImportColumn, number>> = {};
  const errors: ImportRowError[] = [];
  const warnings: ImportRowError[] = [];
  record.forEach((raw, i) => {
    const label = raw.trim();
    if (!label) return;
    const col = COLUMN_OF.get(normalizeHeader(label));
    if (!col) {
      warnings.push({ line, column: null, message: `无法识别的列“${label}”，已忽略` });
    } else if (index[col] !== undefined) {
      errors.push({ line, column: col, message: `表头中“${COLUMN_LABEL[col]}”列出现了两次` });
    } else {
      index[col] = i;
    }
  });
  if (Object.keys(index).length === 0) {
    return { errors: [{ line, column: null, message: `第一行应是表头，例如：${HEADER_EXAMPLE}` }] };
  }
  for (const col of REQUIRED) {
    if (index[col] === undefined) errors.push({ line, column: col, message: `表头缺少“${COLUMN_LABEL[col]}”列（表头示例：${HEADER_EXAMPLE}）` });
  }
  return errors.length ? { errors } : { width: record.length, index, warnings };
}

/** `手机号（必填）`, `* 姓名`, `Unit_Path` and `unit path` all name their column. */
function normalizeHeader(label: string): string {
  return label
    .normalize('NFKC')
    .replace(/\(.*?\)/g, '')
    .replace(/[\s_\-*]/g, '')
    .toLowerCase();
}

const BAD = Symbol('bad');
type Checked<T> = T | typeof BAD;

/** One data row: the row when every cell is good; otherwise null, with each bad cell pushed to `errors`. */
function readRow(record: string[], line: number, header: Header, rootName: string, phoneLines: Map<string, number>, errors: ImportRowError[]): ImportRow | null {
  const extra = record.slice(header.width);
  if (record.length < header.width || extra.some((c) => c.trim() !== '')) {
    const hint = record.length < header.width ? '可能少了逗号' : '内容里的逗号要用英文双引号把整格括起来';
    errors.push({ line, column: null, message: `应有 ${header.width} 列，实际有 ${record.length} 列（${hint}）` });
    return null;
  }
  const check = <T>(column: ImportColumn, read: (cell: string | undefined) => T | { error: string }): Checked<T> => {
    const i = header.index[column];
    const result = read(i === undefined ? undefined : record[i].trim());
    if (result !== null && typeof result === 'object' && 'error' in result) {
      errors.push({ line, column, message: result.error });
      return BAD;
    }
    return result as T;
  };
  const path = check('unitPath', (c) => readPath(c ?? '', rootName));
  const name = check('name', (c) => readName(c ?? ''));
  const phone = check('phone', (c) => readPhone(c ?? ''));
  const title = check('title', readTitle);
  const isHead = check('isHead', readIsHead);
  const roles = check('roles', (c) => readRoles(c ?? ''));
  if (phone !== BAD) {
    const first = phoneLines.get(phone);
    if (first === undefined) phoneLines.set(phone, line);
    else {
      errors.push({ line, column: 'phone', message: `手机号 ${phone} 与第 ${first} 行重复，同一个人只能出现一次` });
      return null;
    }
  }
  if (path === BAD || name === BAD || phone === BAD || title === BAD || isHead === BAD || roles === BAD) return null;
  return { line, path, name, phone, title, isHead, roles };
}

/** The path's unit names, or what is wrong with it. */
function readPath(cell: string, rootName: string): string[] | { error: string } {
  const error = (message: string) => ({ error: message });
  if (!cell) return error('单位路径为空');
  const parts = cell.split(/[/／]/).map((p) => p.trim());
  // A leading or trailing slash is harmless; an empty level in the middle is a typo.
  while (parts.length && parts[0] === '') parts.shift();
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0) return error('单位路径为空');
  if (parts.includes('')) return error(`单位路径“${cell}”中有空的一级（连续两个 /）`);
  if (parts[0] !== rootName) return error(`单位路径应从根单位“${rootName}”开始（如“${rootName}/某某镇/某某村”），这里是从“${parts[0]}”开始`);
  if (parts.length > MAX_PATH_DEPTH) return error(`单位路径超过 ${MAX_PATH_DEPTH} 级`);
  const long = parts.find((p) => [...p].length > 100);
  if (long) return error(`单位名称“${long.slice(0, 20)}…”超过 100 个字`);
  return parts;
}

function readName(cell: string): string | { error: string } {
  // 张  三: rosters pad two-character names to line them up with three-character ones.
  const name = /^[\p{Script=Han}·\s]+$/u.test(cell) ? cell.replace(/\s+/g, '') : cell.replace(/\s+/g, ' ');
  if (!name) return { error: '姓名为空' };
  if ([...name].length > 50) return { error: '姓名不能超过 50 个字' };
  return name;
}

function readPhone(cell: string): string | { error: string } {
  if (!cell) return { error: '手机号为空' };
  if (/^\d(\.\d+)?e\+?\d+$/i.test(cell)) return { error: `手机号“${cell}”被 Excel 显示成了科学计数法；请把这一列设为“文本”格式后重新填写` };
  // Full-width digits, spaces and dashes, a +86 prefix, and the apostrophe Excel users type to keep a number as text.
  const phone = cell
    .normalize('NFKC')
    .replace(/^'/, '')
    .replace(/[\s-]/g, '')
    .replace(/^\+?86(?=1\d{10}$)/, '');
  if (!/^1\d{10}$/.test(phone)) return { error: `手机号“${cell}”格式不正确，应为 1 开头的 11 位数字` };
  return phone;
}

/** Null (keep the member's title) when the column is missing or the cell is empty. */
function readTitle(cell: string | undefined): string | null | { error: string } {
  if (!cell) return null;
  const title = cell.replace(/\s+/g, ' ');
  return [...title].length > 100 ? { error: '职务不能超过 100 个字' } : title;
}

/** Null (keep the flag) only when the file has no such column; an empty cell means 否. */
function readIsHead(cell: string | undefined): boolean | null | { error: string } {
  if (cell === undefined) return null;
  const v = cell.normalize('NFKC').toLowerCase();
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  return { error: `是否负责人应填“是”或“否”，不能是“${cell}”` };
}

function readRoles(cell: string): Role[] | { error: string } {
  const roles = new Set<Role>();
  const unknown: string[] = [];
  for (const word of cell.split(/[;；,，、\s]+/).filter(Boolean)) {
    const role = ROLE_OF.get(word) ?? ROLE_OF.get(word.toLowerCase());
    if (role) roles.add(role);
    else unknown.push(word);
  }
  if (unknown.length) return { error: `未知角色“${unknown.join('、')}”；可填：${ROLE_CHOICES}（或英文代码 ${Object.values(Role).join(', ')}）` };
  return [...roles];
}
