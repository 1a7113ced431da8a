import { Module } from '@nestjs/common';
import { NoticesModule } from '../notices/notices.module.js';
import { ChannelsModule } from './channels/channels.module.js';
import { DeliveryWorker } from './delivery.worker.js';
import { DingController } from './ding.controller.js';
import { DingService } from './ding.service.js';
import { DingTalkDelivery } from './dingtalk-delivery.js';
import { EscalationService } from './escalation.service.js';
import { NoticeDingHooks } from './notice-hooks.js';

/** DING and escalation: who to remind, by which channel, delivered by jobs with retries. */
@Module({
  imports: [NoticesModule, ChannelsModule],
  controllers: [DingController],
  providers: [DingService, DingTalkDelivery, DeliveryWorker, EscalationService, NoticeDingHooks],
  exports: [DingService],
})
export class DingModule {}
