import type {
  AttendanceRequestInput,
  AttendanceRequestView,
  AttachmentView,
  CheckInRequest,
  CheckInView,
  DailyBoardView,
  MyAttendanceView,
  MyMonthView,
  PhotoView,
  PlaceView,
  SpotCheckListItem,
  SpotCheckRequest,
  SpotCheckView,
  SpotDemandView,
  ClientConfigView,
  CreateNoticeRequest,
  DingChannelView,
  DingTalkLoginRequest,
  JsapiConfigView,
  LoginRequest,
  MemberSummary,
  MemberView,
  MyDingView,
  NoticeListItem,
  NoticeView,
  Page,
  SessionView,
  UnitTreeView,
  UnreadCountView,
} from '@lianxin/shared';
import { ApiPaths } from '@lianxin/shared';

/** Answer type of each GET path. Add a line here when a page needs a new endpoint (paths with an id: id-paths.ts). */
export interface GetEndpoints {
  [ApiPaths.clientConfig]: ClientConfigView;
  [ApiPaths.me]: MemberView;
  [ApiPaths.auth.jsapiConfig]: JsapiConfigView;
  [ApiPaths.org.unitsTree]: UnitTreeView;
  [ApiPaths.org.members]: Page<MemberSummary>;
  [ApiPaths.notices.list]: Page<NoticeListItem>;
  [ApiPaths.notices.unreadCount]: UnreadCountView;
  [ApiPaths.dingChannels]: DingChannelView[];
  [ApiPaths.myDings]: MyDingView[];
  [ApiPaths.attendance.mine]: MyAttendanceView;
  [ApiPaths.attendance.places]: PlaceView[];
  [ApiPaths.attendance.myMonth]: MyMonthView;
  [ApiPaths.attendance.checkIns]: Page<CheckInView>;
  [ApiPaths.attendance.daily]: DailyBoardView;
  [ApiPaths.attendance.requests]: Page<AttendanceRequestView>;
  [ApiPaths.attendance.spotChecks]: Page<SpotCheckListItem>;
  [ApiPaths.attendance.mySpotChecks]: SpotDemandView[];
}

/** Body and answer types of each POST path. */
export interface PostEndpoints {
  [ApiPaths.auth.login]: { body: LoginRequest; result: SessionView };
  [ApiPaths.auth.dingtalk]: { body: DingTalkLoginRequest; result: SessionView };
  [ApiPaths.notices.list]: { body: CreateNoticeRequest; result: NoticeView };
  [ApiPaths.attendance.checkIns]: { body: CheckInRequest; result: CheckInView };
  [ApiPaths.attendance.requests]: { body: AttendanceRequestInput; result: AttendanceRequestView };
  [ApiPaths.attendance.spotChecks]: { body: SpotCheckRequest; result: SpotCheckView };
}

/** Answer type of each path that takes a file as its raw body. */
export interface UploadEndpoints {
  [ApiPaths.notices.attachments]: AttachmentView;
  [ApiPaths.attendance.photos]: PhotoView;
}

/** Paths anyone may call; no token is sent and a 401 there is an answer, not an expired session. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set([
  ApiPaths.clientConfig,
  ApiPaths.auth.login,
  ApiPaths.auth.dingtalk,
  ApiPaths.auth.jsapiConfig,
]);
