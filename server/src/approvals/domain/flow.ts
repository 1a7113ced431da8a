/**
 * Approval flows: checking a flow before it is published, evaluating branch conditions, and walking a
 * flow for one instance (which node activates next, which CC nodes fire, the path it will take).
 * Pure: no Nest, no database. A flow's nodes form a tree: branch nodes hold ordered branches, each a
 * list of nodes; after a branch's nodes the flow continues after its branch node, unless an end node
 * ended it.
 */
import { ApproverMode, CcWhen, ConditionOp, ConditionOpLabel, EmptyApproverPolicy, FieldTypeLabel, NodeType, Role, UnitKind } from '@lianxin/shared';
import type {
  ApplicantAttributes,
  ApproverNode,
  ApproverRule,
  BranchNode,
  CcNode,
  Condition,
  EndNode,
  FieldError,
  FieldType,
  Flow,
  FlowBranch,
  FlowNode,
  FormField,
  FormSchema,
  FormValues,
  TemplateProblem,
  UnitKey,
} from '@lianxin/shared';
import { isDate } from './form.js';
import { isNonEmptyString, isObject, isUuid, problem } from './problems.js';

/** What branch conditions see of one instance. */
export interface FlowContext {
  form: FormValues;
  applicant: ApplicantAttributes;
}

export const MAX_NODES = 200;
export const MAX_DEPTH = 8;
const MAX_CONDITION_DEPTH = 10;
const MAX_CONDITION_ITEMS = 50;
const MAX_SUPERVISOR_LEVELS = 20;
const MAX_RULE_MEMBERS = 100;
/** Most members the applicant may pick for one 自选 node. */
export const MAX_CHOSEN = 20;

const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const NODE_TYPES = new Set<string>(Object.values(NodeType));
const MODES = new Set<string>(Object.values(ApproverMode));
const POLICIES = new Set<string>(Object.values(EmptyApproverPolicy));
const CC_WHENS = new Set<string>(Object.values(CcWhen));
const OPS = new Set<string>(Object.values(ConditionOp));
const ROLES = new Set<string>(Object.values(Role));
const UNIT_KINDS = new Set<string>(Object.values(UnitKind));

// ---------------------------------------------------------------------------------------------
// Unit keys
// ---------------------------------------------------------------------------------------------

export type ParsedUnitKey = { kind: 'root' } | { kind: 'bureau'; name: string } | { kind: 'applicant'; unitKind: UnitKind };

