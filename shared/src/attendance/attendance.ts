import type { MemberSummary } from '../org/org-api.js';
import type { DingChannel } from '../ding/ding.js';
import type { UnitRef } from '../org/org.js';

/** DingTalk's getLocation with `coordinate: 1` gives GCJ-02; a plain browser gives WGS-84. */
export const CoordSystem = { Gcj02: 'gcj02', Wgs84: 'wgs84' } as const;
export type CoordSystem = (typeof CoordSystem)[keyof typeof CoordSystem];

export const PlaceKind = { Office: 'office', Village: 'village', MeetingHall: 'meeting', Other: 'other' } as const;
export type PlaceKind = (typeof PlaceKind)[keyof typeof PlaceKind];
export const PlaceKindLabel: Record<PlaceKind, string> = { office: '办公地点', village: '村委会', meeting: '会议室', other: '其他' };

/** An attendance place: a point (GCJ-02) with a radius and optional Wi-Fi hotspots, attached to a unit. */
export interface PlaceInput {
  unitId: string;
  name: string;
  kind?: PlaceKind;
  latitude: number;
  longitude: number;
  /** Coordinates as given (converted to GCJ-02 when stored). Default gcj02. */
  coordSystem?: CoordSystem;
  /** Metres; default 300. */
  radius?: number;
  /** Wi-Fi hotspot MAC addresses (BSSID), e.g. `a4:56:02:1b:3c:9d`. */
  bssids?: string[];
  address?: string;
  /** Members of sub-units may check in here too (a bureau's building for its sections). */
  coversSubUnits?: boolean;
}

export interface PlaceView {
  id: string;
  unit: UnitRef;
  name: string;
  kind: PlaceKind;
  latitude: number;
  longitude: number;
  radius: number;
  bssids: string[];
  address: string | null;
  coversSubUnits: boolean;
}

export interface SegmentInput {
  /** 'HH:MM' (China time). An end not after the start is on the next day. */
  start: string;
  end: string;
}

/** An attendance group (考勤组) of a unit and its sub-units: shift, workdays and rules. */
export interface ShiftInput {
  unitId: string;
  name: string;
  /** One span, or two with a lunch break between them. */
  segments: SegmentInput[];
  /** ISO weekdays, 1 = Monday. Default Monday–Friday. */
  workdays?: number[];
  lateGraceMinutes?: number;
  earlyGraceMinutes?: number;
  /** Lateness (minutes after the start) counted as serious. Default 30. */
  seriousLateMinutes?: number;
  fieldAllowed?: boolean;
  fieldPhotoRequired?: boolean;
  fieldNoteRequired?: boolean;
  /** 补卡 requests allowed per member per month. Default 3. */
  correctionsPerMonth?: number;
}

export interface ShiftView extends Required<Omit<ShiftInput, 'unitId'>> {
  id: string;
  unit: UnitRef;
}

/** 法定节假日 (a day off) or 调休 (a weekend day that is worked). */
export const CalendarDayKind = { Holiday: 'holiday', Workday: 'workday' } as const;
export type CalendarDayKind = (typeof CalendarDayKind)[keyof typeof CalendarDayKind];
export interface CalendarDay {
  date: string;
  kind: CalendarDayKind;
  name: string;
}

export const CheckInKind = { In: 'in', Out: 'out', Field: 'field', Spot: 'spot', Meeting: 'meeting' } as const;
export type CheckInKind = (typeof CheckInKind)[keyof typeof CheckInKind];
export const CheckInKindLabel: Record<CheckInKind, string> = { in: '上班', out: '下班', field: '外勤', spot: '抽查', meeting: '会议签到' };

export interface CheckInRequest {
  kind: CheckInKind;
  latitude: number;
  longitude: number;
  /** Metres (radius of the position's uncertainty). */
  accuracy: number;
  coordSystem: CoordSystem;
  bssid?: string;
  photoId?: string;
  note?: string;
  /** When the person pressed the button (device clock); for an offline check-in, its original time. */
  clientAt: string;
  /** When this request left the device (device clock); equals clientAt unless it waited offline. */
  sentAt?: string;
  /** Unique per check-in on the device: a replay with the same key returns the first result. */
  idempotencyKey: string;
  /** DingTalk's `isFromMock` (Android only; absent elsewhere, which proves nothing). */
  mockLocation?: boolean;
  /** With kind spot: the spot check being answered. */
  spotCheckId?: string;
  /** With kind meeting: the meeting notice. */
  noticeId?: string;
}

