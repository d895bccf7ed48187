import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ActionKind, ActionStatus } from '../domain';

@Entity({ name: 'action_runs' })
export class ActionRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ name: 'stage_run_id', type: 'uuid' })
  stageRunId!: string;

  @Column({ name: 'action_id', type: 'uuid' })
  actionId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: ActionKind;

  @Column({ name: 'run_order', type: 'integer' })
  runOrder!: number;

  @Column({ type: 'text' })
  status!: ActionStatus;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  outputs!: Record<string, string> | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  /** Not executed: its outputs and artifacts came from this earlier action run (promote, rollback). */
  @Column({ name: 'reused_from_action_run_id', type: 'uuid', nullable: true })
  reusedFromActionRunId!: string | null;

  /** Why it ended SKIPPED, when there is more to say than that the run ended first. */
  @Column({ name: 'skip_reason', type: 'text', nullable: true })
  skipReason!: string | null;

  /** An approval gate superseded by a newer run before anyone decided. */
  @Column({ name: 'approval_expired', type: 'boolean', default: false })
  approvalExpired!: boolean;
}
