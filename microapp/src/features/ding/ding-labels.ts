import { DingChannelLabel, type DeliveryStatus, type DingChannel, type DingView } from '@lianxin/shared';
import type { TagTone } from '@/components/tone-tag.vue';

/** A delivery's status in words, and the tone of its tag. */
export const DELIVERY_STATUS: Record<DeliveryStatus, { label: string; tone: TagTone }> = {
  queued: { label: '排队中', tone: 'grey' },
  sending: { label: '发送中', tone: 'brand' },
  retrying: { label: '重试中', tone: 'orange' },
  sent: { label: '已发送', tone: 'brand' },
  delivered: { label: '已送达', tone: 'green' },
  failed: { label: '失败', tone: 'red' },
};

/** The order statuses are listed in: what went wrong and what is still going first. */
export const STATUS_ORDER: readonly DeliveryStatus[] = ['failed', 'retrying', 'sending', 'queued', 'sent', 'delivered'];

export function channelLabel(channel: DingChannel): string {
  return DingChannelLabel[channel] ?? channel;
}

/** Deliveries not settled yet (queued, being sent or waiting to retry): the page keeps asking. */
export function stillSending(ding: DingView): number {
  return ding.byStatus.queued + ding.byStatus.sending + ding.byStatus.retrying;
}

/** What started a DING: a person, a step of the notice's automatic reminders, or the notice going out. */
export function dingKind(ding: DingView): string {
  if (ding.purpose === 'escalation') return ding.step ? `自动提醒 · 第 ${ding.step} 步` : '自动提醒';
  if (ding.purpose === 'announce') return '发布推送';
  return 'DING';
}

/** 30 分钟后 · 2 小时后 · 1 小时 30 分钟后 · 1 天后. */
export function afterLabel(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} 天后`;
  if (minutes < 60) return `${minutes} 分钟后`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} 小时后` : `${hours} 小时 ${rest} 分钟后`;
}
