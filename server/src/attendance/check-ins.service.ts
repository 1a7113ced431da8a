import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type CheckInRequest, type CheckInView, type MyAttendanceView, type Page, type VerdictReason } from '@lianxin/shared';
import type pg from 'pg';
import type { Principal } from '../common/decorators.js';
import { encodeCursor } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import { PG_POOL } from '../database/database.module.js';
import { ScopeService } from '../org/scope.service.js';
import { toGcj02 } from '@lianxin/shared';
import { judge, OFFLINE_NOTE_SECONDS, type FencePlace, type PriorFix } from './domain/verdict.js';
import { MeetingSignInService } from './meeting-sign-in.service.js';
import { PhotosService } from './photos.service.js';
import { DailyService } from './daily.service.js';
import { addDays, chinaDate } from './domain/china-time.js';
import { dayWindow, isWorkday } from './domain/day-status.js';
import { AttendanceRulesService, DEFAULT_SHIFT, MEMBER_PLACES_SQL, memberShiftsSql, normalizeBssid, shiftRule, toFence } from './rules.service.js';
import { SpotChecksService } from './spot-checks.service.js';
import { decodeTimeIdCursor } from './domain/time-id-cursor.js';

interface CheckInRow {
  id: string;
  member_id: string;
  kind: CheckInView['kind'];
  at: Date;
  made_at: Date;
  latitude: number;
  longitude: number;
  accuracy: number;
  coord_system: CheckInView['coordSystem'];
  bssid: string | null;
  photo_id: string | null;
  note: string | null;
  verdict: CheckInView['verdict'];
  reasons: VerdictReason[];
  place_id: string | null;
  place_name: string | null;
  distance: number | null;
  spot_check_id: string | null;
  notice_id: string | null;
  content_hash: string;
}

const COLUMNS = `c.id, c.member_id, c.kind, c.at, c.made_at, c.latitude, c.longitude, c.accuracy, c.coord_system, c.bssid, c.photo_id, c.note,
  c.verdict, c.reasons, c.place_id, (SELECT name FROM attendance_place WHERE id = c.place_id) AS place_name, c.distance, c.spot_check_id, c.notice_id, c.content_hash`;

export function toCheckInView(r: CheckInRow): CheckInView {
  return {
    id: r.id,
    kind: r.kind,
    at: r.at.toISOString(),
    madeAt: r.made_at.toISOString(),
    latitude: r.latitude,
    longitude: r.longitude,
    accuracy: r.accuracy,
    coordSystem: r.coord_system,
    bssid: r.bssid,
    photoId: r.photo_id,
    note: r.note,
    verdict: r.verdict,
    reasons: r.reasons,
    place: r.place_id ? { id: r.place_id, name: r.place_name ?? '' } : null,
    distance: r.distance,
    spotCheckId: r.spot_check_id,
    noticeId: r.notice_id,
  };
}

/** Everything a check-in is judged by, except the request itself: one round trip. */
const CONTEXT_SQL = `
  SELECT (SELECT unit_id FROM membership WHERE member_id = $1 AND is_primary) AS unit_id,
         (SELECT coalesce(json_agg(p), '[]') FROM (${MEMBER_PLACES_SQL}) p) AS places,
         (SELECT row_to_json(s) FROM (${memberShiftsSql('ARRAY[$1::uuid]')}) s) AS shift,
         (SELECT row_to_json(v) FROM (
            SELECT gcj_latitude AS latitude, gcj_longitude AS longitude, accuracy, made_at FROM check_in
             WHERE member_id = $1 AND made_at <= $2 AND verdict <> 'suspicious' ORDER BY made_at DESC LIMIT 1) v) AS previous,
         (SELECT row_to_json(k) FROM (
            SELECT c.id, c.content_hash FROM check_in c WHERE c.member_id = $1 AND c.idempotency_key = $3 AND c.replay_of IS NULL) k) AS existing`;

interface ContextRow {
  unit_id: string | null;
  places: Parameters<typeof toFence>[0][];
  shift: { field_allowed: boolean; field_photo_required: boolean; field_note_required: boolean } | null;
  previous: { latitude: number; longitude: number; accuracy: number; made_at: string } | null;
  existing: { id: string; content_hash: string } | null;
}

