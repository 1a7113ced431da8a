/**
 * Checking a whole template before it is saved or published: its own fields, its form schema and its flow.
 * Pure: no Nest, no database.
 */
import { TemplateCategory } from '@lianxin/shared';
import type { FormSchema, TemplateProblem } from '@lianxin/shared';
import { validateSchema } from './form.js';
import { validateFlow } from './flow.js';
import { isNonEmptyString, isObject, problem } from './problems.js';

const CODE = /^[a-z][a-z0-9-]{0,39}$/;
const CATEGORIES = new Set<string>(Object.values(TemplateCategory));

/**
 * Every problem of a TemplateInput, errors and warnings (publish only when none is an error). Accepts
 * anything, as it comes from a request body. The flow's conditions are checked against the form's
 * fields as given, so a broken field shows up once, as a field problem.
 */
export function validateTemplate(input: unknown): TemplateProblem[] {
  if (!isObject(input)) return [problem('template_invalid', '', '模板应为对象')];
  const out: TemplateProblem[] = [];
  if (typeof input.code !== 'string' || !CODE.test(input.code)) {
    out.push(problem('code_invalid', 'code', '模板编码应以小写字母开头，只含小写字母、数字和 -，不超过 40 个字符（如 leave、poverty-need）'));
  }
  if (!isNonEmptyString(input.name, 50)) out.push(problem('name_missing', 'name', '模板需要名称（不超过 50 字）'));
  if (typeof input.category !== 'string' || !CATEGORIES.has(input.category)) {
    out.push(problem('category_invalid', 'category', `模板分类只能是 ${[...CATEGORIES].join('、')}`));
  }
  for (const key of ['icon', 'description'] as const) {
    const max = key === 'icon' ? 50 : 500;
    if (input[key] !== undefined && (typeof input[key] !== 'string' || [...input[key]].length > max)) {
      out.push(problem('template_invalid', key, `${key} 应为不超过 ${max} 字的文字`));
    }
  }
  for (const key of ['allowSelfApproval', 'publish'] as const) {
    if (input[key] !== undefined && typeof input[key] !== 'boolean') out.push(problem('template_invalid', key, `${key} 应为 true 或 false`));
  }
  out.push(...validateSchema(input.form, 'form'));
  const schema: FormSchema = isObject(input.form) && Array.isArray(input.form.fields) ? (input.form as unknown as FormSchema) : { fields: [] };
  out.push(...validateFlow(input.flow, schema, 'flow'));
  return out;
}
