import type { DingChannel, DingChannelView, EscalationStepInput } from '@lianxin/shared';
import { afterLabel, channelLabel } from './ding-labels';

/** 未读自动提醒 as compose offers it: none, one of two presets, or steps of the sender's own. */
export type EscalationPreset = 'none' | 'app30' | 'app30sms120' | 'custom';

export interface EscalationDraft {
  preset: EscalationPreset;
  /** The sender's own steps (kept while another preset is chosen, in case they come back). */
  custom: EscalationStepInput[];
}

/** The server takes at most this many steps, each at most 7 days after sending. */
export const MAX_STEPS = 5;
export const MAX_AFTER_MINUTES = 7 * 24 * 60;

export const PRESETS: ReadonlyArray<{ value: EscalationPreset; label: string; steps: readonly EscalationStepInput[] }> = [
  { value: 'none', label: '不自动提醒', steps: [] },
  { value: 'app30', label: '30 分钟后应用内提醒未读', steps: [{ afterMinutes: 30, target: 'unread', channel: 'app' }] },
  {
    value: 'app30sms120',
    label: '30 分钟后应用内、2 小时后短信提醒未读',
    steps: [
      { afterMinutes: 30, target: 'unread', channel: 'app' },
      { afterMinutes: 120, target: 'unread', channel: 'sms' },
    ],
  },
  { value: 'custom', label: '自定义', steps: [] },
];

export function emptyEscalation(): EscalationDraft {
  return { preset: 'none', custom: [{ afterMinutes: 30, target: 'unread', channel: 'app' }] };
}

/** The steps to send; without 回执 every step reminds the unread (the only laggards there are). */
export function escalationSteps(draft: EscalationDraft, requireConfirm: boolean): EscalationStepInput[] {
  const steps = draft.preset === 'custom' ? draft.custom : (PRESETS.find((p) => p.value === draft.preset)?.steps ?? []);
  return steps.map((step) => ({ ...step, target: requireConfirm ? step.target : 'unread' }));
}

/** The channels a preset uses that this server cannot DING by (the preset is then not offered). */
export function missingChannels(steps: readonly EscalationStepInput[], channels: readonly DingChannelView[] | null): DingChannelView[] {
  if (!channels) return [];
  const wanted = new Set<DingChannel>(steps.map((step) => step.channel));
  return channels.filter((c) => wanted.has(c.channel) && !c.configured);
}

/** What is wrong with the steps, in words, or undefined. */
export function checkSteps(steps: readonly EscalationStepInput[], channels: readonly DingChannelView[] | null): string | undefined {
  if (steps.length > MAX_STEPS) return `最多 ${MAX_STEPS} 步`;
  let previous = 0;
  for (const [index, step] of steps.entries()) {
    const which = steps.length > 1 ? `第 ${index + 1} 步：` : '';
    if (!Number.isInteger(step.afterMinutes) || step.afterMinutes < 1) return `${which}请填写发送后多少分钟提醒`;
    if (step.afterMinutes > MAX_AFTER_MINUTES) return `${which}最多在发送后 7 天（${MAX_AFTER_MINUTES} 分钟）内提醒`;
    if (step.afterMinutes <= previous) return `${which}须晚于上一步`;
    previous = step.afterMinutes;
  }
  const missing = missingChannels(steps, channels)[0];
  return missing ? `${missing.label}未开通，请换一种提醒方式` : undefined;
}

/** 「30 分钟后，应用内提醒未读的人」「2 小时后，短信提醒未回执者的上级（夜间也提醒）」. */
export function stepSummary(step: EscalationStepInput): string {
  const who = step.target === 'unconfirmed' ? '未回执' : '未读';
  const whom = step.toSupervisor ? `${who}者的上级` : `${who}的人`;
  return `${afterLabel(step.afterMinutes)}，${channelLabel(step.channel)}提醒${whom}${step.urgent ? '（夜间也提醒）' : ''}`;
}
