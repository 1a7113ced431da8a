import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An instance's chain head and what its trail is searched by. Each append locks it FOR UPDATE, so
 * the seqs of one instance are handed out one at a time. Not trusted: verification checks it against
 * the events (last seq and hash; template, title, applicant and unit against the first event).
 * `anchored_seq` is how far the global chain has anchored it.
 */
@Entity('audit_head')
@Index('ix_audit_head_started', ['createdAt', 'instanceId'])
@Index('ix_audit_head_unit', ['unitId', 'createdAt'])
@Index('ix_audit_head_template', ['templateCode', 'createdAt'])
@Index('ix_audit_head_unanchored', ['updatedAt', 'instanceId'], { where: 'seq > anchored_seq' })
export class AuditHead {
  @PrimaryColumn('uuid') instanceId: string;
  @Column({ type: 'varchar', length: 64 }) templateCode: string;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'uuid', nullable: true }) applicantId: string | null;
  /** The applicant's unit when the instance started: auditors of it and the units above see the trail. */
  @Column('uuid') unitId: string;
  @Column('int') seq: number;
  @Column({ type: 'char', length: 64 }) hash: string;
  @Column({ type: 'int', default: 0 }) anchoredSeq: number;
  @Column({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz' }) updatedAt: Date;
}
