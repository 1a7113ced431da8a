import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for DingTalk's open API, following docs reference §2 (dingtalk.md):
 *
 * - OAPI style (`/gettoken`, `/get_jsapi_ticket`, `/topapi/...`): always HTTP 200, `errcode` 0 on
 *   success, `errcode` 88 + `sub_code` for token failures, 22 for an unknown path. The token is read
 *   from `?access_token=` or a form-urlencoded body field, never from a header (§2.0).
 * - v1.0 style (`/v1.0/...`): HTTP status + `{code, message, requestid}` on failure, the token in
 *   the `x-acs-dingtalk-access-token` header.
 *
 * Time inside the fake runs on its own clock (`advanceClock`), so token, ticket and 免登 code
 * lifetimes can be crossed without waiting. Tests steer it through plain methods, not HTTP.
 *
 * It also holds a contacts directory (department tree under the root department 1, users in one
 * or more departments) served by `department/listsub`, `department/get` and `user/list` (§2.7,
 * §2.8), and builds org-change event pushes encrypted and signed as §4.2 describes.
 */

export interface FakeDingTalkUser {
  userid: string;
  name: string;
  mobile?: string;
  title?: string;
  /** Defaults to true. False = 未激活 / 已停用 in DingTalk. */
  active?: boolean;
  /** Defaults to [1] (the root department). */
  deptIds?: number[];
  unionid?: string;
  jobNumber?: string;
  email?: string;
  managerUserid?: string;
  admin?: boolean;
  boss?: boolean;
  /** Departments where the user is the head (主管): `leader_in_dept` in user/get, `leader` in user/list. */
  leaderIn?: number[];
}

/** A department of the fake's contacts. The root department 1 always exists and has no parent. */
export interface FakeDingTalkDept {
  deptId: number;
  name: string;
  /** Null only for the root department 1. */
  parentId: number | null;
  /** Position among siblings (listsub answers in this order, then by id). */
  order: number;
}

/** The envelope of an org-change event after decryption (§4.1). */
export interface FakeOrgEvent {
  EventType: string;
  EventTime: number;
  CorpId: string;
  BizId: string;
  eventId: string;
  timeStamp: string;
  userId?: string[];
  deptId?: number[];
  diffInfo?: Record<string, unknown>;
  [k: string]: unknown;
}

/** What DingTalk would POST to the callback URL: query parameters and the JSON body. */
export interface FakeCallbackRequest {
  query: Record<string, string>;
  /** `?msg_signature=…&timestamp=…&nonce=…` ready to append to the callback path. */
  search: string;
  body: { encrypt: string };
}

export const ORG_EVENT_TYPES = ['user_add_org', 'user_modify_org', 'user_leave_org', 'org_dept_create', 'org_dept_modify', 'org_dept_remove'] as const;
export type FakeOrgEventType = (typeof ORG_EVENT_TYPES)[number] | 'check_url';

export interface DingTalkFakeOptions {
  appKey?: string;
  appSecret?: string;
  corpId?: string;
  agentId?: string;
  /** The errcode `topapi/v2/user/get` answers for an unknown userid (both appear in the docs, §2.6). */
  unknownUserErrcode?: 33012 | 60121;
  /** How an expired token is reported: a plain `errcode 42001`, or `errcode 88` with `sub_code 42001`. */
  expiredTokenStyle?: 'plain' | 'sub_code';
  /** Name of the root department 1 (the organisation). */
  orgName?: string;
  /** Calls per OAPI path in any one second before errcode 90018 (§2.0: 20 per app and API); unlimited when not set. */
  qpsLimit?: number;
  /** Event subscription keys (§4.2); random when not given. The owner key defaults to the appKey. */
  callbackToken?: string;
  callbackAesKey?: string;
  callbackOwnerKey?: string;
}

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed body (JSON or form), null when there was none. */
  body: Record<string, unknown> | null;
  contentType: string | undefined;
  /** The token the call carried, wherever it was put (query, form body or v1.0 header). */
  accessToken: string | undefined;
}

export interface JsapiSignatureInput {
  url: string;
  nonceStr: string;
  timeStamp: string;
  signature: string;
}

interface OapiFailure {
  kind: 'oapi';
  errcode: number;
  errmsg?: string;
  subCode?: string;
  subMsg?: string;
  remaining: number;
}

interface V1Failure {
  kind: 'v1';
  status: number;
  code: string;
  message?: string;
  remaining: number;
}

type Failure = OapiFailure | V1Failure;

interface TokenRecord {
  value: string;
  expiresAt: number;
}

interface TicketRecord {
  value: string;
  createdAt: number;
  expiresAt: number;
}

type OapiBody = Record<string, unknown>;

/** Token and ticket lifetime in seconds (§2.0, §2.4). */
export const TOKEN_TTL_SECONDS = 7200;
export const TICKET_TTL_SECONDS = 7200;
/** A jsapi ticket lives at most this long from when it was created, however often it is renewed (§1.4). */
export const TICKET_MAX_AGE_MS = 24 * 3600_000;
/** 免登 codes: five minutes, single use (§2.5). */
export const AUTH_CODE_TTL_MS = 5 * 60_000;

