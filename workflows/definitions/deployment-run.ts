/** A Deployment Run: its workflow, its messages to and from the pipeline run, and what its activities record. */
import { defineSignal } from '@temporalio/workflow';
import type { DeploymentRunStatus, FinishedDeploymentRunStatus, RetryPolicy } from '../../db/domain';
import type { Decision, DeploymentSnapshot, RevisionFact } from './pipeline-run';
import type { ArtifactRef } from './releases';

/** A decision on a deployment run's plan, sent to the deployment run's workflow. */
export const planDecisionSignal = defineSignal<[Decision]>('planDecision');

/** A deployment run tells its pipeline run that its plan waits for approval, or no longer does. */
export interface DeploymentPlanNews {
  deploymentRunId: string;
  waiting: boolean;
  /** The decision that closed the wait; null while waiting, or when the wait ended otherwise. */
  decision: Decision | null;
  /** The wait ended because the plan approval's timeout decided (since `plan-approval-options`). */
  timedOut?: boolean;
}
export const deploymentPlanSignal = defineSignal<[DeploymentPlanNews]>('deploymentPlan');

/** The pipeline run a deployment run belongs to, when it runs as a DEPLOYMENT action. */
export interface DeploymentParent {
  workflowId: string;
  runId: string;
  pipelineId: string;
  stageRunId: string;
  actionRunId: string;
}

export interface DeploymentRunInput {
  deploymentRunId: string;
  deployment: DeploymentSnapshot;
  revision: RevisionFact;
  triggeredById: string;
  isRollback: boolean;
  /** Null when the deployment runs alone (`runDeployment`). */
  parent: DeploymentParent | null;
  retryPolicy: RetryPolicy;
  /** Per step (plan, apply); null: the default command timeout. */
  timeoutSeconds: number | null;
  /** Outputs of earlier actions of the pipeline run, as environment variables of plan and apply. */
  env: Record<string, string>;
  /** What it deploys: the artifacts the pipeline run carries (absent before releases, and when alone). */
  artifacts?: ArtifactRef[];
}

export interface DeploymentRunResult {
  status: FinishedDeploymentRunStatus;
  failureReason: string | null;
  /** It failed because nobody decided on its plan in time: its DEPLOYMENT action ends TIMED_OUT. */
  planTimedOut?: boolean;
}

/** A deployment run's row as it is opened (idempotent: the same id twice is one row). */
export interface DeploymentRunOpening {
  id: string;
  deploymentId: string | null;
  serviceId: string;
  environmentId: string;
  revision: RevisionFact | null;
  pipelineRunId: string | null;
  stageRunId: string | null;
  actionRunId: string | null;
  triggeredById: string | null;
  isRollback: boolean;
  temporalWorkflowId: string | null;
  status: DeploymentRunStatus;
  startedAt: string;
  /** The artifacts it deploys, recorded with it. */
  artifacts?: ArtifactRef[];
}

export interface DeploymentRunChange {
  deploymentRunId: string;
  status: DeploymentRunStatus;
  at: string;
  failureReason?: string | null;
  /** When its plan starts waiting: the rules it waits under, which the API checks decisions against. */
  plan?: { requiredApprovals: number; allowSelfApproval: boolean; expiresAt: string | null };
}

export interface DeploymentStepInput {
  deploymentRunId: string;
  /** Which secrets the command receives: the Deployment's environment's, and its pipeline's when it has one. */
  pipelineId: string | null;
  environmentId: string;
  step: 'plan' | 'apply';
  command: string;
  env: Record<string, string>;
  revisionSha: string;
  timeoutSeconds: number;
  maximumAttempts: number;
  /** The artifacts it deploys, handed to the command like a COMMAND action's. */
  artifacts?: ArtifactRef[];
}

export interface PlanApprovalRecord {
  deploymentRunId: string;
  decision: Decision;
  at: string;
}
