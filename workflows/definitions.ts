/**
 * The contract between the API and the engine: workflow names and ids, inputs, and the run plan. Workflow
 * code, activities and the server all import these same definitions. Only types come from db/, so this
 * module stays safe for Temporal's deterministic workflow sandbox.
 */
import type {
  ActionKind,
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

export interface RunCommandInput {
  runId: string;
  pipelineId: string;
  actionRunId: string;
  stageName: string;
  actionName: string;
  revisionSha: string;
  command: CommandConfig;
  /** Attempts recorded before this execution (manual retries continue the numbering). */
  attemptBase: number;
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
