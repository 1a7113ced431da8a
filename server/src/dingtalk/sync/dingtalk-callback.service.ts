import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode } from '@lianxin/shared';
import { DomainError } from '../../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import {
  CallbackCryptoError,
  CallbackCryptoErrorCode,
  openCallback,
  sealCallback,
  type CallbackKeys,
  type CallbackResponse,
  type SignedMessage,
} from '../domain/callback-crypto.js';
import { DingTalkDirectory } from './dingtalk-directory.js';
import { upstreamProblem } from './dingtalk-upstream.js';
import { ROOT_DEPT_ID, type DirDept } from './domain/directory.js';
import { EventPayloadError, parseCallbackEvent, type CallbackEvent } from './domain/org-event.js';
import { OrgReconciler, type OrgChange } from './org-reconciler.js';
import { OrgSyncStore } from './org-sync.repository.js';

const CRYPTO_DETAIL: Record<number, string> = {
  [CallbackCryptoErrorCode.SignatureMismatch]: '钉钉回调签名校验失败：请确认 DINGTALK_CALLBACK_TOKEN 与钉钉开发者后台「事件订阅」中的签名 Token 一致',
  [CallbackCryptoErrorCode.OwnerKeyMismatch]: '钉钉回调不是发给本应用的：解密后的应用标识与 DINGTALK_APP_KEY 不符，请在本应用的开发者后台配置事件订阅',
  [CallbackCryptoErrorCode.DecryptFailed]: '钉钉回调无法解密：请确认 DINGTALK_CALLBACK_AES_KEY 与钉钉开发者后台「事件订阅」中的加密 aes_key 一致',
  [CallbackCryptoErrorCode.LengthMismatch]: '钉钉回调无法解密：请确认 DINGTALK_CALLBACK_AES_KEY 与钉钉开发者后台「事件订阅」中的加密 aes_key 一致',
  [CallbackCryptoErrorCode.AesKeyInvalid]: 'DINGTALK_CALLBACK_AES_KEY 不是 43 位字母或数字，请按钉钉开发者后台的加密 aes_key 重新配置',
};

/**
 * The HTTP-push endpoint for org-change events (reference §4.2): verify the signature, decrypt,
 * apply, and answer `success` encrypted the same way. An event names ids only, so each one is
 * applied by asking DingTalk for the current state of what it names: a user or department DingTalk
 * no longer knows is gone, whatever the event said. That makes late or reordered deliveries
 * harmless; the dingtalk_event row, written in the same transaction, makes redeliveries no-ops.
 */
@Injectable()
export class DingTalkCallbackService {
  private readonly logger = new Logger('DingTalkCallback');

