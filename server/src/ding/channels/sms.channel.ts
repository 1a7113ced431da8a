import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type ChannelsConfig } from '../../config/app-config.js';
import { callAliyunRpc, type AliyunResult } from './aliyun-rpc.js';
import type { AliyunCredentials } from './aliyun-signature.js';
import { ChannelName, type DeliveryChannel, type DeliveryMessage, type DeliveryOutcome, type DeliveryTarget } from './channel.js';
import { assertBatch, clip, failAll, failed, MAINLAND_MOBILE, sleep } from './outcomes.js';

/** dysmsapi's API version. */
export const SMS_API_VERSION = '2017-05-25';
/** SendBatchSms takes at most 100 numbers per call (help.aliyun.com/document_detail/102364.html). */
export const SMS_BATCH_LIMIT = 100;
/** SendSms OutId: "外部流水扩展字段，长度小于 256" (help.aliyun.com/document_detail/101414.html). */
const OUT_ID_MAX = 255;

/**
 * SMS through Alibaba Cloud SMS (dysmsapi 2017-05-25): `SendSms` for one person (OutId = the delivery
 * id, so delivery receipts map back), `SendBatchSms` for up to 100 (one template, a signature and
 * template variables per number). `BizId` is the provider id; a delivery receipt confirms later.
 *
 * Template variables: `name` (the member's name) and `title` (the notice title), each cut to 35
 * characters, then `DeliveryMessage.params` (which win). A template such as
 * 「${name}您好，请阅读通知《${title}》，详情请在钉钉「连心」中查看。」 uses the first two.
 *
 * Numbers that are plainly not mainland mobiles fail on their own without a call. If a batch is still
 * refused for an illegal number, its numbers are sent one by one so only the bad one fails.
 */
@Injectable()
export class SmsChannel implements DeliveryChannel {
  readonly name = ChannelName.Sms;
  readonly maxBatch = SMS_BATCH_LIMIT;
  readonly ratePerSecond: number;
  readonly unconfiguredReason: string;
  private readonly cfg: ChannelsConfig;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.cfg = config.channels;
    this.ratePerSecond = this.cfg.sms.ratePerSecond;
    const missing = [
      ['ALIYUN_ACCESS_KEY_ID', this.cfg.aliyun.accessKeyId],
      ['ALIYUN_ACCESS_KEY_SECRET', this.cfg.aliyun.accessKeySecret],
      ['ALIYUN_SMS_SIGN_NAME', this.cfg.sms.signName],
      ['ALIYUN_SMS_TEMPLATE_CODE', this.cfg.sms.templateCode],
    ].filter(([, v]) => !v).map(([k]) => k);
    this.unconfiguredReason = missing.length ? `短信渠道未配置：请设置 ${missing.join('、')}` : '';
  }

  configured(): boolean {
    return this.unconfiguredReason === '';
  }

  async send(targets: DeliveryTarget[], message: DeliveryMessage): Promise<DeliveryOutcome[]> {
    assertBatch(this.name, targets, this.maxBatch);
    if (targets.length === 0) return [];
    if (!this.configured()) return failAll(targets, this.unconfiguredReason, false);
    const out: DeliveryOutcome[] = [];
    const valid: DeliveryTarget[] = [];
    for (const t of targets) {
      if (MAINLAND_MOBILE.test(t.phone.trim())) valid.push(t);
      else out.push(failed(t, `短信发送失败：手机号码格式错误（${t.phone || '空'}），请更正成员手机号`, false));
    }
    if (valid.length === 1) out.push(...(await this.sendOne(valid[0], message)));
    else if (valid.length > 1) {
      const result = await this.call('SendBatchSms', {
        PhoneNumberJson: JSON.stringify(valid.map((t) => t.phone.trim())),
        SignNameJson: JSON.stringify(valid.map(() => this.cfg.sms.signName)),
        TemplateCode: this.cfg.sms.templateCode!,
        TemplateParamJson: JSON.stringify(valid.map((t) => templateParams(t, message))),
      });
      if (!result.ok && result.code === 'isv.MOBILE_NUMBER_ILLEGAL') out.push(...(await this.oneByOne(valid, message)));
      else out.push(...outcomes(valid, result));
    }
    return out;
  }

  private async sendOne(t: DeliveryTarget, message: DeliveryMessage): Promise<DeliveryOutcome[]> {
    const params: Record<string, string> = {
      PhoneNumbers: t.phone.trim(),
      SignName: this.cfg.sms.signName!,
      TemplateCode: this.cfg.sms.templateCode!,
      TemplateParam: JSON.stringify(templateParams(t, message)),
    };
    if (t.deliveryId.length <= OUT_ID_MAX) params.OutId = t.deliveryId;
    return outcomes([t], await this.call('SendSms', params));
  }

  /** Isolates a refused number: SendSms per target, paced at the channel's rate. */
  private async oneByOne(targets: DeliveryTarget[], message: DeliveryMessage): Promise<DeliveryOutcome[]> {
    const out: DeliveryOutcome[] = [];
    for (const [i, t] of targets.entries()) {
      if (i > 0) await sleep(Math.min(1000, 1000 / this.ratePerSecond));
      out.push(...(await this.sendOne(t, message)));
    }
    return out;
  }

  private call(action: string, params: Record<string, string>): Promise<AliyunResult> {
    return callAliyunRpc({ endpoint: this.cfg.sms.endpoint, action, version: SMS_API_VERSION, params, creds: this.creds, timeoutMs: this.cfg.timeoutMs, product: '短信' });
  }

  private get creds(): AliyunCredentials {
    return { accessKeyId: this.cfg.aliyun.accessKeyId!, accessKeySecret: this.cfg.aliyun.accessKeySecret! };
  }
}

function templateParams(t: DeliveryTarget, message: DeliveryMessage): Record<string, string> {
  return { name: clip(t.name), title: clip(message.title), ...message.params };
}

function outcomes(targets: DeliveryTarget[], result: AliyunResult): DeliveryOutcome[] {
  if (!result.ok) return failAll(targets, result.error, result.retryable);
  const bizId = typeof result.body.BizId === 'string' ? result.body.BizId : null;
  return targets.map((t): DeliveryOutcome => ({ deliveryId: t.deliveryId, status: 'sent', providerId: bizId }));
}
