import type { ApproverNode, ApproverRule, BranchNode, CcNode, Condition, EndNode, Flow, FlowBranch, FlowNode, FormSchema } from '@lianxin/shared';
import {
  ccNodesFor,
  checkChosenApprovers,
  chooseBranch,
  evaluateCondition,
  findNode,
  firstStep,
  nextStep,
  nodeIds,
  nodePath,
  parseUnitKey,
  returnTargets,
  unitKeysOf,
  validateFlow,
} from './flow.js';
import type { FlowContext } from './flow.js';

const UUID_A = '0b7c2c1e-5f0a-4f7e-9a51-3f6a1c2b9d01';
const UUID_B = '1c8d3d2f-6a1b-4a8f-8b62-4a7b2d3cae12';

const approver = (id: string, extra: Partial<ApproverNode> = {}): ApproverNode => ({
  type: 'approver',
  id,
  name: `审批${id}`,
  approvers: [{ kind: 'supervisor', levels: 1 }],
  mode: 'any',
  ...extra,
});
const cc = (id: string, when: CcNode['when'], recipients: ApproverRule[] = [{ kind: 'unitHead' }]): CcNode => ({ type: 'cc', id, name: `抄送${id}`, recipients, when });
const end = (id: string): EndNode => ({ type: 'end', id, name: `结束${id}` });
const branch = (id: string, branches: FlowBranch[]): BranchNode => ({ type: 'branch', id, name: `分支${id}`, branches });
const when = (name: string, priority: number, condition: Condition | null, nodes: FlowNode[]): FlowBranch => ({ name, priority, condition, nodes });
const amountAtLeast = (fen: number): Condition => ({ kind: 'field', field: 'amount', op: 'gte', value: fen });

const schema: FormSchema = {
  fields: [
    { key: 'amount', label: '金额', type: 'money' },
    { key: 'days', label: '天数', type: 'number' },
    { key: 'title', label: '标题', type: 'text' },
    { key: 'start', label: '日期', type: 'date' },
    {
      key: 'level',
      label: '层级',
      type: 'select',
      options: [
        { value: 'household', label: '户级' },
        { value: 'county', label: '县级' },
      ],
    },
    {
      key: 'tags',
      label: '标签',
      type: 'multiSelect',
      options: [
        { value: 'a', label: 'A' },
        { value: 'b', label: 'B' },
        { value: 'c', label: 'C' },
      ],
    },
    { key: 'who', label: '对象', type: 'member' },
    { key: 'files', label: '附件', type: 'attachments' },
    { key: 'period', label: '期间', type: 'dateRange' },
  ],
};

const ctx = (form: FlowContext['form'] = {}, applicant: Partial<FlowContext['applicant']> = {}): FlowContext => ({
  form,
  applicant: { unitKinds: ['village'], roles: ['staff'], ...applicant },
});

describe('evaluateCondition: form fields', () => {
  const form = { amount: 5_000_000, days: 3, title: '何家岩村修路', start: '2026-03-02', level: 'county', tags: ['a', 'b'] };
  const holds = (field: string, op: string, value: unknown) => evaluateCondition({ kind: 'field', field, op, value } as Condition, ctx(form));

  it('eq and ne compare single values exactly', () => {
    expect(holds('level', 'eq', 'county')).toBe(true);
    expect(holds('level', 'eq', 'household')).toBe(false);
    expect(holds('amount', 'eq', 5_000_000)).toBe(true);
    expect(holds('amount', 'eq', '5000000')).toBe(false);
    expect(holds('level', 'ne', 'household')).toBe(true);
    expect(holds('level', 'ne', 'county')).toBe(false);
  });

  it('gt, gte, lt and lte order numbers, money and dates', () => {
    expect(holds('amount', 'gte', 5_000_000)).toBe(true);
    expect(holds('amount', 'gt', 5_000_000)).toBe(false);
    expect(holds('amount', 'lt', 5_000_001)).toBe(true);
    expect(holds('amount', 'lte', 4_999_999)).toBe(false);
    expect(holds('days', 'gte', 3)).toBe(true);
    expect(holds('days', 'lt', 3)).toBe(false);
    expect(holds('start', 'gt', '2026-03-01')).toBe(true);
    expect(holds('start', 'lte', '2026-03-01')).toBe(false);
    expect(holds('start', 'gte', '2026-03-02')).toBe(true);
  });

  it('never orders values of different types', () => {
    expect(holds('amount', 'gt', '1')).toBe(false);
    expect(holds('start', 'lt', 20260303)).toBe(false);
  });

  it('in: the value is one of the list, or a multi-select shares one with it', () => {
    expect(holds('level', 'in', ['town', 'county'])).toBe(true);
    expect(holds('level', 'in', ['town'])).toBe(false);
    expect(holds('tags', 'in', ['b', 'c'])).toBe(true);
    expect(holds('tags', 'in', ['c'])).toBe(false);
    expect(holds('level', 'in', 'county')).toBe(false);
  });

  it('contains: a substring of text, or an option of a multi-select', () => {
    expect(holds('title', 'contains', '修路')).toBe(true);
    expect(holds('title', 'contains', '饮水')).toBe(false);
    expect(holds('tags', 'contains', 'a')).toBe(true);
    expect(holds('tags', 'contains', 'c')).toBe(false);
    expect(holds('amount', 'contains', 5)).toBe(false);
  });

  it('eq and ne compare a multi-select as a set', () => {
    expect(holds('tags', 'eq', ['b', 'a'])).toBe(true);
    expect(holds('tags', 'eq', ['a'])).toBe(false);
    expect(holds('tags', 'ne', ['a'])).toBe(true);
  });

  it('an empty field matches nothing but ne', () => {
    for (const op of ['eq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains']) {
      expect(evaluateCondition({ kind: 'field', field: 'missing', op, value: op === 'in' ? ['x'] : 'x' } as Condition, ctx(form))).toBe(false);
    }
    expect(evaluateCondition({ kind: 'field', field: 'missing', op: 'ne', value: 'x' }, ctx(form))).toBe(true);
    expect(evaluateCondition({ kind: 'field', field: 'tags', op: 'ne', value: ['a'] }, ctx({ tags: [] }))).toBe(true);
  });

  it('an unknown operator, or a field inherited from Object.prototype, is false', () => {
    expect(holds('amount', 'between', [1, 2])).toBe(false);
    expect(evaluateCondition({ kind: 'field', field: 'constructor', op: 'ne', value: 'x' }, ctx({}))).toBe(true);
    expect(evaluateCondition({ kind: 'field', field: 'toString', op: 'eq', value: 'x' }, ctx({}))).toBe(false);
  });
});