export const Verdict = { Ok: 'ok', OutOfRange: 'out_of_range', LowAccuracy: 'low_accuracy', Wifi: 'wifi', Field: 'field', Suspicious: 'suspicious' } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];
export const VerdictLabel: Record<Verdict, string> = { ok: '正常', out_of_range: '不在范围内', low_accuracy: '定位精度不足', wifi: 'Wi-Fi 已匹配', field: '外勤', suspicious: '可疑' };
/** Verdicts that count as being there. */
export const PASSING_VERDICTS: readonly Verdict[] = ['ok', 'wifi', 'field'];

export type VerdictReasonCode =
  | 'in_range'
  | 'out_of_range'
  | 'low_accuracy'
  | 'wifi_matched'
  | 'wifi_far'
  | 'field'
  | 'no_place'
  | 'impossible_travel'
  | 'clock_skew'
  | 'mock_location'
  | 'replay_mismatch'
  | 'photo_stale'
  | 'photo_far'
  | 'offline';

export interface VerdictReason {
  code: VerdictReasonCode;
  /** Chinese sentence for people. */
  message: string;
  /** Metres to the nearest allowed place's fence, speed, seconds of skew… */
  value?: number;
  placeId?: string;
}

export interface CheckInView {
  id: string;
  kind: CheckInKind;
  /** Server time of the record. */
  at: string;
  /** For an offline check-in: when it was made (device time corrected by the measured skew). */
  madeAt: string;
  latitude: number;
  longitude: number;
  accuracy: number;
  coordSystem: CoordSystem;
  bssid: string | null;
  photoId: string | null;
  note: string | null;
  verdict: Verdict;
  reasons: VerdictReason[];
  place: { id: string; name: string } | null;
  /** Metres from the nearest allowed place's centre. */
  distance: number | null;
  spotCheckId: string | null;
  noticeId: string | null;
  member?: MemberSummary;
  /** True when this answer is the stored result of an earlier request with the same key. */
  replayed?: boolean;
}

/** `GET /attendance/me`: what the 打卡 page needs — my places (to show the verdict before sending), shift, today. */
export interface MyAttendanceView {
  places: PlaceView[];
  shift: ShiftView;
  /** Today (China time), 'YYYY-MM-DD'. */
  date: string;
  workday: boolean;
  today: DayRecordView | null;
  checkIns: CheckInView[];
  /** Spot checks waiting for my answer. */
  spotChecks: SpotDemandView[];
  /** Meetings I can sign in to now. */
  meetings: Array<{ noticeId: string; title: string; place: { id: string; name: string; latitude: number; longitude: number; radius: number }; closesAt: string; signedIn: boolean }>;
  serverTime: string;
}

export interface PhotoView {
  id: string;
  contentType: string;
  size: number;
  takenAt: string | null;
  latitude: number | null;
  longitude: number | null;
}

export const DayStatus = {
  Normal: 'normal',
  Late: 'late',
  SeriousLate: 'serious_late',
  EarlyLeave: 'early_leave',
  Absent: 'absent',
  Missing: 'missing',
  Field: 'field',
  Leave: 'leave',
  Rest: 'rest',
  /** Today, before the first check-in is due. */
  Pending: 'pending',
} as const;
export type DayStatus = (typeof DayStatus)[keyof typeof DayStatus];
export const DayStatusLabel: Record<DayStatus, string> = {
  normal: '正常',
  late: '迟到',
  serious_late: '严重迟到',
  early_leave: '早退',
  absent: '旷工',
  missing: '缺卡',
  field: '外勤',
  leave: '请假',
  rest: '休息',
  pending: '未到时间',
};

export interface DayRecordView {
  member: { id: string; name: string };
  unit: { id: string; name: string } | null;
  date: string;
  status: DayStatus;
  firstIn: string | null;
  lastOut: string | null;
  lateMinutes: number;
  earlyMinutes: number;
  missingCount: number;
}

/** `GET /attendance/daily?unitId=&date=`: each member's status, and counts per status. */
export interface DailyBoardView {
  unit: UnitRef;
  date: string;
  counts: Record<DayStatus, number>;
  records: DayRecordView[];
}

/** `GET /attendance/me/month?month=YYYY-MM`: my calendar. */
export interface MyMonthView {
  month: string;
  days: Array<{ date: string; status: DayStatus | null; firstIn: string | null; lastOut: string | null }>;
  correctionsLeft: number;
}

