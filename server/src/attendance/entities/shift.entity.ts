import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { SegmentInput } from '@lianxin/shared';
import type { Unit } from '../../org/unit.entity.js';

/** A unit's attendance group (考勤组): members of the unit and its sub-units without a group of their own follow it. */
@Entity('attendance_shift')
export class AttendanceShift {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', unique: true }) unitId: string;
  @ManyToOne('Unit', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'unit_id', foreignKeyConstraintName: 'fk_attendance_shift_unit' })
  unit?: Relation<Unit>;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'jsonb' }) segments: SegmentInput[];
  @Column({ type: 'smallint', array: true, default: () => "'{1,2,3,4,5}'" }) workdays: number[];
  @Column({ type: 'int', default: 5 }) lateGraceMinutes: number;
  @Column({ type: 'int', default: 5 }) earlyGraceMinutes: number;
  @Column({ type: 'int', default: 30 }) seriousLateMinutes: number;
  @Column({ type: 'boolean', default: true }) fieldAllowed: boolean;
  @Column({ type: 'boolean', default: true }) fieldPhotoRequired: boolean;
  @Column({ type: 'boolean', default: true }) fieldNoteRequired: boolean;
  @Column({ type: 'int', default: 3 }) correctionsPerMonth: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