/** Reads a {@link UnitKey}; null when it is not one. */
export function parseUnitKey(key: unknown): ParsedUnitKey | null {
  if (typeof key !== 'string') return null;
  if (key === 'root') return { kind: 'root' };
  if (key.startsWith('bureau:')) {
    const name = key.slice('bureau:'.length);
    return name.trim() !== '' && name === name.trim() && [...name].length <= 50 ? { kind: 'bureau', name } : null;
  }
  if (key.startsWith('applicant:')) {
    const kind = key.slice('applicant:'.length);
    return UNIT_KINDS.has(kind) ? { kind: 'applicant', unitKind: kind as UnitKind } : null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------

const isEmptyValue = (v: unknown): boolean => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

function sameSet(a: readonly unknown[], b: readonly unknown[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function compare(v: unknown, target: unknown): number | null {
  if (typeof v === 'number' && typeof target === 'number') return v - target;
  if (typeof v === 'string' && typeof target === 'string') return v < target ? -1 : v > target ? 1 : 0;
  return null;
}

function fieldHolds(v: unknown, op: string, target: unknown): boolean {
  if (isEmptyValue(v)) return op === 'ne';
  switch (op) {
    case 'eq':
      return Array.isArray(v) ? Array.isArray(target) && sameSet(v, target) : v === target;
    case 'ne':
      return !fieldHolds(v, 'eq', target);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const c = compare(v, target);
      if (c === null) return false;
      return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
    }
    case 'in':
      if (!Array.isArray(target)) return false;
      return Array.isArray(v) ? v.some((x) => (target as unknown[]).includes(x)) : (target as unknown[]).includes(v);
    case 'contains':
      if (Array.isArray(v)) return v.includes(target);
      return typeof v === 'string' && typeof target === 'string' && v.includes(target);
    default:
      return false;
  }
}

/**
 * Whether a condition holds for an instance. Total: an unknown kind or operator, or a value of the
 * wrong type, is simply false (flows are checked by validateFlow before they are published).
 */
export function evaluateCondition(condition: Condition, ctx: FlowContext): boolean {
  const c = condition as unknown;
  if (!isObject(c)) return false;
  switch (c.kind) {
    case 'field':
      return typeof c.field === 'string' && fieldHolds(Object.hasOwn(ctx.form, c.field) ? ctx.form[c.field] : undefined, String(c.op), c.value);
    case 'applicant': {
      const set: readonly string[] = c.attribute === 'unitKind' ? ctx.applicant.unitKinds : c.attribute === 'role' ? ctx.applicant.roles : [];
      if (c.op === 'eq') return set.includes(c.value as string);
      if (c.op === 'ne') return !set.includes(c.value as string);
      if (c.op === 'in') return Array.isArray(c.value) && c.value.some((x) => set.includes(x as string));
      return false;
    }
    case 'all':
      return Array.isArray(c.conditions) && c.conditions.every((x) => evaluateCondition(x as Condition, ctx));
    case 'any':
      return Array.isArray(c.conditions) && c.conditions.some((x) => evaluateCondition(x as Condition, ctx));
    case 'not':
      return !evaluateCondition(c.condition as Condition, ctx);
    default:
      return false;
  }
}

/** Operators each field type can be compared with. */
const OPS_FOR: Partial<Record<FieldType, readonly string[]>> = {
  text: ['eq', 'ne', 'in', 'contains'],
  textarea: ['eq', 'ne', 'in', 'contains'],
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'],
  money: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'],
  select: ['eq', 'ne', 'in'],
  multiSelect: ['eq', 'ne', 'in', 'contains'],
  member: ['eq', 'ne', 'in'],
  unit: ['eq', 'ne', 'in'],
};

/** Whether one scalar suits a field of this type in a condition; the message says what was expected. */
function scalarFits(field: FormField, v: unknown): string | null {
  switch (field.type) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? null : '数字';
    case 'money':
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? null : '以分计的非负整数金额';
    case 'date':
      return isDate(v) ? null : 'YYYY-MM-DD 日期';
    case 'select':
    case 'multiSelect':
      return typeof v === 'string' && (field.options ?? []).some((o) => o.value === v)
        ? null
        : `选项值（${(field.options ?? []).map((o) => o.value).join('、')}）`;
    case 'member':
    case 'unit':
      return isUuid(v) ? null : 'id';
    default:
      return typeof v === 'string' ? null : '文字';
  }
}

function checkCondition(
  c: unknown,
  fields: ReadonlyMap<string, FormField>,
  at: string,
  owner: { nodeId: string | null; label: string },
  depth: number,
): TemplateProblem[] {
  const invalid = (message: string, path = at) => [problem('condition_invalid', path, `${owner.label}：${message}`, { nodeId: owner.nodeId })];
  if (depth > MAX_CONDITION_DEPTH) return invalid(`条件嵌套不能超过 ${MAX_CONDITION_DEPTH} 层`);
  if (!isObject(c)) return invalid('条件应为对象');
  switch (c.kind) {
    case 'all':
    case 'any': {
      if (!Array.isArray(c.conditions) || c.conditions.length > MAX_CONDITION_ITEMS) {
        return invalid(`「${c.kind === 'all' ? '且' : '或'}」条件应包含不超过 ${MAX_CONDITION_ITEMS} 个子条件`, `${at}.conditions`);
      }
      return c.conditions.flatMap((x, i) => checkCondition(x, fields, `${at}.conditions.${i}`, owner, depth + 1));
    }
    case 'not':
      return checkCondition(c.condition, fields, `${at}.condition`, owner, depth + 1);
    case 'applicant': {
      const known = c.attribute === 'unitKind' ? UNIT_KINDS : c.attribute === 'role' ? ROLES : null;
      if (!known) return invalid('发起人条件只能按单位层级（unitKind）或角色（role）判断', `${at}.attribute`);
      if (c.op !== 'eq' && c.op !== 'ne' && c.op !== 'in') return invalid('发起人条件只能用 等于、不等于、属于其中之一', `${at}.op`);
      const values = c.op === 'in' ? c.value : [c.value];
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string' && known.has(v))) {
        return invalid(`发起人条件的取值应为${c.op === 'in' ? '非空列表，每项为' : ''}：${[...known].join('、')}`, `${at}.value`);
      }
      return [];
    }
    case 'field': {
      if (typeof c.field !== 'string' || !fields.has(c.field)) {
        const key = typeof c.field === 'string' ? c.field : null;
        return [
          problem('condition_field_unknown', `${at}.field`, `${owner.label}：条件引用的字段「${key ?? String(c.field)}」不在表单中`, {
            nodeId: owner.nodeId,
            fieldKey: key,
          }),
        ];
      }
      const field = fields.get(c.field)!;
      const where = { nodeId: owner.nodeId, fieldKey: field.key };
      if (typeof c.op !== 'string' || !OPS.has(c.op)) return invalid(`条件运算只能是 ${[...OPS].join('、')}`, `${at}.op`);
      const ops = OPS_FOR[field.type];
      if (!ops) {
        const kind = FieldTypeLabel[field.type] ?? field.type;
        return [problem('condition_type_mismatch', `${at}.field`, `${owner.label}：不能按${kind}字段「${field.label}」设置条件`, where)];
      }
      if (!ops.includes(c.op)) {
        return [problem('condition_type_mismatch', `${at}.op`, `${owner.label}：字段「${field.label}」不能用「${ConditionOpLabel[c.op as ConditionOp]}」比较，可用：${ops.map((o) => ConditionOpLabel[o as ConditionOp]).join('、')}`, where)];
      }
      // multiSelect compares sets with eq/ne and lists with in; everything else takes a list only with in.
      const wantsList = c.op === 'in' || (field.type === 'multiSelect' && (c.op === 'eq' || c.op === 'ne'));
      const values = wantsList ? c.value : [c.value];
      if (!Array.isArray(values) || (wantsList && values.length === 0 && c.op === 'in')) {
        return [problem('condition_type_mismatch', `${at}.value`, `${owner.label}：字段「${field.label}」的「${c.op}」条件需要一个取值列表`, where)];
      }
      for (const v of values) {
        const expected = scalarFits(field, v);
        if (expected) {
          return [problem('condition_type_mismatch', `${at}.value`, `${owner.label}：字段「${field.label}」的比较值应为${expected}，而不是 ${JSON.stringify(v)}`, where)];
        }
      }
      return [];
    }
    default:
      return invalid('条件类型只能是 field、applicant、all、any、not', `${at}.kind`);
  }
}

// ---------------------------------------------------------------------------------------------
// Flow validation
// ---------------------------------------------------------------------------------------------

function checkRule(rule: unknown, at: string, label: string, nodeId: string | null): TemplateProblem[] {
  const bad = (message: string, path = at) => [problem('approver_rule_invalid', path, `${label}：${message}`, { nodeId })];
  if (!isObject(rule)) return bad('审批人规则应为对象');
  switch (rule.kind) {
    case 'members': {
      const ids = rule.memberIds;
      if (!Array.isArray(ids) || ids.length === 0) return bad('「指定成员」规则没有选择任何成员', `${at}.memberIds`);
      if (ids.length > MAX_RULE_MEMBERS) return bad(`「指定成员」最多 ${MAX_RULE_MEMBERS} 人`, `${at}.memberIds`);
      if (!ids.every(isUuid)) return bad('「指定成员」中有无效的成员 id', `${at}.memberIds`);
      return [];
    }
    case 'role': {
      const out: TemplateProblem[] = [];
      if (typeof rule.role !== 'string' || !ROLES.has(rule.role)) out.push(...bad(`「指定单位的角色」缺少角色，可选：${[...ROLES].join('、')}`, `${at}.role`));
      const hasId = rule.unitId !== undefined;
      const hasKey = rule.unitKey !== undefined;
      if (hasId === hasKey) out.push(...bad('「指定单位的角色」需要 unitId 或 unitKey 之一（只能一个）', at));
      else if (hasId && !isUuid(rule.unitId)) out.push(...bad('「指定单位的角色」的 unitId 不是有效的 id', `${at}.unitId`));
      else if (hasKey && !parseUnitKey(rule.unitKey)) {
        out.push(...bad(`单位标识「${String(rule.unitKey)}」无效，应为 root、bureau:<局办名称> 或 applicant:<单位层级>`, `${at}.unitKey`));
      }
      return out;
    }
    case 'supervisor':
      return Number.isInteger(rule.levels) && (rule.levels as number) >= 1 && (rule.levels as number) <= MAX_SUPERVISOR_LEVELS
        ? []
        : bad(`「发起人的主管」的层级应为 1 到 ${MAX_SUPERVISOR_LEVELS} 的整数`, `${at}.levels`);
    case 'unitHead':
      return rule.level === undefined || (typeof rule.level === 'string' && UNIT_KINDS.has(rule.level))
        ? []
        : bad(`「单位负责人」的层级只能是 ${[...UNIT_KINDS].join('、')}`, `${at}.level`);
    case 'chosen':
      return rule.multiple === undefined || typeof rule.multiple === 'boolean' ? [] : bad('「发起人自选」的 multiple 应为 true 或 false', `${at}.multiple`);
    default:
      return bad('规则类型只能是 members、role、supervisor、unitHead、chosen', `${at}.kind`);
  }
}

function checkRules(rules: unknown, at: string, label: string, nodeId: string | null, what: string): TemplateProblem[] {
  if (!Array.isArray(rules) || rules.length === 0) return [problem('approver_rules_empty', at, `${label}没有设置${what}`, { nodeId })];
  const out = rules.flatMap((r, i) => checkRule(r, `${at}.${i}`, label, nodeId));
  if (rules.filter((r) => isObject(r) && r.kind === 'chosen').length > 1) {
    out.push(problem('approver_rule_invalid', at, `${label}：一个节点只能有一条「发起人自选」规则`, { nodeId }));
  }
  return out;
}

interface Walker {
  problems: TemplateProblem[];
  ids: Set<string>;
  fields: ReadonlyMap<string, FormField>;
  count: number;
  /** Approver nodes that can be reached. */
  reachableApprovers: number;
}

/** Fewest approver nodes on the paths that end inside a list (`term`) and that run off its end (`cont`). */
interface PathCounts {
  cont: number;
  term: number;
}

function nodeLabel(n: Record<string, unknown>, i: number): string {
  if (isNonEmptyString(n.name, 50)) return `节点「${n.name}」`;
  if (typeof n.id === 'string' && NODE_ID.test(n.id)) return `节点 ${n.id}`;
  return `第 ${i + 1} 个节点`;
}

function checkList(nodes: unknown, at: string, depth: number, reachable: boolean, w: Walker): PathCounts {
  const counts: PathCounts = { cont: 0, term: Infinity };
  if (!Array.isArray(nodes)) {
    w.problems.push(problem('node_invalid', at, '节点列表 nodes 应为数组'));
    return counts;
  }
  if (depth > MAX_DEPTH) {
    w.problems.push(problem('flow_too_large', at, `条件分支嵌套不能超过 ${MAX_DEPTH} 层`));
    return counts;
  }
  /** The node that ended every path so far, when one did. */
  let endedBy: string | null = null;
  nodes.forEach((n: unknown, i: number) => {
    const nat = `${at}.${i}`;
    w.count++;
    if (!isObject(n)) {
      w.problems.push(problem('node_invalid', nat, `第 ${i + 1} 个节点应为对象`));
      return;
    }
    const label = nodeLabel(n, i);
    const id = typeof n.id === 'string' && NODE_ID.test(n.id) ? n.id : null;
    if (!id) w.problems.push(problem('node_id_invalid', `${nat}.id`, `${label}的 id 应为 1 到 64 个字母、数字、- 或 _`));
    else if (w.ids.has(id)) w.problems.push(problem('node_id_duplicate', `${nat}.id`, `${label}的 id「${id}」与其他节点重复`, { nodeId: id }));
    else w.ids.add(id);
    if (!isNonEmptyString(n.name, 50)) w.problems.push(problem('node_name_missing', `${nat}.name`, `${label}需要名称（不超过 50 字）`, { nodeId: id }));
    if (typeof n.type !== 'string' || !NODE_TYPES.has(n.type)) {
      w.problems.push(problem('node_invalid', `${nat}.type`, `${label}的类型只能是 approver、cc、branch、end`, { nodeId: id }));
      return;
    }
    const here = reachable && endedBy === null;
    if (reachable && endedBy !== null) {
      w.problems.push(problem('node_unreachable', nat, `${label}永远不会执行：${endedBy}`, { nodeId: id }));
    }
    switch (n.type as NodeType) {
      case 'approver': {
        w.problems.push(...checkRules(n.approvers, `${nat}.approvers`, label, id, '审批人'));
        if (typeof n.mode !== 'string' || !MODES.has(n.mode)) {
          w.problems.push(problem('mode_invalid', `${nat}.mode`, `${label}的审批方式只能是 sequential（依次）、all（会签）、any（或签）`, { nodeId: id }));
        }
        if (n.passRatio !== undefined) {
          if (n.mode !== 'all') {
            w.problems.push(problem('pass_ratio_invalid', `${nat}.passRatio`, `${label}：只有会签节点可以设置通过比例`, { nodeId: id }));
          } else if (typeof n.passRatio !== 'number' || !(n.passRatio > 0 && n.passRatio <= 1)) {
            w.problems.push(problem('pass_ratio_invalid', `${nat}.passRatio`, `${label}的通过比例应大于 0 且不超过 1（如 0.5 表示过半数同意）`, { nodeId: id }));
          }
        }
        if (n.onEmpty !== undefined && (typeof n.onEmpty !== 'string' || !POLICIES.has(n.onEmpty))) {
          w.problems.push(problem('on_empty_invalid', `${nat}.onEmpty`, `${label}找不到审批人时的处理只能是 skip、admin、fail`, { nodeId: id }));
        }
        if (here) w.reachableApprovers++;
        counts.cont += 1;
        break;
      }
      case 'cc':
        w.problems.push(...checkRules(n.recipients, `${nat}.recipients`, label, id, '抄送人'));
        if (typeof n.when !== 'string' || !CC_WHENS.has(n.when)) {
          w.problems.push(problem('cc_when_invalid', `${nat}.when`, `${label}的抄送时机只能是 start、pass、end`, { nodeId: id }));
        }
        break;
      case 'end':
        counts.term = Math.min(counts.term, counts.cont);
        counts.cont = Infinity;
        if (endedBy === null) endedBy = `流程在它前面的${label}已经结束`;
        break;
      case 'branch': {
        const inner = checkBranches(n, nat, label, id, depth, here, w);
        counts.term = Math.min(counts.term, counts.cont + inner.term);
        counts.cont = counts.cont + inner.cont;
        if (endedBy === null && inner.cont === Infinity && inner.term !== Infinity) endedBy = `它前面的${label}的每个分支都会结束流程`;
        break;
      }
    }
  });
  return counts;
}

function checkBranches(
  n: Record<string, unknown>,
  at: string,
  label: string,
  nodeId: string | null,
  depth: number,
  reachable: boolean,
  w: Walker,
): PathCounts {
  const counts: PathCounts = { cont: Infinity, term: Infinity };
  if (!Array.isArray(n.branches) || n.branches.length === 0) {
    w.problems.push(problem('branch_empty', `${at}.branches`, `${label}没有任何分支`, { nodeId }));
    return { cont: 0, term: Infinity };
  }
  let defaults = 0;
  let conditional = 0;
  const priorities = new Map<number, string>();
  n.branches.forEach((b: unknown, i: number) => {
    const bat = `${at}.branches.${i}`;
    if (!isObject(b)) {
      w.problems.push(problem('node_invalid', bat, `${label}的第 ${i + 1} 个分支应为对象`, { nodeId }));
      return;
    }
    const bname = isNonEmptyString(b.name, 50) ? `分支「${b.name}」` : `第 ${i + 1} 个分支`;
    const blabel = `${label}的${bname}`;
    if (!isNonEmptyString(b.name, 50)) w.problems.push(problem('node_name_missing', `${bat}.name`, `${blabel}需要名称（不超过 50 字）`, { nodeId }));
    if (!Number.isSafeInteger(b.priority) || (b.priority as number) < 1) {
      w.problems.push(problem('branch_priority_invalid', `${bat}.priority`, `${blabel}的优先级应为正整数（1 最先判断）`, { nodeId }));
    }
    if (b.condition === null) {
      defaults++;
      if (defaults === 2) w.problems.push(problem('branch_default_duplicate', `${bat}.condition`, `${label}有不止一个默认分支（条件为空的分支只能有一个）`, { nodeId }));
    } else if (b.condition === undefined) {
      w.problems.push(problem('condition_invalid', `${bat}.condition`, `${blabel}缺少条件；默认分支请写 condition: null`, { nodeId }));
    } else {
      conditional++;
      w.problems.push(...checkCondition(b.condition, w.fields, `${bat}.condition`, { nodeId, label: blabel }, 0));
      if (Number.isSafeInteger(b.priority)) {
        const other = priorities.get(b.priority as number);
        if (other) w.problems.push(problem('branch_priority_invalid', `${bat}.priority`, `${blabel}与${other}的优先级都是 ${b.priority}`, { nodeId }));
        else priorities.set(b.priority as number, bname);
      }
    }
    const inner = checkList(b.nodes, `${bat}.nodes`, depth + 1, reachable, w);
    counts.cont = Math.min(counts.cont, inner.cont);
    counts.term = Math.min(counts.term, inner.term);
  });
  if (conditional === 0) w.problems.push(problem('branch_empty', `${at}.branches`, `${label}至少需要一个带条件的分支`, { nodeId }));
  if (defaults === 0) {
    w.problems.push(problem('branch_default_missing', `${at}.branches`, `${label}缺少默认分支（condition 为 null）：没有条件满足时流程无处可走`, { nodeId }));
  }
  return counts;
}

/**
 * Problems that keep a flow from being published (and warnings that do not): malformed or duplicate
 * nodes, approver rules that name nobody, pass ratios, branch nodes without exactly one default branch
 * or with clashing priorities, conditions on unknown fields or with values of the wrong type, nodes
 * that can never run, and a flow with no approver at all. Each message names the node. Accepts
 * anything (it comes straight from a request body); conditions are checked against `schema`'s fields.
 */
export function validateFlow(flow: unknown, schema: FormSchema, at = 'flow'): TemplateProblem[] {
  if (!isObject(flow) || !Array.isArray(flow.nodes)) return [problem('flow_invalid', at, '流程应包含节点列表 nodes')];
  const fields = new Map<string, FormField>();
  const schemaFields: unknown[] = isObject(schema) && Array.isArray(schema.fields) ? schema.fields : [];
  for (const f of schemaFields) if (isObject(f) && typeof f.key === 'string' && !fields.has(f.key)) fields.set(f.key, f as unknown as FormField);
  const w: Walker = { problems: [], ids: new Set(), fields, count: 0, reachableApprovers: 0 };
  const counts = checkList(flow.nodes, `${at}.nodes`, 0, true, w);
  if (w.count > MAX_NODES) w.problems.unshift(problem('flow_too_large', `${at}.nodes`, `流程最多 ${MAX_NODES} 个节点（现有 ${w.count} 个）`));
  if (w.reachableApprovers === 0) {
    w.problems.push(problem('no_approver', `${at}.nodes`, '流程中没有任何会执行的审批人节点：申请会无人审批直接通过'));
  } else if (Math.min(counts.cont, counts.term) === 0) {
    w.problems.push(
      problem('path_without_approver', `${at}.nodes`, '有的条件分支路线上没有审批人：走这些路线的申请会直接通过', { severity: 'warning' }),
    );
  }
  return w.problems;
}

// ---------------------------------------------------------------------------------------------
// Traversal
// ---------------------------------------------------------------------------------------------

export type StepNode = ApproverNode | CcNode | EndNode;

interface Frame {
  nodes: readonly FlowNode[];
  index: number;
}

/** The branch an instance takes: the first whose condition holds by ascending priority, else the default; null when neither. */
export function chooseBranch(node: BranchNode, ctx: FlowContext): FlowBranch | null {
  const ordered = node.branches
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => b.condition !== null)
    .sort((x, y) => x.b.priority - y.b.priority || x.i - y.i);
  for (const { b } of ordered) if (evaluateCondition(b.condition!, ctx)) return b;
  return node.branches.find((b) => b.condition === null) ?? null;
}

