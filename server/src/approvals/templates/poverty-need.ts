import { ShippedTemplateCode } from '@lianxin/shared';
import type { ApproverNode, TemplateInput } from '@lianxin/shared';

/** The bureau responsible for poverty-relief needs. */
export const POVERTY_OFFICE = 'bureau:扶贫开发办公室' as const;

const villageHead = (id: string): ApproverNode => ({
  type: 'approver',
  id,
  name: '村（社区）负责人',
  approvers: [{ kind: 'unitHead', level: 'village' }],
  mode: 'any',
  // A household or village need is raised in its village: from anywhere else it cannot start.
  onEmpty: 'fail',
});
const townHead = (id: string): ApproverNode => ({
  type: 'approver',
  id,
  name: '乡镇负责人',
  approvers: [{ kind: 'unitHead', level: 'town' }],
  mode: 'any',
  onEmpty: 'fail',
});
const povertyOffice = (id: string): ApproverNode => ({
  type: 'approver',
  id,
  name: '扶贫开发办公室',
  approvers: [{ kind: 'role', role: 'approver', unitKey: POVERTY_OFFICE }],
  mode: 'any',
  onEmpty: 'admin',
});
const countyLeader = (id: string): ApproverNode => ({
  type: 'approver',
  id,
  name: '县领导',
  approvers: [{ kind: 'role', role: 'leader', unitKey: 'root' }],
  mode: 'any',
  onEmpty: 'admin',
});

/**
 * 扶贫需求申报: a need at one of four levels, approved level by level — 户级: village → town;
 * 村级: village → town → 扶贫开发办公室; 镇级: town → 扶贫开发办公室 → county leader; 县级:
 * 扶贫开发办公室 → county leader. Approved instances enter the needs library (`GET /projects`), where
 * helpers see the contact, phone and ID number masked.
 */
export const povertyNeedTemplate: TemplateInput = {
  code: ShippedTemplateCode.PovertyNeed,
  name: '扶贫需求申报',
  category: 'poverty',
  icon: 'flag-o',
  description: '逐户、逐村、逐镇、县本级申报帮扶需求，逐级审批后进入需求项目库，供帮扶力量认领',
  allowSelfApproval: false,
  form: {
    fields: [
      {
        key: 'level',
        label: '需求层级',
        type: 'select',
        required: true,
        options: [
          { value: 'household', label: '户级' },
          { value: 'village', label: '村级' },
          { value: 'town', label: '镇级' },
          { value: 'county', label: '县级' },
        ],
      },
      {
        key: 'category',
        label: '需求类别',
        type: 'select',
        required: true,
        options: [
          { value: 'industry', label: '产业发展' },
          { value: 'education', label: '教育' },
          { value: 'health', label: '医疗健康' },
          { value: 'housing', label: '住房安全' },
          { value: 'water', label: '饮水安全' },
          { value: 'infrastructure', label: '基础设施' },
          { value: 'employment', label: '就业' },
          { value: 'other', label: '其他' },
        ],
      },
      { key: 'place', label: '地点', type: 'text', required: true, max: 100, placeholder: '如 何家岩村三组' },
      { key: 'need', label: '需求内容', type: 'textarea', required: true, max: 1000 },
      { key: 'amount', label: '所需资金', type: 'money', required: true, min: 1 },
      { key: 'contactName', label: '联系人', type: 'text', required: true, max: 20, private: true },
      { key: 'contactPhone', label: '联系电话', type: 'text', required: true, format: 'phone', private: true },
      { key: 'idNumber', label: '户主身份证号', type: 'text', format: 'idNumber', private: true, help: '户级需求请填写' },
      { key: 'photos', label: '现场照片', type: 'attachments', max: 9 },
    ],
  },
  flow: {
    nodes: [
      {
        type: 'branch',
        id: 'by-level',
        name: '按需求层级',
        branches: [
          {
            name: '户级',
            priority: 1,
            condition: { kind: 'field', field: 'level', op: 'eq', value: 'household' },
            nodes: [villageHead('household-village'), townHead('household-town')],
          },
          {
            name: '村级',
            priority: 2,
            condition: { kind: 'field', field: 'level', op: 'eq', value: 'village' },
            nodes: [villageHead('village-village'), townHead('village-town'), povertyOffice('village-bureau')],
          },
          {
            name: '镇级',
            priority: 3,
            condition: { kind: 'field', field: 'level', op: 'eq', value: 'town' },
            nodes: [townHead('town-town'), povertyOffice('town-bureau'), countyLeader('town-county')],
          },
          // 县级, and the default: the level is a required choice of the four.
          { name: '县级', priority: 4, condition: null, nodes: [povertyOffice('county-bureau'), countyLeader('county-leader')] },
        ],
      },
    ],
  },
};
