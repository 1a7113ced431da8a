import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { DingChannel } from '@lianxin/shared';
import type { Notice } from '../notices/notice.entity.js';

/**
 * One step of a notice's escalation policy. A step fires by moving from pending to fired in one
 * conditional UPDATE, so a restarted or second server instance can never fire it twice.
 */
@Entity('notice_escalation')
@Check('ck_notice_escalation_status', `status IN ('pending', 'fired', 'skipped', 'stopped')`)
export class NoticeEscalation {
  @PrimaryColumn('uuid') noticeId: string;
  @PrimaryColumn('int') step: number;
  @ManyToOne('Notice', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'notice_id', foreignKeyConstraintName: 'fk_notice_escalation_notice' })
  notice?: Relation<Notice>;
  @Column({ type: 'int' }) afterMinutes: number;
  @Column({ type: 'varchar', length: 16 }) target: 'unread' | 'unconfirmed';
  @Column({ type: 'varchar', length: 16 }) channel: DingChannel;
  @Column({ type: 'boolean', default: false }) toSupervisor: boolean;
  @Column({ type: 'boolean', default: false }) urgent: boolean;
  @Column({ type: 'timestamptz' }) fireAt: Date;
  @Column({ type: 'varchar', length: 12, default: 'pending' }) status: 'pending' | 'fired' | 'skipped' | 'stopped';
  @Column({ type: 'timestamptz', nullable: true }) firedAt: Date | null;
  @Column({ type: 'uuid', nullable: true }) dingId: string | null;
}