/** Frames from the top list down to the one holding the node (its index points at it); null when absent. */
function locate(nodes: readonly FlowNode[], id: string): Frame[] | null {
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (n.id === id) return [{ nodes, index: i }];
    if (n.type === 'branch') {
      for (const b of n.branches) {
        const inner = locate(b.nodes, id);
        if (inner) return [{ nodes, index: i }, ...inner];
      }
    }
  }
  return null;
}

/** The nodes the instance meets from a position on, in order, entering the branches it takes; stops after an end node. */
function* walk(start: Frame[], ctx: FlowContext): Generator<StepNode> {
  const stack = start.map((f) => ({ ...f }));
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.index >= top.nodes.length) {
      stack.pop();
      if (stack.length > 0) stack[stack.length - 1].index++;
      continue;
    }
    const node = top.nodes[top.index];
    if (node.type === 'branch') {
      const branch = chooseBranch(node, ctx);
      if (branch) stack.push({ nodes: branch.nodes, index: 0 });
      else top.index++;
      continue;
    }
    yield node;
    if (node.type === 'end') return;
    top.index++;
  }
}

/** The node with this id anywhere in the flow. */
export function findNode(flow: Flow, id: string): FlowNode | null {
  const frames = locate(flow.nodes, id);
  if (!frames) return null;
  const last = frames[frames.length - 1];
  return last.nodes[last.index];
}

