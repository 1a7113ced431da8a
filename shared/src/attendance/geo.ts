import type { CoordSystem } from './attendance.js';

/*
 * Geometry of check-ins, shared by the server (which decides) and the micro-app (which shows the
 * same verdict before sending).
 */

/** Semi-major axis of the Krasovsky 1940 ellipsoid used by GCJ-02, in metres. */
const KRASOVSKY_A = 6378245.0;
/** First eccentricity squared of the Krasovsky 1940 ellipsoid. */
const KRASOVSKY_EE = 0.00669342162296594323;
/** Mean earth radius (IUGG) used for great-circle distances, in metres. */
const EARTH_RADIUS_M = 6371008.8;

/** Road distance is approximated as the straight line times this factor. */
export const ROAD_FACTOR = 1.3;
/** Faster than this between two check-ins is treated as implausible travel, in km/h. */
export const MAX_TRAVEL_KMH = 150;

/** Whether a point lies outside the rough bounding box where GCJ-02 applies. */
function outOfChina(lat: number, lng: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

/** GCJ-02 latitude offset polynomial, in the obfuscation's own units. */
function transformLat(x: number, y: number): number {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

/** GCJ-02 longitude offset polynomial, in the obfuscation's own units. */
function transformLng(x: number, y: number): number {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

/** Converts a WGS-84 point to GCJ-02; points outside China are returned unchanged. */
export function wgs84ToGcj02(lat: number, lng: number): { lat: number; lng: number } {
  if (outOfChina(lat, lng)) return { lat, lng };
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - KRASOVSKY_EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  const dLat =
    (transformLat(lng - 105.0, lat - 35.0) * 180.0) /
    (((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLng =
    (transformLng(lng - 105.0, lat - 35.0) * 180.0) / ((KRASOVSKY_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return { lat: lat + dLat, lng: lng + dLng };
}

/** Returns the point in GCJ-02, converting only when it was reported in WGS-84. */
export function toGcj02(lat: number, lng: number, system: CoordSystem): { lat: number; lng: number } {
  return system === 'wgs84' ? wgs84ToGcj02(lat, lng) : { lat, lng };
}

/** Great-circle distance between two points in metres (haversine, mean earth radius). */
export function haversineMeters(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLng = (bLng - aLng) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Clamps a number into [lo, hi]. */
function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Share (0..1) of the accuracy circle (radius `a`, `d` m from the fence centre) inside a fence of radius `r`. */
export function circleOverlapFraction(d: number, r: number, a: number): number {
  if (!Number.isFinite(d) || !Number.isFinite(r) || !Number.isFinite(a)) return 0;
  d = Math.abs(d);
  r = Math.max(0, r);
  a = Math.max(0, a);
  if (a === 0) return d <= r ? 1 : 0;
  if (d >= r + a) return 0;
  if (d <= r - a) return 1;
  if (d <= a - r) return clamp((r * r) / (a * a), 0, 1);
  // Lens formed by two intersecting circles. `k` is four times the area of the triangle joining both
  // centres and one intersection point; atan2 keeps the half-angles accurate when one circle is far larger.
  const k = Math.sqrt(Math.max(0, (-d + r + a) * (d + r - a) * (d - r + a) * (d + r + a)));
  const alpha = Math.atan2(k, d * d + r * r - a * a);
  const beta = Math.atan2(k, d * d + a * a - r * r);
  const lens = r * r * alpha + a * a * beta - 0.5 * k;
  return clamp(lens / (Math.PI * a * a), 0, 1);
}

/** Judges a position `d` metres from a fence centre against the fence radius, given the GPS accuracy radius. */
export function fenceCheck(
  d: number,
  radius: number,
  accuracy: number,
): { inside: boolean; lowAccuracy: boolean; overlap: number; beyond: number } {
  const acc = Math.max(accuracy, 0);
  const overlap = circleOverlapFraction(d, radius, acc);
  const inside = overlap >= 0.5;
  const lowAccuracy = !inside && d <= radius + acc;
  const beyond = Math.max(0, Math.round(d - radius));
  return { inside, lowAccuracy, overlap, beyond };
}

/** A place judged against a fix: its centre distance and what the fence says. */
export interface FenceMatch<P> {
  place: P;
  /** Metres from the fix to the place's centre. */
  distance: number;
  inside: boolean;
  lowAccuracy: boolean;
  /** Metres outside the fence (0 inside). */
  beyond: number;
}

/**
 * The place that serves a GCJ-02 fix best: one it is inside, else one it may be inside (low
 * accuracy), else the nearest fence. The server's verdict and the phone's preview both use this.
 */
export function bestFence<P extends { latitude: number; longitude: number; radius: number }>(
  lat: number,
  lng: number,
  accuracy: number,
  places: readonly P[],
): FenceMatch<P> | null {
  const rank = (m: FenceMatch<P>) => (m.inside ? 0 : m.lowAccuracy ? 1 : 2);
  let best: FenceMatch<P> | null = null;
  for (const place of places) {
    const distance = haversineMeters(lat, lng, place.latitude, place.longitude);
    const c = fenceCheck(distance, place.radius, accuracy);
    const m = { place, distance, inside: c.inside, lowAccuracy: c.lowAccuracy, beyond: c.beyond };
    if (!best || rank(m) < rank(best) || (rank(m) === rank(best) && m.distance - place.radius < best.distance - best.place.radius)) best = m;
  }
  return best;
}

/** Implied travel speed in km/h between two fixes, after discounting both accuracies and applying the road factor. */
export function travelSpeedKmh(distanceMeters: number, seconds: number, accuracyA: number, accuracyB: number): number {
  const reduced = Math.max(0, distanceMeters - Math.max(0, accuracyA) - Math.max(0, accuracyB));
  if (seconds <= 0) return reduced > 0 ? Infinity : 0;
  return ((reduced * ROAD_FACTOR) / seconds) * 3.6;
}
