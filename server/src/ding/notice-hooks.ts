import { Injectable, OnModuleInit } from '@nestjs/common';
import { DingChannel } from '@lianxin/shared';
import { NoticesService } from '../notices/notices.service.js';
import { ChannelRegistry } from './channels/channel-registry.js';
import { DingService } from './ding.service.js';
import { reminderText } from './ding-text.js';
import { EscalationService } from './escalation.service.js';

/**
 * What a notice's send does here, in the same transaction: its escalation steps, and — where
 * DingTalk is configured — a work notification to every recipient with a DingTalk account.
 */
@Injectable()
export class NoticeDingHooks implements OnModuleInit {
  constructor(
    private readonly notices: NoticesService,
    private readonly dings: DingService,
    private readonly escalation: EscalationService,
    private readonly channels: ChannelRegistry,
  ) {}

  onModuleInit(): void {
    this.notices.addSendHook({
      check: (req) => this.escalation.validate(req.escalation?.steps ?? []),
      inTransaction: async (tx, sent) => {
        if (sent.req.escalation?.steps.length) await this.escalation.schedule(tx, sent.noticeId, sent.sentAt, sent.req.escalation.steps);
        if (this.channels.get(DingChannel.DingTalk).configured()) {
          await this.dings.create(tx, {
            noticeId: sent.noticeId,
            senderId: sent.senderId,
            channel: DingChannel.DingTalk,
            target: 'all',
            purpose: 'announce',
            step: null,
            text: reminderText({ title: sent.req.title, purpose: 'announce', step: null, target: 'all', at: sent.sentAt }),
            dingtalkOnly: true,
          });
        }
      },
      describe: async (noticeId) => ({ escalation: await this.escalation.steps(noticeId) }),
    });
  }
}
