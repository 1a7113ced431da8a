import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, MemberStatus, type CreateMemberRequest, type MemberCardView, type MemberUnitInput, type RoleGrantInput, type UpdateMemberRequest } from '@lianxin/shared';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import type { Principal } from '../common/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { hashPassword } from '../identity/password.js';
import { nameKeys } from './domain/pinyin.js';
import { MemberDirectoryService } from './member-directory.service.js';
import { ScopeService } from './scope.service.js';
import { SUPERVISOR_CHAIN_SQL } from './supervisor.sql.js';

/** Adding and changing members. Members are never deleted: disabling keeps their history attributable. */
@Injectable()
export class MemberAdminService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: ScopeService,
    private readonly directory: MemberDirectoryService,
  ) {}

  async create(principal: Principal, req: CreateMemberRequest): Promise<MemberCardView> {
    const units = normaliseUnits(req.units);
    await this.assertWritableUnits(principal, [...units.map((u) => u.unitId), ...(req.roles ?? []).map((r) => r.unitId)]);
    if (req.supervisorId) await this.scope.assertMember(principal, 'org.read', req.supervisorId, 'read');
    const hash = req.password ? await hashPassword(req.password) : null;
    const id = await this.write(async (tx) => {
      const keys = nameKeys(req.name);
      const [m] = await tx.query<{ id: string }[]>(
        `INSERT INTO member (name, phone, title, password_hash, dingtalk_user_id, supervisor_id, name_initials, name_pinyin)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [req.name, req.phone, req.title || null, hash, req.dingtalkUserId || null, req.supervisorId ?? null, keys.initials, keys.pinyin],
      );
      await setUnits(tx, m.id, units);
      await setRoles(tx, m.id, req.roles ?? []);
      return m.id;
    });
    return this.directory.card(id);
  }

  /**
   * Changes a member the caller administers in every unit they sit in. `units` and `roles`, when
   * given, replace the current ones; grants at units outside the caller's reach cannot be touched.
   * Write scope over the member is the route's (InScope).
   */
  async update(principal: Principal, memberId: string, req: UpdateMemberRequest): Promise<MemberCardView> {
    const self = memberId === principal.memberId;
    if (self && req.status === MemberStatus.Disabled) throw new DomainError(ErrorCode.Conflict, '不能停用自己的账号');
    if (self && req.roles) throw new DomainError(ErrorCode.Conflict, '不能修改自己的角色，请让其他管理员操作');
    if (req.supervisorId === memberId) throw new DomainError(ErrorCode.OrgSupervisorCycle, '不能把成员设为自己的上级');
    const units = req.units ? normaliseUnits(req.units) : null;
    await this.assertWritableUnits(principal, [...(units ?? []).map((u) => u.unitId), ...(req.roles ?? []).map((r) => r.unitId)]);
    if (req.roles) await this.assertCurrentRolesWritable(principal, memberId);
    if (req.supervisorId) await this.scope.assertMember(principal, 'org.read', req.supervisorId, 'read');
    const hash = req.password ? await hashPassword(req.password) : null;
    await this.write(async (tx) => {
      await tx.query(`SELECT 1 FROM member WHERE id = $1 FOR UPDATE`, [memberId]);
      const sets: string[] = [];
      const args: unknown[] = [memberId];
      const set = (column: string, value: unknown) => {
        args.push(value);
        sets.push(`${column} = $${args.length}`);
      };
      if (req.name !== undefined) {
        const keys = nameKeys(req.name);
        set('name', req.name);
        set('name_initials', keys.initials);
        set('name_pinyin', keys.pinyin);
      }
      if (req.phone !== undefined) set('phone', req.phone);
      if (req.title !== undefined) set('title', req.title || null);
      if (hash) set('password_hash', hash);
      if (req.dingtalkUserId !== undefined) set('dingtalk_user_id', req.dingtalkUserId || null);
      if (req.supervisorId !== undefined) set('supervisor_id', req.supervisorId);
      if (req.status !== undefined) set('status', req.status);
      if (sets.length) await tx.query(`UPDATE member SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, args);
      if (units) {
        await tx.query(`DELETE FROM membership WHERE member_id = $1`, [memberId]);
        await setUnits(tx, memberId, units);
      }
      if (req.roles) {
        await tx.query(`DELETE FROM role_grant WHERE member_id = $1`, [memberId]);
        await setRoles(tx, memberId, req.roles);
      }
      // The new supervisor's own chain (explicit links and unit heads, as changed above) must not lead back here.
      if (req.supervisorId) {
        const chain = await tx.query<{ member_id: string }[]>(SUPERVISOR_CHAIN_SQL, [req.supervisorId]);
        if (chain.some((r) => r.member_id === memberId)) {
          throw new DomainError(ErrorCode.OrgSupervisorCycle, '上级设置会形成循环：所选上级的上级链中已包含该成员');
        }
      }
    });
    return this.directory.card(memberId);
  }

  private async assertWritableUnits(principal: Principal, unitIds: string[]): Promise<void> {
    for (const id of new Set(unitIds)) await this.scope.assertUnit(principal, 'org.write', id, 'write');
  }

  /** Replacing roles also removes the current ones, so each current grant must be within reach too. */
  private async assertCurrentRolesWritable(principal: Principal, memberId: string): Promise<void> {
    const current = await this.ds.query<{ unit_id: string }[]>(`SELECT DISTINCT unit_id FROM role_grant WHERE member_id = $1`, [memberId]);
    if (!(await this.scope.allowsUnits(principal, 'org.write', current.map((r) => r.unit_id)))) {
      throw new DomainError(ErrorCode.Forbidden, '该成员在您管辖范围外的单位还有角色，您不能替换其角色');
    }
  }

  /** Runs a write in a transaction and turns unique-key clashes into answers a person can act on. */
  private async write<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.ds.transaction(fn);
    } catch (e) {
      const constraint = e instanceof QueryFailedError ? (e.driverError as { constraint?: string }).constraint : undefined;
      if (constraint === 'ux_member_phone') throw new DomainError(ErrorCode.OrgPhoneTaken, '该手机号已被其他成员使用');
      if (constraint === 'ux_member_dingtalk_user_id') throw new DomainError(ErrorCode.OrgDingTalkIdTaken, '该钉钉 userid 已关联其他成员');
      throw e;
    }
  }
}

