/**
 * Approval forms: checking a template's form schema, validating a filled form against it, and masking
 * private fields for people who may see an application but not the applicant's personal data.
 * Pure: no Nest, no database.
 */
import { FieldType, TextFormat } from '@lianxin/shared';
import type { FieldError, FormField, FormSchema, FormValue, FormValues, LocationValue, TemplateProblem } from '@lianxin/shared';
import { isNonEmptyString, isObject, isUuid, problem } from './problems.js';

/** Longest text when the field sets no max, and the largest max a field may set. */
export const TEXT_MAX = { text: 200, textarea: 5000 } as const;
export const TEXT_MAX_LIMIT = { text: 1000, textarea: 20_000 } as const;
/** Most files in one attachments field. */
export const ATTACHMENTS_MAX = 50;
export const MAX_FIELDS = 100;
export const MAX_OPTIONS = 200;
const ADDRESS_MAX = 200;
const PATTERN_MAX = 200;

const FIELD_KEY = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PHONE = /^1[3-9]\d{9}$/;
const ID_NUMBER = /^\d{17}[\dX]$/;
const DAY_MS = 86_400_000;

const FIELD_TYPES = new Set<string>(Object.values(FieldType));
const TEXT_FORMATS = new Set<string>(Object.values(TextFormat));

/** Which attributes each field type understands; anything else on it is a problem. */
const BOUNDED = new Set<FieldType>(['text', 'textarea', 'number', 'money', 'multiSelect', 'attachments', 'dateRange']);
const WITH_OPTIONS = new Set<FieldType>(['select', 'multiSelect']);
const WITH_PATTERN = new Set<FieldType>(['text', 'textarea']);

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** 'YYYY-MM-DD' that names a real day (1900–2199). */
export function isDate(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = DATE.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2199) return false;
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** Days from `from` to `to`, counting both ends ('2026-03-02' to itself is 1). */
export function daysInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** A mainland resident ID number (GB 11643): 18 characters, a real birth date, and the ISO 7064 MOD 11-2 check character. */
export function isIdNumber(v: string): boolean {
  if (!ID_NUMBER.test(v)) return false;
  if (!isDate(`${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(v[i]), 0);
  return '10X98765432'[sum % 11] === v[17];
}

/** 元 with two decimals from fen: 123456 → '1234.56'. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const length = (s: string): number => [...s].length;

/** Absent, null, blank text or an empty list: nothing was filled in. */
function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

function requiredMessage(field: FormField): string {
  switch (field.type) {
    case 'attachments':
      return `请上传${field.label}`;
    case 'select':
    case 'multiSelect':
    case 'member':
    case 'unit':
    case 'date':
    case 'dateRange':
    case 'location':
      return `请选择${field.label}`;
    default:
      return `请填写${field.label}`;
  }
}

type Checked = { value: FormValue } | { error: string };

function checkBounds(field: FormField, n: number, what: (x: number) => string): string | null {
  if (field.min !== undefined && n < field.min) return `${field.label}不能少于${what(field.min)}`;
  if (field.max !== undefined && n > field.max) return `${field.label}不能超过${what(field.max)}`;
  return null;
}

function checkText(field: FormField & { type: 'text' | 'textarea' }, raw: unknown): Checked {
  if (typeof raw !== 'string') return { error: `${field.label}应为文字` };
  let value = raw.trim();
  if (field.format === 'phone') {
    value = value.replace(/[\s-]/g, '');
    if (!PHONE.test(value)) return { error: `${field.label}不是有效的手机号（11 位，以 1 开头）` };
  } else if (field.format === 'idNumber') {
    value = value.replace(/\s/g, '').toUpperCase();
    if (!isIdNumber(value)) return { error: `${field.label}不是有效的身份证号（18 位，末位校验码须正确）` };
  }
  const max = field.max ?? TEXT_MAX[field.type];
  const len = length(value);
  if (len > max) return { error: `${field.label}不能超过 ${max} 个字` };
  if (field.min !== undefined && len < field.min) return { error: `${field.label}至少 ${field.min} 个字` };
  if (field.pattern !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${field.pattern})$`, 'u');
    } catch {
      return { error: `${field.label}的格式规则无效，请联系管理员` };
    }
    if (!re.test(value)) return { error: field.patternMessage ?? `${field.label}格式不正确` };
  }
  return { value };
}

function checkNumber(field: FormField, raw: unknown): Checked {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return { error: `${field.label}应为数字` };
  if (field.integer && !Number.isInteger(raw)) return { error: `${field.label}应为整数` };
  const out = checkBounds(field, raw, (x) => ` ${x}`);
  return out ? { error: out } : { value: raw };
}

function checkMoney(field: FormField, raw: unknown): Checked {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) {
    return { error: `${field.label}应为以分计的非负整数（1 元 = 100）` };
  }
  const out = checkBounds(field, raw, (x) => ` ${formatYuan(x)} 元`);
  return out ? { error: out } : { value: raw };
}

