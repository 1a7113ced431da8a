import { randomUUID } from 'node:crypto';
import type { CheckInRequest, PlaceView, ShiftInput, ShiftView } from '@lianxin/shared';
import type { MadeMember } from './factory';
import type { OrgFixture } from './org-fixture';
import { ADMIN, type TestContext } from './test-app';

/**
 * Attendance on top of the org fixture: one place per unit that people check in at, a county-wide
 * shift (the same rules as the built-in default, set explicitly), and helpers to act as a member,
 * to move a point by metres, and to write past check-ins straight into the database.
 *
 *   兴州街道办     33.1100, 106.1500  r 200  (town office, not for its villages)
 *   五郎坪村委会   33.0500, 106.2000  r 200  Wi-Fi a4:56:02:1b:3c:9d
 *   何家岩村委会   33.0300, 106.1800  r 300
 *   接官亭镇政府   33.2500, 106.4000  r 200
 *   石门村委会     33.3000, 106.4500  r 300
 *   财政局大楼     33.1200, 106.1600  r 150  covers 预算科
 *
 * All centres are GCJ-02 (as DingTalk reports them).
 */
export const PLACES = {
  xingzhou: { name: '兴州街道办', latitude: 33.11, longitude: 106.15, radius: 200 },
  wulangping: { name: '五郎坪村委会', latitude: 33.05, longitude: 106.2, radius: 200, bssids: ['a4:56:02:1b:3c:9d'], kind: 'village' as const },
  hejiayan: { name: '何家岩村委会', latitude: 33.03, longitude: 106.18, radius: 300, kind: 'village' as const },
  jieguanting: { name: '接官亭镇政府', latitude: 33.25, longitude: 106.4, radius: 200 },
  shimen: { name: '石门村委会', latitude: 33.3, longitude: 106.45, radius: 300, kind: 'village' as const },
  finance: { name: '财政局大楼', latitude: 33.12, longitude: 106.16, radius: 150, coversSubUnits: true },
} as const;
export type PlaceKey = keyof typeof PLACES;

/** The county-wide shift: 08:30–12:00 and 14:30–17:30 Monday to Friday, 5 minutes' grace, 30 late is serious. */
export const COUNTY_SHIFT = {
  name: '县机关考勤组',
  segments: [
    { start: '08:30', end: '12:00' },
    { start: '14:30', end: '17:30' },
  ],
  workdays: [1, 2, 3, 4, 5],
  lateGraceMinutes: 5,
  earlyGraceMinutes: 5,
  seriousLateMinutes: 30,
  fieldAllowed: true,
  fieldPhotoRequired: true,
  fieldNoteRequired: true,
  correctionsPerMonth: 3,
} satisfies Omit<ShiftInput, 'unitId'>;

export type Api = Awaited<ReturnType<typeof session>>;

/** Signs in and returns request builders with the bearer token (JSON bodies, raw bodies, PUT too). */
export async function session(ctx: TestContext, m: { phone: string; password: string; id?: string }) {
  const { accessToken, member } = await ctx.login(m.phone, m.password);
  const auth = { Authorization: `Bearer ${accessToken}` };
  return {
    memberId: (m.id || member.id) as string,
    get: (path: string) => ctx.http().get(path).set(auth),
    post: (path: string, body?: object) => ctx.http().post(path).set(auth).send(body),
    put: (path: string, body?: object) => ctx.http().put(path).set(auth).send(body),
    delete: (path: string) => ctx.http().delete(path).set(auth),
    /** POST with a raw body and its content type (photos). */
    raw: (path: string, contentType: string, body: Buffer | string) => ctx.http().post(path).set(auth).set('Content-Type', contentType).send(body),
  };
}

export const adminSession = (ctx: TestContext) => session(ctx, ADMIN);

export interface AttendanceFixture {
  places: Record<PlaceKey, PlaceView>;
  shift: ShiftView;
  admin: Api;
  /** A new member with primary membership in `unitId` (no role), signed in: fresh history for travel checks. */
  newcomer(unitId: string, name?: string): Promise<Api & { member: MadeMember }>;
}

