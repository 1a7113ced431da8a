import { describeApproverRule, ShippedTemplateCodeLabel } from '@lianxin/shared';
import type { ApproverNode, FormValues, ShippedTemplateCode, TemplateInput, UnitKind } from '@lianxin/shared';
import { buildDemoCounty, ROOT_KEY } from '../../org/seed/demo-county.js';
import { maskPrivate, validateForm } from '../domain/form.js';
import { ccNodesFor, findNode, firstStep, nextStep, nodeIds, nodePath, parseUnitKey, unitKeysOf } from '../domain/flow.js';
import type { FlowContext } from '../domain/flow.js';
import { validateTemplate } from '../domain/template.js';
import { EXPENSE_COUNTY_THRESHOLD_FEN } from './expense.js';
import {
  attendanceCorrectionTemplate,
  expenseTemplate,
  leaveTemplate,
  povertyNeedTemplate,
  SHIPPED_TEMPLATES,
  studentAidTemplate,
} from './index.js';

const FILE = '0b7c2c1e-5f0a-4f7e-9a51-3f6a1c2b9d01';

const ctx = (form: FormValues, unitKinds: UnitKind[] = ['village']): FlowContext => ({ form, applicant: { unitKinds, roles: ['staff'] } });
const path = (t: TemplateInput, c: FlowContext) => nodePath(t.flow, c).map((n) => n.id);
const approvers = (t: TemplateInput, c: FlowContext) => nodePath(t.flow, c).filter((n): n is ApproverNode => n.type === 'approver');
/** Walks the flow the way the engine will: firstStep, then nextStep after each approver node. */
const walked = (t: TemplateInput, c: FlowContext) => {
  const out: string[] = [];
  for (let step = firstStep(t.flow, c); step.node; step = nextStep(t.flow, step.node.id, c)) out.push(step.node.id);
  return out;
};
/** A form the template accepts as it is. */
const valid = (t: TemplateInput, form: FormValues) => {
  const r = validateForm(t.form, form);
  expect(r.errors).toEqual([]);
  return r.normalized;
};

describe('the shipped templates', () => {
  it('are the five the product ships, each with its own code', () => {
    expect(SHIPPED_TEMPLATES.map((t) => [t.code, t.name])).toEqual([
      ['leave', '请假'],
      ['attendance-correction', '补卡'],
      ['expense', '费用报销'],
      ['poverty-need', '扶贫需求申报'],
      ['student-aid', '助学申请'],
    ]);
    for (const t of SHIPPED_TEMPLATES) expect(t.name).toBe(ShippedTemplateCodeLabel[t.code as ShippedTemplateCode]);
  });

  it.each(SHIPPED_TEMPLATES.map((t) => [t.name, t] as const))('%s validates without a problem or a warning', (_name, template) => {
    expect(validateTemplate(template)).toEqual([]);
  });

  it('never let applicants approve their own applications', () => {
    for (const t of SHIPPED_TEMPLATES) expect(t.allowSelfApproval).toBe(false);
  });

  it('name bureaus that exist in the demo county, and units whose members hold the roles the rules ask for', () => {
    const county = buildDemoCounty();
    const unitKeyOf = (key: string): string | undefined => {
      const parsed = parseUnitKey(key)!;
      if (parsed.kind === 'root') return ROOT_KEY;
      if (parsed.kind === 'bureau') return county.units.find((u) => u.kind === 'bureau' && u.name === parsed.name)?.key;
      return undefined;
    };
    const keys = [...new Set(SHIPPED_TEMPLATES.flatMap((t) => unitKeysOf(t.flow)))].sort();
    expect(keys).toEqual(['bureau:扶贫开发办公室', 'bureau:教育体育局', 'bureau:财政局', 'root']);
    let checked = 0;
    for (const t of SHIPPED_TEMPLATES) {
      for (const node of nodeIds(t.flow).map((id) => findNode(t.flow, id)!)) {
        if (node.type !== 'approver' && node.type !== 'cc') continue;
        for (const rule of node.type === 'approver' ? node.approvers : node.recipients) {
          if (rule.kind !== 'role' || !rule.unitKey) continue;
          const unit = unitKeyOf(rule.unitKey);
          expect(unit).toBeDefined();
          const holders = county.members.filter((m) => m.grants.some((g) => g.unitKey === unit && g.role === rule.role));
          expect(holders.length).toBeGreaterThan(0);
          checked++;
        }
      }
    }
    // 财政局 once, 扶贫开发办公室 three times and the county leaders twice in 扶贫需求申报, two in 助学申请.
    expect(checked).toBe(8);
  });
});

