import { ShippedTemplateCode } from '@lianxin/shared';
import type { TemplateInput } from '@lianxin/shared';

/** 助学申请: the 教育体育局 checks the student's schooling, then the 扶贫开发办公室 approves the aid. */
export const studentAidTemplate: TemplateInput = {
  code: ShippedTemplateCode.StudentAid,
  name: '助学申请',
  category: 'education',
  icon: 'certificate',
  description: '困难家庭学生助学资助申请，教育体育局审核后由扶贫开发办公室审批',
  allowSelfApproval: false,
  form: {
    fields: [
      { key: 'studentName', label: '学生姓名', type: 'text', required: true, max: 20 },
      { key: 'studentIdNumber', label: '学生身份证号', type: 'text', format: 'idNumber', private: true },
      { key: 'school', label: '就读学校', type: 'text', required: true, max: 100 },
      {
        key: 'stage',
        label: '学段',
        type: 'select',
        required: true,
        options: [
          { value: 'primary', label: '小学' },
          { value: 'junior', label: '初中' },
          { value: 'senior', label: '高中' },
          { value: 'vocational', label: '中职' },
          { value: 'college', label: '大学' },
        ],
      },
      { key: 'amount', label: '申请金额', type: 'money', required: true, min: 1 },
      { key: 'reason', label: '申请理由', type: 'textarea', required: true, max: 1000 },
      { key: 'guardianName', label: '监护人', type: 'text', required: true, max: 20, private: true },
      { key: 'guardianPhone', label: '监护人电话', type: 'text', required: true, format: 'phone', private: true },
      { key: 'proofs', label: '证明材料', type: 'attachments', max: 9, help: '学籍证明、家庭困难证明等' },
    ],
  },
  flow: {
    nodes: [
      {
        type: 'approver',
        id: 'education-bureau',
        name: '教育体育局审核',
        approvers: [{ kind: 'role', role: 'approver', unitKey: 'bureau:教育体育局' }],
        mode: 'any',
        onEmpty: 'admin',
      },
      {
        type: 'approver',
        id: 'poverty-office',
        name: '扶贫开发办公室审批',
        approvers: [{ kind: 'role', role: 'approver', unitKey: 'bureau:扶贫开发办公室' }],
        mode: 'any',
        onEmpty: 'admin',
      },
    ],
  },
};
