export const UnitKind = {
  County: 'county',
  Bureau: 'bureau',
  Town: 'town',
  Village: 'village',
  Office: 'office',
} as const;
export type UnitKind = (typeof UnitKind)[keyof typeof UnitKind];

export const UnitKindLabel: Record<UnitKind, string> = {
  county: '县',
  bureau: '局办',
  town: '乡镇/街道',
  village: '村/社区',
  office: '科室',
};

export const MemberStatus = { Active: 'active', Disabled: 'disabled' } as const;
export type MemberStatus = (typeof MemberStatus)[keyof typeof MemberStatus];

/** Roles are granted at a unit and reach its whole subtree. */
export const Role = {
  Admin: 'admin',
  Leader: 'leader',
  Supervisor: 'supervisor',
  Auditor: 'auditor',
  Approver: 'approver',
  Staff: 'staff',
  Helper: 'helper',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const RoleLabel: Record<Role, string> = {
  admin: '管理员',
  leader: '领导',
  supervisor: '督查',
  auditor: '审计',
  approver: '审批人',
  staff: '工作人员',
  helper: '帮扶力量',
};

export interface UnitRef {
  id: string;
  name: string;
  kind: UnitKind;
}

export interface MembershipView {
  unit: UnitRef;
  isHead: boolean;
  isPrimary: boolean;
}

export interface RoleGrantView {
  role: Role;
  unit: UnitRef;
}

/** A member as the API shows it to someone allowed to see them. */
export interface MemberView {
  id: string;
  name: string;
  phone: string;
  title: string | null;
  dingtalkUserId: string | null;
  status: MemberStatus;
  memberships: MembershipView[];
  roles: RoleGrantView[];
}
