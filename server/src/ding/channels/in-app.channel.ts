import { Injectable } from '@nestjs/common';
import { LiveEventType, type DingEvent } from '@lianxin/shared';
import { EventsService } from '../../events/events.service.js';
import { ChannelName, type DeliveryChannel, type DeliveryMessage, type DeliveryOutcome, type DeliveryTarget } from './channel.js';
import { assertBatch, clip, failAll } from './outcomes.js';

/**
 * In-app delivery: one `ding` event on the events bus to every target's open event streams (GET
 * /api/events), on whichever server instance holds them. Always configured. `dingId` and `noticeId`
 * come from `DeliveryMessage.params` when the orchestration puts them there.
 *
 * A batch is one bus message: 100 member ids, a title cut to 100 characters and a text cut to 500
 * keep it under PostgreSQL's 8 KB NOTIFY limit (the micro-app opens the notice for the full text).
 * 'delivered' means handed to the bus: a member with no open stream sees the DING in the notice list.
 */
@Injectable()
export class InAppChannel implements DeliveryChannel {
  readonly name = ChannelName.App;
  readonly maxBatch = 100;
  readonly ratePerSecond = 200;
  readonly unconfiguredReason = '';

  constructor(private readonly events: EventsService) {}

  configured(): boolean {
    return true;
  }

  async send(targets: DeliveryTarget[], message: DeliveryMessage): Promise<DeliveryOutcome[]> {
    assertBatch(this.name, targets, this.maxBatch);
    if (targets.length === 0) return [];
    const event: DingEvent = {
      type: LiveEventType.Ding,
      data: {
        ...(message.params?.dingId ? { dingId: message.params.dingId } : {}),
        ...(message.params?.noticeId ? { noticeId: message.params.noticeId } : {}),
        ...(message.params?.senderName ? { senderName: message.params.senderName } : {}),
        title: clip(message.title, 100),
        text: clip(message.text, 500),
        ...(message.url ? { url: message.url } : {}),
      },
    };
    try {
      await this.events.publish([...new Set(targets.map((t) => t.memberId))], event);
    } catch (err) {
      return failAll(targets, `应用内提醒推送失败：${(err as Error).message}`, true);
    }
    return targets.map((t): DeliveryOutcome => ({ deliveryId: t.deliveryId, status: 'delivered', providerId: null }));
  }
}
