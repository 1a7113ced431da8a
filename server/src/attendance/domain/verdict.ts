import type { CheckInKind, Verdict, VerdictReason } from '@lianxin/shared';
import { bestFence, haversineMeters, MAX_TRAVEL_KMH, toGcj02, travelSpeedKmh } from '@lianxin/shared';

/** A place as the verdict needs it: a GCJ-02 centre, a radius and its hotspots (lower-case). */
export interface FencePlace {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  radius: number;
  bssids: string[];
}

export interface PriorFix {
  latitude: number;
  longitude: number;
  accuracy: number;
  madeAt: Date;
}

export interface PhotoEvidence {
  takenAt: Date | null;
  /** EXIF GPS, WGS-84 as cameras write it. */
  latitude: number | null;
  longitude: number | null;
}

export interface VerdictInput {
  kind: CheckInKind;
  /** Position in GCJ-02. */
  latitude: number;
  longitude: number;
  accuracy: number;
  bssid: string | null;
  mockLocation: boolean | null;
  places: FencePlace[];
  madeAt: Date;
  /** Device clock minus server clock when the request left the device, in seconds. */
  skewSeconds: number;
  /** How long the check-in waited on the device before it was sent, in seconds. */
  offlineSeconds: number;
  previous: PriorFix | null;
  photo: PhotoEvidence | null;
  /** The idempotency key was seen before with other content. */
  replayMismatch: boolean;
}

export interface VerdictResult {
  verdict: Verdict;
  reasons: VerdictReason[];
  placeId: string | null;
  /** Metres from the chosen place's centre. */
  distance: number | null;
}

/** Device clocks further off than this are suspicious. */
export const MAX_SKEW_SECONDS = 5 * 60;
/** A photo taken longer than this before the check-in is stale. */
export const MAX_PHOTO_AGE_SECONDS = 30 * 60;
/** A photo's EXIF position further than this (beyond the fix's accuracy) from the fix is suspicious. */
export const MAX_PHOTO_DISTANCE_METERS = 1_000;
/**
 * Accuracy a client may claim when it is discounted from a distance: a fix claiming ±100 km would
 * otherwise switch off the travel and photo checks.
 */
export const MAX_DISCOUNTED_ACCURACY = 1_000;
/**
 * How far beyond a place's fence (plus the fix's accuracy) a matched hotspot still counts: cell-tower
 * fixes in the mountains can be kilometres off, but a hotspot heard 20 km from its office is a clone.
 */
export const WIFI_PLAUSIBLE_METERS = 3_000;
/** Waits longer than this are noted as offline check-ins. */
export const OFFLINE_NOTE_SECONDS = 120;

