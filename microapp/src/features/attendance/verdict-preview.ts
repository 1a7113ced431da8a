import { bestFence, toGcj02, type CoordSystem, type Verdict } from '@lianxin/shared';

/** A place a check-in may be made at: its centre in GCJ-02, its radius and hotspots. */
export interface FencePlace {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  radius: number;
  bssids?: readonly string[];
}

export interface Fix {
  latitude: number;
  longitude: number;
  accuracy: number;
  coordSystem: CoordSystem;
}

/** What the server will most likely say, worked out on the phone before sending. */
export interface VerdictPreview {
  verdict: Verdict | null;
  /** The place judged against: the one the fix is inside, or the nearest fence. */
  place: FencePlace | null;
  /** Metres from that place's centre. */
  distance: number | null;
  /** Metres outside its fence (0 inside). */
  beyond: number;
  inside: boolean;
  lowAccuracy: boolean;
  /** The place whose hotspot the phone is on, if any. */
  wifiPlace: FencePlace | null;
}

/**
 * Judges a fix against the places as the server does (the same shared `bestFence`): converted to
 * GCJ-02, the best fence for the fix's accuracy, and a hotspot match.
 */
export function previewVerdict(fix: Fix, places: readonly FencePlace[], bssid: string | null): VerdictPreview {
  const point = toGcj02(fix.latitude, fix.longitude, fix.coordSystem);
  const wifiPlace = bssid ? places.find((place) => (place.bssids ?? []).some((known) => known.toLowerCase() === bssid)) ?? null : null;
  const best = bestFence(point.lat, point.lng, fix.accuracy, places);
  if (!best) {
    return { verdict: wifiPlace ? 'wifi' : null, place: wifiPlace, distance: null, beyond: 0, inside: false, lowAccuracy: false, wifiPlace };
  }
  const { inside, lowAccuracy, beyond } = best;
  // A matched hotspot proves presence even when GPS is poor (the server checks it first).
  let verdict: Verdict = 'out_of_range';
  if (wifiPlace) verdict = 'wifi';
  else if (inside) verdict = 'ok';
  else if (lowAccuracy) verdict = 'low_accuracy';
  return {
    verdict,
    place: best.place,
    distance: Math.round(best.distance),
    beyond,
    inside,
    lowAccuracy,
    wifiPlace,
  };
}