function checkDateRange(field: FormField, raw: unknown): Checked {
  if (!Array.isArray(raw) || raw.length !== 2) return { error: `${field.label}应为开始和结束两个日期` };
  const [from, to] = raw;
  if (!isDate(from) || !isDate(to)) return { error: `${field.label}的日期应为真实存在的 YYYY-MM-DD` };
  if (from > to) return { error: `${field.label}的结束日期不能早于开始日期` };
  const out = checkBounds(field, daysInclusive(from, to), (x) => ` ${x} 天`);
  return out ? { error: out } : { value: [from, to] };
}

function checkSelect(field: FormField, raw: unknown): Checked {
  const values = new Set((field.options ?? []).map((o) => o.value));
  if (typeof raw !== 'string' || !values.has(raw)) return { error: `${field.label}只能从给定的选项中选择` };
  return { value: raw };
}

function checkMultiSelect(field: FormField, raw: unknown): Checked {
  const values = new Set((field.options ?? []).map((o) => o.value));
  if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string' || !values.has(v))) {
    return { error: `${field.label}只能从给定的选项中选择` };
  }
  const picked = [...new Set(raw as string[])];
  const out = checkBounds(field, picked.length, (x) => ` ${x} 项`);
  return out ? { error: out } : { value: picked };
}

function checkId(field: FormField, raw: unknown): Checked {
  if (!isUuid(raw)) return { error: `${field.label}不是有效的${field.type === 'member' ? '成员' : '单位'}` };
  return { value: raw.toLowerCase() };
}

function checkAttachments(field: FormField, raw: unknown): Checked {
  if (!Array.isArray(raw) || !raw.every(isUuid)) return { error: `${field.label}应为已上传文件的 id 列表` };
  const ids = [...new Set((raw as string[]).map((id) => id.toLowerCase()))];
  if (ids.length > (field.max ?? ATTACHMENTS_MAX)) return { error: `${field.label}最多 ${field.max ?? ATTACHMENTS_MAX} 个文件` };
  if (field.min !== undefined && ids.length < field.min) return { error: `${field.label}至少 ${field.min} 个文件` };
  return { value: ids };
}

function checkLocation(field: FormField, raw: unknown): Checked {
  if (!isObject(raw)) return { error: `${field.label}应包含经纬度` };
  const { latitude, longitude, address } = raw;
  if (typeof latitude !== 'number' || !Number.isFinite(latitude) || latitude < -90 || latitude > 90) {
    return { error: `${field.label}的纬度应在 -90 到 90 之间` };
  }
  if (typeof longitude !== 'number' || !Number.isFinite(longitude) || longitude < -180 || longitude > 180) {
    return { error: `${field.label}的经度应在 -180 到 180 之间` };
  }
  const value: LocationValue = { latitude, longitude };
  if (address !== undefined && address !== null) {
    if (typeof address !== 'string') return { error: `${field.label}的地址应为文字` };
    if (length(address.trim()) > ADDRESS_MAX) return { error: `${field.label}的地址不能超过 ${ADDRESS_MAX} 个字` };
    if (address.trim() !== '') value.address = address.trim();
  }
  return { value };
}

function checkValue(field: FormField, raw: unknown): Checked {
  switch (field.type) {
    case 'text':
    case 'textarea':
      return checkText(field as FormField & { type: 'text' | 'textarea' }, raw);
    case 'number':
      return checkNumber(field, raw);
    case 'money':
      return checkMoney(field, raw);
    case 'date':
      return isDate(raw) ? { value: raw } : { error: `${field.label}应为真实存在的日期（YYYY-MM-DD）` };
    case 'dateRange':
      return checkDateRange(field, raw);
    case 'select':
      return checkSelect(field, raw);
    case 'multiSelect':
      return checkMultiSelect(field, raw);
    case 'member':
    case 'unit':
      return checkId(field, raw);
    case 'attachments':
      return checkAttachments(field, raw);
    case 'location':
      return checkLocation(field, raw);
  }
}

export interface FormResult {
  ok: boolean;
  /** One per field at fault; `path` is the field key ('' for the form as a whole). */
  errors: FieldError[];
  /** The values as stored: text trimmed, phone and ID numbers compacted, ids lower-cased, lists deduplicated, empty optional fields left out. */
  normalized: FormValues;
}

/**
 * Validates a filled form against its schema (assumed sound: see validateSchema). Every field is
 * checked, so all errors come back at once; keys the schema does not have are refused.
 */