/**
 * What happens next: the approver node to activate (null: the flow has ended and the instance is
 * approved) and the CC nodes with `when: 'pass'` reached on the way, in order.
 */
export interface FlowStep {
  node: ApproverNode | null;
  cc: CcNode[];
}

function stepFrom(frames: Frame[], ctx: FlowContext): FlowStep {
  const cc: CcNode[] = [];
  for (const node of walk(frames, ctx)) {
    if (node.type === 'approver') return { node, cc };
    if (node.type === 'cc' && node.when === 'pass') cc.push(node);
  }
  return { node: null, cc };
}

/** The first approver node of a new (or resubmitted) instance. */
export function firstStep(flow: Flow, ctx: FlowContext): FlowStep {
  return stepFrom([{ nodes: flow.nodes, index: 0 }], ctx);
}

/**
 * The step after a node has passed (usually an approver node; any node id works: after a branch node
 * means after the whole branch). Branches the node sits in are kept; branches ahead are resolved with `ctx`.
 * Throws when the id is not in the flow (instances keep their version, so this is a bug).
 */
export function nextStep(flow: Flow, afterNodeId: string, ctx: FlowContext): FlowStep {
  const frames = locate(flow.nodes, afterNodeId);
  if (!frames) throw new Error(`flow has no node ${afterNodeId}`);
  frames[frames.length - 1].index++;
  return stepFrom(frames, ctx);
}

