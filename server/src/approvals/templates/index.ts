import type { TemplateInput } from '@lianxin/shared';
import { attendanceCorrectionTemplate } from './attendance-correction.js';
import { expenseTemplate } from './expense.js';
import { leaveTemplate } from './leave.js';
import { povertyNeedTemplate } from './poverty-need.js';
import { studentAidTemplate } from './student-aid.js';

export { attendanceCorrectionTemplate, expenseTemplate, leaveTemplate, povertyNeedTemplate, studentAidTemplate };

/**
 * The templates every county starts with, published as version 1 when the approvals module seeds a
 * county. Their role rules name bureaus by unit key (`bureau:教育体育局`), resolved when a node activates.
 */
export const SHIPPED_TEMPLATES: readonly TemplateInput[] = [
  leaveTemplate,
  attendanceCorrectionTemplate,
  expenseTemplate,
  povertyNeedTemplate,
  studentAidTemplate,
];
