import { randomUUID } from 'node:crypto';
import { haversineMeters, wgs84ToGcj02, type CheckInView } from '@lianxin/shared';
import {
  buildAttendanceFixture,
  checkInBody,
  countCheckIns,
  exifChinaTime,
  jpeg,
  offset,
  PLACES,
  PNG_BYTES,
  storedCheckIns,
  type Api,
  type AttendanceFixture,
} from '../support/attendance-fixture';
import { buildOrgFixture, type OrgFixture } from '../support/org-fixture';
import { expectProblem, useTestApp } from '../support/test-app';

/**
 * POST /attendance/check-ins and /attendance/photos: the server's verdict from the evidence —
 * fence (GCJ-02 and WGS-84), accuracy, Wi-Fi, travel speed, mock location, device clock, offline
 * replays, idempotency keys, photos and field work. Each case that moves uses a newcomer, so one
 * case's position never makes another's look like impossible travel.
 */
const ctx = useTestApp('attendance-checkin');
let org: OrgFixture;
let att: AttendanceFixture;

/** 五郎坪村委会: GCJ-02 centre, radius 200 m, hotspot a4:56:02:1b:3c:9d. */
const W = PLACES.wulangping;
const centre = { latitude: W.latitude, longitude: W.longitude };

beforeAll(async () => {
  org = await buildOrgFixture(ctx);
  att = await buildAttendanceFixture(ctx, org);
  // 何家岩村 may not do field work; 接官亭镇 (and 石门村 under it) may, without photo or note.
  const a = await att.admin.post('/api/attendance/shifts', { unitId: org.units.hejiayan, name: '何家岩村考勤组', segments: [{ start: '08:30', end: '17:30' }], fieldAllowed: false });
  const b = await att.admin.post('/api/attendance/shifts', {
    unitId: org.units.jieguanting,
    name: '接官亭镇考勤组',
    segments: [{ start: '08:30', end: '17:30' }],
    fieldAllowed: true,
    fieldPhotoRequired: false,
    fieldNoteRequired: false,
  });
  expect([a.status, b.status]).toEqual([201, 201]);
});

const villager = (name?: string) => att.newcomer(org.units.wulangping, name);

async function checkIn(api: Api, body: object, status = 201): Promise<CheckInView> {
  const res = await api.post('/api/attendance/check-ins', body);
  expect({ status: res.status, body: res.status === status ? 'ok' : res.body }).toEqual({ status, body: 'ok' });
  return res.body as CheckInView;
}

const codes = (v: CheckInView) => v.reasons.map((r) => r.code);
const reason = (v: CheckInView, code: string) => v.reasons.find((r) => r.code === code);

