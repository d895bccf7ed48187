import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A schedule that triggers a pipeline. The schedule itself is a Temporal Schedule (its id is
 * `scheduleTemporalId(id)` in workflows/definitions); this row is what the API lists and the tick checks.
 */
@Entity({ name: 'pipeline_schedules' })
export class PipelineScheduleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'pipeline_id', type: 'uuid' })
  pipelineId!: string;

  /** Five-field cron, e.g. "0 3 * * 1-5". */
  @Column({ type: 'text' })
  cron!: string;

  /** IANA name the cron is read in. */
  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ type: 'boolean', default: false })
  paused!: boolean;

  @Column({ name: 'created_by_id', type: 'uuid', nullable: true })
  createdById!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
