import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { Member } from './member.entity.js';
import type { Unit } from './unit.entity.js';

/** A member's place in a unit. A member may sit in several units; one is primary. */
@Entity('membership')
@Index('ix_membership_unit', ['unitId'])
@Index('ux_membership_primary', ['memberId'], { unique: true, where: 'is_primary' })
export class Membership {
  @PrimaryColumn('uuid') memberId: string;
  @PrimaryColumn('uuid') unitId: string;
  @ManyToOne('Member', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_membership_member' })
  member?: Relation<Member>;
  @ManyToOne('Unit', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id', foreignKeyConstraintName: 'fk_membership_unit' })
  unit?: Relation<Unit>;
  @Column({ type: 'boolean', default: false }) isHead: boolean;
  @Column({ type: 'boolean', default: false }) isPrimary: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
