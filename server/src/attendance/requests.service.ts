import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type AttendanceRequestInput, type AttendanceRequestView, type DecideRequestInput, type Page, type RequestStatus } from '@lianxin/shared';
import type pg from 'pg';
import type { Principal } from '../common/decorators.js';
import { encodeCursor } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import { PG_POOL } from '../database/database.module.js';
import { ScopeService } from '../org/scope.service.js';
import { DailyService } from './daily.service.js';
import { addDays, chinaDate, chinaInstant } from './domain/china-time.js';
import { AttendanceRulesService } from './rules.service.js';
import { decodeTimeIdCursor } from './domain/time-id-cursor.js';

/** How far back a 补卡 may reach, and the longest single leave request. */
const CORRECTION_MAX_AGE_DAYS = 31;
const LEAVE_MAX_DAYS = 60;

interface RequestRow {
  id: string;
  member_id: string;
  member_name: string;
  kind: AttendanceRequestView['kind'];
  date: string;
  end_date: string;
  corrected_at: Date | null;
  reason: string;
  status: RequestStatus;
  decided_by: string | null;
  decider_name: string | null;
  decided_at: Date | null;
  comment: string | null;
  created_at: Date;
}

const COLUMNS = `r.id, r.member_id, m.name AS member_name, r.kind, to_char(r.date, 'YYYY-MM-DD') AS date, to_char(r.end_date, 'YYYY-MM-DD') AS end_date,
  r.corrected_at, r.reason, r.status, r.decided_by, d.name AS decider_name, r.decided_at, r.comment, r.created_at`;
const FROM = `attendance_request r JOIN member m ON m.id = r.member_id LEFT JOIN member d ON d.id = r.decided_by`;

function toView(r: RequestRow): AttendanceRequestView {
  return {
    id: r.id,
    kind: r.kind,
    member: { id: r.member_id, name: r.member_name },
    date: r.date,
    endDate: r.end_date,
    time: r.corrected_at ? new Date(r.corrected_at.getTime() + 8 * 3_600_000).toISOString().slice(11, 16) : null,
    reason: r.reason,
    status: r.status,
    decidedBy: r.decided_by ? { id: r.decided_by, name: r.decider_name ?? '' } : null,
    decidedAt: r.decided_at?.toISOString() ?? null,
    comment: r.comment,
    createdAt: r.created_at.toISOString(),
  };
}

/**
 * 补卡 and leave requests. A supervisor with approval scope over the member decides them here
 * (approval flows take this over); an approved one changes the days it covers, the check-ins
 * themselves stay as they were.
 */
