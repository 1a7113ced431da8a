/**
 * Approvals (审批): templates with a form and a flow, instances started from them, tasks of the
 * approvers, and the needs library that approved 扶贫需求申报 instances feed.
 *
 * Money is always an integer number of fen (分): 50,000 元 is 5_000_000.
 * Dates are 'YYYY-MM-DD' (China time); instants are ISO 8601 strings.
 */
import type { AttachmentView } from '../notices/notices.js';
import type { Role, UnitKind, UnitRef } from '../org/org.js';

// ---------------------------------------------------------------------------------------------
// Form schema
// ---------------------------------------------------------------------------------------------

/**
 * What a form field holds, and the JSON value it takes:
 * text, textarea: string · number: number · money: integer fen ≥ 0 · date: 'YYYY-MM-DD' ·
 * dateRange: ['YYYY-MM-DD', 'YYYY-MM-DD'] (from ≤ to) · select: one option value ·
 * multiSelect: option values · member, unit: one uuid · attachments: uuids of uploaded files ·
 * location: {@link LocationValue}.
 */
export const FieldType = {
  Text: 'text',
  Textarea: 'textarea',
  Number: 'number',
  Money: 'money',
  Date: 'date',
  DateRange: 'dateRange',
  Select: 'select',
  MultiSelect: 'multiSelect',
  Member: 'member',
  Unit: 'unit',
  Attachments: 'attachments',
  Location: 'location',
} as const;
export type FieldType = (typeof FieldType)[keyof typeof FieldType];
export const FieldTypeLabel: Record<FieldType, string> = {
  text: '单行文本',
  textarea: '多行文本',
  number: '数字',
  money: '金额',
  date: '日期',
  dateRange: '日期区间',
  select: '单选',
  multiSelect: '多选',
  member: '成员',
  unit: '单位',
  attachments: '附件',
  location: '位置',
};

/** A checked shape for text fields; a private field with a format is masked by it (138****1234, 110***********1234). */
export const TextFormat = { Phone: 'phone', IdNumber: 'idNumber' } as const;
export type TextFormat = (typeof TextFormat)[keyof typeof TextFormat];
export const TextFormatLabel: Record<TextFormat, string> = { phone: '手机号', idNumber: '身份证号' };

export interface FieldOption {
  /** Stored in the form and compared by conditions. */
  value: string;
  /** Shown to people. */
  label: string;
}

export interface FormField {
  /** Letters, digits and `_`, starting with a letter; unique in the form. Conditions name fields by key. */
  key: string;
  label: string;
  type: FieldType;
  required?: boolean;
  /**
   * Bounds, inclusive. number and money: the value (money in fen); text and textarea: characters;
   * multiSelect and attachments: how many; dateRange: days, counting both ends.
   */
  min?: number;
  max?: number;
  /** number: whole numbers only. */
  integer?: boolean;
  /** text and textarea: a regular expression the whole value must match (like HTML's `pattern`). */
  pattern?: string;
  /** Shown when `pattern` does not match (default: 格式不正确). */
  patternMessage?: string;
  /** text: a phone number (11 digits, 1…) or a resident ID number (18 characters with a valid check digit). */
  format?: TextFormat;
  /** select and multiSelect: the choices, in display order. */
  options?: FieldOption[];
  /**
   * Personal data (phone, ID number, a household's name…): masked wherever someone who is not a
   * participant of the instance sees it — helpers in the needs library above all.
   */
  private?: boolean;
  placeholder?: string;
  /** A line of help under the field. */
  help?: string;
}

export interface FormSchema {
  fields: FormField[];
}

export interface LocationValue {
  latitude: number;
  longitude: number;
  address?: string;
}

/** [from, to], both 'YYYY-MM-DD', from ≤ to. */
export type DateRangeValue = [string, string];

export type FormValue = string | number | string[] | LocationValue;
/** A filled form: field key → value. Optional fields left empty are absent. */
export type FormValues = Record<string, FormValue>;

// ---------------------------------------------------------------------------------------------
// Flow
// ---------------------------------------------------------------------------------------------

export const ApproverRuleKind = {
  Members: 'members',
  Role: 'role',
  Supervisor: 'supervisor',
  UnitHead: 'unitHead',
  Chosen: 'chosen',
} as const;
export type ApproverRuleKind = (typeof ApproverRuleKind)[keyof typeof ApproverRuleKind];
export const ApproverRuleKindLabel: Record<ApproverRuleKind, string> = {
  members: '指定成员',
  role: '指定单位的角色',
  supervisor: '发起人的主管',
  unitHead: '单位负责人',
  chosen: '发起人自选',
};

/**
 * A unit named by a stable key instead of an id, so shipped templates work in any county; the
 * engine resolves it against the org chart when a node activates:
 * - `root`: the top unit (the county);
 * - `bureau:<name>`: the unit of kind bureau with exactly that name, e.g. `bureau:教育体育局`;
 * - `applicant:<UnitKind>`: the applicant's primary unit or its nearest ancestor of that kind,
 *   e.g. `applicant:town` (the applicant's 乡镇).
 */
