import {
  MAX_TRAVEL_KMH,
  ROAD_FACTOR,
  circleOverlapFraction,
  fenceCheck,
  haversineMeters,
  toGcj02,
  travelSpeedKmh,
  wgs84ToGcj02,
} from '@lianxin/shared';

describe('wgs84ToGcj02', () => {
  // WGS-84 → GCJ-02 reference pairs published with the widely used open-source "eviltransform" library.
  const published: [string, number, number, number, number][] = [
    ['Shanghai', 31.1774276, 121.5272106, 31.17530398364597, 121.531541859215],
    ['Shenzhen', 22.543847, 113.912316, 22.540796131694766, 113.9171764808363],
    ['Beijing', 39.911954, 116.377817, 39.91334545536069, 116.38404722455657],
  ];

  it.each(published)('matches the published pair for %s', (_city, lat, lng, gLat, gLng) => {
    const g = wgs84ToGcj02(lat, lng);
    expect(g.lat).toBeCloseTo(gLat, 9);
    expect(g.lng).toBeCloseTo(gLng, 9);
  });

  it('moves Tiananmen by the familiar offset of a few hundred metres', () => {
    const g = wgs84ToGcj02(39.908692, 116.397477);
    expect(Math.abs(g.lat - 39.910093)).toBeLessThan(1e-4);
    expect(Math.abs(g.lng - 116.403719)).toBeLessThan(1e-4);
    const shift = haversineMeters(39.908692, 116.397477, g.lat, g.lng);
    expect(shift).toBeGreaterThan(400);
    expect(shift).toBeLessThan(700);
  });

  it('leaves points outside China unchanged', () => {
    expect(wgs84ToGcj02(51.5007, -0.1246)).toEqual({ lat: 51.5007, lng: -0.1246 }); // London
    expect(wgs84ToGcj02(-33.8568, 151.2153)).toEqual({ lat: -33.8568, lng: 151.2153 }); // Sydney
    expect(wgs84ToGcj02(0.5, 100)).toEqual({ lat: 0.5, lng: 100 }); // just south of the box
    expect(wgs84ToGcj02(40, 138)).toEqual({ lat: 40, lng: 138 }); // just east of the box
  });

  it('toGcj02 converts WGS-84 only', () => {
    expect(toGcj02(39.908692, 116.397477, 'gcj02')).toEqual({ lat: 39.908692, lng: 116.397477 });
    expect(toGcj02(39.908692, 116.397477, 'wgs84')).toEqual(wgs84ToGcj02(39.908692, 116.397477));
  });
});

describe('haversineMeters', () => {
  it('measures one degree of latitude as about 111,195 m anywhere', () => {
    expect(haversineMeters(0, 0, 1, 0)).toBeCloseTo(111_195, 0);
    expect(haversineMeters(33.1, 106.1, 34.1, 106.1)).toBeCloseTo(111_195, 0);
  });

  it('is zero for the same point, symmetric, and shrinks east–west distances with latitude', () => {
    expect(haversineMeters(33, 106, 33, 106)).toBe(0);
    expect(haversineMeters(33, 106, 33.01, 106.02)).toBeCloseTo(haversineMeters(33.01, 106.02, 33, 106), 9);
    expect(haversineMeters(60, 0, 60, 1)).toBeCloseTo(111_195 / 2, -1);
  });

  it('gives half the circumference for antipodes', () => {
    expect(haversineMeters(0, 0, 0, 180)).toBeCloseTo(Math.PI * 6371008.8, 3);
  });
});

