import { Injectable } from '@nestjs/common';
import { ChannelName, type DeliveryChannel } from './channel.js';
import { DingTalkChannel } from './dingtalk.channel.js';
import { InAppChannel } from './in-app.channel.js';
import { SmsChannel } from './sms.channel.js';
import { VoiceChannel } from './voice.channel.js';
import { WebhookChannel } from './webhook.channel.js';

/** Every delivery channel by name, so the DING orchestration picks one from a request's `channel`. */
@Injectable()
export class ChannelRegistry {
  private readonly byName: ReadonlyMap<ChannelName, DeliveryChannel>;

  constructor(app: InAppChannel, dingtalk: DingTalkChannel, sms: SmsChannel, voice: VoiceChannel, webhook: WebhookChannel) {
    this.byName = new Map<ChannelName, DeliveryChannel>([app, dingtalk, sms, voice, webhook].map((c) => [c.name, c]));
  }

  /** The channel called `name`; throws for a name that is not a channel (a programming error). */
  get(name: ChannelName): DeliveryChannel {
    const channel = this.byName.get(name);
    if (!channel) throw new Error(`no delivery channel named ${String(name)}`);
    return channel;
  }

  /** All channels, configured or not. */
  all(): DeliveryChannel[] {
    return [...this.byName.values()];
  }

  /** The channels whose settings are complete (in-app always is). */
  configured(): DeliveryChannel[] {
    return this.all().filter((c) => c.configured());
  }
}