export function validateForm(schema: FormSchema, values: unknown): FormResult {
  if (!isObject(values)) return { ok: false, errors: [{ path: '', message: '表单内容应为一个对象（字段 → 值）' }], normalized: {} };
  const errors: FieldError[] = [];
  const normalized: FormValues = {};
  const known = new Set(schema.fields.map((f) => f.key));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) errors.push({ path: key, message: `表单中没有「${key}」这一项` });
  }
  for (const field of schema.fields) {
    const raw = Object.hasOwn(values, field.key) ? values[field.key] : undefined;
    if (isEmpty(raw)) {
      if (field.required) errors.push({ path: field.key, message: requiredMessage(field) });
      continue;
    }
    const checked = checkValue(field, raw);
    if ('error' in checked) errors.push({ path: field.key, message: checked.error });
    else normalized[field.key] = checked.value;
  }
  return { ok: errors.length === 0, errors, normalized };
}

// ---------------------------------------------------------------------------------------------
// Masking
// ---------------------------------------------------------------------------------------------

export const MASK = '***';

/** 13800138000 → 138****8000; anything too short to keep both ends → ***. */
export function maskPhone(v: string): string {
  return v.length >= 8 ? `${v.slice(0, 3)}****${v.slice(-4)}` : MASK;
}

/** 110101199003071234 → 110***********1234 (the first 3 and last 4 kept). */
export function maskIdNumber(v: string): string {
  return v.length >= 8 ? `${v.slice(0, 3)}${'*'.repeat(v.length - 7)}${v.slice(-4)}` : MASK;
}

/**
 * The form as someone who may not see personal data sees it: private phone and ID-number fields keep
 * their ends, every other private field becomes ***. Keys the schema does not have are dropped.
 */