describe('the fence', () => {
  it('at the centre, in GCJ-02: ok, in range of 五郎坪村委会 at 0 m, stored as answered', async () => {
    const api = await villager();
    const v = await checkIn(api, checkInBody(centre));
    expect(v).toMatchObject({ kind: 'in', verdict: 'ok', distance: 0, place: { id: att.places.wulangping.id, name: '五郎坪村委会' }, coordSystem: 'gcj02', accuracy: 15 });
    expect(v.reasons).toEqual([expect.objectContaining({ code: 'in_range', value: 0, placeId: att.places.wulangping.id, message: expect.stringContaining('五郎坪村委会') })]);
    const [row] = await storedCheckIns(org, api.memberId);
    expect(row).toMatchObject({ id: v.id, verdict: 'ok', kind: 'in' });
  });

  it('150 m north of the centre (radius 200): ok at 150 m', async () => {
    const api = await villager();
    const v = await checkIn(api, checkInBody(offset(W.latitude, W.longitude, 150, 0)));
    expect(v.verdict).toBe('ok');
    expect(v.distance).toBe(150);
  });

  it('700 m east: out_of_range, 500 m beyond the fence', async () => {
    const api = await villager();
    const v = await checkIn(api, checkInBody(offset(W.latitude, W.longitude, 0, 700)));
    expect(v).toMatchObject({ verdict: 'out_of_range', distance: 700, place: { id: att.places.wulangping.id } });
    expect(v.reasons).toEqual([expect.objectContaining({ code: 'out_of_range', value: 500, message: expect.stringContaining('500 米') })]);
  });

  describe('WGS-84 from a browser is converted before measuring', () => {
    /** The WGS-84 point that GCJ-02 moves onto the fence centre (solved by fixed-point iteration). */
    function wgsOfCentre() {
      let p: { lat: number; lng: number } = { lat: W.latitude, lng: W.longitude };
      for (let i = 0; i < 20; i++) {
        const g = wgs84ToGcj02(p.lat, p.lng);
        p = { lat: p.lat - (g.lat - W.latitude), lng: p.lng - (g.lng - W.longitude) };
      }
      return p;
    }

    it('the case is what it claims: the raw WGS-84 point is ~430 m from the centre, its GCJ-02 conversion on it', () => {
      const w = wgsOfCentre();
      const g = wgs84ToGcj02(w.lat, w.lng);
      expect(haversineMeters(g.lat, g.lng, W.latitude, W.longitude)).toBeLessThan(0.5);
      const raw = haversineMeters(w.lat, w.lng, W.latitude, W.longitude);
      expect(raw).toBeGreaterThan(400);
      expect(raw).toBeLessThan(600);
    });

    it('a WGS-84 fix whose conversion lands on the centre is ok, though the raw numbers are ~430 m away', async () => {
      const w = wgsOfCentre();
      const api = await villager();
      const v = await checkIn(api, checkInBody({ latitude: w.lat, longitude: w.lng }, { coordSystem: 'wgs84', accuracy: 10 }));
      expect(v).toMatchObject({ verdict: 'ok', distance: 0, coordSystem: 'wgs84' });
      // The record keeps the position as reported; the GCJ-02 one it was measured with is stored beside it.
      expect(v.latitude).toBeCloseTo(w.lat, 9);
      const [row] = await org.ds.query(`SELECT gcj_latitude, gcj_longitude FROM check_in WHERE id = $1`, [v.id]);
      expect(haversineMeters(row.gcj_latitude, row.gcj_longitude, W.latitude, W.longitude)).toBeLessThan(0.5);
    });

    it('the same numbers labelled GCJ-02 are ~430 m off: out_of_range', async () => {
      const w = wgsOfCentre();
      const api = await villager();
      const v = await checkIn(api, checkInBody({ latitude: w.lat, longitude: w.lng }, { coordSystem: 'gcj02', accuracy: 10 }));
      expect(v.verdict).toBe('out_of_range');
      expect(v.distance).toBeGreaterThan(400);
    });

    it('the reverse: the centre itself reported as WGS-84 converts ~430 m away: out_of_range', async () => {
      const api = await villager();
      const v = await checkIn(api, checkInBody(centre, { coordSystem: 'wgs84', accuracy: 10 }));
      expect(v.verdict).toBe('out_of_range');
      expect(v.distance).toBeGreaterThan(400);
      expect(v.distance).toBeLessThan(500);
    });
  });

  describe('accuracy: the circle of uncertainty must be mostly inside', () => {
    it('220 m out (20 m past the edge) at ±60 m: low_accuracy, not ok and not out of range', async () => {
      const api = await villager();
      const v = await checkIn(api, checkInBody(offset(W.latitude, W.longitude, 220, 0), { accuracy: 60 }));
      expect(v.verdict).toBe('low_accuracy');
      expect(v.reasons).toEqual([expect.objectContaining({ code: 'low_accuracy', value: 60, placeId: att.places.wulangping.id })]);
    });

    it('180 m out (20 m inside the edge) at ±60 m: ok', async () => {
      const api = await villager();
      const v = await checkIn(api, checkInBody(offset(W.latitude, W.longitude, 180, 0), { accuracy: 60 }));
      expect(v.verdict).toBe('ok');
      expect(codes(v)).toEqual(['in_range']);
    });

    it('220 m out at ±10 m: out_of_range by 20 m', async () => {
      const api = await villager();
      const v = await checkIn(api, checkInBody(offset(W.latitude, W.longitude, 220, 0), { accuracy: 10 }));
      expect(v.verdict).toBe('out_of_range');
      expect(reason(v, 'out_of_range')?.value).toBe(20);
    });

    it('at the centre but ±2000 m: low_accuracy (the circle is mostly outside a 200 m fence)', async () => {
      const api = await villager();
      const v = await checkIn(api, checkInBody(centre, { accuracy: 2000 }));
      expect(v.verdict).toBe('low_accuracy');
    });
  });

  describe('Wi-Fi: a matched hotspot proves presence even with bad GPS', () => {
    const far = offset(W.latitude, W.longitude, 4_000, 0);

    it.each([
      ['lower case with colons', 'a4:56:02:1b:3c:9d'],
      ['upper case', 'A4:56:02:1B:3C:9D'],
      ['dashes', 'a4-56-02-1b-3c-9d'],
      ['upper case with dashes', 'A4-56-02-1B-3C-9D'],
    ])('4 km away at ±2000 m with the village hotspot (%s): wifi', async (_label, bssid) => {
      const api = await villager();
      const v = await checkIn(api, checkInBody(far, { accuracy: 2000, bssid }));
      expect(v.verdict).toBe('wifi');
      expect(v.bssid).toBe('a4:56:02:1b:3c:9d');
      expect(v.place).toEqual({ id: att.places.wulangping.id, name: '五郎坪村委会' });
      expect(v.reasons).toEqual([expect.objectContaining({ code: 'wifi_matched', placeId: att.places.wulangping.id })]);
    });

    it('the village hotspot heard 20 km away at ±50 m: suspicious (a cloned or replayed hotspot), not wifi', async () => {
      const api = await villager();
      const v = await checkIn(api, checkInBody(offset(W.latitude, W.longitude, 20_000, 0), { accuracy: 50, bssid: 'a4:56:02:1b:3c:9d' }));
      expect(v.verdict).toBe('suspicious');
      expect(v.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'wifi_far', placeId: att.places.wulangping.id })]));
    });

    it('the same fix with another hotspot: out_of_range', async () => {
      const api = await villager();
      const v = await checkIn(api, checkInBody(far, { accuracy: 2000, bssid: 'a4:56:02:1b:3c:9e' }));
      expect(v.verdict).toBe('out_of_range');
    });

    it("another unit's hotspot does not count: 石门村's villager is not at 五郎坪村", async () => {
      const api = await att.newcomer(org.units.shimen);
      const v = await checkIn(api, checkInBody(far, { accuracy: 2000, bssid: 'a4:56:02:1b:3c:9d' }));
      expect(v.verdict).not.toBe('wifi');
    });

    it('a place given hotspots in any spelling stores them lower case with colons', async () => {
      const res = await att.admin.post('/api/attendance/places', {
        unitId: org.units.budget,
        name: '预算科办公室',
        latitude: 33.4,
        longitude: 106.6,
        bssids: ['A4-56-02-1B-3C-AA', 'a456021b3cab', 'a4:56:02:1b:3c:aa'],
      });
      expect(res.status).toBe(201);
      expect(res.body.bssids).toEqual(['a4:56:02:1b:3c:aa', 'a4:56:02:1b:3c:ab']);
    });
  });
});

