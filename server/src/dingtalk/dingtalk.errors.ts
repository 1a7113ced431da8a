/** A DingTalk open-API failure: the errcode (OAPI) or code (v1.0) and DingTalk's message. */
export class DingTalkApiError extends Error {
  override name = 'DingTalkApiError';
  constructor(
    readonly errcode: number | string,
    readonly errmsg: string,
    readonly subCode?: string,
    readonly path?: string,
  ) {
    super(`DingTalk ${path ?? ''} errcode=${errcode}${subCode ? `/${subCode}` : ''}: ${errmsg}`);
  }
}

/** errcodes meaning the access token is bad or expired: drop it and retry once. */
export const TOKEN_ERRCODES = new Set([40014, 42001, 40001]);
/** errcode -1 系统繁忙 and the throttling codes: back off and retry a few times. */
export const RETRY_ERRCODES = new Set([-1, 90002, 90018]);
/** 不存在的临时授权码: the 免登 code is unknown, expired or already used. */
export const ERRCODE_AUTH_CODE_INVALID = 40078;
export const ERRCODE_USER_NOT_FOUND = new Set([33012, 60121]);
