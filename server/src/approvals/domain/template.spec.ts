import type { TemplateInput } from '@lianxin/shared';
import { hasErrors } from './problems.js';
import { validateTemplate } from './template.js';

const sound: TemplateInput = {
  code: 'field-visit',
  name: '外出走访',
  category: 'administration',
  icon: 'location-o',
  description: '下村走访登记',
  allowSelfApproval: false,
  form: { fields: [{ key: 'village', label: '走访村', type: 'unit', required: true }] },
  flow: { nodes: [{ type: 'approver', id: 'sup', name: '直属主管', approvers: [{ kind: 'supervisor', levels: 1 }], mode: 'any' }] },
  publish: true,
};

describe('validateTemplate', () => {
  it('finds nothing wrong with a sound template', () => {
    expect(validateTemplate(sound)).toEqual([]);
  });

  it.each<[string, Partial<Record<keyof TemplateInput, unknown>>, string, string]>([
    ['an upper-case code', { code: 'Leave' }, 'code_invalid', 'code'],
    ['a code with spaces', { code: 'field visit' }, 'code_invalid', 'code'],
    ['no name', { name: ' ' }, 'name_missing', 'name'],
    ['a name too long', { name: '长'.repeat(51) }, 'name_missing', 'name'],
    ['an unknown category', { category: 'sports' }, 'category_invalid', 'category'],
    ['an icon that is not text', { icon: 5 }, 'template_invalid', 'icon'],
    ['a flag that is not a boolean', { allowSelfApproval: 'no' }, 'template_invalid', 'allowSelfApproval'],
    ['no form', { form: undefined }, 'schema_invalid', 'form'],
    ['no flow', { flow: undefined }, 'flow_invalid', 'flow'],
  ])('refuses %s', (_name, change, code, path) => {
    expect(validateTemplate({ ...sound, ...change }).map((p) => [p.code, p.path])).toEqual([[code, path]]);
  });

  it('checks the flow against the form it comes with', () => {
    const input = {
      ...sound,
      flow: {
        nodes: [
          ...sound.flow.nodes,
          {
            type: 'branch',
            id: 'b',
            name: '按金额',
            branches: [
              { name: '大额', priority: 1, condition: { kind: 'field', field: 'amount', op: 'gte', value: 1 }, nodes: [] },
              { name: '其他', priority: 2, condition: null, nodes: [] },
            ],
          },
        ],
      },
    };
    expect(validateTemplate(input).map((p) => [p.code, p.path, p.fieldKey])).toEqual([
      ['condition_field_unknown', 'flow.nodes.1.branches.0.condition.field', 'amount'],
    ]);
  });

  it('answers junk with a problem, never an exception', () => {
    for (const junk of [null, 'template', 42, [], { form: [], flow: 'x' }]) {
      const problems = validateTemplate(junk);
      expect(problems.length).toBeGreaterThan(0);
      expect(hasErrors(problems)).toBe(true);
    }
  });

  it('hasErrors ignores warnings', () => {
    expect(hasErrors([{ code: 'path_without_approver', severity: 'warning', nodeId: null, fieldKey: null, path: 'flow.nodes', message: '' }])).toBe(false);
  });
});
