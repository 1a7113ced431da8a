import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { DingChannel } from '@lianxin/shared';
import type { Member } from '../org/member.entity.js';
import type { Notice } from '../notices/notice.entity.js';

/** A reminder sent to some of a notice's recipients by one channel: by hand, by an escalation step, or the announcement itself. */
@Entity('ding')
@Check('ck_ding_purpose', `purpose IN ('ding', 'escalation', 'announce', 'spotcheck')`)
@Index('ix_ding_notice', ['noticeId', 'createdAt'])
export class Ding {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', nullable: true }) noticeId: string | null;
  @ManyToOne('Notice', { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'notice_id', foreignKeyConstraintName: 'fk_ding_notice' })
  notice?: Relation<Notice> | null;
  @Column({ type: 'uuid' }) senderId: string;
  @ManyToOne('Member', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'sender_id', foreignKeyConstraintName: 'fk_ding_sender' })
  sender?: Relation<Member>;
  @Column({ type: 'varchar', length: 16 }) channel: DingChannel;
  @Column({ type: 'varchar', length: 16 }) target: string;
  @Column({ type: 'varchar', length: 16, default: 'ding' }) purpose: 'ding' | 'escalation' | 'announce' | 'spotcheck';
  /** For DINGs not about a notice (a spot check): the title and the link the reminder carries. */
  @Column({ type: 'varchar', length: 200, nullable: true }) title: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) url: string | null;
  @Column({ type: 'int', nullable: true }) step: number | null;
  /** The reminder text as sent (each differs by step and time: DingTalk drops same-day repeats). */
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'int', default: 0 }) total: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