export type UnitKey = 'root' | `bureau:${string}` | `applicant:${UnitKind}`;

/**
 * Who approves (or is copied), resolved when the node activates; each task records the rule that chose its assignee.
 * - members: these members.
 * - role: every active member holding `role` granted at that unit itself (not at an ancestor); exactly one of `unitId`, `unitKey`.
 * - supervisor: the applicant's supervisor `levels` up the chain (1 = direct supervisor: the explicit one, else the unit head).
 * - unitHead: the head of the applicant's primary unit's nearest ancestor-or-self of kind `level`;
 *   without `level`, of the applicant's own primary unit (or its nearest ancestor that has a head).
 * - chosen (自选): the applicant names them when starting ({@link StartInstanceRequest.chosenApprovers}); one unless `multiple`.
 */
export type ApproverRule =
  | { kind: 'members'; memberIds: string[] }
  | { kind: 'role'; role: Role; unitId?: string; unitKey?: UnitKey }
  | { kind: 'supervisor'; levels: number }
  | { kind: 'unitHead'; level?: UnitKind }
  | { kind: 'chosen'; multiple?: boolean };

/** sequential: one after another in order (依次审批); all: everyone (会签, or a share of them with passRatio); any: the first approval (或签). */
export const ApproverMode = { Sequential: 'sequential', All: 'all', Any: 'any' } as const;
export type ApproverMode = (typeof ApproverMode)[keyof typeof ApproverMode];
export const ApproverModeLabel: Record<ApproverMode, string> = { sequential: '依次审批', all: '会签', any: '或签' };

/**
 * When a node's rules resolve to nobody: skip the node; give it to the admins (role admin) of the
 * applicant's nearest unit that has any; or refuse to start the instance (APPROVAL_NO_APPROVER).
 * 'fail' is checked when the instance starts, for the nodes on its path; a node that still comes up
 * empty when it activates later goes to the admins, so an instance never stalls.
 * A node whose only approver is the applicant (and the template does not allow self-approval) is
 * skipped whatever the policy: applying counts as the applicant's approval there.
 */
export const EmptyApproverPolicy = { Skip: 'skip', Admin: 'admin', Fail: 'fail' } as const;
export type EmptyApproverPolicy = (typeof EmptyApproverPolicy)[keyof typeof EmptyApproverPolicy];
export const EmptyApproverPolicyLabel: Record<EmptyApproverPolicy, string> = { skip: '自动跳过', admin: '转交管理员', fail: '不允许发起' };

/**
 * When a CC node (抄送) notifies: start — when the instance starts; pass — when the flow reaches the
 * node (everything before it passed); end — when the instance is approved. Only CC nodes on the
 * instance's path (inside the branches it takes) notify.
 */
export const CcWhen = { Start: 'start', Pass: 'pass', End: 'end' } as const;
export type CcWhen = (typeof CcWhen)[keyof typeof CcWhen];
export const CcWhenLabel: Record<CcWhen, string> = { start: '发起时抄送', pass: '审批到此时抄送', end: '审批通过后抄送' };

export const NodeType = { Approver: 'approver', Cc: 'cc', Branch: 'branch', End: 'end' } as const;
export type NodeType = (typeof NodeType)[keyof typeof NodeType];
export const NodeTypeLabel: Record<NodeType, string> = { approver: '审批人', cc: '抄送人', branch: '条件分支', end: '结束' };

/** Node ids: letters, digits, `-` and `_`, at most 64; unique in the whole flow (branches included). */
export interface ApproverNode {
  type: 'approver';
  id: string;
  name: string;
  /** At least one; the assignees are every rule's members together, duplicates removed, in rule order. */
  approvers: ApproverRule[];
  mode: ApproverMode;
  /** mode all: the share of approvals that passes the node, in (0, 1]; default 1 (everyone). */
  passRatio?: number;
  /** Default 'admin'. */
  onEmpty?: EmptyApproverPolicy;
}

export interface CcNode {
  type: 'cc';
  id: string;
  name: string;
  recipients: ApproverRule[];
  when: CcWhen;
}

/**
 * Condition branches (条件分支). The first branch, by ascending `priority` (1 first), whose condition
 * holds is taken; the default branch (condition null, exactly one) is taken when none does, whatever its
 * priority. After the branch's nodes the flow continues after the branch node, unless they reached an end node.
 */
export interface BranchNode {
  type: 'branch';
  id: string;
  name: string;
  branches: FlowBranch[];
}

export interface FlowBranch {
  name: string;
  /** Distinct positive integers within a branch node; 1 is tried first. */
  priority: number;
  /** null: the default branch. */
  condition: Condition | null;
  /** May be empty (the branch adds no steps). */
  nodes: FlowNode[];
}

