import { encodeRpcForm, signRpcRequest, type AliyunCredentials } from './aliyun-signature.js';

/**
 * One signed RPC call to an Alibaba Cloud communication API (dysmsapi, dyvmsapi), and the mapping of
 * its answers onto what the DING orchestration needs: accepted, or failed with a Chinese reason and
 * whether retrying later can help.
 *
 * Answers come in two shapes: business results are HTTP 200 `{Code, Message, RequestId, …}` with
 * `Code: "OK"` on success (`isv.*` / `isp.*` otherwise); gateway refusals (signature, key, timestamp,
 * throttling) are HTTP 4xx/5xx `{RequestId, HostId, Code, Message, Recommend}`.
 */

export type AliyunResult =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; code: string; error: string; retryable: boolean };

export interface AliyunCall {
  endpoint: string;
  action: string;
  version: string;
  params: Record<string, string>;
  creds: AliyunCredentials;
  timeoutMs: number;
  /** 短信 or 语音电话: names the channel in error texts. */
  product: string;
}

/** POSTs the signed parameters as a form (keeps 100-number batches out of the URL). */
export async function callAliyunRpc(call: AliyunCall): Promise<AliyunResult> {
  const signed = signRpcRequest('POST', call.action, call.version, call.params, call.creds);
  let res: Response;
  try {
    res = await fetch(`${call.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
      body: encodeRpcForm(signed),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    return {
      ok: false,
      code: timedOut ? 'TIMEOUT' : 'NETWORK',
      error: timedOut
        ? `${call.product}接口 ${call.timeoutMs} ms 内未应答（可能已提交，稍后重试）`
        : `无法连接${call.product}接口：${(err as Error).message}`,
      retryable: true,
    };
  }
  const text = await res.text().catch(() => '');
  let body: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // a proxy's HTML page or an empty answer: judged by the status below
  }
  if (!body || typeof body.Code !== 'string') {
    return { ok: false, code: `HTTP_${res.status}`, error: `${call.product}接口应答无法识别（HTTP ${res.status}）`, retryable: res.status >= 500 || res.status === 429 };
  }
  if (res.ok && body.Code === 'OK') return { ok: true, body };
  return { ok: false, code: body.Code, ...describeAliyunError(body.Code, String(body.Message ?? ''), res.status, call.product) };
}

/** Known codes: a reason a county IT officer can act on, and whether a later retry can succeed. */
const KNOWN: Record<string, [reason: string, retryable: boolean]> = {
  // throttling and provider trouble: wait and retry
  'isv.BUSINESS_LIMIT_CONTROL': ['触发云通信流控限制（同一号码或账号发送过于频繁）', true],
  'Throttling': ['阿里云接口限流', true],
  'Throttling.User': ['阿里云接口限流（账号调用过于频繁）', true],
  'Throttling.Api': ['阿里云接口限流', true],
  'ServiceUnavailable': ['阿里云服务暂不可用', true],
  'InternalError': ['阿里云内部错误', true],
  'isp.SYSTEM_ERROR': ['阿里云系统错误', true],
  'isp.GATEWAY_ERROR': ['阿里云网关错误', true],
  SignatureNonceUsed: ['签名随机数重复', true],
  // the number or the message: retrying the same thing fails the same way
  'isv.MOBILE_NUMBER_ILLEGAL': ['手机号码格式错误', false],
  'isv.MOBILE_COUNT_OVER_LIMIT': ['手机号码数量超过限制', false],
  'isv.TEMPLATE_MISSING_PARAMETERS': ['模板变量缺少对应参数值', false],
  'isv.TEMPLATE_PARAMS_ILLEGAL': ['模板变量里包含非法关键字', false],
  'isv.INVALID_PARAMETERS': ['参数格式不正确', false],
  'isv.INVALID_JSON_PARAM': ['JSON 参数不合法，只接受字符串值', false],
  'isv.PARAM_LENGTH_LIMIT': ['模板变量超出长度限制', false],
  'isv.PARAM_NOT_SUPPORT_URL': ['模板变量不支持网址', false],
  'isv.BLACK_KEY_CONTROL_LIMIT': ['模板变量中存在黑名单关键字', false],
  'isv.SMS_CONTENT_ILLEGAL': ['短信内容包含禁止发送内容', false],
  'isv.DAY_LIMIT_CONTROL': ['触发日发送限额', false],
  'isv.MONTH_LIMIT_CONTROL': ['触发月发送限额', false],
  // account and settings: an administrator must fix them
  'isv.SMS_TEMPLATE_ILLEGAL': ['找不到对应模板或模板未审核通过（ALIYUN_SMS_TEMPLATE_CODE / ALIYUN_VMS_TTS_CODE）', false],
  'isv.SMS_SIGNATURE_ILLEGAL': ['找不到对应签名或签名未审核通过（ALIYUN_SMS_SIGN_NAME）', false],
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL': ['签名和模板类型不一致', false],
  'isv.SIGN_STATE_ILLEGAL': ['签名状态为不可用', false],
  'isv.AMOUNT_NOT_ENOUGH': ['阿里云账户余额不足', false],
  'isv.OUT_OF_SERVICE': ['阿里云业务停机（余额不足）', false],
  'isv.PRODUCT_UN_SUBSCRIPT': ['该阿里云账号未开通云通信产品', false],
  'isv.PRODUCT_UNSUBSCRIBE': ['该阿里云账号未开通此产品', false],
  'isv.ACCOUNT_NOT_EXISTS': ['阿里云账户不存在', false],
  'isv.ACCOUNT_ABNORMAL': ['阿里云账户异常', false],
  'isp.RAM_PERMISSION_DENY': ['RAM 权限不足（请为 AccessKey 授予短信/语音服务权限）', false],
  SignatureDoesNotMatch: ['阿里云签名校验失败，请核对 ALIYUN_ACCESS_KEY_SECRET', false],
  IncompleteSignature: ['阿里云签名不完整', false],
  'InvalidAccessKeyId.NotFound': ['AccessKey 不存在，请核对 ALIYUN_ACCESS_KEY_ID', false],
  'InvalidAccessKeyId.Inactive': ['AccessKey 已被禁用', false],
  'InvalidTimeStamp.Expired': ['请求时间戳已过期，请校准服务器时钟', false],
  'InvalidTimeStamp.Format': ['请求时间戳格式错误', false],
  'InvalidVersion': ['接口版本号无效', false],
  'InvalidAction.NotFound': ['接口不存在（请检查接入地址）', false],
  Forbidden: ['无权调用该接口', false],
  'Forbidden.RAM': ['RAM 权限不足', false],
};

/** A Chinese reason for an Alibaba Cloud error code and whether it is worth retrying. */
export function describeAliyunError(code: string, message: string, httpStatus: number, product: string): { error: string; retryable: boolean } {
  const known = KNOWN[code];
  const missing = /^Missing/.test(code);
  const retryable = known ? known[1] : httpStatus >= 500 || httpStatus === 429 || /^Throttling/.test(code);
  const reason = known?.[0] ?? (missing ? '请求缺少必填参数' : retryable ? '阿里云暂时无法处理' : '阿里云拒绝了请求');
  const detail = message && message !== reason ? `：${message.slice(0, 200)}` : '';
  return { error: `${product}发送失败：${reason}（${code}${detail}）`, retryable };
}
