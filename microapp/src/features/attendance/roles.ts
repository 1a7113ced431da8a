import { Role, type MemberView, type UnitRef } from '@lianxin/shared';

/** Roles that may start spot checks (the server's `attendance.spotcheck`); /me names roles, not capabilities. */
const SPOT_CHECK_ROLES: ReadonlySet<Role> = new Set([Role.Admin, Role.Leader, Role.Supervisor]);
/** Roles that may read units' daily boards and reports (the server's `attendance.read`). */
const BOARD_ROLES: ReadonlySet<Role> = new Set([Role.Admin, Role.Leader, Role.Supervisor, Role.Auditor]);

export function canSpotCheck(member: MemberView | null): boolean {
  return (member?.roles ?? []).some((grant) => SPOT_CHECK_ROLES.has(grant.role));
}

export function canReadBoards(member: MemberView | null): boolean {
  return (member?.roles ?? []).some((grant) => BOARD_ROLES.has(grant.role));
}

/** The unit a board opens at: where the member holds a board role (the widest first), else their own unit. */
export function defaultBoardUnit(member: MemberView | null): UnitRef | null {
  const grant = (member?.roles ?? []).find((g) => BOARD_ROLES.has(g.role));
  if (grant) return grant.unit;
  const memberships = member?.memberships ?? [];
  return (memberships.find((m) => m.isPrimary) ?? memberships[0])?.unit ?? null;
}
