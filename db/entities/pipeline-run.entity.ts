import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ExecutionMode, RunStatus } from '../domain';
import { PipelineEntity } from './pipeline.entity';
import { PrincipalEntity } from './principal.entity';

/** A commit as supplied by the client; `committedAt` is the author date. */
export interface CommitFact {
  sha: string;
  committedAt: string;
  message: string | null;
  author: string | null;
}

/** One execution of a pipeline, with the snapshot of the definition it runs. */
@Entity({ name: 'pipeline_runs' })
export class PipelineRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'pipeline_id', type: 'uuid' })
  pipelineId!: string;

  @ManyToOne(() => PipelineEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'pipeline_id' })
  pipeline?: PipelineEntity;

  /** 1, 2, 3... per pipeline. */
  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'text' })
  status!: RunStatus;

  /** The pipeline definition as it was when the run was triggered (stages, actions, run ids). */
  @Column({ type: 'jsonb' })
  definition!: Record<string, unknown>;

  @Column({ name: 'revision_sha', type: 'text' })
  revisionSha!: string;

  @Column({ name: 'revision_message', type: 'text', nullable: true })
  revisionMessage!: string | null;

  @Column({ name: 'revision_author', type: 'text', nullable: true })
  revisionAuthor!: string | null;

  @Column({ name: 'revision_committed_at', type: 'timestamptz' })
  revisionCommittedAt!: Date;

  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
  commits!: CommitFact[];

  @Column({ name: 'triggered_by_id', type: 'uuid' })
  triggeredById!: string;

  @ManyToOne(() => PrincipalEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'triggered_by_id' })
  triggeredBy?: PrincipalEntity;

  @Column({ name: 'temporal_workflow_id', type: 'text' })
  temporalWorkflowId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  /** The pipeline's execution mode when the run was triggered. */
  @Column({ name: 'execution_mode', type: 'text', default: 'QUEUED' })
  executionMode!: ExecutionMode;

  @Column({ name: 'is_rollback', type: 'boolean', default: false })
  isRollback!: boolean;

  @Column({ name: 'rollback_of_run_id', type: 'uuid', nullable: true })
  rollbackOfRunId!: string | null;

  /** The known-good run whose revision, commits and artifacts a promoted run carries. */
  @Column({ name: 'promoted_from_run_id', type: 'uuid', nullable: true })
  promotedFromRunId!: string | null;

  /** When the run got its pipeline's lane (QUEUED and SUPERSEDED modes), and when it gave it up. */
  @Column({ name: 'lane_claimed_at', type: 'timestamptz', nullable: true })
  laneClaimedAt!: Date | null;

  @Column({ name: 'lane_released_at', type: 'timestamptz', nullable: true })
  laneReleasedAt!: Date | null;

  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason!: string | null;
}
