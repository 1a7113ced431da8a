import { NoticeKind, type CreateNoticeRequest, type DingChannelView, type FieldError } from '@lianxin/shared';
import { checkSteps, emptyEscalation, type EscalationDraft, escalationSteps, stepSummary } from '@/features/ding/escalation';
import { emptySelection, type OrgSelection } from '@/features/org/org-selection';
import { type DraftAttachment, MAX_ATTACHMENTS } from './attachments';

/**
 * A notice being written. Each part of the compose page edits one group of fields (content, meeting,
 * audience, settings, automatic reminders, attachments); each group has its field here, its check
 * in `checkDraft` and its part of the request in `toRequest`.
 */
export interface NoticeDraft {
  kind: NoticeKind;
  title: string;
  body: string;
  /** Meetings only. */
  startsAt: Date | null;
  place: string;
  audience: OrgSelection;
  requireConfirm: boolean;
  /** 未读自动提醒. */
  escalation: EscalationDraft;
  attachments: DraftAttachment[];
}

export type DraftField = 'title' | 'body' | 'startsAt' | 'place' | 'audience' | 'escalation' | 'attachments';
export type DraftErrors = Partial<Record<DraftField, string>>;

export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;
export const PLACE_MAX = 200;

export function emptyDraft(): NoticeDraft {
  return {
    kind: NoticeKind.Notice,
    title: '',
    body: '',
    startsAt: null,
    place: '',
    audience: emptySelection(),
    requireConfirm: false,
    escalation: emptyEscalation(),
    attachments: [],
  };
}

/**
 * What must be fixed before sending, field by field, in words a person can act on. `channels`: the
 * DING channels the server offers (null while unknown: the server checks them at send).
 */
export function checkDraft(draft: NoticeDraft, channels: readonly DingChannelView[] | null, now: Date = new Date()): DraftErrors {
  const errors: DraftErrors = {};
  const title = draft.title.trim();
  if (!title) errors.title = '请填写标题';
  else if (title.length > TITLE_MAX) errors.title = `标题不能超过 ${TITLE_MAX} 个字`;
  if (!draft.body.trim()) errors.body = '请填写正文';
  else if (draft.body.length > BODY_MAX) errors.body = `正文不能超过 ${BODY_MAX} 个字`;
  if (draft.kind === NoticeKind.Meeting) {
    if (!draft.startsAt) errors.startsAt = '请选择会议时间';
    else if (draft.startsAt.getTime() < now.getTime()) errors.startsAt = '会议时间已过，请重新选择';
    if (draft.place.trim().length > PLACE_MAX) errors.place = `地点不能超过 ${PLACE_MAX} 个字`;
  }
  if (draft.audience.units.length + draft.audience.members.length === 0) errors.audience = '请选择接收的单位或人员';
  const escalation = checkSteps(escalationSteps(draft.escalation, draft.requireConfirm), channels);
  if (escalation) errors.escalation = escalation;
  if (draft.attachments.some((file) => !file.uploaded)) errors.attachments = '附件还在上传，请稍候';
  else if (draft.attachments.length > MAX_ATTACHMENTS) errors.attachments = `最多 ${MAX_ATTACHMENTS} 个附件`;
  return errors;
}

/** The request's fields (the first part of an error's path) by the draft field that edits them. */
const REQUEST_FIELDS: Readonly<Record<string, DraftField>> = {
  title: 'title',
  body: 'body',
  startsAt: 'startsAt',
  place: 'place',
  audience: 'audience',
  escalation: 'escalation',
  attachmentIds: 'attachments',
};

/** The server's field errors (`audience.units.0.unitId` …) on the draft's fields. */
export function serverErrors(errors: readonly FieldError[]): DraftErrors {
  const fields: DraftErrors = {};
  for (const error of errors) {
    const field = REQUEST_FIELDS[error.path.split('.')[0] ?? ''];
    if (field) fields[field] ??= error.message;
  }
  return fields;
}

export function toRequest(draft: NoticeDraft): CreateNoticeRequest {
  const meeting = draft.kind === NoticeKind.Meeting;
  const place = draft.place.trim();
  const steps = escalationSteps(draft.escalation, draft.requireConfirm);
  const attachmentIds = draft.attachments.flatMap((file) => (file.uploaded ? [file.uploaded.id] : []));
  return {
    kind: draft.kind,
    title: draft.title.trim(),
    body: draft.body.trim(),
    ...(meeting && draft.startsAt ? { startsAt: draft.startsAt.toISOString() } : {}),
    ...(meeting && place ? { place } : {}),
    audience: {
      units: draft.audience.units.map((unit) => ({ unitId: unit.id, includeSubUnits: unit.includeSubUnits && !unit.leaf })),
      members: draft.audience.members.map((member) => member.id),
    },
    requireConfirm: draft.requireConfirm,
    ...(steps.length > 0 ? { escalation: { steps } } : {}),
    ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
  };
}

/** The lines of the confirmation that describe the reminders and the files. */
export function settingsSummary(draft: NoticeDraft): string[] {
  const steps = escalationSteps(draft.escalation, draft.requireConfirm);
  const lines = steps.length === 0 ? ['不自动提醒'] : steps.map((step, index) => `自动提醒${steps.length > 1 ? `（${index + 1}）` : ''}：${stepSummary(step)}`);
  if (draft.attachments.length > 0) lines.push(`附件：${draft.attachments.length} 个`);
  return lines;
}

/** 「兴州街道（含下级）、五郎坪村、李四」, the first few and how many more. */
export function audienceSummary(audience: OrgSelection, shown = 6): string {
  const names = [
    ...audience.units.map((unit) => (unit.includeSubUnits && !unit.leaf ? `${unit.name}（含下级）` : unit.name)),
    ...audience.members.map((member) => member.name),
  ];
  const more = names.length > shown ? ` 等 ${names.length} 个单位和人员` : '';
  return names.slice(0, shown).join('、') + more;
}
