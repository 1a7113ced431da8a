import { createBrowserPlatform } from './browser.platform';
import type { Platform } from './platform';

export type { CoordSystem, DingTalkApp, GeoFix, HostContactChoice, HostContactPickOptions, HostPickMode, Platform, ToastKind } from './platform';
export { PlatformError } from './platform-error';

let current: Platform | null = null;

export function isInDingTalk(userAgent: string = navigator.userAgent): boolean {
  return /DingTalk/i.test(userAgent);
}

/**
 * Chooses the platform once at start. The DingTalk SDK is a separate chunk, fetched only
 * inside DingTalk, so a plain browser never downloads it.
 */
export async function loadPlatform(): Promise<Platform> {
  if (current) return current;
  const chosen = isInDingTalk() ? (await import('./dingtalk.platform')).createDingTalkPlatform() : createBrowserPlatform();
  chosen.init();
  current = chosen;
  return chosen;
}

/** The platform chosen by loadPlatform(); main.ts loads it before the app mounts. */
export function platform(): Platform {
  if (!current) throw new Error('platform() called before loadPlatform()');
  return current;
}
