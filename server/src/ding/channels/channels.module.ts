import { Module } from '@nestjs/common';
import { ChannelRegistry } from './channel-registry.js';
import { DingTalkChannel } from './dingtalk.channel.js';
import { InAppChannel } from './in-app.channel.js';
import { SmsChannel } from './sms.channel.js';
import { VoiceChannel } from './voice.channel.js';
import { WebhookChannel } from './webhook.channel.js';

/**
 * The DING delivery channels and their registry. Needs APP_CONFIG, DingTalkClient and EventsService,
 * which the app provides globally (AppModule, DingTalkModule, EventsModule); the DING orchestration
 * imports this module.
 */
@Module({
  providers: [InAppChannel, DingTalkChannel, SmsChannel, VoiceChannel, WebhookChannel, ChannelRegistry],
  exports: [InAppChannel, DingTalkChannel, SmsChannel, VoiceChannel, WebhookChannel, ChannelRegistry],
})
export class ChannelsModule {}
