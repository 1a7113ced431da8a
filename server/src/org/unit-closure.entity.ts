import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { Unit } from './unit.entity.js';

/**
 * The unit tree's transitive closure: one row per (ancestor, descendant) pair, the unit itself
 * included at depth 0. Kept in step with every create, move and delete in the same transaction.
 */
@Entity('unit_closure')
@Index('ix_unit_closure_descendant', ['descendantId', 'depth'])
export class UnitClosure {
  @PrimaryColumn('uuid') ancestorId: string;
  @PrimaryColumn('uuid') descendantId: string;
  @ManyToOne('Unit', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ancestor_id', foreignKeyConstraintName: 'fk_unit_closure_ancestor' })
  ancestor?: Relation<Unit>;
  @ManyToOne('Unit', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'descendant_id', foreignKeyConstraintName: 'fk_unit_closure_descendant' })
  descendant?: Relation<Unit>;
  @Column({ type: 'int' }) depth: number;
}
