import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { NoticeAudience, NoticeKind } from '@lianxin/shared';
import type { Member } from '../org/member.entity.js';

/** A broadcast: what was said, by whom, to which audience (as asked), and how many it reached. */
@Entity('notice')
@Check('ck_notice_kind', `kind IN ('notice', 'meeting')`)
@Index('ix_notice_sender', ['senderId', 'createdAt'])
export class Notice {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') senderId: string;
  @ManyToOne('Member', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'sender_id', foreignKeyConstraintName: 'fk_notice_sender' })
  sender?: Relation<Member>;
  /** The sender's primary unit when sending: who the notice came from, as people then saw it. */
  @Column({ type: 'uuid', nullable: true }) senderUnitId: string | null;
  @Column({ type: 'varchar', length: 16 }) kind: NoticeKind;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'text' }) body: string;
  @Column({ type: 'timestamptz', nullable: true }) startsAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) endsAt: Date | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) place: string | null;
  /** Meetings with sign-in (会议签到): the attendance place (no foreign key: a moved place keeps old meetings' records). */
  @Column({ type: 'uuid', nullable: true }) attendancePlaceId: string | null;
  @Column({ type: 'boolean', default: false }) requireConfirm: boolean;
  /** The audience as the sender chose it; the resolved recipients are the receipts. */
  @Column({ type: 'jsonb' }) audience: NoticeAudience;
  @Column({ type: 'int', default: 0 }) recipientCount: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
