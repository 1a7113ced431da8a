/** Stable error codes carried in every problem+json answer (`code`). Switch on these, never on text. */
export const ErrorCode = {
  ValidationFailed: 'VALIDATION_FAILED',
  BadRequestBody: 'BAD_REQUEST_BODY',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  NotFound: 'NOT_FOUND',
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
  Unauthenticated: 'AUTH_UNAUTHENTICATED',
  Forbidden: 'AUTH_FORBIDDEN',
  TooManyRequests: 'TOO_MANY_REQUESTS',
  Conflict: 'CONFLICT',
  Internal: 'INTERNAL_ERROR',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  AuthInvalidCredentials: 'AUTH_INVALID_CREDENTIALS',
  AuthMemberDisabled: 'AUTH_MEMBER_DISABLED',
  AuthTokenInvalid: 'AUTH_TOKEN_INVALID',
  AuthDingTalkCodeInvalid: 'AUTH_DINGTALK_CODE_INVALID',
  AuthDingTalkUserUnknown: 'AUTH_DINGTALK_USER_UNKNOWN',
  AuthDingTalkUserInactive: 'AUTH_DINGTALK_USER_INACTIVE',
  DingTalkNotConfigured: 'DINGTALK_NOT_CONFIGURED',
  DingTalkUpstreamError: 'DINGTALK_UPSTREAM_ERROR',
  OrgUnitNotFound: 'ORG_UNIT_NOT_FOUND',
  OrgMemberNotFound: 'ORG_MEMBER_NOT_FOUND',
  OrgUnitMoveCycle: 'ORG_UNIT_MOVE_CYCLE',
  OrgUnitNotEmpty: 'ORG_UNIT_NOT_EMPTY',
  OrgUnitNameTaken: 'ORG_UNIT_NAME_TAKEN',
  OrgRootImmutable: 'ORG_ROOT_IMMUTABLE',
  OrgPhoneTaken: 'ORG_PHONE_TAKEN',
  OrgDingTalkIdTaken: 'ORG_DINGTALK_ID_TAKEN',
  OrgSupervisorCycle: 'ORG_SUPERVISOR_CYCLE',
  OrgImportInvalid: 'ORG_IMPORT_INVALID',
  NoticeNotFound: 'NOTICE_NOT_FOUND',
  NoticeAudienceEmpty: 'NOTICE_AUDIENCE_EMPTY',
  NoticeNotConfirmable: 'NOTICE_NOT_CONFIRMABLE',
  NoticeAlreadyConfirmed: 'NOTICE_ALREADY_CONFIRMED',
  NoticeAttachmentInvalid: 'NOTICE_ATTACHMENT_INVALID',
  DingChannelUnconfigured: 'DING_CHANNEL_UNCONFIGURED',
  DingNobody: 'DING_NOBODY',
  DingNotFound: 'DING_NOT_FOUND',
  DingTalkCallbackInvalid: 'DINGTALK_CALLBACK_INVALID',
  AttendancePlaceNotFound: 'ATTENDANCE_PLACE_NOT_FOUND',
  AttendancePhotoInvalid: 'ATTENDANCE_PHOTO_INVALID',
  AttendancePhotoNotFound: 'ATTENDANCE_PHOTO_NOT_FOUND',
  AttendanceFieldNotAllowed: 'ATTENDANCE_FIELD_NOT_ALLOWED',
  AttendanceNotOpen: 'ATTENDANCE_NOT_OPEN',
  AttendanceRequestNotFound: 'ATTENDANCE_REQUEST_NOT_FOUND',
  AttendanceRequestLimit: 'ATTENDANCE_REQUEST_LIMIT',
  AttendanceRequestDecided: 'ATTENDANCE_REQUEST_DECIDED',
  SpotCheckNotFound: 'SPOT_CHECK_NOT_FOUND',
  SpotCheckClosed: 'SPOT_CHECK_CLOSED',
  SpotCheckNobody: 'SPOT_CHECK_NOBODY',
  AuditTrailNotFound: 'AUDIT_TRAIL_NOT_FOUND',
  AuditCheckpointNotFound: 'AUDIT_CHECKPOINT_NOT_FOUND',
  AuditExportTooLarge: 'AUDIT_EXPORT_TOO_LARGE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One field at fault in a VALIDATION_FAILED answer. `path` is dotted (`items.0.name`). */
export interface FieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem details, as every error answer of the API carries them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  traceId?: string;
  errors?: FieldError[];
}

export const problemType = (code: ErrorCode): string => `urn:lianxin:problem:${code.toLowerCase().replace(/_/g, '-')}`;