export function maskPrivate(schema: FormSchema, values: FormValues): FormValues {
  const out: FormValues = {};
  for (const field of schema.fields) {
    if (!Object.hasOwn(values, field.key)) continue;
    const v = values[field.key];
    if (!field.private) out[field.key] = v;
    else if (field.format === 'phone' && typeof v === 'string') out[field.key] = maskPhone(v);
    else if (field.format === 'idNumber' && typeof v === 'string') out[field.key] = maskIdNumber(v);
    else out[field.key] = MASK;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkFieldBounds(f: Record<string, unknown>, type: FieldType, at: string, name: string, key: string | null): TemplateProblem[] {
  const out: TemplateProblem[] = [];
  const where = { fieldKey: key };
  for (const b of ['min', 'max'] as const) {
    const v = f[b];
    if (v === undefined) continue;
    if (!BOUNDED.has(type)) {
      out.push(problem('field_attribute_unsupported', `${at}.${b}`, `字段${name}是${type}类型，不能设置${b === 'min' ? '最小值' : '最大值'}`, where));
      continue;
    }
    const counts = type !== 'number'; // lengths, counts, days and fen are whole numbers ≥ 0
    if (!isFiniteNumber(v) || (counts && (!Number.isSafeInteger(v) || v < 0))) {
      out.push(problem('field_bounds_invalid', `${at}.${b}`, `字段${name}的${b === 'min' ? '最小值' : '最大值'}应为${counts ? '非负整数' : '数字'}`, where));
    }
  }
  const { min, max } = f;
  if (isFiniteNumber(min) && isFiniteNumber(max) && min > max) {
    out.push(problem('field_bounds_invalid', `${at}.min`, `字段${name}的最小值 ${min} 大于最大值 ${max}`, where));
  }
  if ((type === 'text' || type === 'textarea') && isFiniteNumber(max) && max > TEXT_MAX_LIMIT[type]) {
    out.push(problem('field_bounds_invalid', `${at}.max`, `字段${name}最长不能超过 ${TEXT_MAX_LIMIT[type]} 个字`, where));
  }
  if (type === 'attachments' && isFiniteNumber(max) && max > ATTACHMENTS_MAX) {
    out.push(problem('field_bounds_invalid', `${at}.max`, `字段${name}最多只能设置 ${ATTACHMENTS_MAX} 个文件`, where));
  }
  return out;
}

function checkOptions(options: unknown, at: string, name: string, key: string | null): TemplateProblem[] {
  const where = { fieldKey: key };
  if (!Array.isArray(options) || options.length === 0) return [problem('field_options_invalid', at, `字段${name}至少需要一个选项`, where)];
  if (options.length > MAX_OPTIONS) return [problem('field_options_invalid', at, `字段${name}最多 ${MAX_OPTIONS} 个选项`, where)];
  const out: TemplateProblem[] = [];
  const seen = new Set<string>();
  options.forEach((o, i) => {
    if (!isObject(o) || !isNonEmptyString(o.value, 100) || !isNonEmptyString(o.label, 100)) {
      out.push(problem('field_options_invalid', `${at}.${i}`, `字段${name}的第 ${i + 1} 个选项需要值和名称（各不超过 100 字）`, where));
    } else if (seen.has(o.value)) {
      out.push(problem('field_options_invalid', `${at}.${i}.value`, `字段${name}的选项值「${o.value}」重复`, where));
    } else {
      seen.add(o.value);
    }
  });
  return out;
}

/**
 * Problems with a form schema: keys, labels, types, options, bounds, patterns and formats, each naming
 * the field. Accepts anything (the input comes straight from a request body); paths start at `form`.
 */
export function validateSchema(schema: unknown, at = 'form'): TemplateProblem[] {
  if (!isObject(schema) || !Array.isArray(schema.fields)) return [problem('schema_invalid', at, '表单应包含字段列表 fields')];
  if (schema.fields.length > MAX_FIELDS) return [problem('schema_invalid', `${at}.fields`, `表单最多 ${MAX_FIELDS} 个字段`)];
  const out: TemplateProblem[] = [];
  const keys = new Set<string>();
  schema.fields.forEach((f: unknown, i: number) => {
    const fat = `${at}.fields.${i}`;
    if (!isObject(f)) {
      out.push(problem('schema_invalid', fat, `第 ${i + 1} 个字段应为对象`));
      return;
    }
    const key = typeof f.key === 'string' && FIELD_KEY.test(f.key) ? f.key : null;
    const name = isNonEmptyString(f.label, 50) ? `「${f.label}」` : key ? `「${key}」` : `第 ${i + 1} 个`;
    const where = { fieldKey: key };
    if (!key) out.push(problem('field_key_invalid', `${fat}.key`, `字段${name}的 key 应以字母开头，只含字母、数字和下划线，不超过 40 个字符`));
    else if (keys.has(key)) out.push(problem('field_key_duplicate', `${fat}.key`, `字段 key「${key}」重复`, where));
    else keys.add(key);
    if (!isNonEmptyString(f.label, 50)) out.push(problem('field_label_missing', `${fat}.label`, `字段${name}需要名称（不超过 50 字）`, where));
    if (typeof f.type !== 'string' || !FIELD_TYPES.has(f.type)) {
      out.push(problem('field_type_invalid', `${fat}.type`, `字段${name}的类型无效，可选：${[...FIELD_TYPES].join('、')}`, where));
      return;
    }
    const type = f.type as FieldType;
    for (const flag of ['required', 'private', 'integer'] as const) {
      if (f[flag] !== undefined && typeof f[flag] !== 'boolean') {
        out.push(problem('field_attribute_unsupported', `${fat}.${flag}`, `字段${name}的 ${flag} 应为 true 或 false`, where));
      }
    }
    for (const text of ['placeholder', 'help', 'patternMessage'] as const) {
      if (f[text] !== undefined && (typeof f[text] !== 'string' || length(f[text]) > 200)) {
        out.push(problem('field_attribute_unsupported', `${fat}.${text}`, `字段${name}的 ${text} 应为不超过 200 字的文字`, where));
      }
    }
    if (f.integer !== undefined && type !== 'number') {
      out.push(problem('field_attribute_unsupported', `${fat}.integer`, `只有数字字段可以要求整数（字段${name}）`, where));
    }
    out.push(...checkFieldBounds(f, type, fat, name, key));
    if (WITH_OPTIONS.has(type)) out.push(...checkOptions(f.options, `${fat}.options`, name, key));
    else if (f.options !== undefined) out.push(problem('field_attribute_unsupported', `${fat}.options`, `只有单选、多选字段有选项（字段${name}）`, where));
    if (f.pattern !== undefined) {
      if (!WITH_PATTERN.has(type)) {
        out.push(problem('field_attribute_unsupported', `${fat}.pattern`, `只有文本字段可以设置格式规则（字段${name}）`, where));
      } else if (typeof f.pattern !== 'string' || f.pattern === '' || f.pattern.length > PATTERN_MAX) {
        out.push(problem('field_pattern_invalid', `${fat}.pattern`, `字段${name}的格式规则应为不超过 ${PATTERN_MAX} 个字符的正则表达式`, where));
      } else {
        try {
          new RegExp(`^(?:${f.pattern})$`, 'u');
        } catch {
          out.push(problem('field_pattern_invalid', `${fat}.pattern`, `字段${name}的格式规则不是有效的正则表达式`, where));
        }
      }
    } else if (f.patternMessage !== undefined) {
      out.push(problem('field_attribute_unsupported', `${fat}.patternMessage`, `字段${name}没有格式规则，不需要格式提示`, where));
    }
    if (f.format !== undefined) {
      if (type !== 'text') out.push(problem('field_format_invalid', `${fat}.format`, `只有单行文本字段可以设置格式（字段${name}）`, where));
      else if (typeof f.format !== 'string' || !TEXT_FORMATS.has(f.format)) {
        out.push(problem('field_format_invalid', `${fat}.format`, `字段${name}的格式只能是 phone（手机号）或 idNumber（身份证号）`, where));
      }
    }
  });
  return out;
}