describe('evaluateCondition: the applicant', () => {
  const town = ctx({}, { unitKinds: ['town', 'bureau'], roles: ['approver', 'staff'] });

  it('unitKind eq, ne and in look at every unit the applicant belongs to', () => {
    expect(evaluateCondition({ kind: 'applicant', attribute: 'unitKind', op: 'eq', value: 'bureau' }, town)).toBe(true);
    expect(evaluateCondition({ kind: 'applicant', attribute: 'unitKind', op: 'eq', value: 'village' }, town)).toBe(false);
    expect(evaluateCondition({ kind: 'applicant', attribute: 'unitKind', op: 'ne', value: 'village' }, town)).toBe(true);
    expect(evaluateCondition({ kind: 'applicant', attribute: 'unitKind', op: 'in', value: ['village', 'town'] }, town)).toBe(true);
    expect(evaluateCondition({ kind: 'applicant', attribute: 'unitKind', op: 'in', value: ['county'] }, town)).toBe(false);
  });

  it('role eq, ne and in look at the roles held', () => {
    expect(evaluateCondition({ kind: 'applicant', attribute: 'role', op: 'eq', value: 'approver' }, town)).toBe(true);
    expect(evaluateCondition({ kind: 'applicant', attribute: 'role', op: 'ne', value: 'approver' }, town)).toBe(false);
    expect(evaluateCondition({ kind: 'applicant', attribute: 'role', op: 'in', value: ['leader', 'admin'] }, town)).toBe(false);
  });

  it('an unknown attribute or operator is false', () => {
    expect(evaluateCondition({ kind: 'applicant', attribute: 'age', op: 'eq', value: 'x' } as never, town)).toBe(false);
    expect(evaluateCondition({ kind: 'applicant', attribute: 'role', op: 'gt', value: 'x' } as never, town)).toBe(false);
  });
});

describe('evaluateCondition: combinators', () => {
  const T: Condition = { kind: 'applicant', attribute: 'role', op: 'eq', value: 'staff' };
  const F: Condition = { kind: 'applicant', attribute: 'role', op: 'eq', value: 'leader' };

  it.each<[string, Condition, boolean]>([
    ['all of true and true', { kind: 'all', conditions: [T, T] }, true],
    ['all of true and false', { kind: 'all', conditions: [T, F] }, false],
    ['all of nothing', { kind: 'all', conditions: [] }, true],
    ['any of false and true', { kind: 'any', conditions: [F, T] }, true],
    ['any of false and false', { kind: 'any', conditions: [F, F] }, false],
    ['any of nothing', { kind: 'any', conditions: [] }, false],
    ['not true', { kind: 'not', condition: T }, false],
    ['not false', { kind: 'not', condition: F }, true],
    ['nested: all(any(F, T), not(F))', { kind: 'all', conditions: [{ kind: 'any', conditions: [F, T] }, { kind: 'not', condition: F }] }, true],
  ])('%s', (_name, condition, expected) => {
    expect(evaluateCondition(condition, ctx())).toBe(expected);
  });

  it('is false for what is not a condition', () => {
    for (const junk of [null, 'x', { kind: 'xor' }, { kind: 'all', conditions: 'x' }]) expect(evaluateCondition(junk as never, ctx())).toBe(false);
  });
});