describe('请假', () => {
  const form = (days: number): FormValues => ({
    leaveType: 'personal',
    period: ['2026-03-02', '2026-03-06'],
    days,
    reason: '家中有事',
  });

  it('accepts a filled form and half days', () => {
    valid(leaveTemplate, form(0.5));
    valid(leaveTemplate, { ...form(5), leaveType: 'sick', attachments: [FILE] });
  });

  it('refuses an unknown leave type, more than 60 days, or no reason', () => {
    const r = validateForm(leaveTemplate.form, { ...form(61), leaveType: 'holiday', reason: '' });
    expect(r.errors.map((e) => e.path)).toEqual(['leaveType', 'days', 'reason']);
  });

  it('under 3 days: the direct supervisor only', () => {
    expect(walked(leaveTemplate, ctx(form(2.5)))).toEqual(['supervisor']);
    expect(approvers(leaveTemplate, ctx(form(1)))[0].approvers).toEqual([{ kind: 'supervisor', levels: 1 }]);
  });

  it('3 days or more from a town or village: then the head of the 乡镇', () => {
    expect(walked(leaveTemplate, ctx(form(3), ['village']))).toEqual(['supervisor', 'town-head']);
    expect(walked(leaveTemplate, ctx(form(5), ['town']))).toEqual(['supervisor', 'town-head']);
    expect(approvers(leaveTemplate, ctx(form(3)))[1].approvers).toEqual([{ kind: 'unitHead', level: 'town' }]);
  });

  it('3 days or more from a county office: then the head of the 局办', () => {
    expect(walked(leaveTemplate, ctx(form(3), ['office']))).toEqual(['supervisor', 'bureau-head']);
    expect(approvers(leaveTemplate, ctx(form(3), ['bureau']))[1].approvers).toEqual([{ kind: 'unitHead', level: 'bureau' }]);
  });

  it('copies the head of the applicant’s own unit once approved', () => {
    const cc = ccNodesFor(leaveTemplate.flow, 'end', ctx(form(1)));
    expect(cc.map((n) => [n.id, n.recipients])).toEqual([['cc-unit-head', [{ kind: 'unitHead' }]]]);
    expect(path(leaveTemplate, ctx(form(1)))).toEqual(['supervisor', 'cc-unit-head']);
  });
});

describe('补卡', () => {
  it('has the code the engine wires to attendance corrections, and their fields', () => {
    expect(attendanceCorrectionTemplate.code).toBe('attendance-correction');
    expect(attendanceCorrectionTemplate.form.fields.map((f) => f.key)).toEqual(['date', 'time', 'reason']);
  });

  it('wants the time as HH:MM', () => {
    valid(attendanceCorrectionTemplate, { date: '2026-03-02', time: '08:30', reason: '忘记打卡' });
    for (const time of ['8:30', '24:00', '08:60', '0830']) {
      expect(validateForm(attendanceCorrectionTemplate.form, { date: '2026-03-02', time, reason: '忘记打卡' }).errors).toEqual([
        { path: 'time', message: '请按 HH:MM 填写，如 08:30' },
      ]);
    }
  });

  it('goes to the direct supervisor', () => {
    expect(walked(attendanceCorrectionTemplate, ctx({ date: '2026-03-02', time: '08:30', reason: 'x' }))).toEqual(['supervisor']);
  });
});

describe('费用报销', () => {
  const form = (amount: number): FormValues => ({ category: 'travel', amount, occurredOn: '2026-03-02', description: '下乡调研差旅', invoices: [FILE] });

  it('wants an amount in fen and at least one invoice', () => {
    valid(expenseTemplate, form(12_345));
    const r = validateForm(expenseTemplate.form, { ...form(123.45), invoices: [] });
    expect(r.errors.map((e) => e.path)).toEqual(['amount', 'invoices']);
  });

  it('under 50,000 元: supervisor, then the 财政局', () => {
    expect(walked(expenseTemplate, ctx(form(EXPENSE_COUNTY_THRESHOLD_FEN - 1)))).toEqual(['supervisor', 'finance-bureau']);
  });

  it('50,000 元 or more: supervisor, the head of the county, then the 财政局', () => {
    expect(EXPENSE_COUNTY_THRESHOLD_FEN).toBe(50_000 * 100);
    expect(walked(expenseTemplate, ctx(form(EXPENSE_COUNTY_THRESHOLD_FEN)))).toEqual(['supervisor', 'county-head', 'finance-bureau']);
    const [, county, finance] = approvers(expenseTemplate, ctx(form(EXPENSE_COUNTY_THRESHOLD_FEN)));
    expect(county.approvers).toEqual([{ kind: 'unitHead', level: 'county' }]);
    expect(finance.approvers).toEqual([{ kind: 'role', role: 'approver', unitKey: 'bureau:财政局' }]);
  });
});

