import { ShippedTemplateCode } from '@lianxin/shared';
import type { TemplateInput } from '@lianxin/shared';

/**
 * 请假: the direct supervisor approves; 3 days or more also go to the head of the applicant's 乡镇
 * (town and village staff) or of their 局办 (county staff); the applicant's unit head is copied once approved.
 */
export const leaveTemplate: TemplateInput = {
  code: ShippedTemplateCode.Leave,
  name: '请假',
  category: 'attendance',
  icon: 'calendar-o',
  description: '事假、病假、年休假等；3 天及以上还需乡镇或局办主要负责人审批',
  allowSelfApproval: false,
  form: {
    fields: [
      {
        key: 'leaveType',
        label: '请假类型',
        type: 'select',
        required: true,
        options: [
          { value: 'personal', label: '事假' },
          { value: 'sick', label: '病假' },
          { value: 'annual', label: '年休假' },
          { value: 'marriage', label: '婚假' },
          { value: 'maternity', label: '产假' },
          { value: 'paternity', label: '陪产假' },
          { value: 'bereavement', label: '丧假' },
          { value: 'compensatory', label: '调休' },
        ],
      },
      { key: 'period', label: '请假日期', type: 'dateRange', required: true, max: 60 },
      { key: 'days', label: '请假天数', type: 'number', required: true, min: 0.5, max: 60, help: '按工作日计，可填半天（0.5）' },
      { key: 'reason', label: '请假事由', type: 'textarea', required: true, max: 500 },
      { key: 'attachments', label: '证明材料', type: 'attachments', max: 9, help: '病假请附医院证明' },
    ],
  },
  flow: {
    nodes: [
      { type: 'approver', id: 'supervisor', name: '直属主管', approvers: [{ kind: 'supervisor', levels: 1 }], mode: 'any', onEmpty: 'admin' },
      {
        type: 'branch',
        id: 'by-days',
        name: '按请假天数',
        branches: [
          {
            name: '3 天及以上',
            priority: 1,
            condition: { kind: 'field', field: 'days', op: 'gte', value: 3 },
            nodes: [
              {
                type: 'branch',
                id: 'by-unit-level',
                name: '按发起人所在层级',
                branches: [
                  {
                    name: '乡镇及村',
                    priority: 1,
                    condition: { kind: 'applicant', attribute: 'unitKind', op: 'in', value: ['town', 'village'] },
                    nodes: [
                      { type: 'approver', id: 'town-head', name: '乡镇主要负责人', approvers: [{ kind: 'unitHead', level: 'town' }], mode: 'any', onEmpty: 'admin' },
                    ],
                  },
                  {
                    name: '县直单位',
                    priority: 2,
                    condition: null,
                    // County leaders sit in the county itself, above any 局办: their supervisor has approved already.
                    nodes: [
                      { type: 'approver', id: 'bureau-head', name: '局办主要负责人', approvers: [{ kind: 'unitHead', level: 'bureau' }], mode: 'any', onEmpty: 'skip' },
                    ],
                  },
                ],
              },
            ],
          },
          { name: '3 天以下', priority: 2, condition: null, nodes: [] },
        ],
      },
      { type: 'cc', id: 'cc-unit-head', name: '抄送单位负责人', recipients: [{ kind: 'unitHead' }], when: 'end' },
    ],
  },
};
