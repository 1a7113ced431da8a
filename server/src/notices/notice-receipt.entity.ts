import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { ConfirmStatus } from '@lianxin/shared';
import type { Notice } from './notice.entity.js';

/**
 * One recipient of one notice. Read is not confirmed: leaders need both. `unit_id` is the
 * recipient's primary unit at send time (no foreign key: the record outlives reorganisations).
 */
@Entity('notice_receipt')
@Check('ck_notice_receipt_confirm', `confirm_status IN ('attend', 'leave')`)
@Index('ix_notice_receipt_inbox', ['memberId', 'deliveredAt'])
@Index('ix_notice_receipt_unread', ['noticeId', 'unitId', 'memberId'], { where: 'read_at IS NULL' })
export class NoticeReceipt {
  @PrimaryColumn('uuid') noticeId: string;
  @PrimaryColumn('uuid') memberId: string;
  @ManyToOne('Notice', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'notice_id', foreignKeyConstraintName: 'fk_notice_receipt_notice' })
  notice?: Relation<Notice>;
  @Column('uuid') unitId: string;
  @Column({ type: 'timestamptz' }) deliveredAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) readAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) confirmedAt: Date | null;
  @Column({ type: 'varchar', length: 8, nullable: true }) confirmStatus: ConfirmStatus | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) leaveReason: string | null;
}