function km(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(1)} 公里` : `${Math.round(m)} 米`;
}

/** Signals that the check-in may not be what it claims, whatever the fence says. */
function suspicions(input: VerdictInput): VerdictReason[] {
  const out: VerdictReason[] = [];
  if (input.mockLocation === true) out.push({ code: 'mock_location', message: '手机报告使用了模拟定位' });
  if (Math.abs(input.skewSeconds) > MAX_SKEW_SECONDS) {
    out.push({ code: 'clock_skew', message: `手机时间与服务器相差 ${Math.round(Math.abs(input.skewSeconds) / 60)} 分钟`, value: Math.round(input.skewSeconds) });
  }
  if (input.previous) {
    const p = input.previous;
    const seconds = (input.madeAt.getTime() - p.madeAt.getTime()) / 1000;
    const d = haversineMeters(p.latitude, p.longitude, input.latitude, input.longitude);
    const speed = travelSpeedKmh(d, Math.abs(seconds), Math.min(p.accuracy, MAX_DISCOUNTED_ACCURACY), Math.min(input.accuracy, MAX_DISCOUNTED_ACCURACY));
    if (speed > MAX_TRAVEL_KMH) {
      const shown = Number.isFinite(speed) ? `约 ${Math.round(speed)} 公里/小时` : '瞬间';
      out.push({ code: 'impossible_travel', message: `与上次打卡相距 ${km(d)}，移动速度${shown}，超出可能`, value: Number.isFinite(speed) ? Math.round(speed) : -1 });
    }
  }
  if (input.replayMismatch) out.push({ code: 'replay_mismatch', message: '同一打卡请求被重放且内容不同' });
  if (input.photo?.takenAt) {
    const age = (input.madeAt.getTime() - input.photo.takenAt.getTime()) / 1000;
    if (Math.abs(age) > MAX_PHOTO_AGE_SECONDS) out.push({ code: 'photo_stale', message: `照片拍摄于打卡前 ${Math.round(age / 60)} 分钟`, value: Math.round(age) });
  }
  if (input.photo?.latitude != null && input.photo.longitude != null) {
    const g = toGcj02(input.photo.latitude, input.photo.longitude, 'wgs84');
    const d = haversineMeters(g.lat, g.lng, input.latitude, input.longitude);
    if (d > MAX_PHOTO_DISTANCE_METERS + Math.min(input.accuracy, MAX_DISCOUNTED_ACCURACY)) out.push({ code: 'photo_far', message: `照片拍摄地点距打卡位置 ${km(d)}`, value: Math.round(d) });
  }
  return out;
}

/**
 * The server's verdict on a check-in, from the evidence alone. Suspicion outranks everything; a
 * matched hotspot proves presence even when GPS is poor; a field check-in is judged for suspicion
 * only (its photo and note were required before this).
 */
export function judge(input: VerdictInput): VerdictResult {
  const reasons: VerdictReason[] = [];
  const fence = bestFence(input.latitude, input.longitude, input.accuracy, input.places);
  const heard = input.bssid ? input.places.find((p) => p.bssids.includes(input.bssid!)) : undefined;
  const heardAt = heard ? haversineMeters(input.latitude, input.longitude, heard.latitude, heard.longitude) : 0;
  const wifiPlausible = !heard || heardAt <= heard.radius + Math.min(input.accuracy, MAX_DISCOUNTED_ACCURACY) + WIFI_PLAUSIBLE_METERS;
  const wifi = heard && wifiPlausible ? heard : undefined;
  let verdict: Verdict;
  let place: FencePlace | null = fence?.place ?? null;
  if (input.kind === 'field') {
    verdict = 'field';
    reasons.push({ code: 'field', message: '外勤打卡' });
  } else if (wifi) {
    verdict = 'wifi';
    place = wifi;
    reasons.push({ code: 'wifi_matched', message: `已连接「${wifi.name}」的 Wi-Fi`, placeId: wifi.id });
  } else if (!fence) {
    verdict = 'out_of_range';
    reasons.push({ code: 'no_place', message: '没有可打卡的考勤地点，请联系管理员设置' });
  } else if (fence.inside) {
    verdict = 'ok';
    reasons.push({ code: 'in_range', message: `在「${fence.place.name}」范围内（距中心 ${km(fence.distance)}）`, value: Math.round(fence.distance), placeId: fence.place.id });
  } else if (fence.lowAccuracy) {
    verdict = 'low_accuracy';
    reasons.push({ code: 'low_accuracy', message: `定位精度 ±${Math.round(input.accuracy)} 米，无法确认在「${fence.place.name}」范围内，请到开阔处重新定位或连接单位 Wi-Fi`, value: Math.round(input.accuracy), placeId: fence.place.id });
  } else {
    verdict = 'out_of_range';
    reasons.push({ code: 'out_of_range', message: `距「${fence.place.name}」${km(fence.beyond)}，不在打卡范围内`, value: fence.beyond, placeId: fence.place.id });
  }
  const suspicious = suspicions(input);
  if (heard && !wifiPlausible) {
    suspicious.push({ code: 'wifi_far', message: `连接的是「${heard.name}」的 Wi-Fi，但定位在 ${km(heardAt)} 外`, value: Math.round(heardAt), placeId: heard.id });
  }
  if (suspicious.length > 0) verdict = 'suspicious';
  reasons.push(...suspicious);
  if (input.offlineSeconds > OFFLINE_NOTE_SECONDS) {
    reasons.push({ code: 'offline', message: `离线打卡，联网后 ${Math.round(input.offlineSeconds / 60)} 分钟上传`, value: Math.round(input.offlineSeconds) });
  }
  const distance = place ? Math.round(haversineMeters(input.latitude, input.longitude, place.latitude, place.longitude)) : null;
  return { verdict, reasons, placeId: place?.id ?? null, distance };
}
