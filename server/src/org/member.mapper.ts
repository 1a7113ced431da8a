import type { MemberView, Role, UnitKind } from '@lianxin/shared';
import type { MemberStatus } from '@lianxin/shared';

export interface MemberRow {
  id: string;
  name: string;
  phone: string;
  title: string | null;
  dingtalk_user_id: string | null;
  status: MemberStatus;
}

export interface MembershipRow {
  id: string;
  name: string;
  kind: UnitKind;
  is_head: boolean;
  is_primary: boolean;
}

export interface RoleRow {
  role: Role;
  id: string;
  name: string;
  kind: UnitKind;
}

export function toMemberView(m: MemberRow, units: MembershipRow[], roles: RoleRow[]): MemberView {
  return {
    id: m.id,
    name: m.name,
    phone: m.phone,
    title: m.title,
    dingtalkUserId: m.dingtalk_user_id,
    status: m.status,
    memberships: units.map((u) => ({ unit: { id: u.id, name: u.name, kind: u.kind }, isHead: u.is_head, isPrimary: u.is_primary })),
    roles: roles.map((r) => ({ role: r.role, unit: { id: r.id, name: r.name, kind: r.kind } })),
  };
}
