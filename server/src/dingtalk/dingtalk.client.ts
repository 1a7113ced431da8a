import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode } from '@lianxin/shared';
import type { DingTalkConfig } from '../config/app-config.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { DingTalkApiError, RETRY_ERRCODES, TOKEN_ERRCODES } from './dingtalk.errors.js';
import { jsapiSignature } from './domain/jsapi-signature.js';

interface Cached {
  value: string;
  expiresAt: number;
}

interface OapiBody {
  errcode?: number | string;
  errmsg?: string;
  sub_code?: string;
  sub_msg?: string;
  [k: string]: unknown;
}

export interface DingTalkUserInfo {
  userid: string;
  name?: string;
  unionid?: string;
  sys?: boolean;
  sys_level?: number;
}

export interface DingTalkUser {
  userid: string;
  name: string;
  mobile?: string;
  title?: string;
  active?: boolean;
  dept_id_list?: number[];
  manager_userid?: string;
  [k: string]: unknown;
}

/** Refresh a token this long before DingTalk says it expires. */
const EARLY_REFRESH_MS = 10 * 60_000;
const BUSY_RETRIES = 3;

/**
 * The DingTalk open-API client (reference §2): tokens cached per app until shortly before expiry
 * and refreshed once on a token errcode, single-flight so concurrent callers share one fetch.
 */
