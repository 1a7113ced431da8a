import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One approval event in its instance's hash chain: `hash = sha256(prev_hash ‖ canonical JSON)`
 * (domain/chain.ts). The actor's name, title and unit are copied in as they were at that moment.
 * Append-only: no code path updates or deletes a row, and a trigger refuses UPDATE, DELETE and
 * TRUNCATE (migration AuditTrail).
 *
 * `(instance_id, seq)` is unique through `ux_approval_event_seq`, which the migration creates with
 * INCLUDE (prev_hash, hash, created_at) so the chain's links verify from the index alone.
 */
@Entity('approval_event')
@Index('ux_approval_event_seq', { synchronize: false })
@Index('ix_approval_event_actor', ['actorId', 'instanceId'])
@Check('ck_approval_event_seq', 'seq >= 1')
@Check('ck_approval_event_actor', 'actor_id IS NULL OR actor_name IS NOT NULL')
export class ApprovalEvent {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('uuid') instanceId: string;
  @Column('int') seq: number;
  @Column({ type: 'varchar', length: 24 }) type: string;
  /** null: the system acted. */
  @Column({ type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ type: 'varchar', length: 50, nullable: true }) actorName: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) actorTitle: string | null;
  @Column({ type: 'uuid', nullable: true }) actorUnitId: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) actorUnitName: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) nodeId: string | null;
  @Column({ type: 'jsonb', default: () => "'{}'" }) data: Record<string, unknown>;
  /** Milliseconds (the hash covers it as an ISO string). */
  @Column({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'char', length: 64 }) prevHash: string;
  @Column({ type: 'char', length: 64 }) hash: string;
}