describe('suspicion outranks the fence', () => {
  it('two check-ins 50 km apart a minute apart: the second is suspicious (impossible_travel)', async () => {
    const api = await villager();
    const now = Date.now();
    const first = await checkIn(api, checkInBody(centre, { clientAt: new Date(now - 60_000).toISOString(), sentAt: new Date(now).toISOString() }));
    expect(first.verdict).toBe('ok');
    const second = await checkIn(api, checkInBody(offset(W.latitude, W.longitude, 50_000, 0)));
    expect(second.verdict).toBe('suspicious');
    const travel = reason(second, 'impossible_travel');
    expect(travel).toBeDefined();
    expect(travel!.message).toContain('50.0 公里');
    expect(travel!.value).toBeGreaterThan(150);
  });

  it('5 km in an hour is a bicycle, not a teleport: not suspicious', async () => {
    const api = await villager();
    const now = Date.now();
    const away = await checkIn(
      api,
      checkInBody(offset(W.latitude, W.longitude, 5_000, 0), { clientAt: new Date(now - 3_600_000).toISOString(), sentAt: new Date(now).toISOString() }),
    );
    expect(away.verdict).toBe('out_of_range');
    const back = await checkIn(api, checkInBody(centre));
    expect(back.verdict).toBe('ok');
    expect(codes(back)).toEqual(['in_range']);
  });

  it('a suspicious check-in is not the reference for the next one', async () => {
    const api = await villager();
    const now = Date.now();
    await checkIn(api, checkInBody(centre, { clientAt: new Date(now - 120_000).toISOString(), sentAt: new Date(now).toISOString() }));
    const jump = await checkIn(api, checkInBody(offset(W.latitude, W.longitude, 50_000, 0), { clientAt: new Date(now - 60_000).toISOString(), sentAt: new Date(now).toISOString() }));
    expect(jump.verdict).toBe('suspicious');
    // Back at the village: measured against the first (ok) one, not the jump.
    const back = await checkIn(api, checkInBody(centre));
    expect(back.verdict).toBe('ok');
  });

  it('mockLocation true: suspicious (mock_location) even at the centre; false or absent: ok', async () => {
    const mocked = await checkIn(await villager(), checkInBody(centre, { mockLocation: true }));
    expect(mocked.verdict).toBe('suspicious');
    expect(codes(mocked)).toEqual(['in_range', 'mock_location']);
    const honest = await checkIn(await villager(), checkInBody(centre, { mockLocation: false }));
    const unknown = await checkIn(await villager(), checkInBody(centre));
    expect([honest.verdict, unknown.verdict]).toEqual(['ok', 'ok']);
    expect(codes(unknown)).not.toContain('mock_location');
  });

  it.each([
    ['10 minutes fast', 10],
    ['10 minutes slow', -10],
  ])('a device clock %s (clientAt = sentAt): suspicious (clock_skew), dated by the server', async (_label, minutes) => {
    const api = await villager();
    const device = new Date(Date.now() + minutes * 60_000).toISOString();
    const before = Date.now();
    const v = await checkIn(api, checkInBody(centre, { clientAt: device, sentAt: device }));
    expect(v.verdict).toBe('suspicious');
    const skew = reason(v, 'clock_skew');
    expect(skew?.message).toContain('10 分钟');
    expect(Math.abs(skew!.value! - minutes * 60)).toBeLessThan(30);
    expect(Math.abs(Date.parse(v.madeAt) - before)).toBeLessThan(30_000);
    expect(codes(v)).not.toContain('offline');
  });

  it('a clock 3 minutes off is tolerated', async () => {
    const device = new Date(Date.now() - 3 * 60_000).toISOString();
    const v = await checkIn(await villager(), checkInBody(centre, { clientAt: device, sentAt: device }));
    expect(v.verdict).toBe('ok');
  });

  it('an offline check-in (made 40 minutes ago, sent now) is fine: ok with an offline note, madeAt ≈ clientAt', async () => {
    const api = await villager();
    const clientAt = new Date(Date.now() - 40 * 60_000);
    const v = await checkIn(api, checkInBody(centre, { clientAt: clientAt.toISOString(), sentAt: new Date().toISOString() }));
    expect(v.verdict).toBe('ok');
    expect(codes(v)).toEqual(['in_range', 'offline']);
    expect(Math.abs(reason(v, 'offline')!.value! - 2400)).toBeLessThan(30);
    expect(Math.abs(Date.parse(v.madeAt) - clientAt.getTime())).toBeLessThan(30_000);
    expect(Date.parse(v.at) - Date.parse(v.madeAt)).toBeGreaterThan(39 * 60_000);
  });

  it("an offline check-in from a phone 3 minutes slow is dated by the corrected device time", async () => {
    const api = await villager();
    const slow = 3 * 60_000;
    const now = Date.now();
    const v = await checkIn(api, checkInBody(centre, { clientAt: new Date(now - 40 * 60_000 - slow).toISOString(), sentAt: new Date(now - slow).toISOString() }));
    expect(v.verdict).toBe('ok');
    expect(Math.abs(Date.parse(v.madeAt) - (now - 40 * 60_000))).toBeLessThan(30_000);
  });

  it('an offline check-in more than 7 days old is refused (补卡 instead), nothing stored', async () => {
    const api = await villager();
    const res = await api.post('/api/attendance/check-ins', checkInBody(centre, { clientAt: new Date(Date.now() - 8 * 86_400_000).toISOString(), sentAt: new Date().toISOString() }));
    const body = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([expect.objectContaining({ path: 'clientAt' })]);
    expect(body.detail).toContain('补卡');
    expect(await countCheckIns(org, api.memberId)).toBe(0);
  });
});