/** Ends the flow here: the instance is approved once this point is reached. Nothing may follow it in its list. */
export interface EndNode {
  type: 'end';
  id: string;
  name: string;
}

export type FlowNode = ApproverNode | CcNode | BranchNode | EndNode;

/** The nodes run in order from the top; the flow ends (approved) after the last one or at an end node. */
export interface Flow {
  nodes: FlowNode[];
}

export const ConditionOp = { Eq: 'eq', Ne: 'ne', Gt: 'gt', Gte: 'gte', Lt: 'lt', Lte: 'lte', In: 'in', Contains: 'contains' } as const;
export type ConditionOp = (typeof ConditionOp)[keyof typeof ConditionOp];
export const ConditionOpLabel: Record<ConditionOp, string> = {
  eq: '等于',
  ne: '不等于',
  gt: '大于',
  gte: '大于等于',
  lt: '小于',
  lte: '小于等于',
  in: '属于其中之一',
  contains: '包含',
};

/** What a condition may ask about the applicant. */
export const ApplicantAttribute = { UnitKind: 'unitKind', Role: 'role' } as const;
export type ApplicantAttribute = (typeof ApplicantAttribute)[keyof typeof ApplicantAttribute];
export const ApplicantAttributeLabel: Record<ApplicantAttribute, string> = { unitKind: '发起人所在单位层级', role: '发起人的角色' };

export type ConditionValue = string | number | string[] | number[];

/**
 * - field: compares a form value. gt/gte/lt/lte on number, money (fen) and date; eq/ne on any single
 *   value (and on multiSelect as a set); in: the value is one of `value` (an array), or for multiSelect
 *   shares one with it; contains: text/textarea has `value` as a substring, multiSelect has the option.
 *   An empty field matches nothing, except ne.
 * - applicant: the kinds of the applicant's units, or their roles, as a set — eq: has it, ne: has not, in: has one of them.
 * - all / any / not: and, or, not. `all` of nothing holds; `any` of nothing does not.
 */
export type Condition =
  | { kind: 'field'; field: string; op: ConditionOp; value: ConditionValue }
  | { kind: 'applicant'; attribute: 'unitKind'; op: 'eq' | 'ne' | 'in'; value: UnitKind | UnitKind[] }
  | { kind: 'applicant'; attribute: 'role'; op: 'eq' | 'ne' | 'in'; value: Role | Role[] }
  | { kind: 'all'; conditions: Condition[] }
  | { kind: 'any'; conditions: Condition[] }
  | { kind: 'not'; condition: Condition };

/** What conditions know of the applicant: the kinds of the units they belong to (primary first) and the roles they hold. */
export interface ApplicantAttributes {
  unitKinds: UnitKind[];
  roles: Role[];
}

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

export const TemplateCategory = {
  Attendance: 'attendance',
  Finance: 'finance',
  Poverty: 'poverty',
  Education: 'education',
  Administration: 'administration',
} as const;
export type TemplateCategory = (typeof TemplateCategory)[keyof typeof TemplateCategory];
export const TemplateCategoryLabel: Record<TemplateCategory, string> = {
  attendance: '考勤',
  finance: '财务',
  poverty: '扶贫',
  education: '教育',
  administration: '行政',
};

/**
 * Codes of the shipped templates. The engine acts on some of them when an instance is approved:
 * attendance-correction applies the 补卡 to attendance (fields date, time, reason); poverty-need
 * enters the needs library (`GET /projects`).
 */
export const ShippedTemplateCode = {
  Leave: 'leave',
  AttendanceCorrection: 'attendance-correction',
  Expense: 'expense',
  PovertyNeed: 'poverty-need',
  StudentAid: 'student-aid',
} as const;
export type ShippedTemplateCode = (typeof ShippedTemplateCode)[keyof typeof ShippedTemplateCode];
export const ShippedTemplateCodeLabel: Record<ShippedTemplateCode, string> = {
  leave: '请假',
  'attendance-correction': '补卡',
  expense: '费用报销',
  'poverty-need': '扶贫需求申报',
  'student-aid': '助学申请',
};

/**
 * `POST /approvals/templates`. A new `code` creates a template; an existing one gives it a new version
 * (replacing its unpublished draft, if any). `publish: true` validates the flow and publishes at once:
 * a published version never changes, and running instances keep the version they started with.
 * A flow with problems of severity error is refused: 400 APPROVAL_TEMPLATE_INVALID, whose
 * problem+json carries `problems: TemplateProblem[]`.
 */
export interface TemplateInput {
  /** Lower-case letters, digits and `-` (`leave`, `poverty-need`); stable across versions. */
  code: string;
  name: string;
  category: TemplateCategory;
  /** A Vant icon name. */
  icon?: string;
  description?: string;
  /** The applicant may approve their own application where a rule names them. Default false. */
  allowSelfApproval?: boolean;
  form: FormSchema;
  flow: Flow;
  publish?: boolean;
}