// -------------------------------------------------------------------------------------------------

/** Problems as [code, nodeId], for compact expectations. */
const found = (flow: unknown, s: FormSchema = schema) => validateFlow(flow, s).map((p) => [p.code, p.nodeId]);
const only = (flow: unknown) => {
  const problems = validateFlow(flow, schema);
  expect(problems).toHaveLength(1);
  return problems[0];
};

describe('validateFlow', () => {
  it('finds nothing wrong with a sound flow', () => {
    const flow: Flow = {
      nodes: [
        cc('cc-start', 'start'),
        approver('a1'),
        branch('b1', [when('大额', 1, amountAtLeast(5_000_000), [approver('county', { mode: 'all', passRatio: 0.5 })]), when('其他', 2, null, [])]),
        approver('finance', { approvers: [{ kind: 'role', role: 'approver', unitKey: 'bureau:财政局' }], mode: 'sequential', onEmpty: 'fail' }),
        cc('cc-end', 'end'),
      ],
    };
    expect(validateFlow(flow, schema)).toEqual([]);
  });

  it.each([null, [], {}, { nodes: 'a' }])('refuses %p as a flow', (flow) => {
    expect(found(flow)).toEqual([['flow_invalid', null]]);
  });

  it('refuses nodes that are not objects or have no known type', () => {
    expect(found({ nodes: [approver('a1'), 'approver'] })).toEqual([['node_invalid', null]]);
    const p = only({ nodes: [approver('a1'), { type: 'script', id: 'x1', name: '脚本' }] });
    expect(p).toMatchObject({ code: 'node_invalid', nodeId: 'x1', path: 'flow.nodes.1.type' });
    expect(p.message).toContain('节点「脚本」');
  });

  it('refuses bad and duplicate ids, across branches too', () => {
    expect(found({ nodes: [approver('a 1')] })).toEqual([['node_id_invalid', null]]);
    const p = validateFlow({ nodes: [approver('a1'), branch('b1', [when('x', 1, amountAtLeast(1), [approver('a1')]), when('y', 2, null, [])])] }, schema);
    expect(p.map((x) => [x.code, x.nodeId, x.path])).toEqual([['node_id_duplicate', 'a1', 'flow.nodes.1.branches.0.nodes.0.id']]);
    expect(p[0].message).toContain('「a1」');
  });

  it('wants every node named', () => {
    const p = only({ nodes: [{ ...approver('a1'), name: '' }] });
    expect(p).toMatchObject({ code: 'node_name_missing', nodeId: 'a1' });
    expect(p.message).toContain('节点 a1');
  });

  it('refuses approver and CC nodes without rules', () => {
    expect(found({ nodes: [approver('a1', { approvers: [] })] })).toEqual([['approver_rules_empty', 'a1']]);
    expect(found({ nodes: [approver('a1'), { ...cc('c1', 'end'), recipients: undefined }] })).toEqual([['approver_rules_empty', 'c1']]);
    expect(only({ nodes: [approver('a1', { name: '局长审批', approvers: [] })] }).message).toBe('节点「局长审批」没有设置审批人');
  });

  it.each<[string, unknown, string]>([
    ['members with nobody', { kind: 'members', memberIds: [] }, '没有选择任何成员'],
    ['members with a bad id', { kind: 'members', memberIds: [UUID_A, 'bob'] }, '无效的成员 id'],
    ['role without a role', { kind: 'role', unitKey: 'root' }, '缺少角色'],
    ['role with an unknown role', { kind: 'role', role: 'mayor', unitKey: 'root' }, '缺少角色'],
    ['role without a unit', { kind: 'role', role: 'approver' }, 'unitId 或 unitKey'],
    ['role with both unitId and unitKey', { kind: 'role', role: 'approver', unitId: UUID_A, unitKey: 'root' }, 'unitId 或 unitKey'],
    ['role with a bad unitId', { kind: 'role', role: 'approver', unitId: '42' }, 'unitId 不是有效的 id'],
    ['role with a bad unitKey', { kind: 'role', role: 'approver', unitKey: 'bureau:' }, '单位标识「bureau:」无效'],
    ['supervisor 0 levels up', { kind: 'supervisor', levels: 0 }, '1 到 20 的整数'],
    ['supervisor 1.5 levels up', { kind: 'supervisor', levels: 1.5 }, '1 到 20 的整数'],
    ['supervisor without levels', { kind: 'supervisor' }, '1 到 20 的整数'],
    ['unit head of a province', { kind: 'unitHead', level: 'province' }, '「单位负责人」的层级'],
    ['chosen with a bad flag', { kind: 'chosen', multiple: 'yes' }, 'multiple'],
    ['an unknown kind', { kind: 'random' }, '规则类型'],
    ['not an object', 'supervisor', '应为对象'],
  ])('refuses an approver rule: %s, naming the node', (_name, rule, words) => {
    const p = only({ nodes: [approver('a1', { name: '主管审批', approvers: [rule as ApproverRule] })] });
    expect(p).toMatchObject({ code: 'approver_rule_invalid', nodeId: 'a1', path: expect.stringMatching(/^flow\.nodes\.0\.approvers\.0/) });
    expect(p.message).toContain('节点「主管审批」');
    expect(p.message).toContain(words);
  });

  it('allows one 自选 rule per node', () => {
    const p = only({ nodes: [approver('a1', { approvers: [{ kind: 'chosen' }, { kind: 'chosen', multiple: true }] })] });
    expect(p).toMatchObject({ code: 'approver_rule_invalid', nodeId: 'a1', path: 'flow.nodes.0.approvers' });
    expect(p.message).toContain('只能有一条「发起人自选」规则');
  });

  it('refuses an unknown mode or empty-approver policy', () => {
    expect(found({ nodes: [approver('a1', { mode: 'majority' as never })] })).toEqual([['mode_invalid', 'a1']]);
    expect(found({ nodes: [approver('a1', { onEmpty: 'ignore' as never })] })).toEqual([['on_empty_invalid', 'a1']]);
  });

  it('wants a pass ratio in (0, 1], on 会签 nodes only', () => {
    for (const ratio of [0, -0.5, 1.01, Number.NaN, '0.5']) {
      expect(found({ nodes: [approver('a1', { mode: 'all', passRatio: ratio as number })] })).toEqual([['pass_ratio_invalid', 'a1']]);
    }
    expect(found({ nodes: [approver('a1', { mode: 'all', passRatio: 1 })] })).toEqual([]);
    expect(found({ nodes: [approver('a1', { mode: 'all', passRatio: 0.01 })] })).toEqual([]);
    const p = only({ nodes: [approver('a1', { mode: 'any', passRatio: 0.5 })] });
    expect(p).toMatchObject({ code: 'pass_ratio_invalid', nodeId: 'a1' });
    expect(p.message).toContain('只有会签节点');
  });

  it('refuses an unknown CC moment', () => {
    expect(found({ nodes: [approver('a1'), cc('c1', 'later' as never)] })).toEqual([['cc_when_invalid', 'c1']]);
  });

  it('wants a branch node to have a conditional branch and exactly one default', () => {
    expect(found({ nodes: [approver('a1'), branch('b1', [])] })).toEqual([['branch_empty', 'b1']]);
    expect(found({ nodes: [approver('a1'), branch('b1', [when('默认', 1, null, [])])] })).toEqual([['branch_empty', 'b1']]);
    const missing = only({ nodes: [approver('a1'), { ...branch('b1', [when('大额', 1, amountAtLeast(1), [])]), name: '按金额' }] });
    expect(missing).toMatchObject({ code: 'branch_default_missing', nodeId: 'b1', path: 'flow.nodes.1.branches' });
    expect(missing.message).toContain('节点「按金额」缺少默认分支');
    expect(found({ nodes: [approver('a1'), branch('b1', [when('x', 1, amountAtLeast(1), []), when('d1', 2, null, []), when('d2', 3, null, [])])] })).toEqual([
      ['branch_default_duplicate', 'b1'],
    ]);
  });

  it('wants distinct positive priorities among the conditional branches', () => {
    expect(found({ nodes: [approver('a1'), branch('b1', [when('x', 0, amountAtLeast(1), []), when('d', 2, null, [])])] })).toEqual([['branch_priority_invalid', 'b1']]);
    const p = only({ nodes: [approver('a1'), branch('b1', [when('甲', 1, amountAtLeast(1), []), when('乙', 1, amountAtLeast(2), []), when('d', 1, null, [])])] });
    expect(p).toMatchObject({ code: 'branch_priority_invalid', path: 'flow.nodes.1.branches.1.priority' });
    expect(p.message).toContain('分支「乙」与分支「甲」的优先级都是 1');
  });

  it('wants a condition (or null) on every branch', () => {
    const b = branch('b1', [{ name: 'x', priority: 1, nodes: [] } as unknown as FlowBranch, when('d', 2, null, [])]);
    expect(found({ nodes: [approver('a1'), b] })).toEqual([
      ['condition_invalid', 'b1'],
      ['branch_empty', 'b1'],
    ]);
  });

  it('refuses a condition on a field the form does not have, naming field and node', () => {
    const p = only({
      nodes: [approver('a1'), { ...branch('b1', [when('大额', 1, { kind: 'field', field: 'salary', op: 'gt', value: 1 }, []), when('d', 2, null, [])]), name: '按金额' }],
    });
    expect(p).toMatchObject({ code: 'condition_field_unknown', nodeId: 'b1', fieldKey: 'salary', path: 'flow.nodes.1.branches.0.condition.field' });
    expect(p.message).toBe('节点「按金额」的分支「大额」：条件引用的字段「salary」不在表单中');
  });

  it.each<[string, Condition]>([
    ['gt on a select', { kind: 'field', field: 'level', op: 'gt', value: 'household' }],
    ['contains on a number', { kind: 'field', field: 'days', op: 'contains', value: 3 }],
    ['money compared with text', { kind: 'field', field: 'amount', op: 'gte', value: '50000' }],
    ['money compared with 元 and 角', { kind: 'field', field: 'amount', op: 'gte', value: 500.5 }],
    ['a select compared with no option of it', { kind: 'field', field: 'level', op: 'eq', value: '县级' }],
    ['in without a list', { kind: 'field', field: 'level', op: 'in', value: 'county' }],
    ['in with an empty list', { kind: 'field', field: 'level', op: 'in', value: [] }],
    ['a date compared with a non-date', { kind: 'field', field: 'start', op: 'gt', value: '2026-02-30' }],
    ['a member compared with a name', { kind: 'field', field: 'who', op: 'eq', value: '张三' }],
    ['attachments', { kind: 'field', field: 'files', op: 'eq', value: UUID_A }],
    ['a date range', { kind: 'field', field: 'period', op: 'eq', value: '2026-03-02' }],
  ])('refuses a condition of the wrong type: %s', (_name, condition) => {
    const p = only({ nodes: [approver('a1'), branch('b1', [when('甲', 1, condition, []), when('d', 2, null, [])])] });
    expect(p).toMatchObject({ code: 'condition_type_mismatch', nodeId: 'b1', fieldKey: (condition as { field: string }).field });
    expect(p.message).toContain('分支「甲」');
  });

  it.each<[string, unknown]>([
    ['an unknown kind', { kind: 'xor' }],
    ['an unknown operator', { kind: 'field', field: 'amount', op: 'between', value: 1 }],
    ['an unknown applicant attribute', { kind: 'applicant', attribute: 'age', op: 'eq', value: 30 }],
    ['an applicant comparison by order', { kind: 'applicant', attribute: 'role', op: 'gt', value: 'staff' }],
    ['an unknown unit kind', { kind: 'applicant', attribute: 'unitKind', op: 'eq', value: 'province' }],
    ['an empty applicant list', { kind: 'applicant', attribute: 'role', op: 'in', value: [] }],
    ['all without a list', { kind: 'all', conditions: {} }],
    ['not of nothing', { kind: 'not' }],
    ['a string', 'amount >= 5000000'],
  ])('refuses a malformed condition: %s', (_name, condition) => {
    expect(found({ nodes: [approver('a1'), branch('b1', [when('甲', 1, condition as Condition, []), when('d', 2, null, [])])] })).toEqual([['condition_invalid', 'b1']]);
  });

  it('checks conditions inside combinators, with their path', () => {
    const condition: Condition = {
      kind: 'all',
      conditions: [amountAtLeast(1), { kind: 'not', condition: { kind: 'field', field: 'nope', op: 'eq', value: 1 } }],
    };
    const p = only({ nodes: [approver('a1'), branch('b1', [when('甲', 1, condition, []), when('d', 2, null, [])])] });
    expect(p).toMatchObject({ code: 'condition_field_unknown', path: 'flow.nodes.1.branches.0.condition.conditions.1.condition.field' });
  });

  it('limits how deep conditions nest', () => {
    let deep: Condition = amountAtLeast(1);
    for (let i = 0; i < 12; i++) deep = { kind: 'not', condition: deep };
    expect(found({ nodes: [approver('a1'), branch('b1', [when('甲', 1, deep, []), when('d', 2, null, [])])] })).toEqual([['condition_invalid', 'b1']]);
  });

  it('flags the nodes after an end node as unreachable', () => {
    const p = validateFlow({ nodes: [approver('a1'), { ...end('e1'), name: '提前结束' }, approver('a2', { name: '永不执行' }), cc('c1', 'pass')] }, schema);
    expect(p.map((x) => [x.code, x.nodeId])).toEqual([
      ['node_unreachable', 'a2'],
      ['node_unreachable', 'c1'],
    ]);
    expect(p[0].message).toBe('节点「永不执行」永远不会执行：流程在它前面的节点「提前结束」已经结束');
  });

  it('flags the nodes after a branch node whose every branch ends, but not those inside them', () => {
    const flow = {
      nodes: [
        approver('a1'),
        branch('b1', [when('甲', 1, amountAtLeast(1), [approver('x1'), end('e1')]), when('乙', 2, null, [end('e2')])]),
        branch('b2', [when('丙', 1, amountAtLeast(1), [approver('x2')]), when('d', 2, null, [])]),
      ],
    };
    const p = validateFlow(flow, schema);
    expect(p.map((x) => [x.code, x.nodeId])).toEqual([['node_unreachable', 'b2']]);
    expect(p[0].message).toContain('节点「分支b1」的每个分支都会结束流程');
  });

  it('does not flag what follows a branch node when one of its branches goes on', () => {
    const flow = { nodes: [approver('a1'), branch('b1', [when('甲', 1, amountAtLeast(1), [end('e1')]), when('乙', 2, null, [])]), approver('a2')] };
    expect(found(flow)).toEqual([]);
  });

  it('refuses a flow in which no approver node can run', () => {
    expect(found({ nodes: [] })).toEqual([['no_approver', null]]);
    expect(found({ nodes: [cc('c1', 'start')] })).toEqual([['no_approver', null]]);
    expect(found({ nodes: [end('e1'), approver('a1')] })).toEqual([
      ['node_unreachable', 'a1'],
      ['no_approver', null],
    ]);
  });

  it('warns (without refusing) when some route has no approver', () => {
    const flow = { nodes: [branch('b1', [when('大额', 1, amountAtLeast(5_000_000), [approver('county')]), when('其他', 2, null, [cc('c1', 'pass')])])] };
    const p = validateFlow(flow, schema);
    expect(p.map((x) => [x.code, x.severity])).toEqual([['path_without_approver', 'warning']]);
    // An approver before the branch covers every route; so does an end reached only after an approver.
    expect(found({ nodes: [approver('a1'), ...flow.nodes] })).toEqual([]);
    expect(found({ nodes: [branch('b1', [when('甲', 1, amountAtLeast(1), [end('e1')]), when('乙', 2, null, [approver('a1')])])] })).toEqual([
      ['path_without_approver', null],
    ]);
  });

  it('limits the size and depth of a flow', () => {
    const many = Array.from({ length: 201 }, (_, i) => approver(`a${i}`));
    expect(found({ nodes: many })).toEqual([['flow_too_large', null]]);
    let nested: FlowNode[] = [approver('leaf')];
    for (let i = 0; i < 10; i++) nested = [branch(`b${i}`, [when('甲', 1, amountAtLeast(1), nested), when('d', 2, null, [])])];
    expect(found({ nodes: [approver('a0'), ...nested] }).map(([code]) => code)).toContain('flow_too_large');
  });

  it('copes with junk anywhere without throwing', () => {
    const junk = {
      nodes: [
        { type: 'branch', id: 'b', name: 'b', branches: [null, { name: 1, priority: 'x', condition: 5, nodes: 'x' }] },
        { type: 'approver', id: 'a', name: 'a', approvers: [null, { kind: 'members', memberIds: 'x' }], mode: 1, passRatio: 'x' },
        { type: 'cc', id: 'c', name: 'c', recipients: {}, when: 0 },
      ],
    };
    expect(() => validateFlow(junk, { fields: 'x' } as never)).not.toThrow();
    expect(validateFlow(junk, schema).length).toBeGreaterThan(5);
  });
});

