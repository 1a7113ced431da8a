import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { DingTalkClient, DingTalkV1Error } from '../../dingtalk/dingtalk.client.js';
import { DingTalkApiError } from '../../dingtalk/dingtalk.errors.js';
import { ChannelName, type DeliveryChannel, type DeliveryMessage, type DeliveryOutcome, type DeliveryTarget } from './channel.js';
import { assertBatch, failAll, failed } from './outcomes.js';

/** asyncsend_v2 takes at most 100 user ids per call (reference §2.9). */
export const WORK_NOTICE_BATCH_LIMIT = 100;
/** The whole `msg` object may be at most 2048 bytes (§2.9). */
const MSG_MAX_BYTES = 2048;
const NO_DINGTALK_ACCOUNT = '成员未关联钉钉账号';

/** What getsendresult says about one work notification (§2.10), in our words. */
export interface DingTalkSendResult {
  read: string[];
  unread: string[];
  /** DingTalk could not deliver to these. */
  failed: string[];
  /** Not user ids of this organisation. */
  invalid: string[];
  /** Refused by flow control or protection rules, with the code DingTalk gave. */
  forbidden: Array<{ userid: string; code: string; reason: string }>;
}

/** A user DingTalk did not deliver to, as the orchestration records it. */
export interface DingTalkUndelivered {
  dingtalkUserId: string;
  error: string;
  retryable: boolean;
}

/** The robot DING's answer: done (one outcome per target), or not available here so the caller falls back to SMS/voice. */
export type RobotDingAnswer = { kind: 'done'; outcomes: DeliveryOutcome[] } | { kind: 'unavailable'; code: string; reason: string };

/** 1 in-app DING, 2 SMS DING, 3 phone DING (§2.11); SMS and phone need bought quota. */
export type RobotRemindType = 1 | 2 | 3;

/** forbidden_list codes (§2.10): the reason, and whether the same message may go through later. */
const FORBIDDEN: Record<string, [string, boolean]> = {
  '143103': ['超过每分钟发送人数上限', true],
  '143104': ['超过每分钟发送人数上限', true],
  '143105': ['超过每人每日消息上限', false],
  '143106': ['当天已发送过相同内容', false],
  '1430000': ['无接收人', false],
  '1430002': ['内容被判定为违规', false],
  '1430003': ['触发钉钉接口保护', true],
  '1430004': ['对方受超级高管保护，无法发送', false],
};

/**
 * DingTalk delivery through the app's `DingTalkClient`:
 * - `send`: a work notification (工作通知, `topapi/message/corpconversation/asyncsend_v2`) to up to 100
 *   user ids, as an action card opening `DeliveryMessage.url` (markdown when there is no link).
 *   DingTalk answers with a task id at once and delivers later, so everyone is 'sent' with the task id
 *   as provider id; `getSendResult` then tells who was refused, which `undelivered` turns into failures.
 *   Members without a DingTalk account fail at once ("成员未关联钉钉账号").
 * - `robotDing`: the robot DING (v1.0 `robot/ding/send`), which only paid editions have; where the
 *   organisation lacks it the answer is `unavailable`, so the orchestration falls back to SMS or voice.
 */
