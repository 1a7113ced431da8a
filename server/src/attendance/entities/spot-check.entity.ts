import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { DingChannel, SpotTargetStatus, VerdictReason } from '@lianxin/shared';

/**
 * A spot check (抽查): who started it and why, the population it drew from and the seed, so an
 * auditor can redo the draw, and where the people checked had to be.
 */
@Entity('spot_check')
@Index('ix_spot_check_creator', ['createdBy', 'createdAt'])
export class SpotCheck {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') createdBy: string;
  @Column({ type: 'varchar', length: 500 }) reason: string;
  @Column({ type: 'jsonb' }) scope: { units: Array<{ unitId: string; includeSubUnits: boolean }>; members: string[] };
  @Column({ type: 'int', nullable: true }) sampleSize: number | null;
  @Column({ type: 'varchar', length: 64 }) seed: string;
  /** Everyone the draw was made from (sorted), after the weekly cap. */
  @Column({ type: 'uuid', array: true }) population: string[];
  @Column({ type: 'int', default: 0 }) skippedOverCap: number;
  @Column({ type: 'int' }) windowMinutes: number;
  @Column({ type: 'timestamptz' }) deadline: Date;
  @Column({ type: 'uuid', nullable: true }) placeId: string | null;
  @Column({ type: 'varchar', array: true, default: () => "'{}'" }) channels: DingChannel[];
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** One person checked, and how it ended. Moves out of pending exactly once. */
@Entity('spot_check_target')
@Check('ck_spot_check_target_status', `status IN ('pending', 'passed', 'failed', 'no_response', 'excused')`)
@Index('ix_spot_check_target_member', ['memberId', 'createdAt'])
export class SpotCheckTarget {
  @PrimaryColumn('uuid') spotCheckId: string;
  @ManyToOne(() => SpotCheck, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'spot_check_id', foreignKeyConstraintName: 'fk_spot_check_target_spot_check' })
  spotCheck?: Relation<SpotCheck>;
  @PrimaryColumn('uuid') memberId: string;
  @Column({ type: 'uuid', nullable: true }) unitId: string | null;
  @Column({ type: 'varchar', length: 16, default: 'pending' }) status: SpotTargetStatus;
  @Column({ type: 'jsonb', default: () => "'[]'" }) reasons: VerdictReason[];
  @Column({ type: 'varchar', length: 200, nullable: true }) excuse: string | null;
  @Column({ type: 'uuid', nullable: true }) checkInId: string | null;
  @Column({ type: 'timestamptz', nullable: true }) answeredAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
