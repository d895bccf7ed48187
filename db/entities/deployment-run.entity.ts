import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DeploymentRunStatus } from '../domain';

/**
 * One deployment of a service into an environment: a run of a Deployment (inside a pipeline run or alone),
 * a pipeline stage with an environment, or one reported from outside. DORA counts the succeeded ones in
 * production environments, at their finish time.
 */
@Entity({ name: 'deployment_runs' })
export class DeploymentRunEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'deployment_id', type: 'uuid', nullable: true })
  deploymentId!: string | null;

  @Column({ name: 'service_id', type: 'uuid' })
  serviceId!: string;

  @Column({ name: 'environment_id', type: 'uuid' })
  environmentId!: string;

  @Column({ type: 'text' })
  status!: DeploymentRunStatus;

  @Column({ name: 'revision_sha', type: 'text', nullable: true })
  revisionSha!: string | null;

  @Column({ name: 'revision_message', type: 'text', nullable: true })
  revisionMessage!: string | null;

  @Column({ name: 'revision_author', type: 'text', nullable: true })
  revisionAuthor!: string | null;

  @Column({ name: 'revision_committed_at', type: 'timestamptz', nullable: true })
  revisionCommittedAt!: Date | null;

  @Column({ name: 'pipeline_run_id', type: 'uuid', nullable: true })
  pipelineRunId!: string | null;

  @Column({ name: 'stage_run_id', type: 'uuid', nullable: true })
  stageRunId!: string | null;

  @Column({ name: 'action_run_id', type: 'uuid', nullable: true })
  actionRunId!: string | null;

  @Column({ name: 'triggered_by_id', type: 'uuid', nullable: true })
  triggeredById!: string | null;

  @Column({ name: 'is_rollback', type: 'boolean', default: false })
  isRollback!: boolean;

  @Column({ type: 'boolean', default: false })
  external!: boolean;

  @Column({ name: 'temporal_workflow_id', type: 'text', nullable: true })
  temporalWorkflowId!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  /** The rules its plan approval waits under, set when it starts waiting (null: it never waited, or before them). */
  @Column({ name: 'plan_required_approvals', type: 'integer', nullable: true })
  planRequiredApprovals!: number | null;

  @Column({ name: 'plan_allow_self_approval', type: 'boolean', nullable: true })
  planAllowSelfApproval!: boolean | null;

  /** When the plan approval's timeout decides (null: no timeout). */
  @Column({ name: 'plan_expires_at', type: 'timestamptz', nullable: true })
  planExpiresAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
