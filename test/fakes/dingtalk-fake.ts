import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { LocalServer } from './local-server';
import type { IncomingMessage, ServerResponse } from 'node:http';

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
 *
 * Messages: work notifications (`asyncsend_v2`, §2.9: agent_id, ≤ 100 user ids, one `msg` type of
 * the documented shape, ≤ 2048 bytes) recorded in `workNotices`, their results (`getsendresult`,
 * §2.10: read/unread, forbidden users set with `forbidUser`, failed ones with `failDelivery`), and the
 * robot DING (v1.0 `robot/ding/send`, §2.11: robotCode, remindType, receiver limits, quota) recorded
 * in `robotDings`; `robotDingAvailable = false` models an edition without it (403).
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
  /** The robot's robotCode for robot DING (§2.11). */
  robotCode?: string;
  /** False = an edition without robot DING (standard edition): robot/ding/send answers 403. Default true. */
  robotDingAvailable?: boolean;
}

/** A work notification the fake accepted (§2.9). */
export interface FakeWorkNotice {
  taskId: number;
  agentId: string;
  userids: string[];
  deptIds: string[];
  toAllUser: boolean;
  msg: Record<string, unknown>;
  /** Fake-clock time of the send. */
  sentAt: number;
}

/** A robot DING the fake accepted (§2.11). */
export interface FakeRobotDing {
  openDingId: string;
  robotCode: string;
  remindType: number;
  userids: string[];
  content: string;
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
/** asyncsend_v2: at most 100 user ids and 20 department ids per call, `msg` at most 2048 bytes (§2.9). */
export const WORK_NOTICE_USERID_LIMIT = 100;
export const WORK_NOTICE_DEPT_LIMIT = 20;
export const WORK_NOTICE_MSG_MAX_BYTES = 2048;
/** getsendresult answers only for tasks of the last 24 hours (§2.10). */
export const SEND_RESULT_WINDOW_MS = 24 * 3600_000;
/** robot/ding/send receivers: 200 for in-app DING, 20 for SMS and phone DING (§2.11). */
export const ROBOT_DING_LIMITS: Record<number, number> = { 1: 200, 2: 20, 3: 20 };

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
  /** Work notifications accepted by asyncsend_v2, in order. */
  readonly workNotices: FakeWorkNotice[] = [];
  /** Robot DINGs accepted by robot/ding/send, in order. */
  readonly robotDings: FakeRobotDing[] = [];
  /** The robot's code (§2.11). */
  readonly robotCode: string;
  /** False = this organisation's edition has no robot DING: robot/ding/send answers 403. Changeable between tests. */
  robotDingAvailable: boolean;
  /** SMS and phone DINGs left (remindType 2 and 3); null = unlimited. Changeable between tests. */
  dingQuota: number | null = null;
  private nextTaskId = 256271667526;
  private readonly forbidden = new Map<string, string>();
  private readonly undeliverable = new Set<string>();
  private readonly readBy = new Map<number, Set<string>>();
  /** Event subscription keys, as entered in the developer console (§4.2). */
  readonly callbackToken: string;
  readonly callbackAesKey: string;
  readonly callbackOwnerKey: string;