describe('idempotency keys', () => {
  it('the same key with the same content: 200, replayed, the same id and verdict, nothing new stored', async () => {
    const api = await villager();
    const body = checkInBody(centre);
    const first = await api.post('/api/attendance/check-ins', body);
    expect(first.status).toBe(201);
    expect(first.body.replayed).toBeUndefined();
    const again = await api.post('/api/attendance/check-ins', { ...body, sentAt: new Date(Date.now() + 1000).toISOString() });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(await countCheckIns(org, api.memberId)).toBe(1);
  });

  it('the answer to a replay is the answer first given, to the digit (accuracy ±12.3 m, a WGS-84 fix)', async () => {
    const api = await villager();
    const body = checkInBody({ latitude: 33.0519299, longitude: 106.1959710 }, { accuracy: 12.3, coordSystem: 'wgs84', note: '  村委会  ' });
    const first = await api.post('/api/attendance/check-ins', body);
    expect(first.status).toBe(201);
    const again = await api.post('/api/attendance/check-ins', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(first.body.accuracy).toBe(12.3);
    const listed = await api.get('/api/attendance/check-ins');
    expect(listed.body.items).toEqual([first.body]);
  });

  it('the same key sent five times at once (an offline queue flushing twice): one check-in, the others replay it', async () => {
    const api = await villager();
    const body = checkInBody(centre);
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.post('/api/attendance/check-ins', body)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.body.replayed === true)).toHaveLength(4);
    expect(await countCheckIns(org, api.memberId)).toBe(1);
  });

  it('the same key with other content: suspicious (replay_mismatch), stored as its own row, the first untouched', async () => {
    const api = await villager();
    const body = checkInBody(centre);
    const first = await checkIn(api, body);
    const before = await storedCheckIns(org, api.memberId);
    const forged = await checkIn(api, { ...body, accuracy: 20 });
    expect(forged.id).not.toBe(first.id);
    expect(forged.verdict).toBe('suspicious');
    expect(codes(forged)).toContain('replay_mismatch');
    expect(forged.replayed).toBeUndefined();
    const after = await storedCheckIns(org, api.memberId);
    expect(after).toHaveLength(2);
    expect(after.find((r) => r.id === first.id)).toEqual(before[0]);
    expect(after.find((r) => r.id === forged.id)).toMatchObject({ replay_of: first.id, verdict: 'suspicious', idempotency_key: body.idempotencyKey });
    // The original still answers for its key.
    const replay = await api.post('/api/attendance/check-ins', body);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id: first.id, verdict: 'ok', replayed: true });
  });

  it("a key is the member's own: another member using the same key makes their own check-in", async () => {
    const a = await villager();
    const b = await villager();
    const key = `shared-key-${randomUUID()}`;
    const va = await checkIn(a, checkInBody(centre, { idempotencyKey: key }));
    const vb = await checkIn(b, checkInBody(centre, { idempotencyKey: key }));
    expect(vb.id).not.toBe(va.id);
    expect([vb.verdict, vb.replayed]).toEqual(['ok', undefined]);
  });
});

