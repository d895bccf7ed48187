/**
 * The contract between the API and the engine: workflow names and ids, inputs, and the run plan. Workflow
 * code, activities and the server all import these same definitions. Only types come from db/, so this
 * module stays safe for Temporal's deterministic workflow sandbox.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type {
  ActionKind,
  ExecutionMode,
  ActionStatus,
  PipelineEventType,
  RetryPolicy,
  RunStatus,
  StageStatus,
} from '../db/domain';

export const pipelineRunWorkflowType = 'pipelineRunWorkflow';

/** Business id of a run's workflow: one workflow per run, never a timestamp. */
export function pipelineRunWorkflowId(runId: string): string {
  return `pipeline-run-${runId}`;
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
  revisionSha: string;
  command: CommandConfig;
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

/** A person's decision on an approval gate, checked by the API before it is signalled. */
export interface ApprovalDecision {
  actionRunId: string;
  principalId: string;
  principalName: string;
  approved: boolean;
  comment: string | null;
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

export interface LaneRequest {
  runId: string;
  pipelineId: string;
  executionMode: ExecutionMode;
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
  decision: ApprovalDecision;
  at: string;
  event: EventRecord;
}