export const RequestKind = { Correction: 'correction', Leave: 'leave' } as const;
export type RequestKind = (typeof RequestKind)[keyof typeof RequestKind];
export const RequestStatus = { Pending: 'pending', Approved: 'approved', Rejected: 'rejected', Withdrawn: 'withdrawn' } as const;
export type RequestStatus = (typeof RequestStatus)[keyof typeof RequestStatus];
export const RequestStatusLabel: Record<RequestStatus, string> = { pending: '审批中', approved: '已通过', rejected: '已驳回', withdrawn: '已撤回' };

/** 补卡 (a missing or late check-in at `time` on `date`) or leave (`date` to `endDate`). */
export interface AttendanceRequestInput {
  kind: RequestKind;
  date: string;
  /** Leave: last day (inclusive); default `date`. */
  endDate?: string;
  /** Correction: 'HH:MM' the check-in should have been at. */
  time?: string;
  reason: string;
}

export interface AttendanceRequestView {
  id: string;
  kind: RequestKind;
  member: { id: string; name: string };
  date: string;
  endDate: string;
  time: string | null;
  reason: string;
  status: RequestStatus;
  decidedBy: { id: string; name: string } | null;
  decidedAt: string | null;
  comment: string | null;
  createdAt: string;
}

export interface DecideRequestInput {
  approve: boolean;
  comment?: string;
}

export const SpotTargetStatus = { Pending: 'pending', Passed: 'passed', Failed: 'failed', NoResponse: 'no_response', Excused: 'excused' } as const;
export type SpotTargetStatus = (typeof SpotTargetStatus)[keyof typeof SpotTargetStatus];
export const SpotTargetStatusLabel: Record<SpotTargetStatus, string> = { pending: '待打卡', passed: '通过', failed: '未通过', no_response: '未响应', excused: '免查' };

export interface SpotCheckRequest {
  /** Why (the people checked see it). */
  reason: string;
  units?: Array<{ unitId: string; includeSubUnits: boolean }>;
  members?: string[];
  /** Draw N at random from everyone in scope; absent = everyone. */
  sampleSize?: number;
  /** Minutes to answer; default 10. */
  windowMinutes?: number;
  /** Where they must be: their own places (default) or one named place. */
  placeId?: string;
  /** DING by these channels as well as the in-app banner. */
  channels?: DingChannel[];
  /** Reproduce a draw with a known seed (default: a fresh random one). */
  seed?: string;
}

export interface SpotTargetView {
  member: { id: string; name: string; phone: string };
  unit: { id: string; name: string } | null;
  status: SpotTargetStatus;
  /** Why failed / excused, in Chinese. */
  reasons: VerdictReason[];
  excuse: string | null;
  checkIn: { id: string; at: string; verdict: Verdict; distance: number | null } | null;
  answeredAt: string | null;
}

export interface SpotCheckView {
  id: string;
  reason: string;
  createdBy: { id: string; name: string };
  createdAt: string;
  deadline: string;
  windowMinutes: number;
  place: { id: string; name: string } | null;
  channels: DingChannel[];
  sampleSize: number | null;
  seed: string;
  populationSize: number;
  /** Members left out because they reached the weekly cap. */
  skippedOverCap: number;
  counts: Record<SpotTargetStatus, number>;
  targets: SpotTargetView[];
}

export interface SpotCheckListItem {
  id: string;
  reason: string;
  createdBy: { id: string; name: string };
  createdAt: string;
  deadline: string;
  total: number;
  counts: Record<SpotTargetStatus, number>;
}

/** What a checked person sees: who, why, by when, where. */
export interface SpotDemandView {
  spotCheckId: string;
  by: { id: string; name: string; title: string | null };
  reason: string;
  deadline: string;
  /** The one place everyone must be at (with its fence, for the phone's preview), or null for their own places. */
  place: { id: string; name: string; latitude: number; longitude: number; radius: number; bssids: string[] } | null;
  status: SpotTargetStatus;
  /** The server's clock when this was answered (the countdown corrects the phone's clock by it). */
  serverTime: string;
}

/** `spotcheck.update` to the supervisor: one target changed. */
export interface SpotCheckUpdateEvent {
  spotCheckId: string;
  memberId: string;
  status: SpotTargetStatus;
  counts: Record<SpotTargetStatus, number>;
}

/** `GET /notices/:id/sign-ins`: meeting sign-in per unit. */
export interface MeetingSignInView {
  noticeId: string;
  place: { id: string; name: string } | null;
  opensAt: string | null;
  closesAt: string | null;
  totals: { expected: number; arrived: number; absent: number; leave: number };
  units: Array<{ unit: { id: string; name: string }; expected: number; arrived: number; absent: number; leave: number }>;
  /** Confirmed 参加 but did not sign in. */
  absentConfirmed: Array<{ id: string; name: string; phone: string; unitName: string | null }>;
}
