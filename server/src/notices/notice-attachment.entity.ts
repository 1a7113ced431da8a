import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { Notice } from './notice.entity.js';

/**
 * A file uploaded for a notice, kept in the database with it (backups and replicas carry it; a
 * county's notices are small). Uploaded first, attached when the notice is sent.
 */
@Entity('notice_attachment')
@Index('ix_notice_attachment_notice', ['noticeId'])
export class NoticeAttachment {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') uploaderId: string;
  @Column({ type: 'uuid', nullable: true }) noticeId: string | null;
  @ManyToOne('Notice', { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'notice_id', foreignKeyConstraintName: 'fk_notice_attachment_notice' })
  notice?: Relation<Notice> | null;
  @Column({ type: 'varchar', length: 200 }) filename: string;
  @Column({ type: 'varchar', length: 100 }) contentType: string;
  @Column({ type: 'int' }) size: number;
  @Column({ type: 'char', length: 64 }) sha256: string;
  @Column({ type: 'bytea', select: false }) data: Buffer;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