@Injectable()
export class DingTalkClient {
  private readonly logger = new Logger('DingTalk');
  private token: Cached | null = null;
  private ticket: Cached | null = null;
  private tokenInFlight: Promise<string> | null = null;
  private ticketInFlight: Promise<string> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly appConfig: AppConfig) {}

  get enabled(): boolean {
    return this.appConfig.dingtalk !== null;
  }

  private get cfg(): DingTalkConfig {
    const cfg = this.appConfig.dingtalk;
    if (!cfg) throw new DomainError(ErrorCode.DingTalkNotConfigured, '本系统尚未配置钉钉应用（DINGTALK_APP_KEY 等），请使用手机号和密码登录');
    return cfg;
  }

  /** 免登 code → userid (topapi/v2/user/getuserinfo). */
  async userInfoByCode(code: string): Promise<DingTalkUserInfo> {
    const body = await this.oapi('/topapi/v2/user/getuserinfo', { code });
    return body.result as DingTalkUserInfo;
  }

  /** User detail (topapi/v2/user/get). */
  async user(userid: string): Promise<DingTalkUser> {
    const body = await this.oapi('/topapi/v2/user/get', { userid, language: 'zh_CN' });
    return body.result as DingTalkUser;
  }

  /** Everything dd.config needs for a page URL. */
  async jsapiConfig(url: string): Promise<{ agentId: string; corpId: string; timeStamp: string; nonceStr: string; signature: string }> {
    const cfg = this.cfg;
    const ticket = await this.jsapiTicket();
    const timeStamp = String(Date.now());
    const nonceStr = randomBytes(12).toString('base64url');
    return { agentId: cfg.agentId, corpId: cfg.corpId, timeStamp, nonceStr, signature: jsapiSignature(ticket, nonceStr, timeStamp, url, cfg.signAlgo) };
  }

  /**
   * Calls an OAPI method with the access token in the query string (and a JSON body for POST):
   * a refused token is dropped and the call retried once; busy/throttled answers back off up to 3 times.
   */
  async oapi(path: string, payload?: Record<string, unknown>): Promise<OapiBody> {
    let refreshed = false;
    let busy = 0;
    for (;;) {
      const token = await this.accessToken();
      const url = `${this.cfg.apiBase}${path}?access_token=${encodeURIComponent(token)}`;
      const body = await this.request(url, payload ? { method: 'POST', body: payload } : { method: 'GET' }, path);
      const errcode = Number(body.errcode ?? 0);
      if (errcode === 0) return body;
      if (!refreshed && isTokenError(body)) {
        this.logger.warn(`access token refused (errcode ${errcode}${body.sub_code ? '/' + body.sub_code : ''}); refreshing once`);
        this.invalidateToken(token);
        refreshed = true;
        continue;
      }
      if (RETRY_ERRCODES.has(errcode) && busy < BUSY_RETRIES) {
        await sleep(200 * 2 ** busy++);
        continue;
      }
      throw apiError(body, path);
    }
  }

  /**
   * Calls a v1.0 API on `apiBaseV1` (reference §2.0): the token in the `x-acs-dingtalk-access-token`
   * header, JSON both ways, failures as HTTP status + `{code, message}` (thrown as DingTalkV1Error).
   * A refused token is dropped and the call retried once; QPS throttling backs off up to 3 times.
   */
  async v1<T = Record<string, unknown>>(path: string, body?: Record<string, unknown>): Promise<T> {
    let refreshed = false;
    let busy = 0;
    for (;;) {
      const token = await this.accessToken();
      let res: Response;
      try {
        res = await fetch(`${this.cfg.apiBaseV1}${path}`, {
          method: body ? 'POST' : 'GET',
          headers: { 'x-acs-dingtalk-access-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(this.cfg.timeoutMs),
        });
      } catch (err) {
        throw new DingTalkV1Error(0, 'NETWORK', (err as Error).message, path);
      }
      const text = await res.text();
      let parsed: Record<string, unknown> | null = null;
      try {
        parsed = text ? (parseOapiJson(text) as Record<string, unknown>) : {};
      } catch {
        // not JSON: reported below with the HTTP status
      }
      if (res.ok && parsed) return parsed as T;
      const code = typeof parsed?.code === 'string' ? parsed.code : `HTTP_${res.status}`;
      const message = typeof parsed?.message === 'string' ? parsed.message : text.slice(0, 200);
      if (!refreshed && code === 'InvalidAuthentication') {
        this.logger.warn(`access token refused by ${path}; refreshing once`);
        this.invalidateToken(token);
        refreshed = true;
        continue;
      }
      if (V1_THROTTLE_CODES.has(code) && busy < BUSY_RETRIES) {
        await sleep(200 * 2 ** busy++);
        continue;
      }
      throw new DingTalkV1Error(res.status, code, message, path);
    }
  }

  async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    this.tokenInFlight ??= this.fetchToken().finally(() => (this.tokenInFlight = null));
    return this.tokenInFlight;
  }

  private async fetchToken(): Promise<string> {
    const cfg = this.cfg;
    const q = new URLSearchParams({ appkey: cfg.appKey, appsecret: cfg.appSecret });
    for (let busy = 0; ; busy++) {
      const body = await this.request(`${cfg.apiBase}/gettoken?${q}`, { method: 'GET' }, '/gettoken');
      const errcode = Number(body.errcode ?? 0);
      if (errcode === 0 && typeof body.access_token === 'string') {
        this.token = { value: body.access_token, expiresAt: Date.now() + ttlMs(body.expires_in) };
        return body.access_token;
      }
      if (RETRY_ERRCODES.has(errcode) && busy < BUSY_RETRIES) {
        await sleep(200 * 2 ** busy);
        continue;
      }
      throw apiError(body.errcode === undefined ? { ...body, errcode: -1, errmsg: 'no access_token' } : body, '/gettoken');
    }
  }

  private invalidateToken(value: string): void {
    if (this.token?.value === value) this.token = null;
    this.ticket = null;
  }

  async jsapiTicket(): Promise<string> {
    if (this.ticket && this.ticket.expiresAt > Date.now()) return this.ticket.value;
    this.ticketInFlight ??= this.fetchTicket().finally(() => (this.ticketInFlight = null));
    return this.ticketInFlight;
  }

  private async fetchTicket(): Promise<string> {
    const body = await this.oapi('/get_jsapi_ticket');
    if (typeof body.ticket !== 'string') throw apiError({ errcode: -1, errmsg: 'no ticket in the answer' }, '/get_jsapi_ticket');
    this.ticket = { value: body.ticket, expiresAt: Date.now() + ttlMs(body.expires_in) };
    return body.ticket;
  }

  private async request(url: string, init: { method: 'GET' | 'POST'; body?: unknown }, path: string): Promise<OapiBody> {
    let res: Response;
    try {
      res = await fetch(url, {
        method: init.method,
        headers: init.body ? { 'content-type': 'application/json' } : undefined,
        body: init.body ? JSON.stringify(init.body) : undefined,
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
    } catch (err) {
      throw new DingTalkApiError('NETWORK', (err as Error).message, undefined, path);
    }
    const text = await res.text();
    try {
      return parseOapiJson(text) as OapiBody;
    } catch {
      throw new DingTalkApiError(`HTTP_${res.status}`, text.slice(0, 200), undefined, path);
    }
  }
}

/** A v1.0 API failure: the HTTP status (0 = no answer) besides DingTalk's `code` and `message`. */
export class DingTalkV1Error extends DingTalkApiError {
  override name = 'DingTalkV1Error';
  constructor(
    readonly status: number,
    code: string,
    message: string,
    path: string,
  ) {
    super(code, message, undefined, path);
  }
}

/** v1.0 throttling answers (§2.0): back off and retry a few times. */
const V1_THROTTLE_CODES = new Set(['Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', 'Forbidden.AccessDenied.QpsLimitForApi']);

function isTokenError(body: OapiBody): boolean {
  const errcode = Number(body.errcode ?? 0);
  const sub = body.sub_code !== undefined ? Number(body.sub_code) : NaN;
  return TOKEN_ERRCODES.has(errcode) || (errcode === 88 && TOKEN_ERRCODES.has(sub));
}

function apiError(body: OapiBody, path: string): DingTalkApiError {
  return new DingTalkApiError(Number(body.errcode ?? -1), String(body.sub_msg ?? body.errmsg ?? ''), body.sub_code !== undefined ? String(body.sub_code) : undefined, path);
}

const ttlMs = (expiresIn: unknown) => Math.max(60_000, Number(expiresIn ?? 7200) * 1000 - EARLY_REFRESH_MS);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * JSON.parse that keeps DingTalk ids exact: department ids can exceed 2^53, so an integer outside the
 * safe range keeps its digits as a string (read from the source text, which Node 22+ passes to revivers).
 */
export function parseOapiJson(text: string): unknown {
  return JSON.parse(text, ((_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source) ? context.source : value) as never);
}
