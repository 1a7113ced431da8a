import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { Role } from '@lianxin/shared';
import type { Member } from './member.entity.js';
import type { Unit } from './unit.entity.js';

/** A role granted at a unit; it reaches the unit's whole subtree. */
@Entity('role_grant')
@Check('ck_role_grant_role', `role IN ('admin', 'leader', 'supervisor', 'auditor', 'approver', 'staff', 'helper')`)
@Index('ux_role_grant', ['memberId', 'unitId', 'role'], { unique: true })
@Index('ix_role_grant_unit', ['unitId'])
export class RoleGrant {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') memberId: string;
  @Column('uuid') unitId: string;
  @ManyToOne('Member', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_role_grant_member' })
  member?: Relation<Member>;
  @ManyToOne('Unit', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id', foreignKeyConstraintName: 'fk_role_grant_unit' })
  unit?: Relation<Unit>;
  @Column({ type: 'varchar', length: 16 }) role: Role;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
