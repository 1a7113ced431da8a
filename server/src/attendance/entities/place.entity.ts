import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { PlaceKind } from '@lianxin/shared';
import type { Unit } from '../../org/unit.entity.js';

/** Where members of a unit check in: a GCJ-02 point with a radius, and Wi-Fi hotspots that also prove presence. */
@Entity('attendance_place')
@Check('ck_attendance_place_radius', 'radius BETWEEN 10 AND 5000')
@Index('ix_attendance_place_unit', ['unitId'])
export class AttendancePlace {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') unitId: string;
  @ManyToOne('Unit', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'unit_id', foreignKeyConstraintName: 'fk_attendance_place_unit' })
  unit?: Relation<Unit>;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 16, default: 'office' }) kind: PlaceKind;
  @Column({ type: 'double precision' }) latitude: number;
  @Column({ type: 'double precision' }) longitude: number;
  @Column({ type: 'int', default: 300 }) radius: number;
  /** Lower-case `aa:bb:cc:dd:ee:ff`. */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) bssids: string[];
  @Column({ type: 'varchar', length: 200, nullable: true }) address: string | null;
  @Column({ type: 'boolean', default: false }) coversSubUnits: boolean;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