@Injectable()
export class DingTalkChannel implements DeliveryChannel {
  readonly name = ChannelName.DingTalk;
  readonly maxBatch = WORK_NOTICE_BATCH_LIMIT;
  readonly ratePerSecond: number;
  readonly unconfiguredReason: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly client: DingTalkClient,
  ) {
    this.ratePerSecond = config.channels.dingtalk.ratePerSecond;
    this.unconfiguredReason = config.dingtalk
      ? ''
      : '钉钉工作通知未配置：请设置 DINGTALK_APP_KEY、DINGTALK_APP_SECRET、DINGTALK_AGENT_ID 和 DINGTALK_CORP_ID';
  }

  configured(): boolean {
    return this.config.dingtalk !== null;
  }

  async send(targets: DeliveryTarget[], message: DeliveryMessage): Promise<DeliveryOutcome[]> {
    assertBatch(this.name, targets, this.maxBatch);
    if (targets.length === 0) return [];
    if (!this.configured()) return failAll(targets, this.unconfiguredReason, false);
    const out: DeliveryOutcome[] = [];
    const linked: DeliveryTarget[] = [];
    for (const t of targets) {
      if (t.dingtalkUserId) linked.push(t);
      else out.push(failed(t, NO_DINGTALK_ACCOUNT, false));
    }
    if (linked.length === 0) return out;
    const userids = [...new Set(linked.map((t) => t.dingtalkUserId!))];
    try {
      const body = await this.client.oapi('/topapi/message/corpconversation/asyncsend_v2', {
        agent_id: this.agentId,
        userid_list: userids.join(','),
        msg: workNotice(message),
      });
      const taskId = body.task_id === undefined || body.task_id === null ? null : String(body.task_id);
      for (const t of linked) out.push({ deliveryId: t.deliveryId, status: 'sent', providerId: taskId });
    } catch (err) {
      const { error, retryable } = describeDingTalkError(err, '钉钉工作通知发送失败');
      out.push(...failAll(linked, error, retryable));
    }
    return out;
  }

  /**
   * Who read, who has not, and who DingTalk refused, for a work notification of the last 24 hours
   * (`topapi/message/corpconversation/getsendresult`, §2.10).
   */
  async getSendResult(taskId: string): Promise<DingTalkSendResult> {
    const body = await this.client.oapi('/topapi/message/corpconversation/getsendresult', { agent_id: this.agentId, task_id: idValue(taskId) });
    const r = (body.send_result ?? {}) as Record<string, unknown>;
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    const forbidden = new Map<string, { userid: string; code: string; reason: string }>();
    if (Array.isArray(r.forbidden_list)) {
      for (const f of r.forbidden_list as Array<Record<string, unknown>>) {
        const code = String(f.code ?? '');
        if (f.userid !== undefined) forbidden.set(String(f.userid), { userid: String(f.userid), code, reason: FORBIDDEN[code]?.[0] ?? `被钉钉限制发送（${code}）` });
      }
    }
    for (const userid of list(r.forbidden_user_id_list)) {
      if (!forbidden.has(userid)) forbidden.set(userid, { userid, code: '', reason: '被钉钉限制发送' });
    }
    return { read: list(r.read_user_id_list), unread: list(r.unread_user_id_list), failed: list(r.failed_user_id_list), invalid: list(r.invalid_user_id_list), forbidden: [...forbidden.values()] };
  }

  /** The users a send result says did not get the message, with the reason to record on their delivery. */
  undelivered(result: DingTalkSendResult): DingTalkUndelivered[] {
    return [
      ...result.forbidden.map((f) => ({ dingtalkUserId: f.userid, error: `钉钉未送达：${f.reason}${f.code ? `（${f.code}）` : ''}`, retryable: FORBIDDEN[f.code]?.[1] ?? false })),
      ...result.failed.map((u) => ({ dingtalkUserId: u, error: '钉钉未送达：发送失败', retryable: true })),
      ...result.invalid.map((u) => ({ dingtalkUserId: u, error: '钉钉未送达：钉钉账号无效或已离职', retryable: false })),
    ];
  }

  /**
   * A robot DING (v1.0 `POST /v1.0/robot/ding/send`, §2.11) from DINGTALK_ROBOT_CODE: in-app
   * (remindType 1, up to 200 people per call) or SMS / phone DING (2 / 3, up to 20, bought quota).
   * Answers `unavailable` when this organisation cannot use it — the robot code is not set, the
   * edition lacks the Premium.Ding.Write permission (403 Forbidden.AccessDenied.AccessTokenPermissionDenied),
   * the robot code is wrong, or the DING quota is used up — so the caller falls back to SMS or voice.
   */
  async robotDing(targets: DeliveryTarget[], text: string, opts: { remindType?: RobotRemindType } = {}): Promise<RobotDingAnswer> {
    const robotCode = this.config.channels.dingtalk.robotCode;
    if (!this.configured()) return { kind: 'unavailable', code: 'NOT_CONFIGURED', reason: this.unconfiguredReason };
    if (!robotCode) return { kind: 'unavailable', code: 'NOT_CONFIGURED', reason: '机器人 DING 未配置：请设置 DINGTALK_ROBOT_CODE（仅钉钉专业版/专属版可用）' };
    const remindType = opts.remindType ?? 1;
    const limit = remindType === 1 ? 200 : 20;
    const out: DeliveryOutcome[] = [];
    const linked: DeliveryTarget[] = [];
    for (const t of targets) {
      if (t.dingtalkUserId) linked.push(t);
      else out.push(failed(t, NO_DINGTALK_ACCOUNT, false));
    }
    for (let i = 0; i < linked.length; i += limit) {
      const chunk = linked.slice(i, i + limit);
      try {
        const body = await this.client.v1<{ openDingId?: string; failedList?: Record<string, unknown> }>('/v1.0/robot/ding/send', {
          robotCode,
          remindType,
          receiverUserIdList: [...new Set(chunk.map((t) => t.dingtalkUserId!))],
          content: text,
          ...(remindType === 3 ? { callVoice: 'Standard_Female_Voice' } : {}),
        });
        const refused = new Map<string, string>();
        for (const [reason, ids] of Object.entries(body.failedList ?? {})) {
          if (Array.isArray(ids)) ids.forEach((id) => refused.set(String(id), reason));
        }
        const openDingId = body.openDingId ?? null;
        for (const t of chunk) {
          const reason = refused.get(t.dingtalkUserId!);
          out.push(reason ? failed(t, `机器人 DING 未送达：${reason}`, false, openDingId) : { deliveryId: t.deliveryId, status: 'sent', providerId: openDingId });
        }
      } catch (err) {
        const unavailable = robotUnavailable(err);
        if (unavailable && out.every((o) => o.status === 'failed')) return unavailable;
        const { error, retryable } = unavailable ? { error: unavailable.reason, retryable: false } : describeDingTalkError(err, '机器人 DING 发送失败');
        out.push(...failAll(chunk, error, retryable));
      }
    }
    return { kind: 'done', outcomes: out };
  }

  private get agentId(): number | string {
    return idValue(this.config.dingtalk!.agentId);
  }
}

