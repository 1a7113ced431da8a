import { ErrorCode } from '@lianxin/shared';
import { PlatformError } from '@/platform';
import { ApiError, ClientErrorCode } from './api-error';

/** Our own wording for codes people meet often; anything else shows the server's detail. */
const MESSAGES: Partial<Record<ApiError['code'], string>> = {
  [ErrorCode.AuthInvalidCredentials]: '手机号或密码错误',
  [ErrorCode.TooManyRequests]: '尝试次数过多，请稍后再试',
  [ErrorCode.AuthMemberDisabled]: '账号已停用，请联系管理员',
  [ErrorCode.Unauthenticated]: '登录已失效，请重新登录',
  [ErrorCode.AuthTokenInvalid]: '登录已失效，请重新登录',
  [ErrorCode.DingTalkNotConfigured]: '本单位尚未开通钉钉登录，请使用手机号和密码登录',
  [ErrorCode.AuthDingTalkCodeInvalid]: '钉钉授权已过期，请重试',
  [ClientErrorCode.Network]: '网络连接失败，请检查网络后重试',
  [ClientErrorCode.Timeout]: '请求超时，请检查网络后重试',
};

/** A sentence a person can act on, for any failure the app can meet. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === ErrorCode.ValidationFailed && error.errors[0]) return error.errors[0].message;
    const message = MESSAGES[error.code] ?? (error.detail || '操作失败，请稍后重试');
    // A server fault is reported to the county IT office; the trace id finds it in the logs.
    return error.status >= 500 && error.traceId ? `${message}（编号 ${error.traceId.slice(0, 8)}）` : message;
  }
  if (error instanceof PlatformError) return error.message;
  return '操作失败，请稍后重试';
}