/** One entry per unit; exactly one primary (the first when none is marked). */
function normaliseUnits(units: MemberUnitInput[]): Required<MemberUnitInput>[] {
  const seen = new Set<string>();
  for (const u of units) {
    if (seen.has(u.unitId)) throw new DomainError(ErrorCode.ValidationFailed, '同一单位不能重复填写', [{ path: 'units', message: '单位重复' }]);
    seen.add(u.unitId);
  }
  const primaries = units.filter((u) => u.isPrimary).length;
  if (primaries > 1) throw new DomainError(ErrorCode.ValidationFailed, '只能有一个主单位', [{ path: 'units', message: '只能有一个主单位' }]);
  return units.map((u, i) => ({ unitId: u.unitId, isHead: !!u.isHead, isPrimary: primaries ? !!u.isPrimary : i === 0 }));
}

async function setUnits(tx: EntityManager, memberId: string, units: Required<MemberUnitInput>[]): Promise<void> {
  await tx.query(
    `INSERT INTO membership (member_id, unit_id, is_head, is_primary)
     SELECT $1, u, h, p FROM unnest($2::uuid[], $3::boolean[], $4::boolean[]) AS t(u, h, p)`,
    [memberId, units.map((u) => u.unitId), units.map((u) => u.isHead), units.map((u) => u.isPrimary)],
  );
}

async function setRoles(tx: EntityManager, memberId: string, roles: RoleGrantInput[]): Promise<void> {
  if (roles.length === 0) return;
  await tx.query(
    `INSERT INTO role_grant (member_id, unit_id, role)
     SELECT $1, u, r FROM unnest($2::uuid[], $3::text[]) AS t(u, r) ON CONFLICT DO NOTHING`,
    [memberId, roles.map((r) => r.unitId), roles.map((r) => r.role)],
  );
}
