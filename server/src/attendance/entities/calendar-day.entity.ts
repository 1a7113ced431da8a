import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import type { CalendarDayKind } from '@lianxin/shared';

/** 法定节假日 and 调休 workdays, county-wide, set per year. */
@Entity('attendance_calendar')
@Check('ck_attendance_calendar_kind', `kind IN ('holiday', 'workday')`)
export class AttendanceCalendarDay {
  @PrimaryColumn({ type: 'date' }) date: string;
  @Column({ type: 'varchar', length: 8 }) kind: CalendarDayKind;
  @Column({ type: 'varchar', length: 50 }) name: string;
}
