import type { ErrorCode } from '@lianxin/shared';

/** HTTP status and Chinese title for every error code. A missing code does not compile. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: [400, '请求参数有误'],
  BAD_REQUEST_BODY: [400, '请求内容无法解析'],
  PAYLOAD_TOO_LARGE: [413, '请求内容过大'],
  UNSUPPORTED_MEDIA_TYPE: [415, '不支持的内容类型'],
  NOT_FOUND: [404, '未找到'],
  METHOD_NOT_ALLOWED: [405, '不支持的请求方法'],
  AUTH_UNAUTHENTICATED: [401, '请先登录'],
  AUTH_FORBIDDEN: [403, '没有权限'],
  TOO_MANY_REQUESTS: [429, '请求过于频繁'],
  CONFLICT: [409, '状态冲突'],
  INTERNAL_ERROR: [500, '服务器内部错误'],
  SERVICE_UNAVAILABLE: [503, '服务暂不可用'],
  AUTH_INVALID_CREDENTIALS: [401, '手机号或密码错误'],
  AUTH_MEMBER_DISABLED: [403, '账号已停用'],
  AUTH_TOKEN_INVALID: [401, '登录已失效'],
  AUTH_DINGTALK_CODE_INVALID: [401, '钉钉免登授权码无效'],
  AUTH_DINGTALK_USER_UNKNOWN: [403, '钉钉账号未关联成员'],
  AUTH_DINGTALK_USER_INACTIVE: [403, '钉钉账号已停用'],
  DINGTALK_NOT_CONFIGURED: [503, '未配置钉钉应用'],
  DINGTALK_UPSTREAM_ERROR: [502, '钉钉接口调用失败'],
  ORG_UNIT_NOT_FOUND: [404, '单位不存在'],
  ORG_MEMBER_NOT_FOUND: [404, '成员不存在'],
  ORG_UNIT_MOVE_CYCLE: [409, '不能移动到自身或下级单位之下'],
  ORG_UNIT_NOT_EMPTY: [409, '单位下仍有成员或下级单位'],
  ORG_UNIT_NAME_TAKEN: [409, '单位名称重复'],
  ORG_ROOT_IMMUTABLE: [409, '根单位不能删除或移动'],
  ORG_PHONE_TAKEN: [409, '手机号已被使用'],
  ORG_DINGTALK_ID_TAKEN: [409, '钉钉 userid 已关联其他成员'],
  ORG_SUPERVISOR_CYCLE: [409, '上级设置形成循环'],
  ORG_IMPORT_INVALID: [400, '导入文件有误'],
  NOTICE_NOT_FOUND: [404, '通知不存在'],
  NOTICE_AUDIENCE_EMPTY: [422, '接收范围内没有人'],
  NOTICE_NOT_CONFIRMABLE: [409, '该通知不需要回执'],
  NOTICE_ALREADY_CONFIRMED: [409, '已回执'],
  DINGTALK_CALLBACK_INVALID: [400, '钉钉回调校验失败'],
} as const satisfies Record<ErrorCode, readonly [number, string]>;

export const statusOf = (code: ErrorCode): number => ERROR_STATUS[code][0];
export const titleOf = (code: ErrorCode): string => ERROR_STATUS[code][1];
