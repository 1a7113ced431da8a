import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
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
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