describe('circleOverlapFraction', () => {
  it('is 1 when the accuracy circle lies inside the fence', () => {
    expect(circleOverlapFraction(0, 100, 50)).toBe(1);
    expect(circleOverlapFraction(50, 100, 50)).toBe(1);
  });

  it('is 0 when the circles are disjoint or just touch from outside', () => {
    expect(circleOverlapFraction(200, 100, 50)).toBe(0);
    expect(circleOverlapFraction(150, 100, 50)).toBe(0);
  });

  it('is the fence area over the accuracy area when the fence lies inside the accuracy circle', () => {
    expect(circleOverlapFraction(0, 100, 200)).toBeCloseTo(0.25, 12);
    expect(circleOverlapFraction(100, 100, 200)).toBeCloseTo(0.25, 12);
  });

  it('is about one half for a small accuracy circle centred on the fence line', () => {
    expect(circleOverlapFraction(1000, 1000, 10)).toBeCloseTo(0.5 - 10 / (3 * Math.PI * 1000), 6);
    expect(circleOverlapFraction(1_000_000, 1_000_000, 10)).toBeCloseTo(0.5, 5);
    expect(circleOverlapFraction(1000, 1000, 10)).toBeLessThan(0.5);
  });

  it('matches the closed form for two equal circles whose centres lie on each other', () => {
    const expected = (2 * Math.PI) / 3 - Math.sqrt(3) / 2;
    expect(circleOverlapFraction(100, 100, 100)).toBeCloseTo(expected / Math.PI, 12);
  });

  it('treats a zero accuracy as a point', () => {
    expect(circleOverlapFraction(100, 100, 0)).toBe(1);
    expect(circleOverlapFraction(100.01, 100, 0)).toBe(0);
  });

  it('tends to the point answer as the accuracy shrinks', () => {
    expect(circleOverlapFraction(99, 100, 1e-6)).toBe(1);
    expect(circleOverlapFraction(101, 100, 1e-6)).toBe(0);
  });

  it('stays within [0, 1] and falls as the centre moves away', () => {
    let last = 1;
    for (let d = 0; d <= 400; d += 5) {
      const f = circleOverlapFraction(d, 150, 120);
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThanOrEqual(1);
      expect(f).toBeLessThanOrEqual(last + 1e-12);
      last = f;
    }
  });
});

describe('fenceCheck', () => {
  it('counts a point on the fence line with perfect accuracy as inside', () => {
    expect(fenceCheck(300, 300, 0)).toEqual({ inside: true, lowAccuracy: false, overlap: 1, beyond: 0 });
  });

  it('flags low accuracy when the accuracy circle touches the fence but lies mostly outside', () => {
    const r = fenceCheck(305, 300, 100);
    expect(r.inside).toBe(false);
    expect(r.lowAccuracy).toBe(true);
    expect(r.overlap).toBeGreaterThan(0);
    expect(r.overlap).toBeLessThan(0.5);
    expect(r.beyond).toBe(5);
  });

  it('is plainly outside far from the fence, with the distance beyond it', () => {
    expect(fenceCheck(1300, 300, 50)).toEqual({ inside: false, lowAccuracy: false, overlap: 0, beyond: 1000 });
  });

  it('is inside when most of the accuracy circle lies in the fence', () => {
    const near = fenceCheck(990, 1000, 50);
    expect(near.inside).toBe(true);
    expect(near.overlap).toBeGreaterThan(0.5);
    expect(near.overlap).toBeLessThan(1);
    expect(near.lowAccuracy).toBe(false);
    expect(fenceCheck(1002, 1000, 50)).toMatchObject({ inside: false, lowAccuracy: true, beyond: 2 });
  });

  it('treats a negative accuracy as zero', () => {
    expect(fenceCheck(100, 100, -5)).toMatchObject({ inside: true, overlap: 1 });
    expect(fenceCheck(101, 100, -5)).toMatchObject({ inside: false, lowAccuracy: false, beyond: 1 });
  });
});

describe('travelSpeedKmh', () => {
  it('exposes the road factor and the speed limit', () => {
    expect(ROAD_FACTOR).toBe(1.3);
    expect(MAX_TRAVEL_KMH).toBe(150);
  });

  it('applies the road factor to the straight line', () => {
    // 10 km straight in one hour → 13 km by road.
    expect(travelSpeedKmh(10_000, 3600, 0, 0)).toBeCloseTo(13, 9);
  });

  it('subtracts both accuracies as GPS noise first', () => {
    expect(travelSpeedKmh(10_000, 3600, 30, 70)).toBeCloseTo(9_900 * 1.3 * 0.001, 9);
    expect(travelSpeedKmh(80, 60, 50, 50)).toBe(0);
  });

  it('spots implausible travel', () => {
    // 50 km in 10 minutes.
    expect(travelSpeedKmh(50_000, 600, 20, 20)).toBeGreaterThan(MAX_TRAVEL_KMH);
    expect(travelSpeedKmh(5_000, 600, 20, 20)).toBeLessThan(MAX_TRAVEL_KMH);
  });

  it('handles no elapsed time', () => {
    expect(travelSpeedKmh(1000, 0, 10, 10)).toBe(Infinity);
    expect(travelSpeedKmh(1000, -5, 10, 10)).toBe(Infinity);
    expect(travelSpeedKmh(15, 0, 10, 10)).toBe(0);
  });
});
