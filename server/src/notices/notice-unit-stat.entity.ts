import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { Notice } from './notice.entity.js';

/**
 * Counters per notice and recipient unit, kept in the same statement as each read or confirm.
 * Spread over the units (a village has a few dozen people), so concurrent readers rarely touch the
 * same row, and any unit's figures are a sum over its subtree's rows — never a scan of receipts.
 */
@Entity('notice_unit_stat')
export class NoticeUnitStat {
  @PrimaryColumn('uuid') noticeId: string;
  @PrimaryColumn('uuid') unitId: string;
  @ManyToOne('Notice', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'notice_id', foreignKeyConstraintName: 'fk_notice_unit_stat_notice' })
  notice?: Relation<Notice>;
  @Column({ type: 'int' }) total: number;
  @Column({ type: 'int', default: 0 }) readCount: number;
  @Column({ type: 'int', default: 0 }) confirmedCount: number;
  @Column({ type: 'int', default: 0 }) leaveCount: number;
}