  constructor(
    private readonly directory: DingTalkDirectory,
    private readonly reconciler: OrgReconciler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(query: Record<string, unknown>, body: unknown): Promise<CallbackResponse> {
    const keys = this.keys();
    let plain: string;
    try {
      plain = openCallback(keys, signedMessage(query, body));
    } catch (err) {
      if (!(err instanceof CallbackCryptoError)) throw err;
      this.logger.warn({ code: err.code }, 'DingTalk callback refused');
      throw new DomainError(ErrorCode.DingTalkCallbackInvalid, CRYPTO_DETAIL[err.code] ?? '钉钉回调校验失败');
    }
    let event: CallbackEvent;
    try {
      event = parseCallbackEvent(plain);
    } catch (err) {
      if (!(err instanceof EventPayloadError)) throw err;
      throw new DomainError(ErrorCode.DingTalkCallbackInvalid, `钉钉回调内容无法识别：${err.message}`);
    }
    if (event.kind === 'org') await this.apply(event);
    else if (event.kind === 'other') this.logger.log({ type: event.type }, 'DingTalk event not handled; acknowledged');
    return sealCallback(keys, 'success', String(Date.now()), randomBytes(8).toString('hex'));
  }

  private keys(): CallbackKeys {
    const cfg = this.config.dingtalk;
    if (!cfg) {
      throw new DomainError(
        ErrorCode.DingTalkNotConfigured,
        '本系统尚未配置钉钉应用，无法接收通讯录变更事件。请设置 DINGTALK_APP_KEY 等钉钉应用配置，以及 DINGTALK_CALLBACK_TOKEN、DINGTALK_CALLBACK_AES_KEY',
      );
    }
    if (!cfg.callback) {
      throw new DomainError(
        ErrorCode.DingTalkNotConfigured,
        '本系统尚未配置钉钉事件订阅，无法接收通讯录变更事件。请把钉钉开发者后台「事件订阅」中的签名 Token 和加密 aes_key 分别设为 DINGTALK_CALLBACK_TOKEN、DINGTALK_CALLBACK_AES_KEY 后重启服务',
      );
    }
    // An internal app subscribed in the developer console encrypts with its appKey as the owner key (§4.2).
    return { token: cfg.callback.token, aesKey: cfg.callback.aesKey, ownerKey: cfg.appKey };
  }

  private async apply(event: Extract<CallbackEvent, { kind: 'org' }>): Promise<void> {
    if (await this.reconciler.eventSeen(event.id)) {
      this.logger.log({ eventId: event.id, type: event.type }, 'DingTalk event redelivered; already applied');
      return;
    }
    let change: OrgChange;
    try {
      change = event.type.startsWith('user_') ? await this.userChange(event.userIds) : await this.deptChange(event.deptIds);
    } catch (err) {
      throw upstreamProblem(err, this.logger);
    }
    const result = await this.reconciler.apply(change, (tx) => OrgSyncStore.recordEvent(tx, event.id, event.type));
    this.logger.log({ eventId: event.id, type: event.type, applied: result !== null, units: result?.units, members: result?.members }, 'DingTalk event');
  }

  /** The users as DingTalk has them now, and the departments they are in that we do not mirror yet (their create event may still be on its way). */
  private async userChange(userIds: string[]): Promise<OrgChange> {
    const { users, gone } = await this.directory.usersById(userIds);
    const known = await this.reconciler.knownDeptIds();
    const missing = [...new Set(users.flatMap((u) => u.deptIds))].filter((d) => d !== ROOT_DEPT_ID && !known.has(d));
    const depts: DirDept[] = [];
    for (const d of missing) depts.push(...((await this.directory.deptWithAncestors(d)) ?? []));
    return { depts, users, complete: false, goneUsers: gone };
  }

  /** The departments as DingTalk has them now, each with its ancestors so a move is placed correctly. */
  private async deptChange(deptIds: string[]): Promise<OrgChange> {
    const depts: DirDept[] = [];
    const gone: string[] = [];
    for (const id of deptIds.filter((d) => d !== ROOT_DEPT_ID)) {
      const chain = await this.directory.deptWithAncestors(id);
      if (chain) depts.push(...chain);
      else gone.push(id);
    }
    return { depts, users: [], complete: false, goneDepts: gone };
  }
}

/** The signed parts of a push: `msg_signature` (older pages: `signature`), `timestamp` (or `timeStamp`), `nonce`, and the body's `encrypt`. */
function signedMessage(query: Record<string, unknown>, body: unknown): SignedMessage {
  const pick = (...names: string[]) => {
    for (const n of names) if (typeof query[n] === 'string' && query[n] !== '') return query[n] as string;
    return null;
  };
  const signature = pick('msg_signature', 'signature');
  const timestamp = pick('timeStamp', 'timestamp');
  const nonce = pick('nonce');
  const encrypt = body && typeof body === 'object' ? (body as Record<string, unknown>).encrypt : undefined;
  const missing = [!signature && 'msg_signature', !timestamp && 'timestamp', !nonce && 'nonce', (typeof encrypt !== 'string' || !encrypt) && 'encrypt'].filter(Boolean);
  if (missing.length) throw new DomainError(ErrorCode.DingTalkCallbackInvalid, `钉钉回调缺少参数：${missing.join('、')}`);
  return { signature: signature!, timestamp: timestamp!, nonce: nonce!, encrypt: encrypt as string };
}