describe('the server decides the verdict', () => {
  it('a verdict and reasons set by the client are ignored: 700 m out is out_of_range, and stored so', async () => {
    const api = await villager();
    const v = await checkIn(
      api,
      checkInBody(offset(W.latitude, W.longitude, 0, 700), { verdict: 'ok', reasons: [{ code: 'in_range', message: '在范围内', value: 0 }] }),
    );
    expect(v.verdict).toBe('out_of_range');
    expect(codes(v)).toEqual(['out_of_range']);
    const [row] = await storedCheckIns(org, api.memberId);
    expect(row).toMatchObject({ verdict: 'out_of_range', reasons: [expect.objectContaining({ code: 'out_of_range' })] });
  });
});

describe('photos', () => {
  it('a JPEG with EXIF: 201 with its capture time (China time) and GPS position; the owner can fetch it back', async () => {
    const api = await villager();
    const bytes = jpeg({ takenAt: '2026:05:06 07:08:09', lat: 33.05, lng: 106.2 });
    const res = await api.raw('/api/attendance/photos', 'image/jpeg', bytes);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), contentType: 'image/jpeg', size: bytes.length, takenAt: '2026-05-05T23:08:09.000Z', latitude: expect.any(Number), longitude: expect.any(Number) });
    expect(res.body.latitude).toBeCloseTo(33.05, 6);
    expect(res.body.longitude).toBeCloseTo(106.2, 6);
    const back = await api.get(`/api/attendance/photos/${res.body.id}`).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(back.status).toBe(200);
    expect(back.headers['content-type']).toBe('image/jpeg');
    expect(Buffer.compare(back.body as Buffer, bytes)).toBe(0);
  });

  it('a JPEG without EXIF: 201, time and place unknown', async () => {
    const res = await (await villager()).raw('/api/attendance/photos', 'image/jpeg', jpeg());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ takenAt: null, latitude: null, longitude: null });
  });

  it('a PNG labelled image/jpeg, a text body, JSON, or nothing: refused, nothing stored', async () => {
    const api = await villager();
    const count = async () => (await org.ds.query(`SELECT count(*)::int AS n FROM attendance_photo WHERE member_id = $1`, [api.memberId]))[0].n;
    expectProblem(await api.raw('/api/attendance/photos', 'image/jpeg', PNG_BYTES), 400, 'ATTENDANCE_PHOTO_INVALID');
    // Text is parsed as text before the route sees it: refused as the wrong kind of body (415) or as not a photo (400).
    const text = await api.raw('/api/attendance/photos', 'text/plain', '这不是照片');
    expectProblem(text, text.status, text.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'ATTENDANCE_PHOTO_INVALID');
    expect([400, 415]).toContain(text.status);
    expect(text.body.detail).toMatch(/JPEG|照片/);
    expectProblem(await api.raw('/api/attendance/photos', 'application/json', '{"photo":"base64…"}'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await api.raw('/api/attendance/photos', 'image/jpeg', Buffer.alloc(0)), 400, 'ATTENDANCE_PHOTO_INVALID');
    expect(await count()).toBe(0);
  });

  it("someone else's photo (or an unknown one) in a check-in: 400 naming photoId, nothing stored", async () => {
    const owner = await villager();
    const thief = await villager();
    const photo = await owner.raw('/api/attendance/photos', 'image/jpeg', jpeg());
    for (const photoId of [photo.body.id, randomUUID()]) {
      const res = await thief.post('/api/attendance/check-ins', checkInBody(centre, { photoId }));
      const body = expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(body.errors).toEqual([expect.objectContaining({ path: 'photoId' })]);
    }
    expect(await countCheckIns(org, thief.memberId)).toBe(0);
  });

  it('a photo serves one check-in, uploaded in the last 30 minutes: reusing it or an old upload is a 400 naming photoId', async () => {
    const api = await villager();
    const photo = await api.raw('/api/attendance/photos', 'image/jpeg', jpeg({}));
    expect(photo.status).toBe(201);
    expect((await checkIn(api, checkInBody(centre, { photoId: photo.body.id }))).photoId).toBe(photo.body.id);
    const again = await api.post('/api/attendance/check-ins', checkInBody(centre, { photoId: photo.body.id }));
    expect(expectProblem(again, 400, 'VALIDATION_FAILED').errors).toEqual([expect.objectContaining({ path: 'photoId' })]);
    const old = await api.raw('/api/attendance/photos', 'image/jpeg', jpeg({}));
    await org.ds.query(`UPDATE attendance_photo SET created_at = now() - interval '2 hours' WHERE id = $1`, [old.body.id]);
    const late = await api.post('/api/attendance/check-ins', checkInBody(centre, { photoId: old.body.id }));
    expect(expectProblem(late, 400, 'VALIDATION_FAILED').detail).toContain('30 分钟');
  });

  it('a photo whose EXIF time is 2 hours before the check-in: suspicious (photo_stale)', async () => {
    const api = await villager();
    const photo = await api.raw('/api/attendance/photos', 'image/jpeg', jpeg({ takenAt: exifChinaTime(new Date(Date.now() - 2 * 3_600_000)) }));
    expect(photo.status).toBe(201);
    const v = await checkIn(api, checkInBody(centre, { photoId: photo.body.id }));
    expect(v.verdict).toBe('suspicious');
    expect(v.photoId).toBe(photo.body.id);
    const stale = reason(v, 'photo_stale');
    expect(stale?.message).toContain('120 分钟');
    expect(Math.abs(stale!.value! - 7200)).toBeLessThan(60);
  });

  it('a fresh photo taken where the check-in is: not suspicious', async () => {
    const api = await villager();
    const photo = await api.raw('/api/attendance/photos', 'image/jpeg', jpeg({ takenAt: exifChinaTime(new Date()), lat: 33.0519, lng: 106.196 }));
    const v = await checkIn(api, checkInBody(centre, { photoId: photo.body.id }));
    expect(v.verdict).toBe('ok');
  });

  it('a fresh photo whose GPS is 50 km from the fix: suspicious (photo_far)', async () => {
    const api = await villager();
    const photo = await api.raw('/api/attendance/photos', 'image/jpeg', jpeg({ takenAt: exifChinaTime(new Date()), lat: 33.5, lng: 106.2 }));
    const v = await checkIn(api, checkInBody(centre, { photoId: photo.body.id }));
    expect(v.verdict).toBe('suspicious');
    expect(codes(v)).toContain('photo_far');
  });
});

