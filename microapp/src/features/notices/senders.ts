import { Role, type MemberView } from '@lianxin/shared';

/** Roles that may send notices (the server's `notices.send`); /me names roles, not capabilities. */
const SENDING_ROLES: ReadonlySet<Role> = new Set([Role.Admin, Role.Leader, Role.Supervisor, Role.Approver, Role.Staff]);

/** Whether to offer 发通知; the server still checks each audience against the sender's reach. */
export function canSendNotices(member: MemberView | null): boolean {
  return (member?.roles ?? []).some((grant) => SENDING_ROLES.has(grant.role));
}