/** Creates the places and the county shift through the API, as the root admin. */
export async function buildAttendanceFixture(ctx: TestContext, org: OrgFixture): Promise<AttendanceFixture> {
  const admin = await adminSession(ctx);
  const unitOf: Record<PlaceKey, string> = {
    xingzhou: org.units.xingzhou,
    wulangping: org.units.wulangping,
    hejiayan: org.units.hejiayan,
    jieguanting: org.units.jieguanting,
    shimen: org.units.shimen,
    finance: org.units.finance,
  };
  const places = {} as Record<PlaceKey, PlaceView>;
  for (const key of Object.keys(PLACES) as PlaceKey[]) {
    const res = await admin.post('/api/attendance/places', { unitId: unitOf[key], ...PLACES[key] });
    if (res.status !== 201) throw new Error(`place ${key}: ${res.status} ${JSON.stringify(res.body)}`);
    places[key] = res.body as PlaceView;
  }
  const shiftRes = await admin.post('/api/attendance/shifts', { unitId: org.rootId, ...COUNTY_SHIFT });
  if (shiftRes.status !== 201) throw new Error(`shift: ${shiftRes.status} ${JSON.stringify(shiftRes.body)}`);
  let n = 0;
  return {
    places,
    shift: shiftRes.body as ShiftView,
    admin,
    async newcomer(unitId, name) {
      n += 1;
      const member = await org.memberWithRole(null, unitId, name ?? `打卡人${n}`);
      return { ...(await session(ctx, member)), member };
    },
  };
}

/** Metres per degree of latitude on the mean earth sphere the server measures with. */
const M_PER_DEG = (6371008.8 * Math.PI) / 180;

/** The point `north` and `east` metres away (flat approximation, fine within a few kilometres). */
export function offset(lat: number, lng: number, north: number, east: number): { latitude: number; longitude: number } {
  return { latitude: lat + north / M_PER_DEG, longitude: lng + east / (M_PER_DEG * Math.cos((lat * Math.PI) / 180)) };
}

/** A check-in body: in at the given point (GCJ-02, ±15 m), made now, with a fresh idempotency key. */
export function checkInBody(at: { latitude: number; longitude: number }, over: Partial<CheckInRequest> & Record<string, unknown> = {}): CheckInRequest {
  return {
    kind: 'in',
    latitude: at.latitude,
    longitude: at.longitude,
    accuracy: 15,
    coordSystem: 'gcj02',
    clientAt: new Date().toISOString(),
    idempotencyKey: randomUUID(),
    ...over,
  } as CheckInRequest;
}

/** China wall-clock 'YYYY-MM-DD' + 'HH:MM' as an instant. */
export const china = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+08:00`);

/** The China date of an instant. */
export const chinaDateOf = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** ISO weekday (1 = Monday) of a date. */
export const isoWeekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay() || 7;

/**
 * Writes a past check-in as the server would have stored it (the API stamps the server's clock, so
 * days gone by are made here). `made_at` is what the day rules read.
 */
export async function pastCheckIn(
  org: OrgFixture,
  memberId: string,
  at: Date,
  over: { kind?: string; verdict?: string; unitId?: string | null; latitude?: number; longitude?: number } = {},
): Promise<string> {
  const lat = over.latitude ?? PLACES.wulangping.latitude;
  const lng = over.longitude ?? PLACES.wulangping.longitude;
  const [r] = await org.ds.query<{ id: string }[]>(
    `INSERT INTO check_in (member_id, unit_id, kind, at, made_at, client_at, latitude, longitude, coord_system, gcj_latitude, gcj_longitude, accuracy,
                           idempotency_key, content_hash, verdict, reasons)
     VALUES ($1, coalesce($2, (SELECT unit_id FROM membership WHERE member_id = $1 AND is_primary)), $3, $4, $4, $4, $5, $6, 'gcj02', $5, $6, 15,
             $7, repeat('0', 64), $8, '[]')
     RETURNING id`,
    [memberId, over.unitId ?? null, over.kind ?? 'in', at, lat, lng, randomUUID(), over.verdict ?? 'ok'],
  );
  return r.id;
}

/** Every check-in row of a member, oldest first, as stored (to prove nothing was added or changed). */
export async function storedCheckIns(org: OrgFixture, memberId: string): Promise<Record<string, unknown>[]> {
  return org.ds.query(
    `SELECT id, kind, at, made_at, client_at, latitude, longitude, verdict, reasons, replay_of, idempotency_key, content_hash
       FROM check_in WHERE member_id = $1 ORDER BY made_at, id`,
    [memberId],
  );
}

export async function countCheckIns(org: OrgFixture, memberId?: string): Promise<number> {
  const [r] = await org.ds.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM check_in WHERE $1::uuid IS NULL OR member_id = $1`,
    [memberId ?? null],
  );
  return r.n;
}

