import { ShippedTemplateCode } from '@lianxin/shared';
import type { TemplateInput } from '@lianxin/shared';

/**
 * 补卡: the direct supervisor approves. The code tells the engine to apply an approved instance to
 * attendance as a correction: `date` ('YYYY-MM-DD'), `time` ('HH:MM', China time) and `reason` are the
 * fields of an attendance correction request.
 */
export const attendanceCorrectionTemplate: TemplateInput = {
  code: ShippedTemplateCode.AttendanceCorrection,
  name: '补卡',
  category: 'attendance',
  icon: 'clock-o',
  description: '忘记打卡或打卡异常时申请补卡，通过后计入考勤',
  allowSelfApproval: false,
  form: {
    fields: [
      { key: 'date', label: '补卡日期', type: 'date', required: true },
      {
        key: 'time',
        label: '补卡时间',
        type: 'text',
        required: true,
        pattern: '([01]\\d|2[0-3]):[0-5]\\d',
        patternMessage: '请按 HH:MM 填写，如 08:30',
        placeholder: '08:30',
      },
      { key: 'reason', label: '补卡原因', type: 'textarea', required: true, max: 200 },
    ],
  },
  flow: {
    nodes: [{ type: 'approver', id: 'supervisor', name: '直属主管', approvers: [{ kind: 'supervisor', levels: 1 }], mode: 'any', onEmpty: 'admin' }],
  },
};
