import type { MemberStatus, MemberView, Role, UnitKind, UnitRef } from './org.js';

/** One unit in `GET /org/units/tree`, with member counts and its children. */
export interface UnitNode {
  id: string;
  parentId: string | null;
  name: string;
  kind: UnitKind;
  sortOrder: number;
  /** Active members whose membership is in this unit itself. */
  directMembers: number;
  /** Distinct active members anywhere in this unit's subtree. */
  totalMembers: number;
  /** Omitted below the requested depth; `hasChildren` says whether there are more. */
  children: UnitNode[];
  hasChildren: boolean;
}

/** `GET /org/units/tree`: the requested unit, or every top unit the caller can see. */
export interface UnitTreeView {
  roots: UnitNode[];
}

export interface CreateUnitRequest {
  parentId: string;
  name: string;
  kind: UnitKind;
  /** Position among siblings; appended last when omitted. */
  sortOrder?: number;
}

/** Rename, change kind, reorder, or move (`parentId`) a unit. */
export interface UpdateUnitRequest {
  name?: string;
  kind?: UnitKind;
  parentId?: string;
  sortOrder?: number;
}

export interface UnitView extends UnitRef {
  parentId: string | null;
  sortOrder: number;
  dingtalkDeptId: string | null;
}

/** `GET /org/units/:id`: one unit with its path from the top and its counts. */
export interface UnitDetailView extends UnitView {
  /** Ancestors from the root down to the parent (breadcrumbs). */
  path: UnitRef[];
  childCount: number;
  directMembers: number;
  totalMembers: number;
}

/** A member in lists and pickers. */
export interface MemberSummary {
  id: string;
  name: string;
  phone: string;
  title: string | null;
  status: MemberStatus;
  primaryUnit: UnitRef | null;
  isHead: boolean;
}

export interface MemberUnitInput {
  unitId: string;
  isHead?: boolean;
  isPrimary?: boolean;
}

export interface RoleGrantInput {
  role: Role;
  unitId: string;
}

export interface CreateMemberRequest {
  name: string;
  phone: string;
  title?: string;
  /** Omit for members who sign in through DingTalk only. */
  password?: string;
  dingtalkUserId?: string;
  supervisorId?: string;
  /** At least one; exactly one primary (the first when none is marked). */
  units: MemberUnitInput[];
  roles?: RoleGrantInput[];
}

/** Every field optional; `units` and `roles`, when given, replace the member's current ones. */
export interface UpdateMemberRequest {
  name?: string;
  phone?: string;
  title?: string | null;
  password?: string;
  dingtalkUserId?: string | null;
  supervisorId?: string | null;
  status?: MemberStatus;
  units?: MemberUnitInput[];
  roles?: RoleGrantInput[];
}

/** `GET /org/members/:id`: the member card. */
export interface MemberCardView extends MemberView {
  /** Explicit supervisor, or the head of the primary unit (or nearest ancestor with a head). */
  supervisor: (MemberSummary & { via: 'explicit' | 'unit-head' }) | null;
}

/** `GET /org/members/:id/chain`: the member's supervisor, theirs, … up to the top. */
export interface SupervisorChainView {
  member: MemberSummary;
  chain: Array<MemberSummary & { via: 'explicit' | 'unit-head' }>;
}

/** A column of the org import file (`POST /org/import`). */
export type ImportColumn = 'unitPath' | 'name' | 'phone' | 'title' | 'isHead' | 'roles';

/** One problem found in an import file. */
export interface ImportRowError {
  /** Line in the file as a text editor or Excel shows it (1 = the header); 0 = the file as a whole. */
  line: number;
  /** The column at fault, when it is one column. */
  column: ImportColumn | null;
  /** What is wrong and how to fix it, in Chinese. */
  message: string;
}

/**
 * What an import changed, or with `dryRun` would change. A file with any bad row changes nothing and
 * answers 400 ORG_IMPORT_INVALID, whose problem+json carries this report as `report` with every error.
 */
export interface ImportReport {
  dryRun: boolean;
  /** Data rows read (blank rows skipped). */
  rows: number;
  unitsCreated: number;
  /** Paths of the units created, parents before children (`略阳县/兴州街道/五郎坪村`). */
  createdUnits: string[];
  membersCreated: number;
  /** Existing members (matched by phone) whose name, title, units, head flag or roles changed. */
  membersUpdated: number;
  /** Existing members the file did not change. */
  membersUnchanged: number;
  membershipsAdded: number;
  rolesGranted: number;
  errors: ImportRowError[];
  /** Rows imported with a caveat (a disabled member stays disabled; an unknown column was ignored). */
  warnings: ImportRowError[];
}

/** `POST /org/sync/dingtalk`: what one run changed. A rerun without changes in DingTalk reports zeros. */
export interface SyncReport {
  /** What DingTalk holds: departments below the root, and users. */
  fetched: { departments: number; users: number };
  /** `kept`: departments gone from DingTalk whose units still hold members or sub-units, left in place (see keptUnits). */
  units: { created: number; updated: number; removed: number; kept: number };
  /** `skipped`: DingTalk users not synced (see skippedUsers), e.g. without a mobile number. */
  members: { created: number; updated: number; disabled: number; skipped: number };
  keptUnits: Array<UnitRef & { members: number; children: number }>;
  skippedUsers: Array<{ dingtalkUserId: string; name: string; reason: string }>;
  durationMs: number;
}