/** DingTalk ids go as JSON numbers when they are safe integers (agent_id, task_id), else as their digits. */
function idValue(id: string): number | string {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

/**
 * The `msg` of a work notification: an action card with one "查看详情" button when there is a link,
 * markdown otherwise; the text is shortened until the whole object fits DingTalk's 2048 bytes.
 */
export function workNotice(message: DeliveryMessage): Record<string, unknown> {
  const title = [...message.title.trim()].slice(0, 64).join('') || '提醒';
  const build = (text: string) => {
    const markdown = `### ${title}\n\n${text.replace(/\r?\n/g, '  \n')}`;
    return message.url
      ? { msgtype: 'action_card', action_card: { title, markdown, single_title: '查看详情', single_url: message.url } }
      : { msgtype: 'markdown', markdown: { title, text: markdown } };
  };
  let chars = [...message.text.trim()];
  let msg = build(chars.join(''));
  while (Buffer.byteLength(JSON.stringify(msg)) > MSG_MAX_BYTES && chars.length > 0) {
    const over = Buffer.byteLength(JSON.stringify(msg)) - MSG_MAX_BYTES;
    chars = chars.slice(0, Math.max(0, chars.length - Math.max(1, Math.ceil(over / 3)) - 1));
    msg = build(`${chars.join('')}…`);
  }
  return msg;
}

/** errcodes worth retrying later: busy, throttled, per-minute quotas (§2.0, §2.10, §2.15). */
const RETRYABLE_ERRCODES = new Set([-1, 45009, 90001, 90002, 90006, 90018, 143103, 143104]);
const DINGTALK_REASONS: Record<string, string> = {
  '-1': '钉钉系统繁忙',
  '88:60011': '钉钉应用没有调用该接口的权限，请在开发者后台为应用开通权限',
  '60011': '钉钉应用没有调用该接口的权限，请在开发者后台为应用开通权限',
  '40014': '钉钉 access_token 无效，请核对 DINGTALK_APP_KEY / DINGTALK_APP_SECRET',
  '88:40014': '钉钉 access_token 无效，请核对 DINGTALK_APP_KEY / DINGTALK_APP_SECRET',
  '42001': '钉钉 access_token 已过期',
  '52019': 'DINGTALK_AGENT_ID 无效',
  '60020': '服务器 IP 不在钉钉应用的白名单中',
  '90018': '钉钉接口调用过于频繁',
  '90002': '钉钉接口调用过于频繁（全局流控）',
  '90020': '本企业钉钉接口本月调用次数已用完',
  '45009': '钉钉接口调用超过限制',
  '400002': '参数无效',
  '40035': '参数无效',
};

function describeDingTalkError(err: unknown, prefix: string): { error: string; retryable: boolean } {
  if (!(err instanceof DingTalkApiError)) return { error: `${prefix}：${(err as Error)?.message ?? String(err)}`, retryable: true };
  const code = String(err.errcode);
  if (err instanceof DingTalkV1Error) {
    const retryable = err.status === 0 || err.status >= 500 || /QpsLimit|QpmLimit|toomuch\.msg|system\.error|send\.ding\.exception/.test(code);
    const reason = code === 'NETWORK' ? `无法连接钉钉：${err.errmsg}` : `${err.errmsg || code}`;
    return { error: `${prefix}：${reason}（${code}）`, retryable };
  }
  if (code === 'NETWORK') return { error: `${prefix}：无法连接钉钉：${err.errmsg}`, retryable: true };
  if (code.startsWith('HTTP_')) return { error: `${prefix}：钉钉应答无法识别（${code}）`, retryable: Number(code.slice(5)) >= 500 };
  const key = err.subCode ? `${code}:${err.subCode}` : code;
  const reason = DINGTALK_REASONS[key] ?? DINGTALK_REASONS[code] ?? (err.errmsg || '钉钉拒绝了请求');
  return { error: `${prefix}：${reason}（errcode ${key}${err.errmsg && err.errmsg !== reason ? `：${err.errmsg}` : ''}）`, retryable: RETRYABLE_ERRCODES.has(Number(code)) };
}

/** The refusals that mean "this organisation cannot robot-DING", as opposed to "this one call failed". */
function robotUnavailable(err: unknown): { kind: 'unavailable'; code: string; reason: string } | null {
  if (!(err instanceof DingTalkV1Error)) return null;
  const code = String(err.errcode);
  if (code === 'Forbidden.AccessDenied.AccessTokenPermissionDenied' || (err.status === 403 && /PermissionDenied/.test(code))) {
    return { kind: 'unavailable', code, reason: '当前钉钉版本不支持机器人 DING（需专业版/专属版并开通 Premium.Ding.Write 权限）' };
  }
  if (code === 'ding.serverquota.insufficient') return { kind: 'unavailable', code, reason: '钉钉 DING 额度已用完' };
  if (code === 'invalid.chatbotId') return { kind: 'unavailable', code, reason: 'DINGTALK_ROBOT_CODE 无效：钉钉找不到该机器人' };
  return null;
}
