import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DayStatus } from '@lianxin/shared';

/** A member's status for a past day, rolled up nightly and recomputed when a late correction or leave is approved. */
@Entity('attendance_day')
@Index('ix_attendance_day_unit', ['unitId', 'date'])
export class AttendanceDay {
  @PrimaryColumn('uuid') memberId: string;
  @PrimaryColumn({ type: 'date' }) date: string;
  @Column({ type: 'uuid', nullable: true }) unitId: string | null;
  @Column({ type: 'varchar', length: 16 }) status: DayStatus;
  @Column({ type: 'timestamptz', nullable: true }) firstIn: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) lastOut: Date | null;
  @Column({ type: 'int', default: 0 }) lateMinutes: number;
  @Column({ type: 'int', default: 0 }) earlyMinutes: number;
  @Column({ type: 'int', default: 0 }) missingCount: number;
  @Column({ type: 'timestamptz', default: () => 'now()' }) computedAt: Date;
}
