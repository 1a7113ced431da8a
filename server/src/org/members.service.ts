import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, type MemberView, type Role, type UnitKind } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { Member } from './member.entity.js';
import { toMemberView, type MembershipRow, type RoleRow } from './member.mapper.js';

/** The org module's public face for other modules: find members and show them. */
@Injectable()
export class MembersService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

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

  /** The full view of one member: units with head/primary flags, and role grants. */
  async view(memberId: string): Promise<MemberView> {
    const member = await this.ds.getRepository(Member).findOneBy({ id: memberId });
    if (!member) throw new DomainError(ErrorCode.NotFound, '成员不存在');
    const [units, roles] = await Promise.all([
      this.ds.query<MembershipRow[]>(
        `SELECT u.id, u.name, u.kind, ms.is_head, ms.is_primary
           FROM membership ms JOIN unit u ON u.id = ms.unit_id
          WHERE ms.member_id = $1 ORDER BY ms.is_primary DESC, u.sort_order, u.name`,
        [memberId],
      ),
      this.ds.query<RoleRow[]>(
        `SELECT g.role, u.id, u.name, u.kind
           FROM role_grant g JOIN unit u ON u.id = g.unit_id
          WHERE g.member_id = $1 ORDER BY g.role, u.name`,
        [memberId],
      ),
    ]);
    return toMemberView(member, units, roles);
  }
}

export type { Role, UnitKind };
