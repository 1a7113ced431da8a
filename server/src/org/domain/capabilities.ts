import { Role } from '@lianxin/shared';

/**
 * What a caller may do, and which roles granted at a unit give it over that unit's subtree.
 * Every module asks ScopeService with one of these; later features add their own rows here.
 */
export const CAPABILITY_ROLES = {
  /** See units and members (通讯录). Membership in a unit also gives it over that unit's subtree. */
  'org.read': [Role.Admin, Role.Leader, Role.Supervisor, Role.Auditor, Role.Approver, Role.Staff],
  /** Create, move, delete units; add, change, disable members; import; sync. */
  'org.write': [Role.Admin],
  /** Send notices to units, members and role holders within the subtree. */
  'notices.send': [Role.Admin, Role.Leader, Role.Supervisor, Role.Approver, Role.Staff],
  /** See who has and has not read a notice, and DING them: the part of its recipients in the subtree. */
  'notices.track': [Role.Admin, Role.Leader, Role.Supervisor, Role.Auditor],
  /** See check-ins, daily boards and monthly reports of members in the subtree. */
  'attendance.read': [Role.Admin, Role.Leader, Role.Supervisor, Role.Auditor],
  /** Set attendance places, shifts and the holiday calendar. */
  'attendance.manage': [Role.Admin],
  /** Start spot checks (抽查) on members in the subtree. */
  'attendance.spotcheck': [Role.Admin, Role.Leader, Role.Supervisor],
  /** Decide 补卡 and leave requests of members in the subtree (until approval flows take them over). */
  'attendance.approve': [Role.Admin, Role.Leader, Role.Supervisor, Role.Approver],
  /** Read, verify and export the approval audit trails of applicants in the subtree. */
  'audit.read': [Role.Admin, Role.Auditor],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof CAPABILITY_ROLES;

/** Capabilities that a plain membership in a unit also grants over that unit's subtree. */
export const MEMBERSHIP_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(['org.read']);
