import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';
import type { MemberStatus } from '@lianxin/shared';

@Entity('member')
@Check('ck_member_status', `status IN ('active', 'disabled')`)
export class Member {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 50 }) name: string;
  @Index('ux_member_phone', { unique: true })
  @Column({ type: 'varchar', length: 20 }) phone: string;
  @Column({ type: 'varchar', length: 100, nullable: true }) title: string | null;
  @Index('ux_member_dingtalk_user_id', { unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true }) dingtalkUserId: string | null;
  @Column({ type: 'text', nullable: true, select: false }) passwordHash: string | null;
  @Column({ type: 'varchar', length: 16, default: 'active' }) status: MemberStatus;
  /** Explicit supervisor; when null the head of the primary unit (or the nearest ancestor with one) is. */
  @Column({ type: 'uuid', nullable: true }) supervisorId: string | null;
  @ManyToOne('Member', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'supervisor_id', foreignKeyConstraintName: 'fk_member_supervisor' })
  supervisor?: Relation<Member> | null;
  /** 拼音首字母 of the name (张三 → zs), kept in step with the name, for search. */
  @Index('ix_member_name_initials')
  @Column({ type: 'varchar', length: 50, default: '' }) nameInitials: string;
  /** Full pinyin of the name without tones or spaces (张三 → zhangsan). */
  @Column({ type: 'varchar', length: 300, default: '' }) namePinyin: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
