/**
 * The contract between the API and the engine: workflow names and ids, inputs, and the run plan. Workflow
 * code, activities and the server all import these same definitions. Only types come from db/, so this
 * module stays safe for Temporal's deterministic workflow sandbox.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type {
  DeploymentRunStatus,
  FinishedDeploymentRunStatus,
  ActionKind,
  ExecutionMode,
  ActionStatus,
  PipelineEventType,
  RetryPolicy,
  RunStatus,
  StageStatus,
} from '../db/domain';

export const pipelineRunWorkflowType = 'pipelineRunWorkflow';

/**
 * Search attributes of pipeline-run workflows, so runs can be found in Temporal by pipeline and status
 * (e.g. `LockstepPipelineId = "..." AND LockstepRunStatus = "WAITING"`). Registered at worker and API start.
 */
export const runSearchAttributes = {
  pipelineId: defineSearchAttributeKey('LockstepPipelineId', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('LockstepRunStatus', SearchAttributeType.KEYWORD),
} as const;

/** Business id of a run's workflow: one workflow per run, never a timestamp. */
export function pipelineRunWorkflowId(runId: string): string {
  return `pipeline-run-${runId}`;
}

export const deploymentRunWorkflowType = 'deploymentRunWorkflow';

/** Business id of a deployment run's workflow (a child of its pipeline run's, or started alone). */
export function deploymentRunWorkflowId(deploymentRunId: string): string {
  return `deployment-run-${deploymentRunId}`;
}

/** A Deployment as it was when the run that uses it was triggered: later edits change only later runs. */
export interface DeploymentSnapshot {
  deploymentId: string;
  name: string;
  serviceId: string;
  environmentId: string;
  planCommand: string | null;
  applyCommand: string;
  requirePlanApproval: boolean;
}

export interface ActionPlan {
  actionRunId: string;
  actionId: string;
  name: string;
  kind: ActionKind;
  runOrder: number;
  config: Record<string, unknown>;
  timeoutSeconds: number | null;
  retryPolicy: RetryPolicy;
  /** DEPLOYMENT actions: the referenced Deployment, snapshotted. */
  deployment?: DeploymentSnapshot;
}

export interface StagePlan {
  stageRunId: string;
  stageId: string;
  name: string;
  position: number;
  environmentId: string | null;
  maxParallel: number;
  actions: ActionPlan[];
}

/** What a run executes: the pipeline definition as it was when the run was triggered. */
export interface RunPlan {
  stages: StagePlan[];
}

export interface RevisionFact {
  sha: string;
  committedAt: string;
  message: string | null;
  author: string | null;
}

export interface PipelineRunInput {
  runId: string;
  pipelineId: string;
  revision: RevisionFact;
  plan: RunPlan;
  executionMode: ExecutionMode;
  /** The pipeline's service: a successful stage with an environment and no DEPLOYMENT action deploys it. */
  serviceId: string | null;
  /** A rollback to an earlier run's revision: its deployment runs are marked as rollbacks. */
  isRollback: boolean;
  /** Who triggered the run: approval gates refuse them unless the gate allows self-approval. */
  triggeredById: string;
  /** How long a failed run waits for `retryFailedActions` before it is final. */
  retryHoldSeconds: number;
}

export interface PipelineRunResult {
  status: RunStatus;
  failureReason: string | null;
}

/** An event as the engine records it; `key` is unique per run and deterministic, for idempotent writes. */
export interface EventRecord {
  key: string;
  type: PipelineEventType;
  stageName: string | null;
  actionName: string | null;
  message: string | null;
  at: string;
}

export interface CommandConfig {
  command: string;
  env?: Record<string, string>;
  workingDirectory?: string;
}

/** Where an activity works: enough to record attempts and events without another lookup. */
export interface ActionContext {
  runId: string;
  pipelineId: string;
  actionRunId: string;
  stageName: string;
  actionName: string;
  /** 1 for the first execution of the action, 2 after the first manual retry, ... */
  execution: number;
}

export interface RunCommandInput extends ActionContext {
  /** The stage's environment: with the pipeline, it decides which secrets the command receives. */
  environmentId: string | null;
  revisionSha: string;
  command: CommandConfig;
  /** The command is killed and the attempt fails after this long. */
  timeoutSeconds: number;
  /** The action's retry policy: failures of the command beyond this many are final. */
  maximumAttempts: number;
}

export interface HttpConfig {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  expectStatus?: number;
}

export interface CallHttpInput extends ActionContext {
  http: HttpConfig;
  timeoutSeconds: number;
}

export interface ApprovalConfig {
  requiredApprovals?: number;
  allowSelfApproval?: boolean;
  timeoutSeconds?: number;
  instructions?: string;
}

export interface WaitConfig {
  seconds: number;
}

/** A person's decision on a gate, checked by the API before it is signalled. */
export interface Decision {
  principalId: string;
  principalName: string;
  approved: boolean;
  comment: string | null;
}

/** A decision on an APPROVAL action of a pipeline run. */
export interface ApprovalDecision extends Decision {
  actionRunId: string;
}

export interface TransitionChange {
  stageId: string;
  enabled: boolean;
  reason: string | null;
}

/** The workflow's own view of its run, answered by the `runState` query. */
export interface RunStateView {
  status: RunStatus;
  /** Approval gates currently open, with the approvals they have. */
  openApprovals: Array<{ actionRunId: string; approverIds: string[]; requiredApprovals: number }>;
  blockedAtStageId: string | null;
  retryable: boolean;
}

export const approvalSignal = defineSignal<[ApprovalDecision]>('approval');
export const retryFailedActionsSignal = defineSignal<[{ requestedBy: string }]>('retryFailedActions');
export const transitionChangedSignal = defineSignal<[TransitionChange]>('transitionChanged');
export const cancelReasonSignal =
  defineSignal<[{ reason: string | null; requestedBy: string }]>('cancelReason');
export const laneGrantedSignal = defineSignal('laneGranted');
export const supersedeSignal = defineSignal<[{ byRunId: string }]>('supersede');
export const runStateQuery = defineQuery<RunStateView>('runState');

/** A decision on a deployment run's plan, sent to the deployment run's workflow. */
export const planDecisionSignal = defineSignal<[Decision]>('planDecision');

/** A deployment run tells its pipeline run that its plan waits for approval, or no longer does. */
export interface DeploymentPlanNews {
  deploymentRunId: string;
  waiting: boolean;
  /** The decision that closed the wait; null while waiting, or when the wait ended otherwise. */
  decision: Decision | null;
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
}

export interface DeploymentRunResult {
  status: FinishedDeploymentRunStatus;
  failureReason: string | null;
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
}

export interface DeploymentRunChange {
  deploymentRunId: string;
  status: DeploymentRunStatus;
  at: string;
  failureReason?: string | null;
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
}

export interface PlanApprovalRecord {
  deploymentRunId: string;
  decision: Decision;
  at: string;
}

export interface LaneRequest {
  runId: string;
  pipelineId: string;
  executionMode: ExecutionMode;
}

/** A claim on the lane: granted, or still waiting; or the run was superseded meanwhile. */
export interface LaneClaim {
  granted: boolean;
  supersededBy: string | null;
}

/** A run arriving at (or waiting at) a stage boundary. */
export interface BoundaryRequest extends LaneRequest {
  stageId: string;
}

/** The boundary as it is now: the transition flag, and whether a newer run replaces this one. */
export interface BoundaryState {
  enabled: boolean;
  reason: string | null;
  supersededBy: string | null;
}

/** A change of state the workflow projects into PostgreSQL; each may carry the event it raises. */
export type RunChange =
  | {
      target: 'run';
      runId: string;
      pipelineId: string;
      status: RunStatus;
      at: string;
      failureReason?: string | null;
      event?: EventRecord;
    }
  | {
      target: 'stage';
      runId: string;
      pipelineId: string;
      stageRunId: string;
      status: StageStatus;
      at: string;
      failureReason?: string | null;
      event?: EventRecord;
    }
  | {
      target: 'action';
      runId: string;
      pipelineId: string;
      actionRunId: string;
      status: ActionStatus;
      at: string;
      failureReason?: string | null;
      outputs?: Record<string, string>;
      event?: EventRecord;
    };

export interface RunCommandResult {
  outputs: Record<string, string>;
}

export interface ApprovalRecord {
  runId: string;
  pipelineId: string;
  actionRunId: string;
  execution: number;
  decision: Decision;
  at: string;
  event: EventRecord;
}

/**
 * Timeout and retry profiles of the engine's activities; nothing relies on the SDK's defaults by accident.
 * Bookkeeping (state projection, lanes, transitions: short idempotent database writes) runs as local
 * activities, inside the workflow task, so a state change costs a database write and no trip through a
 * task queue. A command heartbeats every 2 s, so a worker that died is noticed (and the attempt retried)
 * within `heartbeatTimeout`. Commands enforce their own timeout; `startToClose` is only the backstop.
 */
export const activityProfiles = {
  bookkeeping: {
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
    // Past this, retries (a database that is down) wait on durable timers instead of inside the task.
    localRetryThreshold: '10 seconds',
  },
  command: {
    heartbeatTimeout: '10 seconds',
    defaultTimeoutSeconds: 3600,
    backstopSeconds: 60,
    /** Extra Temporal attempts for attempts lost with their worker; they do not count against the policy. */
    lostWorkerAllowance: 5,
  },
  http: { defaultTimeoutSeconds: 30 },
} as const;

export const webhookDeliveryWorkflowType = 'webhookDeliveryWorkflow';

/** Business id of a delivery's workflow: starting it twice is refused, so each delivery runs once. */
export function webhookDeliveryWorkflowId(deliveryId: string): string {
  return `webhook-delivery-${deliveryId}`;
}

export interface WebhookDeliveryInput {
  deliveryId: string;
}

/** Retries of a webhook delivery: about a minute of backoff, then it is recorded as failed. */
export const webhookRetry = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 8,
} as const;
