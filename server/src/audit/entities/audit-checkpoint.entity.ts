import { Check, Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A signed checkpoint: the anchor chain's hash at `position`, signed with the Ed25519 key that lives
 * outside the database. Also written as a file to DATA_DIR/audit-checkpoints/<chain id>/.
 * Append-only.
 */
@Entity('audit_checkpoint')
export class AuditCheckpoint {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column({ type: 'bigint', unique: true }) position: string;
  @Column({ type: 'char', length: 64 }) hash: string;
  @Column({ type: 'timestamptz' }) signedAt: Date;
  /** The exact signed text (domain/chain.ts checkpointPayload). */
  @Column('text') payload: string;
  /** Base64. */
  @Column('text') signature: string;
  /** PEM (SPKI). */
  @Column('text') publicKey: string;
}

/**
 * This database's audit chain: its id names the checkpoint files' folder and is signed into every
 * checkpoint, so files of another database are never taken for this one's. One row, made on first start.
 */
@Entity('audit_chain')
@Check('ck_audit_chain_one', 'one = 1')
export class AuditChain {
  @PrimaryColumn({ type: 'smallint', default: 1 }) one: number;
  @Column('uuid') chainId: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}
