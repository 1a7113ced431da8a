import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ErrorCode,
  LiveEventType,
  PASSING_VERDICTS,
  SpotTargetStatus,
  type Page,
  type SpotCheckListItem,
  type SpotCheckRequest,
  type SpotCheckUpdateEvent,
  type SpotCheckView,
  type SpotDemandView,
  type SpotTargetView,
  type Verdict,
  type VerdictReason,
} from '@lianxin/shared';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Principal } from '../common/decorators.js';
import { encodeCursor } from '../common/cursor.js';
import { decodeTimeIdCursor } from './domain/time-id-cursor.js';
import { DomainError } from '../common/domain-error.js';
import { PG_POOL } from '../database/database.module.js';
import { DingService } from '../ding/ding.service.js';
import { EventsService } from '../events/events.service.js';
import { JobsService } from '../jobs/jobs.service.js';
import { ScopeService } from '../org/scope.service.js';
import { addDays, chinaClock, chinaDate, weekStart } from './domain/china-time.js';
import { newSeed, seededSample } from './domain/sample.js';
import type { FencePlace } from './domain/verdict.js';
import { toFence } from './rules.service.js';

export const SPOT_DEADLINE_QUEUE = 'attendance.spot-deadline';

const emptyCounts = (): Record<SpotTargetStatus, number> =>
  Object.fromEntries(Object.values(SpotTargetStatus).map((s) => [s, 0])) as Record<SpotTargetStatus, number>;

const notFound = () => new DomainError(ErrorCode.SpotCheckNotFound, '抽查不存在或不在您的管辖范围内');

interface SpotRow {
  id: string;
  created_by: string;
  creator_name: string;
  creator_title: string | null;
  reason: string;
  created_at: Date;
  deadline: Date;
  window_minutes: number;
  place_id: string | null;
  place_name: string | null;
  place_latitude: number | null;
  place_longitude: number | null;
  place_radius: number | null;
  place_bssids: string[] | null;
  channels: SpotCheckView['channels'];
  sample_size: number | null;
  seed: string;
  population: string[];
  skipped_over_cap: number;
}

const SPOT_COLUMNS = `s.id, s.created_by, cm.name AS creator_name, cm.title AS creator_title, s.reason, s.created_at, s.deadline, s.window_minutes,
  s.place_id, p.name AS place_name, p.latitude AS place_latitude, p.longitude AS place_longitude, p.radius AS place_radius, p.bssids AS place_bssids, s.channels, s.sample_size, s.seed, s.population, s.skipped_over_cap`;
function demandPlace(s: SpotRow): SpotDemandView['place'] {
  if (!s.place_id) return null;
  return { id: s.place_id, name: s.place_name ?? '', latitude: s.place_latitude!, longitude: s.place_longitude!, radius: s.place_radius!, bssids: s.place_bssids ?? [] };
}

const SPOT_FROM = `spot_check s JOIN member cm ON cm.id = s.created_by LEFT JOIN attendance_place p ON p.id = s.place_id`;

/**
 * Spot checks (抽查): a supervisor names units and people in scope and a reason; everyone, or a
 * sample drawn with a stored seed, must check in within the window where they should be. Each
 * target moves out of pending exactly once — by their answer, or by the deadline job — and the
 * supervisor watches it live.
 */