@Injectable()
export class AttendanceRequestsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly scope: ScopeService,
    private readonly rules: AttendanceRulesService,
    private readonly daily: DailyService,
  ) {}

  async create(principal: Principal, req: AttendanceRequestInput): Promise<AttendanceRequestView> {
    const me = principal.memberId;
    const today = chinaDate(new Date());
    const endDate = req.endDate ?? req.date;
    let correctedAt: Date | null = null;
    if (req.kind === 'correction') {
      if (!req.time) throw new DomainError(ErrorCode.ValidationFailed, '补卡请填写时间', [{ path: 'time', message: '如 08:30' }]);
      if (req.date > today) throw new DomainError(ErrorCode.ValidationFailed, '不能为以后的日子补卡', [{ path: 'date', message: '日期在今天之后' }]);
      if (req.date < addDays(today, -CORRECTION_MAX_AGE_DAYS)) {
        throw new DomainError(ErrorCode.ValidationFailed, `只能补 ${CORRECTION_MAX_AGE_DAYS} 天内的卡`, [{ path: 'date', message: '太久以前' }]);
      }
      correctedAt = chinaInstant(req.date, req.time);
      if (correctedAt.getTime() > Date.now()) throw new DomainError(ErrorCode.ValidationFailed, '补卡时间不能晚于现在', [{ path: 'time', message: '晚于现在' }]);
      const [shift] = [...(await this.rules.shiftsOf([me])).values()];
      const { rows: [{ used }] } = await this.pool.query<{ used: number }>(
        `SELECT count(*)::int AS used FROM attendance_request WHERE member_id = $1 AND kind = 'correction' AND status IN ('pending', 'approved')
            AND date_trunc('month', date) = date_trunc('month', $2::date)`,
        [me, req.date],
      );
      if (used >= shift.correctionsPerMonth) {
        throw new DomainError(ErrorCode.AttendanceRequestLimit, `本月已申请补卡 ${used} 次，考勤组规定每月最多 ${shift.correctionsPerMonth} 次`);
      }
    } else {
      if (endDate < req.date) throw new DomainError(ErrorCode.ValidationFailed, '结束日期不能早于开始日期', [{ path: 'endDate', message: '早于开始日期' }]);
      if (Date.parse(endDate) - Date.parse(req.date) > (LEAVE_MAX_DAYS - 1) * 86_400_000) {
        throw new DomainError(ErrorCode.ValidationFailed, `一次请假不能超过 ${LEAVE_MAX_DAYS} 天`, [{ path: 'endDate', message: '太长' }]);
      }
    }
    const { rows: [r] } = await this.pool.query<{ id: string }>(
      `INSERT INTO attendance_request (member_id, unit_id, kind, date, end_date, corrected_at, reason)
       VALUES ($1, (SELECT unit_id FROM membership WHERE member_id = $1 AND is_primary), $2, $3, $4, $5, $6) RETURNING id`,
      [me, req.kind, req.date, req.kind === 'correction' ? req.date : endDate, correctedAt, req.reason],
    );
    return this.one(r.id);
  }

  private async one(id: string): Promise<AttendanceRequestView> {
    const { rows: [r] } = await this.pool.query<RequestRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.id = $1`, [id]);
    return toView(r);
  }

  /** Mine (box=mine), or the pending ones I may decide (box=todo), newest first. */
  async list(principal: Principal, box: 'mine' | 'todo', cursor?: string, limit = 30): Promise<Page<AttendanceRequestView>> {
    const params: unknown[] = [principal.memberId];
    let where: string;
    if (box === 'mine') where = 'r.member_id = $1';
    else {
      const f = this.scope.filter(principal, 'attendance.approve', 'r.unit_id', 2);
      params.push(...f.params);
      where = `r.status = 'pending' AND r.member_id <> $1 AND ${f.sql}`;
    }
    if (cursor) {
      params.push(...decodeTimeIdCursor(cursor));
      where += ` AND (r.created_at, r.id) < ($${params.length - 1}, $${params.length})`;
    }
    params.push(limit + 1);
    const { rows } = await this.pool.query<RequestRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${where} ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`, params);
    const last = rows.length > limit ? rows[limit - 1] : null;
    return { items: rows.slice(0, limit).map(toView), nextCursor: last ? encodeCursor([last.created_at.toISOString(), last.id]) : null };
  }

  /**
   * Approve or reject: by someone with approval scope over the member's unit, never one's own.
   * Exactly one decision wins (a conditional update); approved past days are recomputed at once.
   */
  async decide(principal: Principal, id: string, input: DecideRequestInput): Promise<AttendanceRequestView> {
    const { rows: [r] } = await this.pool.query<{ member_id: string; kind: AttendanceRequestView['kind']; status: RequestStatus; date: string; end_date: string }>(
      `SELECT member_id, kind, status, to_char(date, 'YYYY-MM-DD') AS date, to_char(end_date, 'YYYY-MM-DD') AS end_date FROM attendance_request WHERE id = $1`,
      [id],
    );
    if (!r) throw new DomainError(ErrorCode.AttendanceRequestNotFound, '申请不存在');
    if (r.member_id === principal.memberId) throw new DomainError(ErrorCode.Forbidden, '不能审批自己的申请');
    // The same scope as the 待我审批 list: the applicant's primary unit at the time of asking.
    const f = this.scope.filter(principal, 'attendance.approve', 'unit_id', 2);
    const { rows: inScope } = await this.pool.query(`SELECT 1 FROM attendance_request WHERE id = $1 AND ${f.sql}`, [id, ...f.params]);
    if (inScope.length === 0) throw new DomainError(ErrorCode.AttendanceRequestNotFound, '申请不存在或不在您的审批范围内');
    const { rowCount } = await this.pool.query(
      `UPDATE attendance_request SET status = $2, decided_by = $3, decided_at = now(), comment = $4 WHERE id = $1 AND status = 'pending'`,
      [id, input.approve ? 'approved' : 'rejected', principal.memberId, input.comment ?? null],
    );
    if (rowCount === 0) throw new DomainError(ErrorCode.AttendanceRequestDecided, '这个申请已经处理过了');
    // A corrected punch in the small hours (before `date`'s attendance day opens) belongs to the day before: that day is recomputed too.
    if (input.approve) await this.daily.recompute(r.member_id, r.kind === 'correction' ? addDays(r.date, -1) : r.date, r.end_date);
    return this.one(id);
  }
}
