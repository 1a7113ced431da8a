import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { DeliveryStatus, DingChannel } from '@lianxin/shared';
import type { Ding } from './ding.entity.js';

/**
 * One person, one DING, one channel: the unique key is what guarantees nobody gets the same DING
 * twice by one channel, whatever retries or second server instances do.
 */
@Entity('ding_delivery')
@Check('ck_ding_delivery_status', `status IN ('queued', 'sending', 'retrying', 'sent', 'delivered', 'failed')`)
@Index('ux_ding_delivery', ['dingId', 'memberId', 'channel'], { unique: true })
@Index('ix_ding_delivery_status', ['dingId', 'status'])
@Index('ix_ding_delivery_unacknowledged', ['memberId'], { where: `channel = 'app' AND acknowledged_at IS NULL` })
export class DingDelivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') dingId: string;
  @ManyToOne('Ding', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ding_id', foreignKeyConstraintName: 'fk_ding_delivery_ding' })
  ding?: Relation<Ding>;
  @Column('uuid') memberId: string;
  @Column({ type: 'varchar', length: 16 }) channel: DingChannel;
  @Column({ type: 'varchar', length: 12, default: 'queued' }) status: DeliveryStatus;
  @Column({ type: 'varchar', length: 128, nullable: true }) providerId: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) error: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) note: string | null;
  @Column({ type: 'int', default: 0 }) attempts: number;
  /** In-app DINGs show a banner the person must acknowledge; when they did. */
  @Column({ type: 'timestamptz', nullable: true }) acknowledgedAt: Date | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
