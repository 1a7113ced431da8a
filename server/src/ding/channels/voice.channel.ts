import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type ChannelsConfig } from '../../config/app-config.js';
import { callAliyunRpc } from './aliyun-rpc.js';
import { ChannelName, type DeliveryChannel, type DeliveryMessage, type DeliveryOutcome, type DeliveryTarget } from './channel.js';
import { assertBatch, clip, failAll, failed, MAINLAND_PHONE } from './outcomes.js';

/** dyvmsapi's API version. */
export const VMS_API_VERSION = '2017-05-25';
/** The voice APIs take an OutId of 1–15 bytes (help.aliyun.com/document_detail/393519.html and siblings). */
const OUT_ID_MAX_BYTES = 15;

/**
 * Phone calls through Alibaba Cloud voice service (dyvmsapi 2017-05-25) `SingleCallByTts`: one call
 * per person (the API takes one callee), reading the TTS template ALIYUN_VMS_TTS_CODE with the
 * variables `name` and `title` (cut to 35 characters) plus `DeliveryMessage.params`. Without
 * ALIYUN_VMS_SHOW_NUMBER the call comes from the public number pool (公共模式). `CallId` is the
 * provider id; OutId carries the delivery id when it fits the API's 15 bytes (otherwise CallId alone
 * maps the call receipt back). Signed like SMS (aliyun-signature.ts).
 */
@Injectable()
export class VoiceChannel implements DeliveryChannel {
  readonly name = ChannelName.Call;
  readonly maxBatch = 1;
  readonly ratePerSecond: number;
  readonly unconfiguredReason: string;
  private readonly cfg: ChannelsConfig;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.cfg = config.channels;
    this.ratePerSecond = this.cfg.voice.ratePerSecond;
    const missing = [
      ['ALIYUN_ACCESS_KEY_ID', this.cfg.aliyun.accessKeyId],
      ['ALIYUN_ACCESS_KEY_SECRET', this.cfg.aliyun.accessKeySecret],
      ['ALIYUN_VMS_TTS_CODE', this.cfg.voice.ttsCode],
    ].filter(([, v]) => !v).map(([k]) => k);
    this.unconfiguredReason = missing.length ? `语音电话渠道未配置：请设置 ${missing.join('、')}（专属号码外呼另设 ALIYUN_VMS_SHOW_NUMBER）` : '';
  }

  configured(): boolean {
    return this.unconfiguredReason === '';
  }

  async send(targets: DeliveryTarget[], message: DeliveryMessage): Promise<DeliveryOutcome[]> {
    assertBatch(this.name, targets, this.maxBatch);
    if (targets.length === 0) return [];
    if (!this.configured()) return failAll(targets, this.unconfiguredReason, false);
    const t = targets[0];
    // The voice API takes the bare number (159…, 0571…): drop a +86 / 0086 / 86 country prefix.
    const phone = t.phone.trim().replace(/^(?:\+?86|0086)(?=1\d{10}$|0\d{9,11}$)/, '');
    if (!MAINLAND_PHONE.test(phone)) return [failed(t, `语音电话发送失败：电话号码格式错误（${t.phone || '空'}），请更正成员手机号`, false)];
    const params: Record<string, string> = {
      CalledNumber: phone,
      TtsCode: this.cfg.voice.ttsCode!,
      TtsParam: JSON.stringify({ name: clip(t.name), title: clip(message.title), ...message.params }),
    };
    if (this.cfg.voice.showNumber) params.CalledShowNumber = this.cfg.voice.showNumber;
    if (Buffer.byteLength(t.deliveryId) <= OUT_ID_MAX_BYTES) params.OutId = t.deliveryId;
    const result = await callAliyunRpc({
      endpoint: this.cfg.voice.endpoint,
      action: 'SingleCallByTts',
      version: VMS_API_VERSION,
      params,
      creds: { accessKeyId: this.cfg.aliyun.accessKeyId!, accessKeySecret: this.cfg.aliyun.accessKeySecret! },
      timeoutMs: this.cfg.timeoutMs,
      product: '语音电话',
    });
    if (!result.ok) return [failed(t, result.error, result.retryable)];
    return [{ deliveryId: t.deliveryId, status: 'sent', providerId: typeof result.body.CallId === 'string' ? result.body.CallId : null }];
  }
}