/** Every approver, CC and end node this instance will pass through, in order (the 流程 preview). */
export function nodePath(flow: Flow, ctx: FlowContext): StepNode[] {
  return [...walk([{ nodes: flow.nodes, index: 0 }], ctx)];
}

/** The CC nodes on the instance's path that notify at this moment. */
export function ccNodesFor(flow: Flow, when: CcNode['when'], ctx: FlowContext): CcNode[] {
  return nodePath(flow, ctx).filter((n): n is CcNode => n.type === 'cc' && n.when === when);
}

/**
 * The approver nodes a task on `currentNodeId` may return to: those before it on the instance's path.
 * Empty when the node is not on the path (only a return to the applicant is possible then).
 */
export function returnTargets(flow: Flow, currentNodeId: string, ctx: FlowContext): ApproverNode[] {
  const path = nodePath(flow, ctx);
  const at = path.findIndex((n) => n.id === currentNodeId);
  return at < 0 ? [] : path.slice(0, at).filter((n): n is ApproverNode => n.type === 'approver');
}

/** Approver and CC nodes on the path with a 自选 rule: the applicant must name their members when starting. */
export function chosenNodes(flow: Flow, ctx: FlowContext): Array<ApproverNode | CcNode> {
  return nodePath(flow, ctx).filter((n): n is ApproverNode | CcNode => rulesOf(n).some((r) => r.kind === 'chosen'));
}