/** `POST /approvals/templates/:id/publish`: publish the current draft (same validation as `publish: true`). */
export interface PublishTemplateRequest {
  /** The draft version being published; 409 when another draft replaced it meanwhile. */
  version: number;
}

/** One version of a template, as an instance that started with it sees it forever. */
export interface TemplateVersionView {
  templateId: string;
  code: string;
  name: string;
  category: TemplateCategory;
  icon: string | null;
  description: string | null;
  allowSelfApproval: boolean;
  /** 1, 2, … per template. */
  version: number;
  /** null while a draft. */
  publishedAt: string | null;
  publishedBy: { id: string; name: string } | null;
  form: FormSchema;
  flow: Flow;
  createdAt: string;
}

/** A line of `GET /approvals/templates`: the templates the caller may start (and, for admins, drafts). */
export interface TemplateSummary {
  id: string;
  code: string;
  name: string;
  category: TemplateCategory;
  icon: string | null;
  description: string | null;
  allowSelfApproval: boolean;
  /** The current published version; null when only a draft exists. */
  version: number | null;
  publishedAt: string | null;
  /** Has an unpublished draft newer than `version`. */
  hasDraft: boolean;
}

/** `GET /approvals/templates/:id`: the current published version, the draft, and the history. */
export interface TemplateView extends TemplateSummary {
  current: TemplateVersionView | null;
  draft: TemplateVersionView | null;
  versions: Array<{ version: number; publishedAt: string | null; publishedBy: { id: string; name: string } | null }>;
}

export interface TemplateListQuery {
  category?: TemplateCategory;
  /** Admins: include templates that only have a draft. */
  includeDrafts?: boolean;
}

/** Why a template cannot be published (severity error) or what may surprise (warning). */
export type TemplateProblemCode =
  | 'template_invalid'
  | 'code_invalid'
  | 'name_missing'
  | 'category_invalid'
  | 'schema_invalid'
  | 'field_key_invalid'
  | 'field_key_duplicate'
  | 'field_label_missing'
  | 'field_type_invalid'
  | 'field_options_invalid'
  | 'field_bounds_invalid'
  | 'field_pattern_invalid'
  | 'field_format_invalid'
  | 'field_attribute_unsupported'
  | 'flow_invalid'
  | 'flow_too_large'
  | 'node_invalid'
  | 'node_id_invalid'
  | 'node_id_duplicate'
  | 'node_name_missing'
  | 'approver_rules_empty'
  | 'approver_rule_invalid'
  | 'mode_invalid'
  | 'pass_ratio_invalid'
  | 'on_empty_invalid'
  | 'cc_when_invalid'
  | 'branch_empty'
  | 'branch_default_missing'
  | 'branch_default_duplicate'
  | 'branch_priority_invalid'
  | 'condition_invalid'
  | 'condition_field_unknown'
  | 'condition_type_mismatch'
  | 'node_unreachable'
  | 'no_approver'
  | 'path_without_approver';

export const ProblemSeverity = { Error: 'error', Warning: 'warning' } as const;
export type ProblemSeverity = (typeof ProblemSeverity)[keyof typeof ProblemSeverity];
export const ProblemSeverityLabel: Record<ProblemSeverity, string> = { error: '错误', warning: '提醒' };

