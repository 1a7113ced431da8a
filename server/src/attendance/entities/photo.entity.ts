import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A check-in photo, kept in the database with what its EXIF said about when and where it was taken. */
@Entity('attendance_photo')
@Index('ix_attendance_photo_member', ['memberId', 'createdAt'])
export class AttendancePhoto {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') memberId: string;
  @Column({ type: 'varchar', length: 32 }) contentType: string;
  @Column({ type: 'int' }) size: number;
  @Column({ type: 'char', length: 64 }) sha256: string;
  @Column({ type: 'timestamptz', nullable: true }) takenAt: Date | null;
  @Column({ type: 'double precision', nullable: true }) latitude: number | null;
  @Column({ type: 'double precision', nullable: true }) longitude: number | null;
  @Column({ type: 'bytea', select: false }) data: Buffer;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