  private readonly http = new LocalServer('DingTalkFake', (req, res) => this.handle(req, res));
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
    this.robotCode = opts.robotCode ?? 'dingfakerobot0000001';
    this.robotDingAvailable = opts.robotDingAvailable ?? true;
    this.depts.set(1, { deptId: 1, name: opts.orgName ?? '钉钉测试组织', parentId: null, order: 0 });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Listens on 127.0.0.1 on a free port; returns the base URL (no trailing slash). */
  async start(): Promise<string> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** The base URL; throws before start(). */
  get url(): string {
    return this.http.url;
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
   * DingTalk refuses work notifications to this user with a flow-control code (§2.10): getsendresult
   * lists them in forbidden_list (143106 same content today, 143105 daily limit, 143103 per minute, …).
   */
  forbidUser(userid: string, code = '143106'): void {
    this.forbidden.set(userid, code);
  }

  /** DingTalk fails to deliver work notifications to this user: getsendresult lists them in failed_user_id_list. */
  failDelivery(userid: string): void {
    this.undeliverable.add(userid);
  }

  /** The user opened the work notification of `taskId`. */
  markRead(taskId: number, userid: string): void {
    const set = this.readBy.get(taskId) ?? new Set<string>();
    set.add(userid);
    this.readBy.set(taskId, set);
  }

  /** Forgets work notifications, robot DINGs, forbidden and failing users. */
  resetMessages(): void {
    this.workNotices.length = 0;
    this.robotDings.length = 0;
    this.forbidden.clear();
    this.undeliverable.clear();
    this.readBy.clear();
    this.dingQuota = null;
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

  /**
   * Work notification (§2.9): agent_id must be this app's; user ids as one comma-separated string,
   * at most 100 (40035 beyond), departments at most 20; unless to_all_user, one of them is required
   * (400002); `msg` one documented type, at most 2048 bytes (40035). Unknown user ids are accepted,
   * as DingTalk does, and reported by getsendresult as invalid.
   */
  asyncSend(_q: Record<string, string>, body: Record<string, unknown>): OapiBody {
    const agentError = this.checkAgent(body.agent_id);
    if (agentError) return agentError;
    const toAll = body.to_all_user === true || body.to_all_user === 'true';
    if (body.userid_list !== undefined && typeof body.userid_list !== 'string') return oapiError(40035, { errmsg: '不合法的参数：userid_list 须为逗号分隔的字符串' });
    if (body.dept_id_list !== undefined && typeof body.dept_id_list !== 'string') return oapiError(40035, { errmsg: '不合法的参数：dept_id_list 须为逗号分隔的字符串' });
    const userids = splitIds(body.userid_list as string | undefined);
    const deptIds = splitIds(body.dept_id_list as string | undefined);
    if (!toAll && userids.length === 0 && deptIds.length === 0) return oapiError(400002, { errmsg: '无效的参数：userid_list、dept_id_list 和 to_all_user 不能同时为空' });
    if (userids.length > WORK_NOTICE_USERID_LIMIT) return oapiError(40035, { errmsg: `不合法的参数：userid_list 最多 ${WORK_NOTICE_USERID_LIMIT} 个` });
    if (deptIds.length > WORK_NOTICE_DEPT_LIMIT) return oapiError(40035, { errmsg: `不合法的参数：dept_id_list 最多 ${WORK_NOTICE_DEPT_LIMIT} 个` });
    let msg: unknown = body.msg;
    if (typeof msg === 'string') {
      try {
        msg = JSON.parse(msg);
      } catch {
        return oapiError(40035, { errmsg: '不合法的参数：msg 不是 JSON' });
      }
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return oapiError(400002, { errmsg: '无效的参数：缺少 msg' });
    if (Buffer.byteLength(JSON.stringify(msg)) > WORK_NOTICE_MSG_MAX_BYTES) return oapiError(40035, { errmsg: `不合法的参数：msg 超过 ${WORK_NOTICE_MSG_MAX_BYTES} 字节` });
    const shapeError = workMessageError(msg as Record<string, unknown>);
    if (shapeError) return oapiError(40035, { errmsg: `不合法的参数：${shapeError}` });
    const taskId = this.nextTaskId++;
    this.workNotices.push({ taskId, agentId: this.agentId, userids, deptIds, toAllUser: toAll, msg: msg as Record<string, unknown>, sentAt: this.now() });
    return { errcode: 0, task_id: taskId, request_id: requestId() };
  }

  /**
   * Result of a work notification (§2.10), for tasks of the last 24 hours: unknown user ids are
   * invalid, forbidden users carry their code, failing users are failed, the rest read or unread.
   */
  getSendResult(_q: Record<string, string>, body: Record<string, unknown>): OapiBody {
    const agentError = this.checkAgent(body.agent_id);
    if (agentError) return agentError;
    const taskId = intParam(body.task_id);
    if (taskId === null) return oapiError(400002, { errmsg: '无效的参数：task_id' });
    const task = this.workNotices.find((t) => t.taskId === taskId);
    if (!task || task.sentAt < this.now() - SEND_RESULT_WINDOW_MS) return oapiError(400002, { errmsg: '无效的参数：任务不存在或已超过 24 小时' });
    const recipients = task.toAllUser ? [...this.users.keys()] : [...new Set([...task.userids, ...task.deptIds.flatMap((d) => this.usersIn(Number(d)).map((u) => u.userid))])];
    const r = { invalid: [] as string[], forbidden: [] as Array<{ code: string; count: number; userid: string }>, failed: [] as string[], read: [] as string[], unread: [] as string[] };
    for (const u of recipients) {
      if (!this.users.has(u)) r.invalid.push(u);
      else if (this.forbidden.has(u)) r.forbidden.push({ code: this.forbidden.get(u)!, count: 1, userid: u });
      else if (this.undeliverable.has(u)) r.failed.push(u);
      else if (this.readBy.get(taskId)?.has(u)) r.read.push(u);
      else r.unread.push(u);
    }
    return {
      errcode: 0,
      request_id: requestId(),
      send_result: {
        invalid_user_id_list: r.invalid,
        forbidden_user_id_list: r.forbidden.map((f) => f.userid),
        failed_user_id_list: r.failed,
        read_user_id_list: r.read,
        unread_user_id_list: r.unread,
        invalid_dept_id_list: task.deptIds.filter((d) => !this.depts.has(Number(d))),
        forbidden_list: r.forbidden,
      },
    };
  }

  /** agent_id must be given (400002) and be this app's (52019 无效的agentid). */
  private checkAgent(v: unknown): OapiBody | null {
    if (v === undefined || v === null || v === '') return oapiError(400002, { errmsg: '无效的参数：缺少 agent_id' });
    return String(v) === this.agentId ? null : oapiError(52019);
  }

  // ---------------------------------------------------------------- v1.0 handlers

  /**
   * Robot DING (§2.11). Without the paid edition: 403 Forbidden.AccessDenied.AccessTokenPermissionDenied
   * before anything else. Then robotCode (invalid.chatbotId), remindType 1–3, a non-empty receiver list
   * within the limit (ding.receivercount.limit), content, the SMS/phone quota
   * (ding.serverquota.insufficient); unknown receivers go to failedList under miss.staffId.
   */
  v1RobotDing(body: Record<string, unknown>): V1Result {
    if (!this.robotDingAvailable) {
      return { error: { status: 403, code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied', message: '没有调用该接口的权限，请确认企业已开通专业版并为应用申请 Premium.Ding.Write 权限' } };
    }
    const invalid = (message: string): V1Result => ({ error: { status: 400, code: 'invalidParameter.param.invalid', message } });
    if (typeof body.robotCode !== 'string' || body.robotCode === '') return invalid('robotCode 不能为空');
    if (body.robotCode !== this.robotCode) return { error: { status: 400, code: 'invalid.chatbotId', message: '无效的机器人ID' } };
    const remindType = body.remindType;
    if (remindType !== 1 && remindType !== 2 && remindType !== 3) return invalid('remindType 取值 1、2 或 3');
    const list = body.receiverUserIdList;
    if (!Array.isArray(list) || list.length === 0 || list.some((u) => typeof u !== 'string' || u === '')) return invalid('receiverUserIdList 不能为空');
    if (list.length > ROBOT_DING_LIMITS[remindType]) return { error: { status: 400, code: 'ding.receivercount.limit', message: `接收人数超过限制（${ROBOT_DING_LIMITS[remindType]}）` } };
    if (typeof body.content !== 'string' || body.content.trim() === '') return invalid('content 不能为空');
    const userids = list as string[];
    const known = userids.filter((u) => this.users.has(u));
    const unknown = userids.filter((u) => !this.users.has(u));
    if (known.length === 0) return { error: { status: 400, code: 'miss.staffId', message: '无效的接收人ID' } };
    if (remindType !== 1 && this.dingQuota !== null) {
      if (this.dingQuota < known.length) return { error: { status: 400, code: 'ding.serverquota.insufficient', message: 'DING 额度不足' } };
      this.dingQuota -= known.length;
    }
    const openDingId = String(54165000000 + this.robotDings.length + 1);
    this.robotDings.push({ openDingId, robotCode: this.robotCode, remindType, userids: known, content: body.content });
    return { ok: unknown.length ? { openDingId, failedList: { 'miss.staffId': unknown } } : { openDingId } };
  }


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
  '/topapi/message/corpconversation/asyncsend_v2': { method: 'POST', auth: true, handler: DingTalkFake.prototype.asyncSend },
  '/topapi/message/corpconversation/getsendresult': { method: 'POST', auth: true, handler: DingTalkFake.prototype.getSendResult },
};

/** user/list page size limit (§2.8: 100 is what everyone uses; the doc states no other). */
export const USER_LIST_MAX_SIZE = 100;
const USER_LIST_ORDERS: readonly string[] = ['entry_asc', 'entry_desc', 'modify_asc', 'modify_desc', 'custom'];

const V1_ROUTES: Record<string, { method: 'POST'; auth: boolean; handler: (this: DingTalkFake, b: Record<string, unknown>) => V1Result }> = {
  '/v1.0/oauth2/accessToken': { method: 'POST', auth: false, handler: DingTalkFake.prototype.v1AccessToken },
  '/v1.0/oauth2/jsapiTickets': { method: 'POST', auth: true, handler: DingTalkFake.prototype.v1JsapiTicket },
  '/v1.0/robot/ding/send': { method: 'POST', auth: true, handler: DingTalkFake.prototype.v1RobotDing },
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

/** A comma-separated id list (§2.9), blanks dropped. */
function splitIds(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

const WORK_MSG_TYPES = ['text', 'image', 'voice', 'file', 'link', 'oa', 'markdown', 'action_card'] as const;

/** Why a work notification `msg` is not one of the documented shapes (§2.9, message types), or null. */
function workMessageError(msg: Record<string, unknown>): string | null {
  const type = msg.msgtype;
  if (typeof type !== 'string' || !(WORK_MSG_TYPES as readonly string[]).includes(type)) return `msgtype 须为 ${WORK_MSG_TYPES.join('/')}`;
  const others = WORK_MSG_TYPES.filter((t) => t !== type && msg[t] !== undefined);
  if (others.length) return `msg 只能包含一种消息类型（多出 ${others.join(',')}）`;
  const m = msg[type] as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object' || Array.isArray(m)) return `缺少 ${type} 对象`;
  const str = (k: string) => typeof m[k] === 'string' && (m[k] as string).length > 0;
  switch (type) {
    case 'text':
      return str('content') ? null : 'text.content 不能为空';
    case 'image':
    case 'file':
      return str('media_id') ? null : `${type}.media_id 不能为空`;
    case 'voice':
      return str('media_id') && m.duration !== undefined ? null : 'voice 需要 media_id 和 duration';
    case 'link':
      return ['messageUrl', 'picUrl', 'title', 'text'].every(str) ? null : 'link 需要 messageUrl、picUrl、title、text';
    case 'markdown':
      if (!str('title') || !str('text')) return 'markdown 需要 title 和 text';
      return (m.text as string).length <= 5000 ? null : 'markdown.text 最多 5000 字';
    case 'oa': {
      const head = m.head as Record<string, unknown> | undefined;
      if (!str('message_url')) return 'oa.message_url 不能为空';
      if (!head || typeof head.bgcolor !== 'string' || typeof head.text !== 'string') return 'oa.head 需要 bgcolor 和 text';
      return m.body && typeof m.body === 'object' ? null : 'oa.body 不能为空';
    }
    case 'action_card': {
      if (!str('markdown')) return 'action_card.markdown 不能为空';
      if (str('single_title') && str('single_url')) return null;
      const btns = m.btn_json_list;
      const ok = (m.btn_orientation === '0' || m.btn_orientation === '1') && Array.isArray(btns) && btns.length > 0 && btns.every((b) => b && typeof b.title === 'string' && typeof b.action_url === 'string');
      return ok ? null : 'action_card 需要 single_title + single_url，或 btn_orientation + btn_json_list';
    }
  }
  return null;
}
