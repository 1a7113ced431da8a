import type {
  AttendanceRequestView,
  ConfirmNoticeRequest,
  DecideRequestInput,
  MeetingSignInView,
  SpotCheckView,
  CreateDingRequest,
  DeliveryView,
  DingView,
  EscalationStepView,
  MemberCardView,
  MemberSummary,
  MyReceipt,
  NoticeStatsView,
  NoticeView,
  Page,
  ReceiptView,
  SupervisorChainView,
  UnitDetailView,
} from '@lianxin/shared';
import { ApiPaths } from '@lianxin/shared';

/*
 * Paths with an id in them, each carrying the types of its body and answer. Kept apart from
 * endpoints.ts, which the sign-in page loads: only the lazily loaded features need these.
 */

declare const answerType: unique symbol;
declare const postTypes: unique symbol;

/** A GET path with an id in it, carrying the type of its answer (built by `ById` below). */
export type IdPath<T> = string & { readonly [answerType]: T };

/** A POST path with an id in it, carrying its body and answer types (built by `PostById` below); `undefined` body: none is sent. */
export type IdPostPath<B, R> = string & { readonly [postTypes]: { body: B; result: R } };

/** Wraps an ApiPaths builder: the id is URL-encoded and the path takes the type `P`. */
function withId<P extends string>(build: (id: string) => string): (id: string) => P {
  return (id) => build(encodeURIComponent(id)) as P;
}

/** GET paths with an id, by the ApiPaths builder they wrap, with their answer types. */
export const ById = {
  unit: withId<IdPath<UnitDetailView>>(ApiPaths.org.unit),
  unitMembers: withId<IdPath<Page<MemberSummary>>>(ApiPaths.org.unitMembers),
  member: withId<IdPath<MemberCardView>>(ApiPaths.org.member),
  memberChain: withId<IdPath<SupervisorChainView>>(ApiPaths.org.memberChain),
  notice: withId<IdPath<NoticeView>>(ApiPaths.notices.notice),
  noticeStats: withId<IdPath<NoticeStatsView>>(ApiPaths.notices.stats),
  noticeReceipts: withId<IdPath<Page<ReceiptView>>>(ApiPaths.notices.receipts),
  noticeDings: withId<IdPath<DingView[]>>(ApiPaths.notices.dings),
  dingDeliveries: withId<IdPath<Page<DeliveryView>>>(ApiPaths.dingDeliveries),
  spotCheck: withId<IdPath<SpotCheckView>>(ApiPaths.attendance.spotCheck),
  meetingSignIns: withId<IdPath<MeetingSignInView>>(ApiPaths.attendance.meetingSignIns),
} as const;

/** The file of a notice's attachment (answered with the file itself, for `http.download`). */
export function attachmentFilePath(noticeId: string, attachmentId: string): string {
  return ApiPaths.notices.attachment(encodeURIComponent(noticeId), encodeURIComponent(attachmentId));
}

/** A spot check's results as a file (`http.download`). */
export function spotCheckReportPath(spotCheckId: string): string {
  return ApiPaths.attendance.spotCheckReport(encodeURIComponent(spotCheckId));
}

/** POST paths with an id (actions on one thing), with their body and answer types. */
export const PostById = {
  noticeRead: withId<IdPostPath<undefined, MyReceipt>>(ApiPaths.notices.read),
  noticeConfirm: withId<IdPostPath<ConfirmNoticeRequest, MyReceipt>>(ApiPaths.notices.confirm),
  noticeDing: withId<IdPostPath<CreateDingRequest, DingView>>(ApiPaths.notices.ding),
  noticeStopEscalation: withId<IdPostPath<undefined, EscalationStepView[]>>(ApiPaths.notices.stopEscalation),
  dingAck: withId<IdPostPath<undefined, { acknowledgedAt: string }>>(ApiPaths.dingAck),
  attendanceDecision: withId<IdPostPath<DecideRequestInput, AttendanceRequestView>>(ApiPaths.attendance.requestDecision),
} as const;