/** The parts of a request that make it this check-in (not when it was sent). */
function contentHash(memberId: string, req: CheckInRequest): string {
  const content = [
    memberId,
    req.kind,
    req.latitude,
    req.longitude,
    req.accuracy,
    req.coordSystem,
    req.bssid ?? null,
    req.photoId ?? null,
    req.note ?? null,
    new Date(req.clientAt).getTime(),
    req.mockLocation ?? null,
    req.spotCheckId ?? null,
    req.noticeId ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/**
 * Check-ins: judged by the server from the evidence (position against the places' fences, Wi-Fi,
 * photo, travel since the last one, the device clock, replays), stored with the verdict and its
 * reasons, never changed afterwards. The same idempotency key returns the first result.
 */
@Injectable()
export class CheckInsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly scope: ScopeService,
    private readonly photos: PhotosService,
    private readonly spotChecks: SpotChecksService,
    private readonly meetings: MeetingSignInService,
    private readonly rules: AttendanceRulesService,
    private readonly daily: DailyService,
  ) {}

  /** `GET /attendance/me`: what the check-in page needs, in one answer. */
  async mine(principal: Principal): Promise<MyAttendanceView> {
    const me = principal.memberId;
    const now = new Date();
    const date = chinaDate(now);
    const [places, shifts, calendar, spotChecks, meetings, today] = await Promise.all([
      this.rules.memberPlaces(me),
      this.rules.shiftsOf([me]),
      this.rules.calendarBetween(date, date),
      this.spotChecks.mine(principal),
      this.meetings.openFor(me, now),
      this.daily.day(me, date),
    ]);
    const shift = shifts.get(me)!;
    const rule = shiftRule(shift);
    const w = dayWindow(date, rule);
    return {
      places,
      shift,
      date,
      workday: isWorkday(date, rule, calendar.get(date) ?? null),
      today,
      checkIns: await this.between(me, w.from, w.to),
      spotChecks,
      meetings,
      serverTime: now.toISOString(),
    };
  }

  async checkIn(principal: Principal, req: CheckInRequest): Promise<{ view: CheckInView; created: boolean }> {
    const me = principal.memberId;
    const now = new Date();
    const hash = contentHash(me, req);
    const clientAt = new Date(req.clientAt);
    const sentAt = req.sentAt ? new Date(req.sentAt) : clientAt;
    // Device clock minus server clock when the request left the device; the check-in happened that much before "now" by the device's reckoning.
    const skewSeconds = (sentAt.getTime() - now.getTime()) / 1000;
    const madeAt = new Date(Math.min(now.getTime(), clientAt.getTime() - skewSeconds * 1000));
    const offlineSeconds = (now.getTime() - madeAt.getTime()) / 1000;
    if (offlineSeconds > 7 * 86_400) {
      throw new DomainError(ErrorCode.ValidationFailed, '离线打卡超过 7 天，已不能上传，请申请补卡', [{ path: 'clientAt', message: '超过 7 天' }]);
    }
    const { rows: [ctx] } = await this.pool.query<ContextRow>({ name: 'check-in-context', text: CONTEXT_SQL, values: [me, madeAt, req.idempotencyKey] });
    if (ctx.existing && ctx.existing.content_hash === hash) return { view: { ...(await this.one(ctx.existing.id)), replayed: true }, created: false };

    const gcj = toGcj02(req.latitude, req.longitude, req.coordSystem);
    // Places keep hotspots as lower-case 'aa:bb:cc:dd:ee:ff'; phones report them in any spelling.
    const bssid = req.bssid ? normalizeBssid(req.bssid) : null;
    let places: FencePlace[] = ctx.places.map((p) => toFence(p));
    let photo = null;
    if (req.photoId) photo = await this.photos.ownedBy(me, req.photoId);
    const shift = ctx.shift ?? { field_allowed: DEFAULT_SHIFT.fieldAllowed, field_photo_required: DEFAULT_SHIFT.fieldPhotoRequired, field_note_required: DEFAULT_SHIFT.fieldNoteRequired };
    if (req.kind === 'field') {
      if (!shift.field_allowed) throw new DomainError(ErrorCode.AttendanceFieldNotAllowed, '您所在的考勤组不允许外勤打卡');
      if (shift.field_photo_required && !req.photoId) throw new DomainError(ErrorCode.ValidationFailed, '外勤打卡需要拍照', [{ path: 'photoId', message: '请拍照' }]);
      if (shift.field_note_required && !req.note?.trim()) throw new DomainError(ErrorCode.ValidationFailed, '外勤打卡需要填写事由', [{ path: 'note', message: '请填写外勤事由' }]);
    }
    if (req.kind === 'spot') {
      if (!req.spotCheckId) throw new DomainError(ErrorCode.ValidationFailed, '抽查打卡需要抽查 id', [{ path: 'spotCheckId', message: '缺少抽查 id' }]);
      places = await this.spotChecks.placesToAnswer(req.spotCheckId, me, places, ctx.existing !== null, madeAt);
    } else if (req.kind === 'meeting') {
      if (!req.noticeId) throw new DomainError(ErrorCode.ValidationFailed, '会议签到需要会议通知 id', [{ path: 'noticeId', message: '缺少通知 id' }]);
      places = [await this.meetings.placeToSignIn(req.noticeId, me, now)];
    }

    const previous: PriorFix | null = ctx.previous
      ? { latitude: ctx.previous.latitude, longitude: ctx.previous.longitude, accuracy: ctx.previous.accuracy, madeAt: new Date(ctx.previous.made_at) }
      : null;
    const result = judge({
      kind: req.kind,
      latitude: gcj.lat,
      longitude: gcj.lng,
      accuracy: req.accuracy,
      bssid,
      mockLocation: req.mockLocation ?? null,
      places,
      madeAt,
      skewSeconds,
      offlineSeconds,
      previous,
      photo: photo ? { takenAt: photo.takenAt ? new Date(photo.takenAt) : null, latitude: photo.latitude, longitude: photo.longitude } : null,
      replayMismatch: ctx.existing !== null,
    });

    const insert = {
      name: 'check-in-insert',
      text: `INSERT INTO check_in (member_id, unit_id, kind, at, made_at, client_at, latitude, longitude, coord_system, gcj_latitude, gcj_longitude, accuracy,
                               bssid, photo_id, note, mock_location, idempotency_key, content_hash, replay_of, verdict, reasons, place_id, distance, spot_check_id, notice_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
         ON CONFLICT (member_id, idempotency_key) WHERE replay_of IS NULL DO NOTHING
         RETURNING id`,
      values: [
          me, ctx.unit_id, req.kind, now, madeAt, clientAt, req.latitude, req.longitude, req.coordSystem, gcj.lat, gcj.lng, req.accuracy,
          bssid, req.photoId ?? null, req.note?.trim() || null, req.mockLocation ?? null, req.idempotencyKey, hash,
          ctx.existing?.id ?? null, result.verdict, JSON.stringify(result.reasons), result.placeId, result.distance, req.spotCheckId ?? null, req.noticeId ?? null,
        ],
    };
    // A fix too poor to judge does not answer a spot check: the person may step outside or join the Wi-Fi and try again.
    const spot = req.kind === 'spot' && !ctx.existing && result.verdict !== 'low_accuracy';
    let id: string | undefined;
    if (!spot) {
      // One statement, so no transaction: the common path is two round trips in all.
      id = (await this.pool.query<{ id: string }>(insert)).rows[0]?.id;
    } else {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        id = (await client.query<{ id: string }>(insert)).rows[0]?.id;
        if (id) await this.spotChecks.answer(client, req.spotCheckId!, me, id, result.verdict, result.reasons);
        await client.query(id ? 'COMMIT' : 'ROLLBACK');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    }
    if (!id) {
      // The same key arrived twice at once: the other request stored it first.
      const { rows: [first] } = await this.pool.query<{ id: string; content_hash: string }>(
        `SELECT id, content_hash FROM check_in WHERE member_id = $1 AND idempotency_key = $2 AND replay_of IS NULL`,
        [me, req.idempotencyKey],
      );
      if (first.content_hash === hash) return { view: { ...(await this.one(first.id)), replayed: true }, created: false };
      return this.checkIn(principal, req);
    }
    if (spot) this.spotChecks.announceAnswer(req.spotCheckId!, me);
    if (offlineSeconds > OFFLINE_NOTE_SECONDS) {
      // It waited on the phone: the day it belongs to (or the day before, for a late check-out) may already be written down.
      const day = chinaDate(madeAt);
      await this.daily.recompute(me, addDays(day, -1), day);
    }
    const place = result.placeId ? places.find((p) => p.id === result.placeId) : undefined;
    const view: CheckInView = {
      id,
      kind: req.kind,
      at: now.toISOString(),
      madeAt: madeAt.toISOString(),
      latitude: req.latitude,
      longitude: req.longitude,
      accuracy: req.accuracy,
      coordSystem: req.coordSystem,
      bssid,
      photoId: req.photoId ?? null,
      note: req.note?.trim() || null,
      verdict: result.verdict,
      reasons: result.reasons,
      place: place ? { id: place.id, name: place.name } : null,
      distance: result.distance,
      spotCheckId: req.spotCheckId ?? null,
      noticeId: req.noticeId ?? null,
    };
    return { view, created: true };
  }

  async one(id: string): Promise<CheckInView> {
    const { rows: [r] } = await this.pool.query<CheckInRow>(`SELECT ${COLUMNS} FROM check_in c WHERE c.id = $1`, [id]);
    return toCheckInView(r);
  }

  /** A member's check-ins between two instants, oldest first. */
  async between(memberId: string, from: Date, to: Date): Promise<CheckInView[]> {
    const { rows } = await this.pool.query<CheckInRow>(
      `SELECT ${COLUMNS} FROM check_in c WHERE c.member_id = $1 AND c.made_at >= $2 AND c.made_at < $3 ORDER BY c.made_at, c.id`,
      [memberId, from, to],
    );
    return rows.map(toCheckInView);
  }

  /**
   * Check-ins newest first: one's own, one member's (in the caller's attendance scope), or a unit's
   * (the unit and its sub-units, in scope). Records outside scope are never listed.
   */
  async list(
    principal: Principal,
    q: { memberId?: string; unitId?: string; from?: string; to?: string; cursor?: string; limit?: number },
  ): Promise<Page<CheckInView>> {
    const limit = q.limit ?? 50;
    const memberId = q.memberId ?? (q.unitId ? undefined : principal.memberId);
    const params: unknown[] = [];
    const where: string[] = [];
    if (memberId) {
      if (memberId !== principal.memberId) await this.scope.assertMember(principal, 'attendance.read', memberId, 'read');
      params.push(memberId);
      where.push(`c.member_id = $${params.length}`);
    }
    if (q.unitId) {
      await this.scope.assertUnit(principal, 'attendance.read', q.unitId, 'read');
      params.push(q.unitId);
      where.push(`c.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $${params.length})`);
    }
    if (memberId !== principal.memberId) {
      const f = this.scope.filter(principal, 'attendance.read', 'c.unit_id', params.length + 1);
      params.push(...f.params);
      where.push(f.sql);
    }
    // A unit's list covers the last 31 days unless told otherwise: a county's whole history is not one sort.
    const from = q.from ?? (q.unitId ? new Date(Date.now() - 31 * 86_400_000).toISOString() : undefined);
    if (from) {
      params.push(new Date(from));
      where.push(`c.made_at >= $${params.length}`);
    }
    if (q.to) {
      params.push(new Date(q.to));
      where.push(`c.made_at < $${params.length}`);
    }
    if (q.cursor) {
      params.push(...decodeTimeIdCursor(q.cursor));
      where.push(`(c.made_at, c.id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(limit + 1);
    const { rows } = await this.pool.query<CheckInRow>(
      `SELECT ${COLUMNS} FROM check_in c WHERE ${where.join(' AND ')} ORDER BY c.made_at DESC, c.id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit).map(toCheckInView);
    const last = rows.length > limit ? rows[limit - 1] : null;
    return { items, nextCursor: last ? encodeCursor([last.made_at.toISOString(), last.id]) : null };
  }
}
