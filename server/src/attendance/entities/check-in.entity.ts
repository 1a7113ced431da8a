import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { CheckInKind, CoordSystem, Verdict, VerdictReason } from '@lianxin/shared';

/**
 * One check-in and the evidence for it, with the server's verdict. `at` is the server's time;
 * `made_at` is when it was made (differs only for check-ins that waited offline). `unit_id` is the
 * member's primary unit then (no foreign key: the record outlives reorganisations). Never updated.
 */
@Entity('check_in')
@Check('ck_check_in_kind', `kind IN ('in', 'out', 'field', 'spot', 'meeting')`)
@Check('ck_check_in_verdict', `verdict IN ('ok', 'out_of_range', 'low_accuracy', 'wifi', 'field', 'suspicious')`)
@Index('ix_check_in_member_made', ['memberId', 'madeAt'])
@Index('ix_check_in_unit_made', ['unitId', 'madeAt'])
@Index('ix_check_in_notice', ['noticeId', 'memberId'], { where: 'notice_id IS NOT NULL' })
@Index('ux_check_in_key', ['memberId', 'idempotencyKey'], { unique: true, where: 'replay_of IS NULL' })
export class CheckIn {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') memberId: string;
  @Column({ type: 'uuid', nullable: true }) unitId: string | null;
  @Column({ type: 'varchar', length: 8 }) kind: CheckInKind;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at: Date;
  @Column({ type: 'timestamptz' }) madeAt: Date;
  @Column({ type: 'timestamptz' }) clientAt: Date;
  @Column({ type: 'double precision' }) latitude: number;
  @Column({ type: 'double precision' }) longitude: number;
  @Column({ type: 'varchar', length: 8 }) coordSystem: CoordSystem;
  /** The position in GCJ-02, as measured against the fences. */
  @Column({ type: 'double precision' }) gcjLatitude: number;
  @Column({ type: 'double precision' }) gcjLongitude: number;
  @Column({ type: 'real' }) accuracy: number;
  @Column({ type: 'varchar', length: 17, nullable: true }) bssid: string | null;
  @Column({ type: 'uuid', nullable: true }) photoId: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) note: string | null;
  @Column({ type: 'boolean', nullable: true }) mockLocation: boolean | null;
  @Column({ type: 'varchar', length: 64 }) idempotencyKey: string;
  /** sha256 of the request's content: a replay of the key with other content is suspicious. */
  @Column({ type: 'char', length: 64 }) contentHash: string;
  /** Set on a replay whose content differed: the check-in it claimed to be. */
  @Column({ type: 'uuid', nullable: true }) replayOf: string | null;
  @Column({ type: 'varchar', length: 16 }) verdict: Verdict;
  @Column({ type: 'jsonb' }) reasons: VerdictReason[];
  @Column({ type: 'uuid', nullable: true }) placeId: string | null;
  @Column({ type: 'int', nullable: true }) distance: number | null;
  @Column({ type: 'uuid', nullable: true }) spotCheckId: string | null;
  @Column({ type: 'uuid', nullable: true }) noticeId: string | null;
}
