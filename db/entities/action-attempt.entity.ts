import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One try of an action run, automatic (Temporal retry) or manual. */
@Entity({ name: 'action_attempts' })
export class ActionAttemptEntity {
  @PrimaryColumn({ name: 'action_run_id', type: 'uuid' })
  actionRunId!: string;

  @PrimaryColumn({ type: 'integer' })
  number!: number;

  /** Which execution of the action (1, then 2 after a manual retry...) this attempt belongs to. */
  @Column({ type: 'integer', default: 1 })
  execution!: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** The worker running it died; Temporal retried it, and it does not count against the retry policy. */
  @Column({ type: 'boolean', default: false })
  lost!: boolean;
}