describe('field check-ins (外勤)', () => {
  const far = offset(W.latitude, W.longitude, 20_000, 5_000);

  it('the county shift requires a photo: without one, 400 naming photoId, nothing stored', async () => {
    const api = await villager();
    const res = await api.post('/api/attendance/check-ins', checkInBody(far, { kind: 'field', note: '到镇上开会' }));
    const body = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([expect.objectContaining({ path: 'photoId' })]);
    expect(body.detail).toContain('拍照');
    expect(await countCheckIns(org, api.memberId)).toBe(0);
  });

  it.each([
    ['no note', undefined],
    ['a blank note', '   '],
  ])('and a note: %s is 400 naming note, nothing stored', async (_label, note) => {
    const api = await villager();
    const photo = await api.raw('/api/attendance/photos', 'image/jpeg', jpeg({ takenAt: exifChinaTime(new Date()) }));
    const res = await api.post('/api/attendance/check-ins', checkInBody(far, { kind: 'field', photoId: photo.body.id, ...(note === undefined ? {} : { note }) }));
    const body = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([expect.objectContaining({ path: 'note' })]);
    expect(await countCheckIns(org, api.memberId)).toBe(0);
  });

  it('with photo and note, 20 km from any place: verdict field', async () => {
    const api = await villager();
    const photo = await api.raw('/api/attendance/photos', 'image/jpeg', jpeg({ takenAt: exifChinaTime(new Date()) }));
    const v = await checkIn(api, checkInBody(far, { kind: 'field', photoId: photo.body.id, note: '  到镇上开防汛会  ' }));
    expect(v).toMatchObject({ kind: 'field', verdict: 'field', photoId: photo.body.id, note: '到镇上开防汛会' });
    expect(codes(v)).toEqual(['field']);
  });

  it('a field check-in with a mock location is still suspicious', async () => {
    const api = await villager();
    const photo = await api.raw('/api/attendance/photos', 'image/jpeg', jpeg({ takenAt: exifChinaTime(new Date()) }));
    const v = await checkIn(api, checkInBody(far, { kind: 'field', photoId: photo.body.id, note: '走访农户', mockLocation: true }));
    expect(v.verdict).toBe('suspicious');
    expect(codes(v)).toEqual(['field', 'mock_location']);
  });

  it('where the shift asks for neither (接官亭镇, so 石门村): allowed without photo or note', async () => {
    const api = await att.newcomer(org.units.shimen);
    const v = await checkIn(api, checkInBody(far, { kind: 'field' }));
    expect(v.verdict).toBe('field');
  });

  it('where the shift forbids field work (何家岩村): 422 ATTENDANCE_FIELD_NOT_ALLOWED, nothing stored', async () => {
    const api = await att.newcomer(org.units.hejiayan);
    const photo = await api.raw('/api/attendance/photos', 'image/jpeg', jpeg({ takenAt: exifChinaTime(new Date()) }));
    const res = await api.post('/api/attendance/check-ins', checkInBody(far, { kind: 'field', photoId: photo.body.id, note: '外出' }));
    expectProblem(res, 422, 'ATTENDANCE_FIELD_NOT_ALLOWED');
    expect(await countCheckIns(org, api.memberId)).toBe(0);
    // An ordinary check-in at 何家岩村委会 is fine.
    const v = await checkIn(api, checkInBody({ latitude: PLACES.hejiayan.latitude, longitude: PLACES.hejiayan.longitude }));
    expect(v).toMatchObject({ verdict: 'ok', place: { id: att.places.hejiayan.id } });
  });
});

describe('which places count', () => {
  it("a villager's places are their village's, not the town office (which does not cover sub-units)", async () => {
    const api = await villager();
    const v = await checkIn(api, checkInBody({ latitude: PLACES.xingzhou.latitude, longitude: PLACES.xingzhou.longitude }));
    expect(v.verdict).toBe('out_of_range');
    expect(v.place?.id).toBe(att.places.wulangping.id);
  });

  it("预算科's member may check in at 财政局大楼, which covers sub-units", async () => {
    const api = await att.newcomer(org.units.budget);
    const v = await checkIn(api, checkInBody({ latitude: PLACES.finance.latitude, longitude: PLACES.finance.longitude }));
    expect(v).toMatchObject({ verdict: 'ok', place: { id: att.places.finance.id } });
  });

  it('a member of a unit without any place: out_of_range with no_place', async () => {
    const api = await att.newcomer(org.rootId);
    const v = await checkIn(api, checkInBody(centre));
    expect(v).toMatchObject({ verdict: 'out_of_range', place: null, distance: null });
    expect(codes(v)).toEqual(['no_place']);
  });
});