describe('扶贫需求申报', () => {
  const form = (level: string): FormValues => ({
    level,
    category: 'infrastructure',
    place: '何家岩村三组',
    need: '修缮通组道路 1.2 公里',
    amount: 12_000_000,
    contactName: '王秀英',
    contactPhone: '13812341234',
    idNumber: '110101199003071233',
  });
  const chain = (level: string) => approvers(povertyNeedTemplate, ctx(form(level))).map((n) => describeApproverRule(n.approvers[0]));

  it('accepts a filled need and refuses a level that is not one of the four', () => {
    valid(povertyNeedTemplate, { ...form('household'), photos: [FILE] });
    expect(validateForm(povertyNeedTemplate.form, form('province')).errors).toEqual([{ path: 'level', message: '需求层级只能从给定的选项中选择' }]);
  });

  it('户级: village → town', () => {
    expect(walked(povertyNeedTemplate, ctx(form('household')))).toEqual(['household-village', 'household-town']);
    expect(chain('household')).toEqual(['发起人所在村的负责人', '发起人所在乡镇的负责人']);
  });

  it('村级: village → town → 扶贫开发办公室', () => {
    expect(walked(povertyNeedTemplate, ctx(form('village')))).toEqual(['village-village', 'village-town', 'village-bureau']);
    expect(chain('village')).toEqual(['发起人所在村的负责人', '发起人所在乡镇的负责人', '扶贫开发办公室的审批人']);
  });

  it('镇级: town → 扶贫开发办公室 → county leader', () => {
    expect(walked(povertyNeedTemplate, ctx(form('town'), ['town']))).toEqual(['town-town', 'town-bureau', 'town-county']);
    expect(chain('town')).toEqual(['发起人所在乡镇的负责人', '扶贫开发办公室的审批人', '县本级的领导']);
  });

  it('县级: 扶贫开发办公室 → county leader', () => {
    expect(walked(povertyNeedTemplate, ctx(form('county'), ['bureau']))).toEqual(['county-bureau', 'county-leader']);
    expect(chain('county')).toEqual(['扶贫开发办公室的审批人', '县本级的领导']);
  });

  it('refuses to start a household or village need from outside a village or town, and never stalls above it', () => {
    const policies = (level: string) => approvers(povertyNeedTemplate, ctx(form(level))).map((n) => n.onEmpty);
    expect(policies('household')).toEqual(['fail', 'fail']);
    expect(policies('village')).toEqual(['fail', 'fail', 'admin']);
    expect(policies('town')).toEqual(['fail', 'admin', 'admin']);
    expect(policies('county')).toEqual(['admin', 'admin']);
  });

  it('shows helpers the contact, phone and ID number masked, and the need itself in full', () => {
    const stored = valid(povertyNeedTemplate, form('household'));
    expect(maskPrivate(povertyNeedTemplate.form, stored)).toEqual({
      ...stored,
      contactName: '***',
      contactPhone: '138****1234',
      idNumber: '110***********1233',
    });
  });
});

describe('助学申请', () => {
  const form: FormValues = {
    studentName: '李小梅',
    school: '略阳县第一中学',
    stage: 'senior',
    amount: 300_000,
    reason: '父亲因病丧失劳动能力',
    guardianName: '李建国',
    guardianPhone: '13912345678',
  };

  it('accepts a filled application', () => {
    valid(studentAidTemplate, { ...form, studentIdNumber: '610726198506153314', proofs: [FILE] });
  });

  it('goes to the 教育体育局, then the 扶贫开发办公室', () => {
    expect(walked(studentAidTemplate, ctx(form))).toEqual(['education-bureau', 'poverty-office']);
    expect(approvers(studentAidTemplate, ctx(form)).map((n) => n.approvers)).toEqual([
      [{ kind: 'role', role: 'approver', unitKey: 'bureau:教育体育局' }],
      [{ kind: 'role', role: 'approver', unitKey: 'bureau:扶贫开发办公室' }],
    ]);
  });

  it('masks the student’s ID number and the guardian for helpers', () => {
    const masked = maskPrivate(studentAidTemplate.form, valid(studentAidTemplate, { ...form, studentIdNumber: '610726198506153314' }));
    expect(masked).toMatchObject({ studentName: '李小梅', studentIdNumber: '610***********3314', guardianName: '***', guardianPhone: '139****5678' });
  });
});

describe('describeApproverRule', () => {
  it.each<[Parameters<typeof describeApproverRule>[0], string]>([
    [{ kind: 'members', memberIds: [FILE, FILE] }, '指定成员（2 人）'],
    [{ kind: 'role', role: 'approver', unitKey: 'bureau:教育体育局' }, '教育体育局的审批人'],
    [{ kind: 'role', role: 'leader', unitKey: 'root' }, '县本级的领导'],
    [{ kind: 'role', role: 'approver', unitKey: 'applicant:town' }, '发起人所在乡镇的审批人'],
    [{ kind: 'role', role: 'approver', unitId: FILE }, '指定单位的审批人'],
    [{ kind: 'supervisor', levels: 1 }, '发起人的直属主管'],
    [{ kind: 'supervisor', levels: 2 }, '发起人的第 2 级主管'],
    [{ kind: 'unitHead', level: 'county' }, '发起人所在县的负责人'],
    [{ kind: 'unitHead' }, '发起人所在单位的负责人'],
    [{ kind: 'chosen' }, '发起人自选'],
    [{ kind: 'chosen', multiple: true }, '发起人自选（可多人）'],
  ])('%j → %s', (rule, words) => {
    expect(describeApproverRule(rule)).toBe(words);
  });

  it('names a unit by id when the caller knows its name', () => {
    expect(describeApproverRule({ kind: 'role', role: 'approver', unitId: FILE }, '财政局')).toBe('财政局的审批人');
  });
});
