import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../database/database.module.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, type MemberView, type Role, type UnitKind } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { Member } from './member.entity.js';
import { toMemberView, type MemberRow, type MembershipRow, type RoleRow } from './member.mapper.js';

/** The org module's public face for other modules: find members and show them. */
@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  /** The member with this phone and their password hash, for sign-in only. */
  findForLogin(phone: string): Promise<(Member & { passwordHash: string | null }) | null> {
    return this.ds
      .getRepository(Member)
      .createQueryBuilder('m')
      .addSelect('m.passwordHash')
      .where('m.phone = :phone', { phone })
      .getOne() as Promise<(Member & { passwordHash: string | null }) | null>;
  }

  findByDingTalkUserId(userId: string): Promise<Member | null> {
    return this.ds.getRepository(Member).findOneBy({ dingtalkUserId: userId });
  }

  async status(memberId: string): Promise<Member['status'] | null> {
    const row = await this.ds.getRepository(Member).findOne({ where: { id: memberId }, select: { id: true, status: true } });
    return row?.status ?? null;
  }

  /**
   * The full view of one member: units with head/primary flags, and role grants. Runs on every
   * /api/me, so it goes straight to the pg pool (TypeORM's query runner costs ~40% of the rate here).
   */
  async view(memberId: string): Promise<MemberView> {
    const [{ rows: [member] }, { rows: units }, { rows: roles }] = await Promise.all([
      this.pool.query<MemberRow>(`SELECT id, name, phone, title, dingtalk_user_id, status FROM member WHERE id = $1`, [memberId]),
      this.pool.query<MembershipRow>(
        `SELECT u.id, u.name, u.kind, ms.is_head, ms.is_primary
           FROM membership ms JOIN unit u ON u.id = ms.unit_id
          WHERE ms.member_id = $1 ORDER BY ms.is_primary DESC, u.sort_order, u.name`,
        [memberId],
      ),
      this.pool.query<RoleRow>(
        `SELECT g.role, u.id, u.name, u.kind
           FROM role_grant g JOIN unit u ON u.id = g.unit_id
          WHERE g.member_id = $1 ORDER BY g.role, u.name`,
        [memberId],
      ),
    ]);
    if (!member) throw new DomainError(ErrorCode.NotFound, '成员不存在');
    return toMemberView(member, units, roles);
  }
}

export type { Role, UnitKind };