/** One TIFF IFD entry: ASCII text, unsigned rationals, or a LONG (an offset to a sub-IFD). */
type TiffEntry = { tag: number; ascii: string } | { tag: number; rationals: [number, number][] } | { tag: number; long: number };

/** A little-endian TIFF with IFD0 pointing to an Exif IFD and a GPS IFD (either may be empty). */
function tiff(exif: TiffEntry[], gps: TiffEntry[]): Buffer {
  const ifd0: TiffEntry[] = [];
  const ifdSize = (n: number) => (n === 0 ? 0 : 2 + n * 12 + 4);
  const ifd0Count = (exif.length ? 1 : 0) + (gps.length ? 1 : 0);
  const exifAt = 8 + ifdSize(ifd0Count);
  const gpsAt = exifAt + ifdSize(exif.length);
  if (exif.length) ifd0.push({ tag: 0x8769, long: exifAt });
  if (gps.length) ifd0.push({ tag: 0x8825, long: gpsAt });
  const headSize = gpsAt + ifdSize(gps.length);
  const head = Buffer.alloc(headSize);
  head.write('II', 0, 'latin1');
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(8, 4);
  const extra: Buffer[] = [];
  let extraAt = headSize;
  const write = (entries: TiffEntry[], base: number) => {
    if (entries.length === 0) return;
    head.writeUInt16LE(entries.length, base);
    [...entries].sort((a, b) => a.tag - b.tag).forEach((e, j) => {
      const at = base + 2 + j * 12;
      let type: number;
      let bytes: Buffer;
      if ('ascii' in e) {
        type = 2;
        bytes = Buffer.from(e.ascii + '\0', 'latin1');
      } else if ('long' in e) {
        type = 4;
        bytes = Buffer.alloc(4);
        bytes.writeUInt32LE(e.long);
      } else {
        type = 5;
        bytes = Buffer.alloc(8 * e.rationals.length);
        e.rationals.forEach(([num, den], i) => {
          bytes.writeUInt32LE(num, i * 8);
          bytes.writeUInt32LE(den, i * 8 + 4);
        });
      }
      head.writeUInt16LE(e.tag, at);
      head.writeUInt16LE(type, at + 2);
      head.writeUInt32LE(type === 5 ? bytes.length / 8 : bytes.length / (type === 4 ? 4 : 1), at + 4);
      if (bytes.length <= 4) bytes.copy(head, at + 8);
      else {
        head.writeUInt32LE(extraAt, at + 8);
        extra.push(bytes);
        extraAt += bytes.length;
      }
    });
    head.writeUInt32LE(0, base + 2 + entries.length * 12);
  };
  write(ifd0, 8);
  write(exif, exifAt);
  write(gps, gpsAt);
  return Buffer.concat([head, ...extra]);
}

function jpegSegment(marker: number, body: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** Degrees as EXIF's degrees/minutes/seconds rationals (seconds to 1/1000). */
function dms(deg: number): [number, number][] {
  const d = Math.floor(deg);
  const m = Math.floor((deg - d) * 60);
  const s = Math.round(((deg - d) * 60 - m) * 60 * 1000);
  return [
    [d, 1],
    [m, 1],
    [s, 1000],
  ];
}

/** EXIF's 'YYYY:MM:DD HH:MM:SS' in China time (no zone written, as phones do). */
export const exifChinaTime = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace(/-/g, ':').replace('T', ' ');

/**
 * A tiny JPEG (JFIF, an optional Exif APP1, a quantisation table, a scan) whose EXIF says when
 * (DateTimeOriginal, China time) and where (GPS, WGS-84, northern/eastern) it was taken.
 */
export function jpeg(exif: { takenAt?: string; lat?: number; lng?: number } | null = null): Buffer {
  let app1: Buffer[] = [];
  if (exif) {
    const exifIfd: TiffEntry[] = exif.takenAt ? [{ tag: 0x9003, ascii: exif.takenAt }] : [];
    const gps: TiffEntry[] =
      exif.lat !== undefined && exif.lng !== undefined
        ? [
            { tag: 0x0001, ascii: 'N' },
            { tag: 0x0002, rationals: dms(exif.lat) },
            { tag: 0x0003, ascii: 'E' },
            { tag: 0x0004, rationals: dms(exif.lng) },
          ]
        : [];
    app1 = [jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff(exifIfd, gps)]))];
  }
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    jpegSegment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    ...app1,
    jpegSegment(0xdb, Buffer.alloc(65, 1)),
    jpegSegment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** The first bytes of a PNG: enough to be recognised as one. */
export const PNG_BYTES = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 0)]);
