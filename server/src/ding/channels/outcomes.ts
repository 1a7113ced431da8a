import type { DeliveryOutcome, DeliveryTarget } from './channel.js';

/** Small helpers the channels share for building their answers. */

export function failed(target: DeliveryTarget, error: string, retryable: boolean, providerId: string | null = null): DeliveryOutcome {
  return { deliveryId: target.deliveryId, status: 'failed', providerId, error, retryable };
}

export function failAll(targets: DeliveryTarget[], error: string, retryable: boolean): DeliveryOutcome[] {
  return targets.map((t) => failed(t, error, retryable));
}

/** More targets than `maxBatch` is the caller's bug, not a delivery failure. */
export function assertBatch(channel: string, targets: DeliveryTarget[], maxBatch: number): void {
  if (targets.length > maxBatch) throw new Error(`${channel} channel: ${targets.length} targets exceed maxBatch ${maxBatch}`);
}

/** Mainland mobile numbers as Alibaba Cloud accepts them: 11 digits from 1, optionally +86 / 86 / 0086. */
export const MAINLAND_MOBILE = /^(?:\+?86|0086)?1\d{10}$/;
/** Voice calls also reach landlines (area code from 0). */
export const MAINLAND_PHONE = /^(?:\+?86|0086)?(?:1\d{10}|0\d{9,11})$/;

/** Cuts a template variable to `max` characters (Alibaba's default limit is 35 per variable). */
export function clip(value: string, max = 35): string {
  const chars = [...value.trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