/** errmsg texts for the errcodes in §2.15, so injected failures look like DingTalk's. */
export const ERRMSG: Record<number, string> = {
  [-1]: '系统繁忙',
  22: '不合法ApiName',
  88: 'ding talk error',
  33012: '无效的userId',
  40014: '不合法的access_token',
  40035: '不合法的参数',
  40078: '不存在的临时授权码',
  40089: '不合法的corpId或corpSecret',
  40096: '不合法的appKey或appSecret',
  42001: 'access_token超时',
  43001: '需要GET请求',
  43002: '需要POST请求',
  43009: 'post参数需要是json类型',
  45009: '接口调用超过限制',
  50004: '部门不在授权范围',
  52013: '签名校验失败',
  52019: '无效的agentid',
  60003: '部门不存在',
  60011: '没有调用该接口的权限',
  60019: '从部门中获取用户失败',
  60020: '访问ip不在白名单之中',
  60121: '找不到该用户',
  90002: '接口调用过于频繁（全局流控）',
  90018: '当前应用调用该接口的频率超过限制',
  90020: '当前企业调用接口的次数超过月度限制',
  400002: '无效的参数',
};

const JSON_TYPE = 'application/json;charset=UTF-8';

export class DingTalkFake {
  readonly appKey: string;
  readonly appSecret: string;
  readonly corpId: string;
  readonly agentId: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedCall[] = [];
  /** Changeable between tests. */
  unknownUserErrcode: 33012 | 60121;
  expiredTokenStyle: 'plain' | 'sub_code';
  /** Calls per OAPI path in any one second before errcode 90018; null = unlimited. Changeable between tests. */
  qpsLimit: number | null;
  /** Calls refused by the QPS limit, per path. */
  readonly throttled = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();
  /** Event subscription keys, as entered in the developer console (§4.2). */
  readonly callbackToken: string;
  readonly callbackAesKey: string;
  readonly callbackOwnerKey: string;

  private server: Server | null = null;
  private baseUrl: string | null = null;
  private clockOffsetMs = 0;
  private readonly users = new Map<string, FakeDingTalkUser>();
  private readonly depts = new Map<number, FakeDingTalkDept>();
  private nextDeptId = 400_000_001;
  /** Per user: when added and when last changed, for user/list's entry_* and modify_* orders. */
  private readonly userSeq = new Map<string, { entry: number; modified: number }>();
  private seq = 0;
  private readonly codes = new Map<string, { userid: string; expiresAt: number }>();
  private readonly tokens = new Map<string, TokenRecord>();
  private currentToken: TokenRecord | null = null;
  private ticket: TicketRecord | null = null;
  private readonly failures = new Map<string, Failure[]>();
  private readonly callCounts = new Map<string, number>();

