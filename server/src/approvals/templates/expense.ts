import { ShippedTemplateCode } from '@lianxin/shared';
import type { TemplateInput } from '@lianxin/shared';

/** 50,000 元 in fen: at or above it an expense also goes to the county's head. */
export const EXPENSE_COUNTY_THRESHOLD_FEN = 5_000_000;

/** 费用报销: the direct supervisor; 50,000 元 or more the head of the county; then the 财政局's approvers. */
export const expenseTemplate: TemplateInput = {
  code: ShippedTemplateCode.Expense,
  name: '费用报销',
  category: 'finance',
  icon: 'balance-o',
  description: '差旅、会议、办公等费用报销；5 万元及以上需县级负责人审批，最后由财政局审核',
  allowSelfApproval: false,
  form: {
    fields: [
      {
        key: 'category',
        label: '费用类别',
        type: 'select',
        required: true,
        options: [
          { value: 'travel', label: '差旅费' },
          { value: 'office', label: '办公用品' },
          { value: 'meeting', label: '会议费' },
          { value: 'training', label: '培训费' },
          { value: 'reception', label: '公务接待费' },
          { value: 'other', label: '其他' },
        ],
      },
      { key: 'amount', label: '报销金额', type: 'money', required: true, min: 1 },
      { key: 'occurredOn', label: '发生日期', type: 'date', required: true },
      { key: 'description', label: '费用说明', type: 'textarea', required: true, max: 500 },
      { key: 'invoices', label: '发票', type: 'attachments', required: true, min: 1, max: 20 },
    ],
  },
  flow: {
    nodes: [
      { type: 'approver', id: 'supervisor', name: '直属主管', approvers: [{ kind: 'supervisor', levels: 1 }], mode: 'any', onEmpty: 'admin' },
      {
        type: 'branch',
        id: 'by-amount',
        name: '按报销金额',
        branches: [
          {
            name: '5 万元及以上',
            priority: 1,
            condition: { kind: 'field', field: 'amount', op: 'gte', value: EXPENSE_COUNTY_THRESHOLD_FEN },
            nodes: [
              { type: 'approver', id: 'county-head', name: '县级负责人', approvers: [{ kind: 'unitHead', level: 'county' }], mode: 'any', onEmpty: 'admin' },
            ],
          },
          { name: '5 万元以下', priority: 2, condition: null, nodes: [] },
        ],
      },
      {
        type: 'approver',
        id: 'finance-bureau',
        name: '财政局审核',
        approvers: [{ kind: 'role', role: 'approver', unitKey: 'bureau:财政局' }],
        mode: 'any',
        onEmpty: 'admin',
      },
    ],
  },
};