export interface TemplateProblem {
  code: TemplateProblemCode;
  /** Errors block publishing; warnings are shown and allowed. */
  severity: ProblemSeverity;
  /** The node at fault (its id), when there is one. */
  nodeId: string | null;
  /** The form field at fault or named by a condition, when there is one. */
  fieldKey: string | null;
  /** Dotted path into the TemplateInput (`flow.nodes.2.branches.0.condition`). */
  path: string;
  /** What is wrong and how to fix it, in Chinese, naming the node (「县级审批」) or field. */
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Instances, tasks and actions
// ---------------------------------------------------------------------------------------------

/** returned: sent back to the applicant, who may resubmit (or withdraw). */
export const InstanceStatus = {
  Running: 'running',
  Returned: 'returned',
  Approved: 'approved',
  Rejected: 'rejected',
  Withdrawn: 'withdrawn',
} as const;
export type InstanceStatus = (typeof InstanceStatus)[keyof typeof InstanceStatus];
export const InstanceStatusLabel: Record<InstanceStatus, string> = {
  running: '审批中',
  returned: '已退回',
  approved: '已通过',
  rejected: '已拒绝',
  withdrawn: '已撤销',
};
/** Statuses after which nothing but comments can happen. */
export const FINISHED_INSTANCE_STATUSES: readonly InstanceStatus[] = ['approved', 'rejected', 'withdrawn'];

/**
 * waiting: not yet this assignee's turn (sequential nodes, signers added after); pending: to act on;
 * cancelled: no longer needed (another approver of an 或签 node decided, the instance ended or was returned).
 */
export const TaskState = {
  Waiting: 'waiting',
  Pending: 'pending',
  Approved: 'approved',
  Rejected: 'rejected',
  Returned: 'returned',
  Transferred: 'transferred',
  Cancelled: 'cancelled',
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];
export const TaskStateLabel: Record<TaskState, string> = {
  waiting: '未开始',
  pending: '待处理',
  approved: '已同意',
  rejected: '已拒绝',
  returned: '已退回',
  transferred: '已转交',
  cancelled: '无需处理',
};

/** How a task's assignee was chosen. */
export const TaskVia = { Rule: 'rule', Transfer: 'transfer', AddSigner: 'addSigner', Admin: 'admin' } as const;
export type TaskVia = (typeof TaskVia)[keyof typeof TaskVia];
export const TaskViaLabel: Record<TaskVia, string> = { rule: '按审批规则', transfer: '转交', addSigner: '加签', admin: '无审批人，转交管理员' };

/** 加签: before (the added signer decides first, then the task returns to the current approver) or after (once the current approver approves). */
export const AddSignerPosition = { Before: 'before', After: 'after' } as const;
export type AddSignerPosition = (typeof AddSignerPosition)[keyof typeof AddSignerPosition];
export const AddSignerPositionLabel: Record<AddSignerPosition, string> = { before: '前加签', after: '后加签' };

/**
 * `POST /approvals/instances`. The form is validated against the template's current published version
 * (400 APPROVAL_FORM_INVALID with `errors: [{ path: fieldKey, message }]`, attachments must be the
 * caller's uploads); every 自选 node on the instance's path needs its members here.
 */
export interface StartInstanceRequest {
  templateId: string;
  /** The version the form was filled for; 409 APPROVAL_TEMPLATE_CHANGED when a newer one was published since. */
  version?: number;
  form: FormValues;
  /** Node id → the members the applicant picks for that node's `chosen` rule. */
  chosenApprovers?: Record<string, string[]>;
  /** A retried start with the same key returns the first instance. */
  idempotencyKey?: string;
}

export const ActionKind = {
  Approve: 'approve',
  Reject: 'reject',
  Return: 'return',
  Transfer: 'transfer',
  AddSigner: 'addSigner',
  Withdraw: 'withdraw',
  Comment: 'comment',
  Urge: 'urge',
  Resubmit: 'resubmit',
} as const;
export type ActionKind = (typeof ActionKind)[keyof typeof ActionKind];
export const ActionKindLabel: Record<ActionKind, string> = {
  approve: '同意',
  reject: '拒绝',
  return: '退回',
  transfer: '转交',
  addSigner: '加签',
  withdraw: '撤销',
  comment: '评论',
  urge: '催办',
  resubmit: '重新提交',
};

/** A member may urge (催办) one instance at most once in this many minutes. */
export const URGE_INTERVAL_MINUTES = 60;

interface ActionBase {
  /** A retried action with the same key answers as the first one did. */
  idempotencyKey?: string;
}

/** Actions on a task name it: a task already decided (a racing approver won) answers 409 APPROVAL_ALREADY_DECIDED. */
export interface ApproveAction extends ActionBase {
  action: 'approve';
  taskId: string;
  comment?: string;
  attachmentIds?: string[];
}
/** Ends the instance as rejected. */
export interface RejectAction extends ActionBase {
  action: 'reject';
  taskId: string;
  /** Required: why. */
  comment: string;
  attachmentIds?: string[];
}
/** Sends the instance back: to the applicant (null) or to an approver node already passed on its path, which runs again. */
export interface ReturnAction extends ActionBase {
  action: 'return';
  taskId: string;
  toNodeId: string | null;
  /** Required: what to change. */
  comment: string;
}
/** 转交: the task passes to another member (not the applicant, not someone already on this node). */
export interface TransferAction extends ActionBase {
  action: 'transfer';
  taskId: string;
  memberId: string;
  comment?: string;
}
export interface AddSignerAction extends ActionBase {
  action: 'addSigner';
  taskId: string;
  memberId: string;
  position: AddSignerPosition;
  comment?: string;
}
/** 撤销: the applicant, while the instance is running or returned. */
export interface WithdrawAction extends ActionBase {
  action: 'withdraw';
  comment?: string;
}
/** Any participant (applicant, assignee, CC recipient), also after the instance finished. */
export interface CommentAction extends ActionBase {
  action: 'comment';
  text: string;
  attachmentIds?: string[];
}
/** 催办: the applicant reminds the current assignees; at most once per {@link URGE_INTERVAL_MINUTES} (429 APPROVAL_URGE_TOO_SOON). */
export interface UrgeAction extends ActionBase {
  action: 'urge';
  comment?: string;
}
/** After a return to the applicant: the corrected form goes through the flow again from its first node. */
export interface ResubmitAction extends ActionBase {
  action: 'resubmit';
  form: FormValues;
  chosenApprovers?: Record<string, string[]>;
}

/** `POST /approvals/instances/:id/actions`; answers the InstanceView after the action. */
export type ActionRequest =
  | ApproveAction
  | RejectAction
  | ReturnAction
  | TransferAction
  | AddSignerAction
  | WithdrawAction
  | CommentAction
  | UrgeAction
  | ResubmitAction;

export interface PersonRef {
  id: string;
  name: string;
}

export interface TaskView {
  id: string;
  instanceId: string;
  nodeId: string;
  nodeName: string;
  mode: ApproverMode;
  /** Position within the node (the order of sequential approval). */
  order: number;
  assignee: PersonRef & { title: string | null };
  state: TaskState;
  via: TaskVia;
  /** The rule that chose the assignee (via rule); null when transferred, added or given to an admin. */
  rule: ApproverRule | null;
  /** The rule (or how the task came about) in words: 「发起人的第 1 级主管」「教育体育局的审批人」. */
  ruleLabel: string;
  /** Who transferred the task here, or added this signer. */
  from: PersonRef | null;
  /** For an added signer. */
  position: AddSignerPosition | null;
  comment: string | null;
  attachments: AttachmentView[];
  createdAt: string;
  decidedAt: string | null;
}

/** A node that has tasks open now. */
export interface CurrentNodeView {
  nodeId: string;
  name: string;
  mode: ApproverMode;
  passRatio: number | null;
  since: string;
}

export const PathStepState = { Done: 'done', Active: 'active', Upcoming: 'upcoming', Skipped: 'skipped' } as const;
export type PathStepState = (typeof PathStepState)[keyof typeof PathStepState];
export const PathStepStateLabel: Record<PathStepState, string> = { done: '已完成', active: '进行中', upcoming: '未开始', skipped: '已跳过' };

/** One node of the instance's path, for the 流程 display. */
export interface PathStepView {
  nodeId: string;
  name: string;
  type: 'approver' | 'cc' | 'end';
  state: PathStepState;
  mode: ApproverMode | null;
  /** Who was or is assigned (approver nodes that activated) or copied (cc). */
  people: PersonRef[];
}

/** What an instance's timeline shows: the start, every action, and what the flow did by itself. */
export const TimelineKind = {
  Start: 'start',
  ...ActionKind,
  Cc: 'cc',
  Skip: 'skip',
  Admin: 'admin',
  NodePassed: 'nodePassed',
  Finish: 'finish',
} as const;
export type TimelineKind = (typeof TimelineKind)[keyof typeof TimelineKind];
export const TimelineKindLabel: Record<TimelineKind, string> = {
  start: '发起申请',
  ...ActionKindLabel,
  cc: '抄送',
  skip: '自动跳过',
  admin: '转交管理员',
  nodePassed: '节点通过',
  finish: '审批结束',
};

/** One event of the instance, as its audit trail records it. */
export interface TimelineEntryView {
  id: string;
  at: string;
  kind: TimelineKind;
  /** null for what the system did (skip, CC, finish). */
  actor: PersonRef | null;
  nodeId: string | null;
  nodeName: string | null;
  taskId: string | null;
  /** Whom it concerns: transferred to, added signer, urged, copied. */
  targets: PersonRef[];
  /** return: the node sent back to (null = the applicant). */
  toNodeId: string | null;
  comment: string | null;
  attachments: AttachmentView[];
  /** skip: why (「无审批人」「审批人为发起人本人」). */
  reason: string | null;
  /** The audit trail event that records this entry (`GET /audit/trails/:instanceId`). */
  auditEventId: string | null;
}

/** `GET /approvals/instances/:id`. */
export interface InstanceView {
  id: string;
  /** 「张三的请假」. */
  title: string;
  template: { id: string; code: string; name: string; icon: string | null; category: TemplateCategory; version: number };
  applicant: PersonRef & { unit: UnitRef | null };
  status: InstanceStatus;
  /** The version's form schema, to render the values. */
  schema: FormSchema;
  form: FormValues;
  /** True when private fields of `form` are masked for this caller. */
  masked: boolean;
  currentNodes: CurrentNodeView[];
  tasks: TaskView[];
  path: PathStepView[];
  timeline: TimelineEntryView[];
  /** What the caller may do now. */
  actions: ActionKind[];
  /** The caller's pending task, if any (the one approve/reject/… act on). */
  myTaskId: string | null;
  lastUrgedAt: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** A line of `GET /approvals/instances`. */
export interface InstanceListItem {
  id: string;
  title: string;
  template: { id: string; code: string; name: string; icon: string | null; category: TemplateCategory };
  applicant: PersonRef & { unitName: string | null };
  status: InstanceStatus;
  /** Up to three non-private fields, formatted for display (money in 元). */
  summary: Array<{ label: string; value: string }>;
  /** Assignees of the pending tasks. */
  currentApprovers: PersonRef[];
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** mine: I applied · todo: a task of mine is pending · done: I decided a task · cc: copied to me. */
export const ApprovalListRole = { Mine: 'mine', Todo: 'todo', Done: 'done', Cc: 'cc' } as const;
export type ApprovalListRole = (typeof ApprovalListRole)[keyof typeof ApprovalListRole];
export const ApprovalListRoleLabel: Record<ApprovalListRole, string> = { mine: '我发起的', todo: '待我处理', done: '我已处理', cc: '抄送我的' };

/** `GET /approvals/instances?role=&status=`, newest first, cursor-paginated (`Page<InstanceListItem>`). */
export interface ApprovalsListQuery {
  /** Default mine. */
  role?: ApprovalListRole;
  status?: InstanceStatus;
  templateCode?: string;
  cursor?: string;
  limit?: number;
}

export const TaskListState = { Pending: 'pending', Done: 'done' } as const;
export type TaskListState = (typeof TaskListState)[keyof typeof TaskListState];
export const TaskListStateLabel: Record<TaskListState, string> = { pending: '待处理', done: '已处理' };

/** `GET /approvals/tasks?state=pending` (`Page<TaskListItem>`): my tasks, pending oldest first, done newest first. Default pending. */
export interface TasksQuery {
  state?: TaskListState;
  cursor?: string;
  limit?: number;
}

export interface TaskListItem {
  id: string;
  state: TaskState;
  nodeName: string;
  createdAt: string;
  decidedAt: string | null;
  instance: InstanceListItem;
}

// ---------------------------------------------------------------------------------------------
// Needs library (`GET /projects`)
// ---------------------------------------------------------------------------------------------

/** The level of a need (需求层级), as 扶贫需求申报's `level` field holds it. */
export const NeedLevel = { Household: 'household', Village: 'village', Town: 'town', County: 'county' } as const;
export type NeedLevel = (typeof NeedLevel)[keyof typeof NeedLevel];
export const NeedLevelLabel: Record<NeedLevel, string> = { household: '户级', village: '村级', town: '镇级', county: '县级' };

export const ProjectStatus = { Open: 'open', Pledged: 'pledged', Funded: 'funded', Done: 'done' } as const;
export type ProjectStatus = (typeof ProjectStatus)[keyof typeof ProjectStatus];
export const ProjectStatusLabel: Record<ProjectStatus, string> = { open: '待认领', pledged: '已认领', funded: '已到位', done: '已完成' };

export const PledgeKind = { Money: 'money', Goods: 'goods', Service: 'service' } as const;
export type PledgeKind = (typeof PledgeKind)[keyof typeof PledgeKind];
export const PledgeKindLabel: Record<PledgeKind, string> = { money: '资金', goods: '物资', service: '服务' };

/** Where a project came from: the approved instance and who approved it, level by level. */
export interface ProjectProvenance {
  instanceId: string;
  templateCode: string;
  templateVersion: number;
  applicant: PersonRef;
  unit: UnitRef | null;
  submittedAt: string;
  approvedAt: string;
  approvals: Array<{ nodeName: string; approver: PersonRef; unitName: string | null; at: string; comment: string | null }>;
  /** The instance's last audit event, from which the trail can be verified. */
  auditEventId: string | null;
}

export interface PledgeView {
  id: string;
  by: PersonRef & { title: string | null };
  kind: PledgeKind;
  /** Fen; null for goods or services without a value. */
  amount: number | null;
  note: string;
  createdAt: string;
}

/** A need in the library. Helpers see it with private fields masked (phone 138****1234, ID 110***********1234, others ***). */
export interface ProjectView {
  id: string;
  level: NeedLevel;
  place: string;
  need: string;
  category: string | null;
  /** Fen. */
  amount: number;
  status: ProjectStatus;
  unit: UnitRef | null;
  /** Fen pledged so far (money pledges). */
  pledgedAmount: number;
  /** The other fields of the application, private ones masked for this caller. */
  details: Array<{ key: string; label: string; value: FormValue }>;
  masked: boolean;
  provenance: ProjectProvenance;
  pledges: PledgeView[];
  createdAt: string;
  updatedAt: string;
}

/** `GET /projects?level=&status=&unitId=` (`Page<ProjectView>`). */
export interface ProjectListQuery {
  level?: NeedLevel;
  status?: ProjectStatus;
  /** The project's unit or any below it. */
  unitId?: string;
  cursor?: string;
  limit?: number;
}

/** `POST /projects/:id/pledges`: a helper (or staff) pledges help; an open project becomes pledged. */
export interface PledgeRequest {
  kind: PledgeKind;
  /** Fen; required for money. */
  amount?: number;
  note: string;
  idempotencyKey?: string;
}

/** `PATCH /projects/:id`: staff of the project's unit move it on (pledged → funded → done). */
export interface UpdateProjectRequest {
  status: ProjectStatus;
  note?: string;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * The approvals module's error codes (to join ErrorCode, with their statuses in the server's table).
 * Suggested statuses in brackets.
 */
export const ApprovalErrorCode = {
  /** [404] */
  TemplateNotFound: 'APPROVAL_TEMPLATE_NOT_FOUND',
  /** [400] with `problems: TemplateProblem[]`. */
  TemplateInvalid: 'APPROVAL_TEMPLATE_INVALID',
  /** [409] the version given is not the current published (or draft) one. */
  TemplateChanged: 'APPROVAL_TEMPLATE_CHANGED',
  /** [409] the template has no published version. */
  TemplateNotPublished: 'APPROVAL_TEMPLATE_NOT_PUBLISHED',
  /** [404] */
  InstanceNotFound: 'APPROVAL_INSTANCE_NOT_FOUND',
  /** [404] */
  TaskNotFound: 'APPROVAL_TASK_NOT_FOUND',
  /** [400] with `errors: [{ path: fieldKey, message }]`. */
  FormInvalid: 'APPROVAL_FORM_INVALID',
  /** [409] a node with onEmpty 'fail' resolves to nobody; the detail names the node. */
  NoApprover: 'APPROVAL_NO_APPROVER',
  /** [409] the task was decided already (a racing approver won). */
  AlreadyDecided: 'APPROVAL_ALREADY_DECIDED',
  /** [409] the instance is approved, rejected or withdrawn. */
  AlreadyFinished: 'APPROVAL_ALREADY_FINISHED',
  /** [403] the task is not the caller's. */
  NotAssignee: 'APPROVAL_NOT_ASSIGNEE',
  /** [403] only the applicant may withdraw, urge or resubmit. */
  NotApplicant: 'APPROVAL_NOT_APPLICANT',
  /** [403] the caller is the applicant and the template does not allow self-approval. */
  SelfApproval: 'APPROVAL_SELF_APPROVAL',
  /** [409] the action does not fit the instance's state (resubmit while running…). */
  ActionNotAllowed: 'APPROVAL_ACTION_NOT_ALLOWED',
  /** [400] return to a node that is not an earlier approver node on the path. */
  ReturnTargetInvalid: 'APPROVAL_RETURN_TARGET_INVALID',
  /** [400] transfer or add-signer to the applicant, to oneself or to someone already on the node. */
  AssigneeInvalid: 'APPROVAL_ASSIGNEE_INVALID',
  /** [429] urged less than URGE_INTERVAL_MINUTES ago; `retryAfterSeconds` in the problem. */
  UrgeTooSoon: 'APPROVAL_URGE_TOO_SOON',
  /** [404] */
  ProjectNotFound: 'PROJECT_NOT_FOUND',
  /** [409] pledge on a done project, or a status change that goes backwards. */
  ProjectStatusConflict: 'PROJECT_STATUS_CONFLICT',
} as const;
export type ApprovalErrorCode = (typeof ApprovalErrorCode)[keyof typeof ApprovalErrorCode];

// ---------------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------------

const UNIT_KIND_WORD: Record<UnitKind, string> = { county: '县', bureau: '局办', town: '乡镇', village: '村', office: '科室' };
const ROLE_WORD: Record<Role, string> = {
  admin: '管理员',
  leader: '领导',
  supervisor: '督查',
  auditor: '审计',
  approver: '审批人',
  staff: '工作人员',
  helper: '帮扶力量',
};

/** A unit key in words: 「县本级」「教育体育局」「发起人所在乡镇」. */
export function describeUnitKey(key: string): string {
  if (key === 'root') return '县本级';
  if (key.startsWith('bureau:')) return key.slice('bureau:'.length);
  if (key.startsWith('applicant:')) {
    const kind = key.slice('applicant:'.length) as UnitKind;
    return `发起人所在${UNIT_KIND_WORD[kind] ?? kind}`;
  }
  return key;
}

/** An approver rule in words, for task views and the flow display. `unitName` names a rule's `unitId` when known. */
export function describeApproverRule(rule: ApproverRule, unitName?: string): string {
  switch (rule.kind) {
    case 'members':
      return `指定成员（${rule.memberIds.length} 人）`;
    case 'role': {
      const where = rule.unitKey ? describeUnitKey(rule.unitKey) : (unitName ?? '指定单位');
      return `${where}的${ROLE_WORD[rule.role] ?? rule.role}`;
    }
    case 'supervisor':
      return rule.levels === 1 ? '发起人的直属主管' : `发起人的第 ${rule.levels} 级主管`;
    case 'unitHead':
      return rule.level ? `发起人所在${UNIT_KIND_WORD[rule.level] ?? rule.level}的负责人` : '发起人所在单位的负责人';
    case 'chosen':
      return rule.multiple ? '发起人自选（可多人）' : '发起人自选';
  }
}
