import type { MemberSummary } from '../org/org-api.js';
import type { EscalationStepInput, EscalationStepView } from '../ding/ding.js';
import type { Role, UnitRef } from '../org/org.js';

export const NoticeKind = { Notice: 'notice', Meeting: 'meeting' } as const;
export type NoticeKind = (typeof NoticeKind)[keyof typeof NoticeKind];

/** 回执: attend the meeting, or ask for leave with a reason. */
export const ConfirmStatus = { Attend: 'attend', Leave: 'leave' } as const;
export type ConfirmStatus = (typeof ConfirmStatus)[keyof typeof ConfirmStatus];

/** Who a notice goes to: any mix of units (with or without sub-units), members and role holders. */
export interface NoticeAudience {
  units?: Array<{ unitId: string; includeSubUnits: boolean }>;
  members?: string[];
  /** Everyone holding `role` at `unitId` (or, with includeSubUnits, anywhere below it). */
  roles?: Array<{ role: Role; unitId: string; includeSubUnits: boolean }>;
}

export interface CreateNoticeRequest {
  kind: NoticeKind;
  title: string;
  /** Plain text; line breaks kept; links shown as links. */
  body: string;
  /** Meetings: when and where. */
  startsAt?: string;
  /** Meetings: when it ends (sign-in closes); default two hours after the start. */
  endsAt?: string;
  place?: string;
  /** Meetings: the attendance place where attendees sign in (会议签到), from 30 minutes before the start. */
  attendancePlaceId?: string;
  audience: NoticeAudience;
  /** Ask for 回执 (参加 / 请假). */
  requireConfirm?: boolean;
  /** Automatic DINGs for whoever has not read (or confirmed) after N minutes. */
  escalation?: { steps: EscalationStepInput[] };
  /** Files uploaded beforehand (`POST /notices/attachments`) by the sender. */
  attachmentIds?: string[];
}

export interface AttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface NoticeView {
  id: string;
  kind: NoticeKind;
  title: string;
  body: string;
  startsAt: string | null;
  endsAt: string | null;
  place: string | null;
  /** Meetings with sign-in: the place and the window. */
  signIn: { place: { id: string; name: string }; opensAt: string; closesAt: string } | null;
  requireConfirm: boolean;
  sender: MemberSummary;
  sentAt: string;
  recipientCount: number;
  /** The caller's own receipt when they are a recipient. */
  receipt: MyReceipt | null;
  /** True when the caller may see stats and receipts (the sender, or someone with scope over recipients). */
  canTrack: boolean;
  /** The escalation policy and where it stands (for those who can track). */
  escalation: EscalationStepView[];
  attachments: AttachmentView[];
}

export interface MyReceipt {
  deliveredAt: string;
  readAt: string | null;
  confirmedAt: string | null;
  confirmStatus: ConfirmStatus | null;
  leaveReason: string | null;
}

/** A line in the inbox or the sent box. */
export interface NoticeListItem {
  id: string;
  kind: NoticeKind;
  title: string;
  excerpt: string;
  startsAt: string | null;
  place: string | null;
  senderName: string;
  sentAt: string;
  requireConfirm: boolean;
  /** Inbox: the caller's receipt. */
  readAt: string | null;
  confirmStatus: ConfirmStatus | null;
  /** Sent box: progress. */
  recipientCount: number;
  readCount: number | null;
}

export interface ConfirmNoticeRequest {
  status: ConfirmStatus;
  /** Required for leave (请假). */
  reason?: string;
}

export interface NoticeCounts {
  total: number;
  read: number;
  unread: number;
  /** Confirmed attend. */
  confirmed: number;
  onLeave: number;
  /** Neither attend nor leave yet (only meaningful with requireConfirm). */
  unconfirmed: number;
}

/** `GET /notices/:id/stats?unitId=`: the totals in the caller's view, and per unit one level below `unit`. */
export interface NoticeStatsView extends NoticeCounts {
  noticeId: string;
  unit: UnitRef | null;
  /** The units one level below `unit` (each with its subtree), and `unit` itself (`self`) when people sit in it directly. */
  units: Array<NoticeCounts & { unit: UnitRef; self: boolean }>;
}

export const ReceiptFilter = { Unread: 'unread', Read: 'read', Unconfirmed: 'unconfirmed', Confirmed: 'confirmed', Leave: 'leave', All: 'all' } as const;
export type ReceiptFilter = (typeof ReceiptFilter)[keyof typeof ReceiptFilter];

export interface ReceiptView {
  member: { id: string; name: string; phone: string; title: string | null };
  unit: UnitRef;
  deliveredAt: string;
  readAt: string | null;
  confirmedAt: string | null;
  confirmStatus: ConfirmStatus | null;
  leaveReason: string | null;
}

/** Pushed to the sender (and trackers) as people read, at most a few times a second. */
export interface NoticeStatsEvent {
  noticeId: string;
  read: number;
  confirmed: number;
  onLeave: number;
  total: number;
}

export interface NoticeNewEvent {
  noticeId: string;
  title: string;
  kind: NoticeKind;
  senderName: string;
  requireConfirm: boolean;
}

export interface UnreadCountView {
  unread: number;
}
