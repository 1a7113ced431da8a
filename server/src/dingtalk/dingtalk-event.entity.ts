import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** DingTalk org-change events already applied, so a redelivered event changes nothing. */
@Entity('dingtalk_event')
export class DingTalkEvent {
  @PrimaryColumn({ type: 'varchar', length: 100 }) eventId: string;
  @Column({ type: 'varchar', length: 50 }) eventType: string;
  @CreateDateColumn({ type: 'timestamptz' }) receivedAt: Date;
}