function rulesOf(n: FlowNode): ApproverRule[] {
  return n.type === 'approver' ? n.approvers : n.type === 'cc' ? n.recipients : [];
}

function allNodes(nodes: readonly FlowNode[]): FlowNode[] {
  return nodes.flatMap((n) => (n.type === 'branch' ? [n, ...n.branches.flatMap((b) => allNodes(b.nodes))] : [n]));
}

/**
 * Checks `chosenApprovers` of a start request against the flow: every 自选 node on the path needs
 * 1 member (up to MAX_CHOSEN when the rule allows several), as ids; picks for 自选 nodes of branches
 * not taken are dropped, keys that are no 自选 node are refused. Whether the members exist is the
 * caller's to check. Error paths are `chosenApprovers.<nodeId>`.
 */
export function checkChosenApprovers(flow: Flow, ctx: FlowContext, chosen: unknown): { errors: FieldError[]; normalized: Record<string, string[]> } {
  const errors: FieldError[] = [];
  const normalized: Record<string, string[]> = {};
  const given: Record<string, unknown> = chosen === undefined || chosen === null ? {} : isObject(chosen) ? chosen : {};
  if (chosen !== undefined && chosen !== null && !isObject(chosen)) {
    errors.push({ path: 'chosenApprovers', message: '自选审批人应为对象（节点 id → 成员 id 列表）' });
  }
  const anywhere = new Set(allNodes(flow.nodes).filter((n) => rulesOf(n).some((r) => r.kind === 'chosen')).map((n) => n.id));
  for (const key of Object.keys(given)) {
    if (!anywhere.has(key)) errors.push({ path: `chosenApprovers.${key}`, message: `流程中没有需要自选的节点「${key}」` });
  }
  for (const node of chosenNodes(flow, ctx)) {
    const path = `chosenApprovers.${node.id}`;
    const rule = rulesOf(node).find((r) => r.kind === 'chosen') as Extract<ApproverRule, { kind: 'chosen' }>;
    const ids = Object.hasOwn(given, node.id) ? given[node.id] : undefined;
    const who = node.type === 'cc' ? '抄送人' : '审批人';
    if (!Array.isArray(ids) || ids.length === 0) {
      errors.push({ path, message: `请为「${node.name}」选择${who}` });
    } else if (!ids.every(isUuid)) {
      errors.push({ path, message: `「${node.name}」的${who}中有无效的成员 id` });
    } else {
      const unique = [...new Set((ids as string[]).map((id) => id.toLowerCase()))];
      const max = rule.multiple ? MAX_CHOSEN : 1;
      if (unique.length > max) errors.push({ path, message: rule.multiple ? `「${node.name}」最多选择 ${max} 位${who}` : `「${node.name}」只能选择 1 位${who}` });
      else normalized[node.id] = unique;
    }
  }
  return { errors, normalized };
}

/** Every node id in the flow, branches included. */
export function nodeIds(flow: Flow): string[] {
  return allNodes(flow.nodes).map((n) => n.id);
}

/** The unit keys a flow uses (so the engine or a seed can check each resolves in this county). */
export function unitKeysOf(flow: Flow): UnitKey[] {
  const keys = new Set<UnitKey>();
  for (const n of allNodes(flow.nodes)) for (const r of rulesOf(n)) if (r.kind === 'role' && r.unitKey) keys.add(r.unitKey);
  return [...keys];
}