@Injectable()
export class SpotChecksService implements OnApplicationBootstrap {
  private readonly logger = new Logger('SpotChecks');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly scope: ScopeService,
    private readonly dings: DingService,
    private readonly events: EventsService,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.worker<{ spotCheckId: string }>(SPOT_DEADLINE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => this.expire(job.data.spotCheckId));
  }

  async create(principal: Principal, req: SpotCheckRequest): Promise<SpotCheckView> {
    const units = req.units ?? [];
    const members = [...new Set(req.members ?? [])];
    if (units.length + members.length === 0) {
      throw new DomainError(ErrorCode.ValidationFailed, '请选择抽查范围：单位或人员', [{ path: 'units', message: '抽查范围为空' }]);
    }
    if (!(await this.scope.allowsUnits(principal, 'attendance.spotcheck', units.map((u) => u.unitId)))) {
      throw new DomainError(ErrorCode.Forbidden, '抽查范围中有单位不在您的督查范围内');
    }
    if (members.length > 0) {
      const f = this.scope.filter(principal, 'attendance.spotcheck', 'ms.unit_id', 2);
      const { rows: [{ n }] } = await this.pool.query<{ n: number }>(
        `SELECT count(DISTINCT ms.member_id)::int AS n FROM membership ms WHERE ms.member_id = ANY($1::uuid[]) AND ${f.sql}`,
        [members, ...f.params],
      );
      if (n < members.length) throw new DomainError(ErrorCode.Forbidden, `有 ${members.length - n} 人不存在或不在您的督查范围内`);
    }
    if (req.placeId) {
      const f = this.scope.filter(principal, 'org.read', 'unit_id', 2);
      const { rows } = await this.pool.query(`SELECT 1 FROM attendance_place WHERE id = $1 AND active AND ${f.sql}`, [req.placeId, ...f.params]);
      if (rows.length === 0) throw new DomainError(ErrorCode.ValidationFailed, '指定的考勤地点不存在', [{ path: 'placeId', message: '找不到这个地点' }]);
    }
    const channels = [...new Set((req.channels ?? []).filter((c) => c !== 'app'))];
    for (const c of channels) this.dings.assertConfigured(c);

    const now = new Date();
    const cap = this.config.attendance.spotChecksPerWeek;
    // Everyone in the named units (with sub-units when asked) and the named people, active, not the supervisor,
    // less those already checked `cap` times this week.
    const { rows: pool } = await this.pool.query<{ id: string; capped: boolean }>(
      `WITH named AS (
         SELECT ms.member_id FROM unnest($1::uuid[], $2::boolean[]) AS t(unit_id, sub)
           JOIN unit_closure c ON c.ancestor_id = t.unit_id AND (t.sub OR c.depth = 0)
           JOIN membership ms ON ms.unit_id = c.descendant_id
         UNION SELECT unnest($3::uuid[])
       )
       SELECT m.id, (SELECT count(*) FROM spot_check_target t WHERE t.member_id = m.id AND t.created_at >= $5 AND t.status <> 'excused') >= $6 AS capped
         FROM member m WHERE m.id IN (SELECT member_id FROM named) AND m.status = 'active' AND m.id <> $4
          AND NOT EXISTS (SELECT 1 FROM role_grant h WHERE h.member_id = m.id AND h.role = 'helper')
        ORDER BY m.id`,
      [units.map((u) => u.unitId), units.map((u) => u.includeSubUnits), members, principal.memberId, new Date(`${weekStart(now)}T00:00:00+08:00`), cap],
    );
    const population = pool.filter((p) => !p.capped).map((p) => p.id);
    const skippedOverCap = pool.length - population.length;
    if (population.length === 0) {
      throw new DomainError(ErrorCode.SpotCheckNobody, skippedOverCap > 0 ? `范围内的人本周都已被抽查 ${cap} 次，不能再抽查` : '范围内没有可抽查的在职人员');
    }
    const seed = req.seed ?? newSeed();
    const chosen = req.sampleSize ? seededSample(population, req.sampleSize, seed, (id) => id) : population;
    const windowMinutes = req.windowMinutes ?? 10;
    const deadline = new Date(now.getTime() + windowMinutes * this.config.attendance.spotCheckMinuteMs);

    const id = await this.ds.transaction(async (tx) => {
      const [s] = await tx.query<{ id: string }[]>(
        `INSERT INTO spot_check (created_by, reason, scope, sample_size, seed, population, skipped_over_cap, window_minutes, deadline, place_id, channels)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [principal.memberId, req.reason, { units, members }, req.sampleSize ?? null, seed, population, skippedOverCap, windowMinutes, deadline, req.placeId ?? null, channels],
      );
      // Excused: on approved leave today, or already out on field duty today (the supervisor sees which).
      const today = chinaDate(now);
      await tx.query(
        `INSERT INTO spot_check_target (spot_check_id, member_id, unit_id, status, excuse)
         SELECT $1, m.id, (SELECT unit_id FROM membership WHERE member_id = m.id AND is_primary),
                CASE WHEN lv.id IS NOT NULL OR fd.id IS NOT NULL THEN 'excused' ELSE 'pending' END,
                CASE WHEN lv.id IS NOT NULL THEN '今天请假（' || to_char(lv.date, 'MM-DD') || ' 至 ' || to_char(lv.end_date, 'MM-DD') || '）：' || lv.reason
                     WHEN fd.id IS NOT NULL THEN '今天外勤（' || to_char(fd.made_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI') || ' 打卡）' || coalesce('：' || fd.note, '') END
           FROM unnest($2::uuid[]) AS m(id)
           LEFT JOIN LATERAL (SELECT r.id, r.date, r.end_date, r.reason FROM attendance_request r
                               WHERE r.member_id = m.id AND r.kind = 'leave' AND r.status = 'approved' AND $3::date BETWEEN r.date AND r.end_date LIMIT 1) lv ON true
           LEFT JOIN LATERAL (SELECT c.id, c.made_at, c.note FROM check_in c
                               WHERE c.member_id = m.id AND c.kind = 'field' AND c.verdict = 'field' AND c.made_at >= $4 AND c.made_at < $5
                               ORDER BY c.made_at DESC LIMIT 1) fd ON true`,
        [s.id, chosen, today, new Date(`${today}T00:00:00+08:00`), new Date(`${addDays(today, 1)}T00:00:00+08:00`)],
      );
      const pending = (await tx.query<{ member_id: string }[]>(`SELECT member_id FROM spot_check_target WHERE spot_check_id = $1 AND status = 'pending'`, [s.id])).map(
        (r) => r.member_id,
      );
      await this.jobs.boss.send(SPOT_DEADLINE_QUEUE, { spotCheckId: s.id }, { startAfter: deadline, singletonKey: s.id, retryLimit: 10, ...this.jobs.within(tx) });
      // In the transaction's own connection: the embedded database's pool has one, which the transaction holds.
      const [by] = await tx.query<{ name: string }[]>(`SELECT name FROM member WHERE id = $1`, [principal.memberId]);
      for (const channel of channels) {
        if (pending.length === 0) break;
        await this.dings.createDirect(tx, {
          senderId: principal.memberId,
          channel,
          purpose: 'spotcheck',
          title: '抽查打卡',
          text: `${by.name}发起抽查：请在 ${chinaClock(deadline)} 前打卡。原因：${req.reason}`,
          url: `/attendance?spotCheckId=${s.id}`,
          memberIds: pending,
        });
      }
      return s.id;
    });
    this.logger.log({ spotCheckId: id, targets: chosen.length, population: population.length }, 'spot check started');
    void this.demand(id).catch((err) => this.logger.error({ err, spotCheckId: id }, 'could not push spot-check demands'));
    return this.get(principal, id);
  }

  /** Pushes the demand to every pending target's open pages (the full-screen banner). */
  private async demand(spotCheckId: string): Promise<void> {
    const { rows } = await this.pool.query<{ member_id: string }>(`SELECT member_id FROM spot_check_target WHERE spot_check_id = $1 AND status = 'pending'`, [spotCheckId]);
    const s = await this.row(spotCheckId);
    const data: SpotDemandView = {
      spotCheckId,
      by: { id: s.created_by, name: s.creator_name, title: s.creator_title },
      reason: s.reason,
      deadline: s.deadline.toISOString(),
      place: demandPlace(s),
      status: 'pending',
      serverTime: new Date().toISOString(),
    };
    await this.events.publish(rows.map((r) => r.member_id), { type: LiveEventType.SpotCheckDemand, data });
  }

  private async row(id: string): Promise<SpotRow> {
    const { rows: [s] } = await this.pool.query<SpotRow>(`SELECT ${SPOT_COLUMNS} FROM ${SPOT_FROM} WHERE s.id = $1`, [id]);
    if (!s) throw notFound();
    return s;
  }

  /**
   * Where a target must be to pass: the named place, or their own. Refuses when they are not a
   * pending target or the window has closed; a replay of an earlier answer is let through (it is
   * judged suspicious and changes nothing).
   */
  async placesToAnswer(spotCheckId: string, memberId: string, own: FencePlace[], replay: boolean, madeAt: Date): Promise<FencePlace[]> {
    const { rows: [t] } = await this.pool.query<{ status: SpotTargetStatus; deadline: Date; place_id: string | null; created_at: Date }>(
      `SELECT t.status, s.deadline, s.place_id, s.created_at FROM spot_check_target t JOIN spot_check s ON s.id = t.spot_check_id WHERE t.spot_check_id = $1 AND t.member_id = $2`,
      [spotCheckId, memberId],
    );
    if (!t) throw notFound();
    if (!replay) {
      if (t.status !== 'pending') throw new DomainError(ErrorCode.SpotCheckClosed, t.status === 'no_response' ? '抽查已截止，未能在时限内打卡' : '这次抽查您已经回应过了');
      if (t.deadline.getTime() < Date.now()) throw new DomainError(ErrorCode.SpotCheckClosed, `抽查已于 ${chinaClock(t.deadline)} 截止`);
      // An answer is made after the demand: a check-in kept offline from before it cannot answer it.
      if (madeAt.getTime() < t.created_at.getTime() - 60_000) {
        throw new DomainError(ErrorCode.SpotCheckClosed, `这次打卡是 ${chinaClock(madeAt)} 做的，早于 ${chinaClock(t.created_at)} 发起的抽查，请重新打卡`);
      }
    }
    if (!t.place_id) return own;
    const { rows: [p] } = await this.pool.query(`SELECT id, name, latitude, longitude, radius, bssids FROM attendance_place WHERE id = $1`, [t.place_id]);
    return [toFence(p)];
  }

  /** Records the answer in the check-in's transaction; exactly once, and only before the deadline. */
  async answer(client: pg.PoolClient, spotCheckId: string, memberId: string, checkInId: string, verdict: Verdict, reasons: VerdictReason[]): Promise<void> {
    const passed = PASSING_VERDICTS.includes(verdict);
    const { rowCount } = await client.query(
      `UPDATE spot_check_target t SET status = $4, reasons = $5, check_in_id = $3, answered_at = now()
         FROM spot_check s
        WHERE t.spot_check_id = $1 AND t.member_id = $2 AND s.id = t.spot_check_id AND t.status = 'pending' AND s.deadline >= now()`,
      [spotCheckId, memberId, checkInId, passed ? 'passed' : 'failed', JSON.stringify(passed ? [] : reasons.filter((r) => r.code !== 'offline'))],
    );
    if (rowCount === 0) throw new DomainError(ErrorCode.SpotCheckClosed, '抽查已截止或已回应');
  }

  /** Tells the supervisor one target changed, with the new counts. */
  announceAnswer(spotCheckId: string, memberId: string): void {
    void this.announce(spotCheckId, [memberId]).catch((err) => this.logger.error({ err, spotCheckId }, 'could not announce a spot-check answer'));
  }

  private async announce(spotCheckId: string, memberIds: string[]): Promise<void> {
    const { rows } = await this.pool.query<{ created_by: string; member_id: string; status: SpotTargetStatus }>(
      `SELECT s.created_by, t.member_id, t.status FROM spot_check s JOIN spot_check_target t ON t.spot_check_id = s.id WHERE s.id = $1`,
      [spotCheckId],
    );
    if (rows.length === 0) return;
    const counts = emptyCounts();
    for (const r of rows) counts[r.status]++;
    const changed = new Set(memberIds);
    for (const r of rows.filter((x) => changed.has(x.member_id))) {
      const data: SpotCheckUpdateEvent = { spotCheckId, memberId: r.member_id, status: r.status, counts };
      await this.events.publish([r.created_by], { type: LiveEventType.SpotCheckUpdate, data });
    }
  }

  /** The deadline: whoever is still pending did not respond. A conditional update, so it happens once whoever runs it. */
  async expire(spotCheckId: string): Promise<number> {
    const { rows } = await this.pool.query<{ member_id: string }>(
      `UPDATE spot_check_target t SET status = 'no_response', answered_at = s.deadline
         FROM spot_check s
        WHERE t.spot_check_id = $1 AND s.id = t.spot_check_id AND t.status = 'pending' AND s.deadline <= now()
        RETURNING t.member_id`,
      [spotCheckId],
    );
    if (rows.length > 0) {
      this.logger.log({ spotCheckId, noResponse: rows.length }, 'spot check closed');
      await this.announce(spotCheckId, rows.map((r) => r.member_id));
    }
    return rows.length;
  }

  /**
   * A spot check with its targets: all of them for the supervisor who started it; for others with
   * attendance scope, the targets in their scope (404 when none is).
   */
  async get(principal: Principal, id: string): Promise<SpotCheckView> {
    const s = await this.row(id);
    const mine = s.created_by === principal.memberId;
    const f = this.scope.filter(principal, 'attendance.read', 't.unit_id', 2);
    const { rows } = await this.pool.query<{
      member_id: string;
      name: string;
      phone: string;
      unit_id: string | null;
      unit_name: string | null;
      status: SpotTargetStatus;
      reasons: VerdictReason[];
      excuse: string | null;
      check_in_id: string | null;
      ci_at: Date | null;
      verdict: Verdict | null;
      distance: number | null;
      answered_at: Date | null;
    }>(
      `SELECT t.member_id, m.name, m.phone, t.unit_id, u.name AS unit_name, t.status, t.reasons, t.excuse, t.check_in_id,
              c.at AS ci_at, c.verdict, c.distance, t.answered_at
         FROM spot_check_target t JOIN member m ON m.id = t.member_id LEFT JOIN unit u ON u.id = t.unit_id LEFT JOIN check_in c ON c.id = t.check_in_id
        WHERE t.spot_check_id = $1 ${mine ? '' : `AND ${f.sql}`}
        ORDER BY CASE t.status WHEN 'failed' THEN 0 WHEN 'no_response' THEN 1 WHEN 'pending' THEN 2 WHEN 'excused' THEN 3 ELSE 4 END, m.name`,
      mine ? [id] : [id, ...f.params],
    );
    if (!mine && rows.length === 0) throw notFound();
    const counts = emptyCounts();
    const targets: SpotTargetView[] = rows.map((r) => {
      counts[r.status]++;
      return {
        member: { id: r.member_id, name: r.name, phone: r.phone },
        unit: r.unit_id ? { id: r.unit_id, name: r.unit_name ?? '' } : null,
        status: r.status,
        reasons: r.reasons,
        excuse: r.excuse,
        checkIn: r.check_in_id ? { id: r.check_in_id, at: r.ci_at!.toISOString(), verdict: r.verdict!, distance: r.distance } : null,
        answeredAt: r.answered_at?.toISOString() ?? null,
      };
    });
    return {
      id: s.id,
      reason: s.reason,
      createdBy: { id: s.created_by, name: s.creator_name },
      createdAt: s.created_at.toISOString(),
      deadline: s.deadline.toISOString(),
      windowMinutes: s.window_minutes,
      place: s.place_id ? { id: s.place_id, name: s.place_name ?? '' } : null,
      channels: s.channels,
      sampleSize: s.sample_size,
      seed: s.seed,
      populationSize: s.population.length,
      skippedOverCap: s.skipped_over_cap,
      counts,
      targets,
    };
  }

  /** Redoes the draw from the stored population and seed: anyone who may read the spot check can check it. */
  async draw(principal: Principal, id: string): Promise<{ seed: string; populationSize: number; sampleSize: number | null; drawn: string[]; matches: boolean }> {
    const view = await this.get(principal, id);
    const s = await this.row(id);
    const drawn = s.sample_size ? seededSample(s.population, s.sample_size, s.seed, (m) => m) : [...s.population];
    const { rows } = await this.pool.query<{ member_id: string }>(`SELECT member_id FROM spot_check_target WHERE spot_check_id = $1`, [id]);
    const stored = new Set(rows.map((r) => r.member_id));
    const matches = drawn.length === stored.size && drawn.every((m) => stored.has(m));
    return { seed: view.seed, populationSize: s.population.length, sampleSize: s.sample_size, drawn: [...drawn].sort(), matches };
  }

  /** Spot checks I started, newest first. */
  async list(principal: Principal, cursor?: string, limit = 20): Promise<Page<SpotCheckListItem>> {
    const params: unknown[] = [principal.memberId, limit + 1];
    let after = '';
    if (cursor) {
      const [at, cid] = decodeTimeIdCursor(cursor);
      params.push(at, cid);
      after = `AND (s.created_at, s.id) < ($3, $4)`;
    }
    const { rows } = await this.pool.query<SpotRow & { counts: Record<SpotTargetStatus, number> | null; total: number }>(
      `SELECT ${SPOT_COLUMNS},
              (SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM spot_check_target WHERE spot_check_id = s.id GROUP BY status) x) AS counts,
              (SELECT count(*)::int FROM spot_check_target WHERE spot_check_id = s.id) AS total
         FROM ${SPOT_FROM} WHERE s.created_by = $1 ${after} ORDER BY s.created_at DESC, s.id DESC LIMIT $2`,
      params,
    );
    const items = rows.slice(0, limit).map((r) => ({
      id: r.id,
      reason: r.reason,
      createdBy: { id: r.created_by, name: r.creator_name },
      createdAt: r.created_at.toISOString(),
      deadline: r.deadline.toISOString(),
      total: r.total,
      counts: { ...emptyCounts(), ...(r.counts ?? {}) },
    }));
    const last = rows.length > limit ? rows[limit - 1] : null;
    return { items, nextCursor: last ? encodeCursor([last.created_at.toISOString(), last.id]) : null };
  }

  /** Spot checks waiting for my answer: who checked, why, by when. */
  async mine(principal: Principal): Promise<SpotDemandView[]> {
    const { rows } = await this.pool.query<SpotRow & { status: SpotTargetStatus }>(
      `SELECT ${SPOT_COLUMNS}, t.status FROM spot_check_target t JOIN ${SPOT_FROM} ON s.id = t.spot_check_id
        WHERE t.member_id = $1 AND t.status = 'pending' AND s.deadline > now() ORDER BY s.deadline`,
      [principal.memberId],
    );
    return rows.map((s) => ({
      spotCheckId: s.id,
      by: { id: s.created_by, name: s.creator_name, title: s.creator_title },
      reason: s.reason,
      deadline: s.deadline.toISOString(),
      place: demandPlace(s),
      status: s.status,
      serverTime: new Date().toISOString(),
    }));
  }
}
