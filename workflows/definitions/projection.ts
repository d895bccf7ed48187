/** Lanes and stage boundaries, and the changes of state the workflow projects into PostgreSQL. */
import type { ExecutionMode, ActionStatus, RunStatus, StageStatus } from '../../db/domain';
import type { Decision, EventRecord } from './pipeline-run';
import type { ArtifactRef } from './releases';

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

/**
 * A run arriving at a stage in one local activity (since the `engine-fold-bookkeeping` patch): the boundary
 * read and the changes that go with it, in one transaction.
 */
export interface StageEntry {
  boundary: BoundaryRequest;
  /** Written whatever the boundary says: the run's RUNNING as it enters its first stage (or resumes). */
  changes: RunChange[];
  /** Written only when the transition is enabled: the stage's RUNNING, when no freeze check comes between. */
  ifEnabled: RunChange[];
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
      /** Why it ended SKIPPED; the earlier action run it reused; whether its approval request expired. */
      skipReason?: string;
      reusedFromActionRunId?: string;
      approvalExpired?: boolean;
      event?: EventRecord;
    };

export interface RunCommandResult {
  outputs: Record<string, string>;
  /** What the command published through $LOCKSTEP_ARTIFACTS, stored (absent before releases). */
  artifacts?: ArtifactRef[];
  /**
   * True when the attempt recorded the action's start and success itself (RunCommandInput.start and
   * success). A worker of an earlier version ignores those and leaves this out: the workflow records both.
   */
  recorded?: boolean;
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
 * One step of a run written as a whole (since the `events-after-state` patch): the changes a state change
 * implies (the action, its stage, the run) and the approvals it records, with the events they raise, in one
 * transaction. NOTIFY is delivered at commit, so an event reaches subscribers only once all of it can be read.
 */
export interface RunStep {
  changes: RunChange[];
  approvals?: ApprovalRecord[];
}
