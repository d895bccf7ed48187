import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StageStatus } from '../domain';

@Entity({ name: 'stage_runs' })
export class StageRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  /** The stage it was created from; not a foreign key, the definition may change or go. */
  @Column({ name: 'stage_id', type: 'uuid' })
  stageId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ name: 'environment_id', type: 'uuid', nullable: true })
  environmentId!: string | null;

  @Column({ type: 'text' })
  status!: StageStatus;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;
}