// -------------------------------------------------------------------------------------------------

/**
 * The traversal fixture:
 *   cc-start(start) → a1 → cc-a1(pass) → by-amount {
 *       default (listed first): —
 *       priority 2, ≥ 5 万: county
 *       priority 1, ≥ 10 万: leader → stop(end)
 *   } → finance → cc-end(end)
 */
const traversal: Flow = {
  nodes: [
    cc('cc-start', 'start'),
    approver('a1'),
    cc('cc-a1', 'pass'),
    branch('by-amount', [
      when('其他', 9, null, []),
      when('5 万及以上', 2, amountAtLeast(5_000_000), [approver('county')]),
      when('10 万及以上', 1, amountAtLeast(10_000_000), [approver('leader'), end('stop')]),
    ]),
    approver('finance'),
    cc('cc-end', 'end'),
  ],
};
const small = ctx({ amount: 100 });
const big = ctx({ amount: 6_000_000 });
const huge = ctx({ amount: 20_000_000 });
const ids = (nodes: readonly FlowNode[]) => nodes.map((n) => n.id);

describe('traversal', () => {
  it('the fixture itself is sound', () => {
    expect(validateFlow(traversal, schema)).toEqual([]);
  });

  it('firstStep activates the first approver node, with the pass-CC nodes before it', () => {
    expect(firstStep(traversal, small)).toEqual({ node: traversal.nodes[1], cc: [] });
    const flow: Flow = { nodes: [cc('early', 'pass'), cc('s', 'start'), approver('a1')] };
    expect(ids(firstStep(flow, small).cc)).toEqual(['early']);
  });

  it('nextStep skips the branch to its default when no condition holds', () => {
    const step = nextStep(traversal, 'a1', small);
    expect(step.node?.id).toBe('finance');
    expect(ids(step.cc)).toEqual(['cc-a1']);
    expect(nextStep(traversal, 'finance', small)).toEqual({ node: null, cc: [] });
  });

  it('nextStep enters the branch whose condition holds, then continues after the branch node', () => {
    expect(nextStep(traversal, 'a1', big).node?.id).toBe('county');
    expect(nextStep(traversal, 'county', big)).toEqual({ node: traversal.nodes[4], cc: [] });
  });

  it('tries conditions by priority, not by position, and the default last', () => {
    expect(nextStep(traversal, 'a1', huge).node?.id).toBe('leader');
    expect(chooseBranch(traversal.nodes[3] as BranchNode, huge)?.name).toBe('10 万及以上');
    expect(chooseBranch(traversal.nodes[3] as BranchNode, small)?.name).toBe('其他');
  });

  it('keeps the branch an instance is in, and ends at an end node', () => {
    // After leader comes the end node: the flow is over, finance never runs.
    expect(nextStep(traversal, 'leader', huge)).toEqual({ node: null, cc: [] });
    // Even if the form now reads small, a node inside a branch continues inside it.
    expect(nextStep(traversal, 'leader', small)).toEqual({ node: null, cc: [] });
  });

  it('nextStep after a branch node id skips the whole branch', () => {
    expect(nextStep(traversal, 'by-amount', huge).node?.id).toBe('finance');
  });

  it('nextStep refuses an id the flow does not have', () => {
    expect(() => nextStep(traversal, 'nope', small)).toThrow('flow has no node nope');
  });

  it('nodePath lists every node the instance will pass through', () => {
    expect(ids(nodePath(traversal, small))).toEqual(['cc-start', 'a1', 'cc-a1', 'finance', 'cc-end']);
    expect(ids(nodePath(traversal, big))).toEqual(['cc-start', 'a1', 'cc-a1', 'county', 'finance', 'cc-end']);
    expect(ids(nodePath(traversal, huge))).toEqual(['cc-start', 'a1', 'cc-a1', 'leader', 'stop']);
  });

  it('ccNodesFor lists the CC nodes of one moment on the path', () => {
    expect(ids(ccNodesFor(traversal, 'start', small))).toEqual(['cc-start']);
    expect(ids(ccNodesFor(traversal, 'pass', small))).toEqual(['cc-a1']);
    expect(ids(ccNodesFor(traversal, 'end', small))).toEqual(['cc-end']);
    // The end node stops the flow before cc-end.
    expect(ids(ccNodesFor(traversal, 'end', huge))).toEqual([]);
  });

  it('ccNodesFor includes CC nodes inside the branches taken only', () => {
    const flow: Flow = {
      nodes: [approver('a1'), branch('b', [when('大额', 1, amountAtLeast(5_000_000), [cc('big-cc', 'end')]), when('d', 2, null, [cc('small-cc', 'end')])])],
    };
    expect(ids(ccNodesFor(flow, 'end', big))).toEqual(['big-cc']);
    expect(ids(ccNodesFor(flow, 'end', small))).toEqual(['small-cc']);
  });

  it('returnTargets are the approver nodes before the current one on the path', () => {
    expect(ids(returnTargets(traversal, 'finance', big))).toEqual(['a1', 'county']);
    expect(ids(returnTargets(traversal, 'finance', small))).toEqual(['a1']);
    expect(ids(returnTargets(traversal, 'a1', small))).toEqual([]);
    // county is not on a small instance's path: only the applicant can be returned to.
    expect(ids(returnTargets(traversal, 'county', small))).toEqual([]);
  });

  it('walks nested branches and applicant conditions', () => {
    const flow: Flow = {
      nodes: [
        approver('sup'),
        branch('days', [
          when('3 天及以上', 1, { kind: 'field', field: 'days', op: 'gte', value: 3 }, [
            branch('level', [
              when('乡镇', 1, { kind: 'applicant', attribute: 'unitKind', op: 'in', value: ['town', 'village'] }, [approver('town')]),
              when('县直', 2, null, [approver('bureau')]),
            ]),
          ]),
          when('其他', 2, null, []),
        ]),
        cc('cc', 'end'),
      ],
    };
    expect(ids(nodePath(flow, ctx({ days: 5 }, { unitKinds: ['village'] })))).toEqual(['sup', 'town', 'cc']);
    expect(ids(nodePath(flow, ctx({ days: 5 }, { unitKinds: ['bureau', 'office'] })))).toEqual(['sup', 'bureau', 'cc']);
    expect(ids(nodePath(flow, ctx({ days: 1 })))).toEqual(['sup', 'cc']);
    expect(nextStep(flow, 'town', ctx({ days: 5 }))).toEqual({ node: null, cc: [] });
  });

  it('passes over a branch node with neither a match nor a default', () => {
    const flow: Flow = { nodes: [branch('b', [when('大额', 1, amountAtLeast(5_000_000), [approver('county')])]), approver('a1')] };
    expect(firstStep(flow, small).node?.id).toBe('a1');
  });

  it('findNode and nodeIds see into branches', () => {
    expect(findNode(traversal, 'leader')).toEqual(approver('leader'));
    expect(findNode(traversal, 'nope')).toBeNull();
    expect(nodeIds(traversal)).toEqual(['cc-start', 'a1', 'cc-a1', 'by-amount', 'county', 'leader', 'stop', 'finance', 'cc-end']);
  });
});

