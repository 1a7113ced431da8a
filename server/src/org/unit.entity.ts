import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';
import type { UnitKind } from '@lianxin/shared';

@Entity('unit')
@Check('ck_unit_kind', `kind IN ('county', 'bureau', 'town', 'village', 'office')`)
@Index('ix_unit_parent', ['parentId', 'sortOrder'])
export class Unit {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', nullable: true }) parentId: string | null;
  @ManyToOne('Unit', { onDelete: 'RESTRICT', nullable: true, createForeignKeyConstraints: true })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'fk_unit_parent' })
  parent?: Relation<Unit> | null;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 16 }) kind: UnitKind;
  @Column({ type: 'int', default: 0 }) sortOrder: number;
  /** The DingTalk department this unit mirrors (org sync), as text: DingTalk ids exceed 2^53. */
  @Index('ux_unit_dingtalk_dept_id', { unique: true })
  @Column({ type: 'varchar', length: 32, nullable: true }) dingtalkDeptId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
