import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The global chain: one row each time an instance's head is anchored,
 * `hash = sha256(prev_hash ‖ instance_id ‖ seq ‖ instance_hash)`. Positions are 1, 2, 3 … with no
 * gaps (assigned under the anchoring lock). Append-only, like approval_event.
 */
@Entity('audit_anchor')
@Index('ix_audit_anchor_instance', ['instanceId', 'seq'])
@Check('ck_audit_anchor_position', 'position >= 1')
export class AuditAnchor {
  @PrimaryColumn('bigint') position: string;
  @Column('uuid') instanceId: string;
  @Column('int') seq: number;
  @Column({ type: 'char', length: 64 }) instanceHash: string;
  @Column({ type: 'char', length: 64 }) prevHash: string;
  @Column({ type: 'char', length: 64 }) hash: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