  constructor(opts: DingTalkFakeOptions = {}) {
    this.appKey = opts.appKey ?? 'dingfakeappkey0001';
    this.appSecret = opts.appSecret ?? 'fake-app-secret-0123456789abcdefghijklmnopqrstuv';
    this.corpId = opts.corpId ?? 'dingfakecorp0000000001';
    this.agentId = opts.agentId ?? '3000000001';
    this.unknownUserErrcode = opts.unknownUserErrcode ?? 60121;
    this.expiredTokenStyle = opts.expiredTokenStyle ?? 'plain';
    this.qpsLimit = opts.qpsLimit ?? null;
    this.callbackToken = opts.callbackToken ?? randomBytes(12).toString('hex');
    this.callbackAesKey = opts.callbackAesKey ?? randomAesKey();
    this.callbackOwnerKey = opts.callbackOwnerKey ?? this.appKey;
    this.depts.set(1, { deptId: 1, name: opts.orgName ?? '钉钉测试组织', parentId: null, order: 0 });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Listens on 127.0.0.1 on a free port; returns the base URL (no trailing slash). */
  async start(): Promise<string> {
    if (this.baseUrl) return this.baseUrl;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake DingTalk failed: ${(err as Error).stack ?? String(err)}`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.baseUrl = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** The base URL; throws before start(). */
  get url(): string {
    if (!this.baseUrl) throw new Error('DingTalkFake is not started');
    return this.baseUrl;
  }

  /** The DINGTALK_* variables that point an app at this fake (both base URLs, app credentials, event subscription keys). */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DINGTALK_API_BASE: this.url,
      DINGTALK_API_BASE_V1: this.url,
      DINGTALK_APP_KEY: this.appKey,
      DINGTALK_APP_SECRET: this.appSecret,
      DINGTALK_AGENT_ID: this.agentId,
      DINGTALK_CORP_ID: this.corpId,
      DINGTALK_CALLBACK_TOKEN: this.callbackToken,
      DINGTALK_CALLBACK_AES_KEY: this.callbackAesKey,
      ...extra,
    };
  }

  // ---------------------------------------------------------------- control API

  /** The fake's clock (ms since the epoch). */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Moves the fake's clock forward; tokens, tickets and codes age accordingly. */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  addUser(user: FakeDingTalkUser): FakeDingTalkUser {
    const u: FakeDingTalkUser = { active: true, deptIds: [1], unionid: `union-${user.userid}`, ...user };
    this.users.set(u.userid, u);
    const seq = ++this.seq;
    this.userSeq.set(u.userid, { entry: this.userSeq.get(u.userid)?.entry ?? seq, modified: seq });
    return u;
  }

  updateUser(userid: string, patch: Partial<Omit<FakeDingTalkUser, 'userid'>>): void {
    const u = this.users.get(userid);
    if (!u) throw new Error(`DingTalkFake: no user ${userid}`);
    this.users.set(userid, { ...u, ...patch });
    this.userSeq.get(userid)!.modified = ++this.seq;
  }

  removeUser(userid: string): void {
    this.users.delete(userid);
    this.userSeq.delete(userid);
  }

  /** A user as the fake holds it (a copy), or undefined. */
  user(userid: string): FakeDingTalkUser | undefined {
    const u = this.users.get(userid);
    return u && { ...u };
  }

  /** Every user, in the order they were added. */
  userList(): FakeDingTalkUser[] {
    return [...this.users.values()].map((u) => ({ ...u }));
  }

  /**
   * Adds a department under `parentId` (default: the root 1), as the admin console would: the
   * parent must exist and the id must be free. Ids are assigned from 400000001 unless given.
   */
  addDept(dept: { name: string; parentId?: number; deptId?: number; order?: number }): FakeDingTalkDept {
    const parentId = dept.parentId ?? 1;
    if (!this.depts.has(parentId)) throw new Error(`DingTalkFake: no parent department ${parentId}`);
    const deptId = dept.deptId ?? this.nextDeptId++;
    if (!Number.isSafeInteger(deptId) || deptId < 2 || this.depts.has(deptId)) throw new Error(`DingTalkFake: department id ${deptId} is taken or invalid`);
    if (!dept.name.trim()) throw new Error('DingTalkFake: a department needs a name');
    const siblings = this.childrenOf(parentId);
    const d: FakeDingTalkDept = { deptId, name: dept.name, parentId, order: dept.order ?? (siblings.length ? Math.max(...siblings.map((s) => s.order)) + 1 : 1) };
    this.depts.set(deptId, d);
    return { ...d };
  }

  /** Renames, reorders or moves a department. The root cannot move, nor can a department move under itself. */
  updateDept(deptId: number, patch: { name?: string; parentId?: number; order?: number }): void {
    const d = this.depts.get(deptId);
    if (!d) throw new Error(`DingTalkFake: no department ${deptId}`);
    if (patch.parentId !== undefined) {
      if (deptId === 1) throw new Error('DingTalkFake: the root department cannot move');
      if (!this.depts.has(patch.parentId)) throw new Error(`DingTalkFake: no parent department ${patch.parentId}`);
      for (let p: number | null = patch.parentId; p !== null; p = this.depts.get(p)!.parentId) {
        if (p === deptId) throw new Error('DingTalkFake: a department cannot move under itself');
      }
    }
    this.depts.set(deptId, { ...d, ...patch });
  }

  /** Deletes a department. Like DingTalk, refuses the root and a department that still has sub-departments or users. */
  removeDept(deptId: number): void {
    if (deptId === 1) throw new Error('DingTalkFake: the root department cannot be removed');
    if (!this.depts.has(deptId)) throw new Error(`DingTalkFake: no department ${deptId}`);
    if (this.childrenOf(deptId).length > 0) throw new Error(`DingTalkFake: department ${deptId} still has sub-departments`);
    if (this.usersIn(deptId).length > 0) throw new Error(`DingTalkFake: department ${deptId} still has users`);
    this.depts.delete(deptId);
  }

  /** A department (a copy), or undefined. */
  dept(deptId: number): FakeDingTalkDept | undefined {
    const d = this.depts.get(deptId);
    return d && { ...d };
  }

  /** Every department except the root, parents before children. */
  deptList(): FakeDingTalkDept[] {
    const out: FakeDingTalkDept[] = [];
    const walk = (id: number) => {
      for (const c of this.childrenOf(id)) {
        out.push({ ...c });
        walk(c.deptId);
      }
    };
    walk(1);
    return out;
  }

  /**
   * An org-change event as DingTalk pushes it after decryption (§4.1): the envelope with a fresh
   * eventId, plus `userId` or `deptId`. `extra` overrides any field (a fixed eventId, diffInfo, …).
   */
  orgEvent(type: FakeOrgEventType, ids: { userId?: string[]; deptId?: number[] } = {}, extra: Record<string, unknown> = {}): FakeOrgEvent {
    if (type === 'check_url') return { EventType: 'check_url', ...extra } as FakeOrgEvent;
    const now = this.now();
    const ev: FakeOrgEvent = { EventType: type, EventTime: now, CorpId: this.corpId, BizId: randomBytes(8).toString('hex'), eventId: randomBytes(16).toString('hex'), timeStamp: String(now) };
    if (type.startsWith('user_')) ev.userId = ids.userId ?? [];
    else ev.deptId = ids.deptId ?? [];
    if (type === 'user_modify_org' && ev.userId?.length) {
      const u = this.users.get(ev.userId[0]);
      ev.diffInfo = { prev: {}, curr: u ? { name: u.name } : {}, userid: ev.userId[0] };
    }
    return { ...ev, ...extra };
  }

  /**
   * The HTTP push DingTalk would send for an event (§4.2): the plaintext (an object is JSON-encoded)
   * encrypted with the subscription keys, signed, with the timestamp and nonce in the query.
   * `keys` overrides token, AES key or owner key (to build a forged or misaddressed push);
   * `style: 'legacy'` names the parameters `signature`/`timeStamp` as older pages do.
   */
  callbackRequest(
    event: FakeOrgEvent | Record<string, unknown> | string,
    opts: { timestamp?: string; nonce?: string; keys?: Partial<{ token: string; aesKey: string; ownerKey: string }>; style?: 'current' | 'legacy' } = {},
  ): FakeCallbackRequest {
    const token = opts.keys?.token ?? this.callbackToken;
    const aesKey = opts.keys?.aesKey ?? this.callbackAesKey;
    const ownerKey = opts.keys?.ownerKey ?? this.callbackOwnerKey;
    const timestamp = opts.timestamp ?? String(this.now());
    const nonce = opts.nonce ?? randomBytes(6).toString('base64url');
    const encrypt = pushEncrypt(typeof event === 'string' ? event : JSON.stringify(event), aesKey, ownerKey, randomBytes(16));
    const signature = pushSignature(token, timestamp, nonce, encrypt);
    const query: Record<string, string> = opts.style === 'legacy' ? { signature, timeStamp: timestamp, nonce } : { msg_signature: signature, timestamp, nonce };
    return { query, search: '?' + new URLSearchParams(query).toString(), body: { encrypt } };
  }

  /**
   * Checks the app's answer to a push as DingTalk does: the JSON must carry msg_signature,
   * timeStamp, nonce and encrypt; the signature must match and the plaintext end with the owner
   * key. Returns the decrypted message (`success` when the app accepted the event); throws otherwise.
   */
  openCallbackResponse(body: unknown): string {
    const b = body as Record<string, unknown> | null;
    const fields = ['msg_signature', 'timeStamp', 'nonce', 'encrypt'] as const;
    if (!b || fields.some((f) => typeof b[f] !== 'string')) throw new Error('HTTP请求结果校验返回字段值失败: the answer lacks msg_signature/timeStamp/nonce/encrypt');
    const [sig, ts, nonce, encrypt] = fields.map((f) => b[f] as string);
    if (pushSignature(this.callbackToken, ts, nonce, encrypt) !== sig) throw new Error('900005: the answer’s msg_signature does not match');
    return pushDecrypt(encrypt, this.callbackAesKey, this.callbackOwnerKey);
  }

  /** A fresh 免登 code for a DingTalk user, as `dd.requestAuthCode` would hand the page. */
  issueAuthCode(userid: string): string {
    if (!this.users.has(userid)) throw new Error(`DingTalkFake: no user ${userid}; addUser() first`);
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { userid, expiresAt: this.now() + AUTH_CODE_TTL_MS });
    return code;
  }

  /** Every token issued so far stops working now (callers get 42001); gettoken then issues a new one. */
  expireAllTokens(): void {
    const now = this.now();
    for (const t of this.tokens.values()) t.expiresAt = Math.min(t.expiresAt, now);
  }

  /** Every token issued so far becomes unknown (callers get 88/40014), as after a secret reset. */
  revokeAllTokens(): void {
    this.tokens.clear();
    this.currentToken = null;
  }

  /** The jsapi ticket currently valid, if any. */
  currentJsapiTicket(): string | null {
    return this.ticket && this.ticket.expiresAt > this.now() ? this.ticket.value : null;
  }

  /**
   * The next `times` calls to an OAPI path answer this errcode instead (HTTP 200, OAPI body).
   * With errcode 88 give subCode/subMsg. `times: Infinity` makes it persistent.
   */
  failNext(path: string, errcode: number, opts: { times?: number; errmsg?: string; subCode?: string; subMsg?: string } = {}): void {
    this.pushFailure(path, { kind: 'oapi', errcode, errmsg: opts.errmsg, subCode: opts.subCode, subMsg: opts.subMsg, remaining: opts.times ?? 1 });
  }

  /** The next `times` calls to a v1.0 path answer this HTTP status and `{code, message, requestid}`. */
  failNextV1(path: string, status: number, code: string, opts: { times?: number; message?: string } = {}): void {
    this.pushFailure(path, { kind: 'v1', status, code, message: opts.message, remaining: opts.times ?? 1 });
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /** How many requests reached a path (any outcome); without a path, all requests. */
  calls(path?: string): number {
    if (path === undefined) return [...this.callCounts.values()].reduce((a, b) => a + b, 0);
    return this.callCounts.get(path) ?? 0;
  }

  /** The recorded requests to one path. */
  callsTo(path: string): RecordedCall[] {
    return this.requests.filter((r) => r.path === path);
  }

  resetCalls(): void {
    this.callCounts.clear();
    this.requests.length = 0;
  }

  /**
   * Checks a dd.config signature as DingTalk does (§1.4): `url` is what the page reports; the part
   * from `#` is dropped and the query URL-decoded. 40 hex = SHA-1, 64 hex = SHA-256. Only the
   * ticket currently valid is accepted.
   */
  verifyJsapiSignature(input: JsapiSignatureInput): boolean {
    const ticket = this.currentJsapiTicket();
    if (!ticket || !input.nonceStr || !input.timeStamp) return false;
    const algo = /^[0-9a-f]{40}$/.test(input.signature) ? 'sha1' : /^[0-9a-f]{64}$/.test(input.signature) ? 'sha256' : null;
    if (!algo) return false;
    const plain = `jsapi_ticket=${ticket}&noncestr=${input.nonceStr}&timestamp=${input.timeStamp}&url=${urlAsSigned(input.url)}`;
    return createHash(algo).update(plain, 'utf8').digest('hex') === input.signature;
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    const contentType = req.headers['content-type'];
    const isV1 = path.startsWith('/v1.0/');
    const parsed = parseBody(raw, contentType);
    const headerToken = req.headers['x-acs-dingtalk-access-token'];
    const formToken = parsed.form && typeof parsed.body?.access_token === 'string' ? parsed.body.access_token : undefined;
    const accessToken = isV1 ? (typeof headerToken === 'string' ? headerToken : undefined) : (query.access_token ?? formToken);
    this.requests.push({ method: req.method ?? 'GET', path, query, body: parsed.body, contentType, accessToken });
    this.callCounts.set(path, (this.callCounts.get(path) ?? 0) + 1);

    if (isV1) return this.handleV1(req.method ?? 'GET', path, parsed, headerToken, res);

    const route = OAPI_ROUTES[path];
    if (!route) {
      const apiName = 'dingtalk.oapi.' + path.replace(/^\/(topapi\/)?/, '').replace(/\//g, '.');
      return sendJson(res, 200, { errcode: 22, sub_msg: `不合法ApiName，ApiName = ${apiName}`, errmsg: `Invalid method[${apiName}]`, request_id: requestId() });
    }
    if (req.method !== route.method) {
      const errcode = route.method === 'GET' ? 43001 : 43002;
      return sendJson(res, 200, oapiError(errcode));
    }
    if (this.overQps(path)) return sendJson(res, 200, oapiError(90018));
    const injected = this.takeFailure(path, 'oapi');
    if (injected) return sendJson(res, 200, oapiError(injected.errcode, injected));
    if (parsed.invalid) return sendJson(res, 200, oapiError(43009));

    if (route.auth) {
      const tokenError = this.checkOapiToken(accessToken);
      if (tokenError) return sendJson(res, 200, tokenError);
    }
    const body = route.handler.call(this, query, parsed.body ?? {});
    return sendJson(res, 200, body);
  }

  private handleV1(method: string, path: string, parsed: ParsedBody, headerToken: string | string[] | undefined, res: ServerResponse): void {
    const route = V1_ROUTES[path];
    if (!route || method !== route.method) {
      return sendV1Error(res, 404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    }
    const injected = this.takeFailure(path, 'v1');
    if (injected) return sendV1Error(res, injected.status, injected.code, injected.message ?? injected.code);
    if (parsed.invalid || parsed.form) return sendV1Error(res, 400, 'InvalidParameter', '请求体需为 JSON');
    if (route.auth) {
      if (typeof headerToken !== 'string' || headerToken === '') {
        return sendV1Error(res, 400, 'AuthenticationFailed.MissingParameter', '缺少参数：x-acs-dingtalk-access-token');
      }
      if (this.tokenState(headerToken) !== 'valid') return sendV1Error(res, 400, 'InvalidAuthentication', '不合法的access_token');
    }
    const out = route.handler.call(this, parsed.body ?? {});
    if ('error' in out) return sendV1Error(res, out.error.status, out.error.code, out.error.message);
    sendJson(res, 200, out.ok);
  }

  /** True when this call is one too many for its path in the last second (real time, not the fake clock). */
  private overQps(path: string): boolean {
    if (this.qpsLimit === null) return false;
    const now = Date.now();
    const recent = (this.recent.get(path) ?? []).filter((t) => t > now - 1000);
    this.recent.set(path, recent);
    if (recent.length >= this.qpsLimit) {
      this.throttled.set(path, (this.throttled.get(path) ?? 0) + 1);
      return true;
    }
    recent.push(now);
    return false;
  }

  private pushFailure(path: string, f: Failure): void {
    const list = this.failures.get(path) ?? [];
    list.push(f);
    this.failures.set(path, list);
  }

  private takeFailure<K extends Failure['kind']>(path: string, kind: K): Extract<Failure, { kind: K }> | null {
    const list = this.failures.get(path);
    const f = list?.[0];
    if (!list || !f || f.kind !== kind) return null;
    f.remaining -= 1;
    if (f.remaining <= 0) list.shift();
    return f as Extract<Failure, { kind: K }>;
  }

  private tokenState(value: string): 'valid' | 'expired' | 'unknown' {
    const t = this.tokens.get(value);
    if (!t) return 'unknown';
    return t.expiresAt > this.now() ? 'valid' : 'expired';
  }

  /** Null when the token is good; otherwise the §2.0 error body. */
  private checkOapiToken(token: string | undefined): OapiBody | null {
    if (token === undefined || token === '') return oapiError(88, { subCode: '40000', subMsg: 'access_token is blank' });
    const state = this.tokenState(token);
    if (state === 'unknown') return oapiError(88, { subCode: '40014', subMsg: ERRMSG[40014] });
    if (state === 'expired') {
      return this.expiredTokenStyle === 'plain' ? oapiError(42001) : oapiError(88, { subCode: '42001', subMsg: ERRMSG[42001] });
    }
    return null;
  }

  /** The app token: the same one while valid (and renewed for another 7200 s), a new one once expired. */
  private issueToken(): TokenRecord {
    const now = this.now();
    const cur = this.currentToken;
    if (cur && cur.expiresAt > now) {
      cur.expiresAt = now + TOKEN_TTL_SECONDS * 1000;
      return cur;
    }
    const t = { value: randomBytes(16).toString('hex'), expiresAt: now + TOKEN_TTL_SECONDS * 1000 };
    this.tokens.set(t.value, t);
    this.currentToken = t;
    return t;
  }

  /** The jsapi ticket: the same one while valid (renewed by 2 h, capped at 24 h from creation), else a new one. */
  private issueTicket(): { value: string; expiresIn: number } {
    const now = this.now();
    let t = this.ticket;
    if (t && t.expiresAt > now) {
      t.expiresAt = Math.min(now + TICKET_TTL_SECONDS * 1000, t.createdAt + TICKET_MAX_AGE_MS);
    } else {
      t = { value: randomBytes(24).toString('base64url'), createdAt: now, expiresAt: now + TICKET_TTL_SECONDS * 1000 };
      this.ticket = t;
    }
    return { value: t.value, expiresIn: Math.round((t.expiresAt - now) / 1000) };
  }

  // ---------------------------------------------------------------- OAPI handlers

  gettoken(query: Record<string, string>): OapiBody {
    const { appkey, appsecret } = query;
    if (!appkey || !appsecret) return { errcode: 40035, errmsg: '缺少参数 corpid or appkey' };
    if (appkey !== this.appKey || appsecret !== this.appSecret) return oapiError(40096);
    const t = this.issueToken();
    return { errcode: 0, access_token: t.value, errmsg: 'ok', expires_in: TOKEN_TTL_SECONDS };
  }

  getJsapiTicket(): OapiBody {
    const t = this.issueTicket();
    return { errcode: 0, ticket: t.value, errmsg: 'ok', expires_in: t.expiresIn };
  }

  getUserInfo(_q: Record<string, string>, body: Record<string, unknown>): OapiBody {
    const code = body.code;
    if (typeof code !== 'string' || code === '') return oapiError(400002);
    const entry = this.codes.get(code);
    if (!entry || entry.expiresAt <= this.now()) return oapiError(40078);
    this.codes.delete(code); // single use
    const u = this.users.get(entry.userid);
    if (!u) return oapiError(40078);
    const sysLevel = u.admin ? 1 : u.boss ? 100 : 0;
    return {
      errcode: 0,
      errmsg: 'ok',
      request_id: requestId(),
      result: omitEmpty({ userid: u.userid, device_id: `device-${u.userid}`, sys: sysLevel !== 0, sys_level: sysLevel, unionid: u.unionid, name: u.name }),
    };
  }

  getUser(_q: Record<string, string>, body: Record<string, unknown>): OapiBody {
    const userid = body.userid;
    const language = body.language;
    if (typeof userid !== 'string' || userid === '') return oapiError(400002);
    if (language !== undefined && language !== 'zh_CN' && language !== 'en_US') return oapiError(400002);
    const u = this.users.get(userid);
    if (!u) return oapiError(this.unknownUserErrcode);
    const deptIds = u.deptIds ?? [];
    return {
      errcode: 0,
      errmsg: 'ok',
      request_id: requestId(),
      result: omitEmpty({
        userid: u.userid,
        unionid: u.unionid,
        name: u.name,
        mobile: u.mobile,
        title: u.title,
        email: u.email,
        job_number: u.jobNumber,
        manager_userid: u.managerUserid,
        dept_id_list: deptIds,
        dept_order_list: deptIds.map((dept_id, i) => ({ dept_id, order: i + 1 })),
        leader_in_dept: deptIds.map((dept_id) => ({ dept_id, leader: u.leaderIn?.includes(dept_id) ?? false })),
        active: u.active ?? true,
        admin: u.admin ?? false,
        boss: u.boss ?? false,
        senior: false,
        real_authed: u.active ?? true,
        exclusive_account: false,
      }),
    };
  }

  /** Next-level departments (§2.7); `dept_id` defaults to the root. */
  listSubDepts(_q: Record<string, unknown>, body: Record<string, unknown>): OapiBody {
    const deptId = body.dept_id === undefined ? 1 : intParam(body.dept_id);
    if (deptId === null || !languageOk(body.language)) return oapiError(400002);
    if (!this.depts.has(deptId)) return oapiError(60003);
    return {
      errcode: 0,
      errmsg: 'ok',
      request_id: requestId(),
      result: this.childrenOf(deptId).map((d) => ({ dept_id: d.deptId, name: d.name, parent_id: d.parentId, create_dept_group: true, auto_add_user: true })),
    };
  }

  /** One department's detail (`topapi/v2/department/get`). */
  getDept(_q: Record<string, unknown>, body: Record<string, unknown>): OapiBody {
    const deptId = intParam(body.dept_id);
    if (deptId === null || !languageOk(body.language)) return oapiError(400002);
    const d = this.depts.get(deptId);
    if (!d) return oapiError(60003);
    const heads = this.usersIn(deptId).filter((u) => u.leaderIn?.includes(deptId));
    return {
      errcode: 0,
      errmsg: 'ok',
      request_id: requestId(),
      result: omitEmpty({
        dept_id: d.deptId,
        name: d.name,
        parent_id: d.parentId ?? undefined,
        order: d.order,
        create_dept_group: true,
        auto_add_user: true,
        group_contain_sub_dept: false,
        outer_dept: false,
        dept_manager_userid_list: heads.map((u) => u.userid),
      }),
    };
  }

  /**
   * Users of one department, sub-departments not included, by cursor (§2.8): dept_id, cursor and
   * size are required (400002 without them); size 1..100, cursor ≥ 0 and a known order_field, or
   * 40035; an unknown department is 60003.
   */
  listUsers(_q: Record<string, unknown>, body: Record<string, unknown>): OapiBody {
    const deptId = intParam(body.dept_id);
    const cursor = intParam(body.cursor);
    const size = intParam(body.size);
    if (body.dept_id === undefined || body.cursor === undefined || body.size === undefined) return oapiError(400002);
    if (deptId === null || cursor === null || size === null || !languageOk(body.language)) return oapiError(400002);
    const orderField = body.order_field ?? 'custom';
    if (cursor < 0 || size < 1 || size > USER_LIST_MAX_SIZE || typeof orderField !== 'string' || !USER_LIST_ORDERS.includes(orderField)) return oapiError(40035);
    if (!this.depts.has(deptId)) return oapiError(60003);
    const users = this.usersIn(deptId);
    const seq = (u: FakeDingTalkUser) => this.userSeq.get(u.userid) ?? { entry: 0, modified: 0 };
    if (orderField === 'entry_asc') users.sort((a, b) => seq(a).entry - seq(b).entry);
    if (orderField === 'entry_desc') users.sort((a, b) => seq(b).entry - seq(a).entry);
    if (orderField === 'modify_asc') users.sort((a, b) => seq(a).modified - seq(b).modified);
    if (orderField === 'modify_desc') users.sort((a, b) => seq(b).modified - seq(a).modified);
    const page = users.slice(cursor, cursor + size);
    const hasMore = cursor + size < users.length;
    const list = page.map((u) =>
      omitEmpty({
        userid: u.userid,
        unionid: u.unionid,
        name: u.name,
        mobile: u.mobile,
        title: u.title,
        email: u.email,
        job_number: u.jobNumber,
        manager_userid: u.managerUserid,
        dept_id_list: u.deptIds ?? [],
        dept_order: (u.deptIds ?? []).indexOf(deptId) + 1,
        leader: u.leaderIn?.includes(deptId) ?? false,
        admin: u.admin ?? false,
        boss: u.boss ?? false,
        active: u.active ?? true,
        exclusive_account: false,
      }),
    );
    return { errcode: 0, errmsg: 'ok', request_id: requestId(), result: { has_more: hasMore, ...(hasMore ? { next_cursor: cursor + size } : {}), list } };
  }

  private childrenOf(deptId: number): FakeDingTalkDept[] {
    return [...this.depts.values()].filter((d) => d.parentId === deptId).sort((a, b) => a.order - b.order || a.deptId - b.deptId);
  }

  /** Users directly in a department, in the order they were added (DingTalk's `custom` order). */
  private usersIn(deptId: number): FakeDingTalkUser[] {
    return [...this.users.values()].filter((u) => (u.deptIds ?? []).includes(deptId));
  }

  // ---------------------------------------------------------------- v1.0 handlers

  v1AccessToken(body: Record<string, unknown>): V1Result {
    if (body.appKey !== this.appKey || body.appSecret !== this.appSecret) {
      return { error: { status: 400, code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' } };
    }
    return { ok: { accessToken: this.issueToken().value, expireIn: TOKEN_TTL_SECONDS } };
  }

  v1JsapiTicket(): V1Result {
    const t = this.issueTicket();
    return { ok: { jsapiTicket: t.value, expireIn: t.expiresIn } };
  }
}

type V1Result = { ok: Record<string, unknown> } | { error: { status: number; code: string; message: string } };

const OAPI_ROUTES: Record<string, { method: 'GET' | 'POST'; auth: boolean; handler: (this: DingTalkFake, q: Record<string, string>, b: Record<string, unknown>) => OapiBody }> = {
  '/gettoken': { method: 'GET', auth: false, handler: DingTalkFake.prototype.gettoken },
  '/get_jsapi_ticket': { method: 'GET', auth: true, handler: DingTalkFake.prototype.getJsapiTicket },
  '/topapi/v2/user/getuserinfo': { method: 'POST', auth: true, handler: DingTalkFake.prototype.getUserInfo },
  '/topapi/v2/user/get': { method: 'POST', auth: true, handler: DingTalkFake.prototype.getUser },
  '/topapi/v2/user/list': { method: 'POST', auth: true, handler: DingTalkFake.prototype.listUsers },
  '/topapi/v2/department/listsub': { method: 'POST', auth: true, handler: DingTalkFake.prototype.listSubDepts },
  '/topapi/v2/department/get': { method: 'POST', auth: true, handler: DingTalkFake.prototype.getDept },
};

/** user/list page size limit (§2.8: 100 is what everyone uses; the doc states no other). */
export const USER_LIST_MAX_SIZE = 100;
const USER_LIST_ORDERS: readonly string[] = ['entry_asc', 'entry_desc', 'modify_asc', 'modify_desc', 'custom'];

const V1_ROUTES: Record<string, { method: 'POST'; auth: boolean; handler: (this: DingTalkFake, b: Record<string, unknown>) => V1Result }> = {
  '/v1.0/oauth2/accessToken': { method: 'POST', auth: false, handler: DingTalkFake.prototype.v1AccessToken },
  '/v1.0/oauth2/jsapiTickets': { method: 'POST', auth: true, handler: DingTalkFake.prototype.v1JsapiTicket },
};

/** The URL as DingTalk signs it: no fragment, query URL-decoded, everything else exactly as given (§1.4). */
export function urlAsSigned(href: string): string {
  const noFragment = href.split('#')[0];
  const q = noFragment.indexOf('?');
  if (q < 0) return noFragment;
  const query = noFragment.slice(q + 1);
  let decoded = query;
  try {
    decoded = decodeURIComponent(query);
  } catch {
    // a stray % is signed as it stands
  }
  return `${noFragment.slice(0, q)}?${decoded}`;
}

function oapiError(errcode: number, opts: { errmsg?: string; subCode?: string; subMsg?: string } = {}): OapiBody {
  if (errcode === 88 || opts.subCode) {
    const subMsg = opts.subMsg ?? (opts.subCode ? (ERRMSG[Number(opts.subCode)] ?? '') : '');
    return {
      errcode,
      sub_code: opts.subCode ?? '',
      sub_msg: subMsg,
      errmsg: opts.errmsg ?? `ding talk error[subcode=${opts.subCode ?? ''},submsg=${subMsg}]`,
      request_id: requestId(),
    };
  }
  let errmsg = opts.errmsg ?? ERRMSG[errcode] ?? `errcode ${errcode}`;
  if (errcode === 60020 && !opts.errmsg) errmsg = `${errmsg},request ip=127.0.0.1 appKey(fake)`;
  return { errcode, errmsg, request_id: requestId() };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendV1Error(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { code, message, requestid: randomBytes(16).toString('hex').toUpperCase() });
}

const requestId = () => randomBytes(8).toString('hex').slice(0, 13);

interface ParsedBody {
  body: Record<string, unknown> | null;
  form: boolean;
  invalid: boolean;
}

function parseBody(raw: string, contentType: string | undefined): ParsedBody {
  if (raw === '') return { body: null, form: false, invalid: false };
  if (contentType?.toLowerCase().includes('application/x-www-form-urlencoded')) {
    return { body: Object.fromEntries(new URLSearchParams(raw)), form: true, invalid: false };
  }
  try {
    const v: unknown = JSON.parse(raw);
    if (v && typeof v === 'object' && !Array.isArray(v)) return { body: v as Record<string, unknown>, form: false, invalid: false };
  } catch {
    // fall through
  }
  return { body: null, form: false, invalid: true };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** An integer parameter from a JSON number or a form/JSON string of digits; null when it is neither. */
function intParam(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) return Number(v);
  return null;
}

const languageOk = (v: unknown) => v === undefined || v === 'zh_CN' || v === 'en_US';

// ---------------------------------------------------------------- event push crypto (§4.2)
// Written from the reference text on its own, so the server's implementation is checked against
// an independent one (and both against the official vectors in the specs).

/** sha1 hex of the four strings in plain lexicographic order, concatenated. */
export function pushSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  const parts = [token, timestamp, nonce, encrypt];
  parts.sort();
  return createHash('sha1').update(parts.join('')).digest('hex');
}

const pushKey = (aesKey43: string) => {
  const key = Buffer.from(`${aesKey43}=`, 'base64');
  if (key.length !== 32) throw new Error('EncodingAESKey must decode to 32 bytes');
  return key;
};

/** random(16) | big-endian length(4) | message | ownerKey, PKCS#7-padded to 32 bytes, AES-256-CBC with IV = key[0..16]. */
export function pushEncrypt(message: string, aesKey43: string, ownerKey: string, random: Buffer): string {
  const msg = Buffer.from(message, 'utf8');
  const head = Buffer.alloc(20);
  random.copy(head, 0, 0, 16);
  head.writeUInt32BE(msg.length, 16);
  const plain = Buffer.concat([head, msg, Buffer.from(ownerKey, 'utf8')]);
  const n = 32 - (plain.length % 32);
  const key = pushKey(aesKey43);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(n, n)])), cipher.final()]).toString('base64');
}

/** The inverse of pushEncrypt; throws when the padding or the owner key is wrong. */
export function pushDecrypt(encrypt: string, aesKey43: string, ownerKey: string): string {
  const key = pushKey(aesKey43);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const n = plain.at(-1) ?? 0;
  if (n < 1 || n > 32) throw new Error('bad padding');
  const unpadded = plain.subarray(0, plain.length - n);
  const len = unpadded.readUInt32BE(16);
  const owner = unpadded.subarray(20 + len).toString('utf8');
  if (owner !== ownerKey) throw new Error(`900010: owner key ${owner} is not ${ownerKey}`);
  return unpadded.subarray(20, 20 + len).toString('utf8');
}

const AES_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A 43-character EncodingAESKey of letters and digits, as the console generates. */
function randomAesKey(): string {
  return [...randomBytes(43)].map((b) => AES_KEY_ALPHABET[b % AES_KEY_ALPHABET.length]).join('');
}

/** DingTalk leaves out fields with no value (§2.6). */
function omitEmpty(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)));
}