describe('checkChosenApprovers', () => {
  const flow: Flow = {
    nodes: [
      approver('pick-one', { approvers: [{ kind: 'chosen' }] }),
      branch('b', [
        when('大额', 1, amountAtLeast(5_000_000), [approver('pick-big', { approvers: [{ kind: 'supervisor', levels: 1 }, { kind: 'chosen', multiple: true }] })]),
        when('d', 2, null, []),
      ]),
      cc('pick-cc', 'end', [{ kind: 'chosen', multiple: true }]),
    ],
  };

  it('wants members for every 自选 node on the path, and returns them normalised', () => {
    const r = checkChosenApprovers(flow, big, { 'pick-one': [UUID_A.toUpperCase()], 'pick-big': [UUID_A, UUID_B, UUID_A], 'pick-cc': [UUID_B] });
    expect(r).toEqual({ errors: [], normalized: { 'pick-one': [UUID_A], 'pick-big': [UUID_A, UUID_B], 'pick-cc': [UUID_B] } });
  });

  it('asks for the missing ones by node name', () => {
    expect(checkChosenApprovers(flow, big, {}).errors).toEqual([
      { path: 'chosenApprovers.pick-one', message: '请为「审批pick-one」选择审批人' },
      { path: 'chosenApprovers.pick-big', message: '请为「审批pick-big」选择审批人' },
      { path: 'chosenApprovers.pick-cc', message: '请为「抄送pick-cc」选择抄送人' },
    ]);
  });

  it('drops picks for nodes of branches not taken, and refuses keys that are no 自选 node', () => {
    const r = checkChosenApprovers(flow, small, { 'pick-one': [UUID_A], 'pick-big': [UUID_B], 'pick-cc': [UUID_B], b: [UUID_A] });
    expect(r.normalized).toEqual({ 'pick-one': [UUID_A], 'pick-cc': [UUID_B] });
    expect(r.errors).toEqual([{ path: 'chosenApprovers.b', message: '流程中没有需要自选的节点「b」' }]);
  });

  it('allows one member unless the rule allows several, and ids only', () => {
    const r = checkChosenApprovers(flow, small, { 'pick-one': [UUID_A, UUID_B], 'pick-cc': ['bob'] });
    expect(r.errors).toEqual([
      { path: 'chosenApprovers.pick-one', message: '「审批pick-one」只能选择 1 位审批人' },
      { path: 'chosenApprovers.pick-cc', message: '「抄送pick-cc」的抄送人中有无效的成员 id' },
    ]);
    const many = Array.from({ length: 21 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expect(checkChosenApprovers(flow, small, { 'pick-one': [UUID_A], 'pick-cc': many }).errors).toEqual([
      { path: 'chosenApprovers.pick-cc', message: '「抄送pick-cc」最多选择 20 位抄送人' },
    ]);
  });

  it('refuses what is not an object', () => {
    expect(checkChosenApprovers(flow, small, [UUID_A]).errors[0]).toEqual({ path: 'chosenApprovers', message: expect.stringContaining('应为对象') });
  });

  it('needs nothing for a flow without 自选', () => {
    expect(checkChosenApprovers(traversal, small, undefined)).toEqual({ errors: [], normalized: {} });
  });
});

describe('unit keys', () => {
  it('parseUnitKey reads the three forms', () => {
    expect(parseUnitKey('root')).toEqual({ kind: 'root' });
    expect(parseUnitKey('bureau:教育体育局')).toEqual({ kind: 'bureau', name: '教育体育局' });
    expect(parseUnitKey('applicant:town')).toEqual({ kind: 'applicant', unitKind: 'town' });
  });

  it.each(['bureau:', 'bureau: 财政局', 'applicant:province', 'county', '', 5, null])('parseUnitKey refuses %p', (key) => {
    expect(parseUnitKey(key)).toBeNull();
  });

  it('unitKeysOf lists each key a flow uses once', () => {
    const flow: Flow = {
      nodes: [
        approver('a', { approvers: [{ kind: 'role', role: 'approver', unitKey: 'bureau:财政局' }] }),
        branch('b', [
          when('x', 1, amountAtLeast(1), [approver('c', { approvers: [{ kind: 'role', role: 'leader', unitKey: 'root' }] })]),
          when('d', 2, null, [cc('cc', 'end', [{ kind: 'role', role: 'approver', unitKey: 'bureau:财政局' }])]),
        ]),
      ],
    };
    expect(unitKeysOf(flow)).toEqual(['bureau:财政局', 'root']);
  });
});
