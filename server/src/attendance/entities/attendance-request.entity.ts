import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { RequestKind, RequestStatus } from '@lianxin/shared';

/** 补卡 or leave asked for by a member; approved ones change the day's status, the check-ins stay as they were. */
@Entity('attendance_request')
@Check('ck_attendance_request_kind', `kind IN ('correction', 'leave')`)
@Check('ck_attendance_request_status', `status IN ('pending', 'approved', 'rejected', 'withdrawn')`)
@Check('ck_attendance_request_dates', 'end_date >= date')
@Index('ix_attendance_request_member', ['memberId', 'date'])
@Index('ix_attendance_request_pending', ['unitId'], { where: `status = 'pending'` })
export class AttendanceRequest {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') memberId: string;
  @Column({ type: 'uuid', nullable: true }) unitId: string | null;
  @Column({ type: 'varchar', length: 16 }) kind: RequestKind;
  @Column({ type: 'date' }) date: string;
  @Column({ type: 'date' }) endDate: string;
  /** Correction: the instant the check-in should have been at. */
  @Column({ type: 'timestamptz', nullable: true }) correctedAt: Date | null;
  @Column({ type: 'varchar', length: 500 }) reason: string;
  @Column({ type: 'varchar', length: 16, default: 'pending' }) status: RequestStatus;
  @Column({ type: 'uuid', nullable: true }) decidedBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) comment: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
