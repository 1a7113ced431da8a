import type {
  AttendanceRequestInput,
  AttendanceRequestView,
  CheckInRequest,
  CheckInView,
  DailyBoardView,
  DecideRequestInput,
  MeetingSignInView,
  MyAttendanceView,
  MyMonthView,
  Page,
  PhotoView,
  PlaceView,
  SpotCheckListItem,
  SpotCheckRequest,
  SpotCheckView,
  SpotDemandView,
} from '@lianxin/shared';
import { ApiPaths } from '@lianxin/shared';
import { ById, PostById, spotCheckReportPath } from '@/lib/id-paths';
import { http } from '@/lib/http';

export type RequestBox = 'mine' | 'todo';
export type ReportFormat = 'xlsx' | 'csv';

interface PageQuery {
  cursor?: string | null;
  limit?: number;
  signal?: AbortSignal;
}

function paging(query: PageQuery, extra: Record<string, string> = {}): Record<string, string> {
  const params: Record<string, string> = { ...extra, limit: String(query.limit ?? 20) };
  if (query.cursor) params.cursor = query.cursor;
  return params;
}

/** 打卡: my day, check-ins and photos, the calendar, requests, spot checks and the boards. */
export const attendanceApi = {
  mine(signal?: AbortSignal): Promise<MyAttendanceView> {
    return http.get(ApiPaths.attendance.mine, { signal });
  },

  /** The attendance places the caller can see (at most 500), by unit. */
  places(signal?: AbortSignal): Promise<PlaceView[]> {
    return http.get(ApiPaths.attendance.places, { signal });
  },

  /** `month` as 'YYYY-MM'. */
  myMonth(month: string, signal?: AbortSignal): Promise<MyMonthView> {
    return http.get(ApiPaths.attendance.myMonth, { query: { month }, signal });
  },

  /** 201 for a new check-in; 200 with `replayed` when the key was seen before (an offline retry). */
  checkIn(request: CheckInRequest, signal?: AbortSignal): Promise<CheckInView> {
    return http.post(ApiPaths.attendance.checkIns, request, { signal });
  },

  /** Check-ins made between two instants, newest first: the caller's own, or `memberId`'s (in the caller's scope). */
  checkIns(range: { from: string; to: string; memberId?: string }, query: PageQuery = {}): Promise<Page<CheckInView>> {
    const extra: Record<string, string> = { from: range.from, to: range.to };
    if (range.memberId) extra.memberId = range.memberId;
    return http.get(ApiPaths.attendance.checkIns, { query: paging({ limit: 50, ...query }, extra), signal: query.signal });
  },

  /** The photo as the raw body (its own Content-Type); the server reads when and where it was taken. */
  uploadPhoto(photo: Blob, signal?: AbortSignal): Promise<PhotoView> {
    return http.uploadFile(ApiPaths.attendance.photos, photo, photo.type || 'image/jpeg', { signal });
  },

  /** `date` as 'YYYY-MM-DD'. */
  daily(unitId: string, date: string, signal?: AbortSignal): Promise<DailyBoardView> {
    return http.get(ApiPaths.attendance.daily, { query: { unitId, date }, signal });
  },

  monthReport(unitId: string, month: string, format: ReportFormat = 'xlsx'): Promise<Blob> {
    return http.download(ApiPaths.attendance.reports, { query: { unitId, month, format } });
  },

  submitRequest(input: AttendanceRequestInput): Promise<AttendanceRequestView> {
    return http.post(ApiPaths.attendance.requests, input);
  },

  requests(box: RequestBox, query: PageQuery = {}): Promise<Page<AttendanceRequestView>> {
    return http.get(ApiPaths.attendance.requests, { query: paging(query, { box }), signal: query.signal });
  },

  decide(requestId: string, input: DecideRequestInput): Promise<AttendanceRequestView> {
    return http.postById(PostById.attendanceDecision(requestId), input);
  },

  startSpotCheck(request: SpotCheckRequest): Promise<SpotCheckView> {
    return http.post(ApiPaths.attendance.spotChecks, request);
  },

  /** The spot checks the caller started, newest first. */
  spotChecks(query: PageQuery = {}): Promise<Page<SpotCheckListItem>> {
    return http.get(ApiPaths.attendance.spotChecks, { query: paging(query), signal: query.signal });
  },

  spotCheck(spotCheckId: string, signal?: AbortSignal): Promise<SpotCheckView> {
    return http.getById(ById.spotCheck(spotCheckId), { signal });
  },

  spotCheckReport(spotCheckId: string, format: ReportFormat = 'xlsx'): Promise<Blob> {
    return http.download(spotCheckReportPath(spotCheckId), { query: { format } });
  },

  /** Spot checks waiting for the caller's answer. */
  myDemands(signal?: AbortSignal): Promise<SpotDemandView[]> {
    return http.get(ApiPaths.attendance.mySpotChecks, { signal });
  },

  meetingSignIns(noticeId: string, signal?: AbortSignal): Promise<MeetingSignInView> {
    return http.getById(ById.meetingSignIns(noticeId), { signal });
  },
};
