/** A pipeline run: its workflow type and business id, search attributes, the plan it executes, its signals and queries. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DecisionGate, DecisionProof } from '../../db/decision-proof';
import type { ActionKind, ExecutionMode, PipelineEventType, RetryPolicy, RunStatus } from '../../db/domain';
import type { ActionReuse, ArtifactRef } from './releases';

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
  /** The plan approval's options (absent in snapshots taken before them: one approver, no timeout). */
  planApproval?: PlanApprovalRules;
}

/** A Deployment's plan approval takes the options of an approval gate. */
export interface PlanApprovalRules {
  requiredApprovals: number;
  /** Null: it waits until someone decides. */
  timeoutSeconds: number | null;
  allowSelfApproval: boolean;
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
  /** Promotions and rollbacks: not executed, an earlier run's action published what it builds. */
  reuse?: ActionReuse;
}

export interface StagePlan {
  stageRunId: string;
  stageId: string;
  name: string;
  position: number;
  environmentId: string | null;
  maxParallel: number;
  actions: ActionPlan[];
  /**
   * A rerun from a later stage (`rerunFromStage`): this stage is not entered at all (no transition, live
   * check or deployment); each of its actions carries the `reuse` of the earlier run's action.
   */
  reused?: boolean;
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
  /** Artifacts the run carries from the start: a promotion's or a rollback's (absent before releases). */
  artifacts?: ArtifactRef[];
  /** The pipeline lets runs deploy a revision older than what is live (absent before releases: false). */
  allowOlderThanLive?: boolean;
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

/** A person's decision on a gate, checked by the API before it is signalled. */
export interface Decision {
  principalId: string;
  principalName: string;
  approved: boolean;
  comment: string | null;
  /**
   * The API's proof that it made this decision for this gate (db/decision-proof.ts); a gate opened since the
   * `verified-decisions` patch counts no decision whose proof the worker cannot confirm.
   */
  proof?: DecisionProof | null;
}

/** A decision a gate received, to be confirmed by the local activity `verifyDecision` before it counts. */
export interface DecisionCheck {
  gate: DecisionGate;
  decision: Decision;
  /** When the gate opened (workflow time): a proof issued before then was made for an earlier opening. */
  openedAt: string;
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

/** What a person decides for a run held after a failure (docs/run-semantics.md, "After a failure"). */
export type HoldDecisionKind = 'RETRY_FAILED' | 'RETRY_STAGE' | 'SKIP_FAILED';

/** A decision on a held run, checked by the API before it is signalled. */
export interface HoldDecision {
  kind: HoldDecisionKind;
  principalId: string;
  principalName: string;
  /** Why (required for SKIP_FAILED; it becomes the skipped actions' skip reason). */
  reason: string | null;
  /** SKIP_FAILED: the API's proof (db/decision-proof.ts, gate kind `skip`), checked like an approval's. */
  proof?: DecisionProof | null;
}

export const approvalSignal = defineSignal<[ApprovalDecision]>('approval');
export const retryFailedActionsSignal = defineSignal<[{ requestedBy: string }]>('retryFailedActions');
/** Since the `hold-decisions` patch; `retryFailedActions` stays for runs that were signalled before it. */
export const holdDecisionSignal = defineSignal<[HoldDecision]>('holdDecision');
export const transitionChangedSignal = defineSignal<[TransitionChange]>('transitionChanged');
export const cancelReasonSignal =
  defineSignal<[{ reason: string | null; requestedBy: string }]>('cancelReason');
export const laneGrantedSignal = defineSignal('laneGranted');
export const supersedeSignal = defineSignal<[{ byRunId: string }]>('supersede');
export const runStateQuery = defineQuery<RunStateView>('runState');
