/**
 * The closed vocabularies of the data model. Stored as text with CHECK constraints (see the migrations);
 * the GraphQL enums of the same names are registered from these arrays.
 */

export const roles = ['VIEWER', 'OPERATOR', 'APPROVER', 'ADMIN'] as const;
export type Role = (typeof roles)[number];

export const environmentTiers = ['DEVELOPMENT', 'STAGING', 'PRODUCTION'] as const;
export type EnvironmentTier = (typeof environmentTiers)[number];

/** What a service is, which decides its default stage in an environment pipeline. */
export const serviceTypes = ['DATABASE', 'JOB', 'CONTAINER', 'APPLICATION'] as const;
export type ServiceType = (typeof serviceTypes)[number];

export const actionKinds = ['COMMAND', 'HTTP', 'APPROVAL', 'DEPLOYMENT', 'WAIT'] as const;
export type ActionKind = (typeof actionKinds)[number];

export const executionModes = ['QUEUED', 'SUPERSEDED', 'PARALLEL'] as const;
export type ExecutionMode = (typeof executionModes)[number];

export const runStatuses = [
  'QUEUED',
  'RUNNING',
  'WAITING',
  'FAILED',
  'SUCCEEDED',
  'CANCELLED',
  'SUPERSEDED',
] as const;
export type RunStatus = (typeof runStatuses)[number];
/** A run in one of these may still act on its pipeline's stages (cancel it; do not delete its pipeline). */
export const activeRunStatuses = ['QUEUED', 'RUNNING', 'WAITING'] as const satisfies readonly RunStatus[];
/** A run in one of these has a finish time (a FAILED one may still be retried while its workflow holds). */
export const finishedRunStatuses = [
  'FAILED',
  'SUCCEEDED',
  'CANCELLED',
  'SUPERSEDED',
] as const satisfies readonly RunStatus[];

export const stageStatuses = [
  'PENDING',
  'RUNNING',
  'WAITING',
  'BLOCKED',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'SKIPPED',
] as const;
export type StageStatus = (typeof stageStatuses)[number];
/** The stage a run is at: working, waiting for a person, or held at a closed transition. */
export const activeStageStatuses = [
  'RUNNING',
  'WAITING',
  'BLOCKED',
] as const satisfies readonly StageStatus[];
export const finishedStageStatuses = [
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'SKIPPED',
] as const satisfies readonly StageStatus[];

export const actionStatuses = [
  'PENDING',
  'RUNNING',
  'WAITING_FOR_APPROVAL',
  'SUCCEEDED',
  'FAILED',
  'REJECTED',
  'CANCELLED',
  'SKIPPED',
  // an approval gate (or a plan approval) whose timeout decided: nobody rejected it
  'TIMED_OUT',
] as const;
export type ActionStatus = (typeof actionStatuses)[number];
export const finishedActionStatuses = [
  'SUCCEEDED',
  'FAILED',
  'REJECTED',
  'CANCELLED',
  'SKIPPED',
  'TIMED_OUT',
] as const satisfies readonly ActionStatus[];

export const deploymentRunStatuses = ['RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type DeploymentRunStatus = (typeof deploymentRunStatuses)[number];
export const finishedDeploymentRunStatuses = [
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
] as const satisfies readonly DeploymentRunStatus[];
export type FinishedDeploymentRunStatus = (typeof finishedDeploymentRunStatuses)[number];
/** A deployment run in one of these is still under way (or waiting for its plan's approval). */
export const activeDeploymentRunStatuses = [
  'RUNNING',
  'WAITING',
] as const satisfies readonly DeploymentRunStatus[];

/** Statuses (of runs, stages or actions) that end the thing: its finish time is set when it enters one. */
export const finishedStatuses: ReadonlySet<string> = new Set([
  ...finishedRunStatuses,
  ...finishedStageStatuses,
  ...finishedActionStatuses,
]);

/** A status in `group`, narrowed (`includes` on an `as const` array takes only its own members). */
export function isIn<T extends string>(group: readonly T[], status: string): status is T {
  return (group as readonly string[]).includes(status);
}

/** How an incident's cause was decided when it was opened (DORA.md, "Incident attribution"). */
export const incidentAttributions = ['EXPLICIT', 'HEURISTIC', 'EXTERNAL', 'NONE'] as const;
export type IncidentAttribution = (typeof incidentAttributions)[number];

export const pipelineEventTypes = [
  'RUN_STARTED',
  'STAGE_STARTED',
  'STAGE_SUCCEEDED',
  'STAGE_FAILED',
  'ACTION_STARTED',
  'ACTION_SUCCEEDED',
  'ACTION_FAILED',
  'ACTION_RETRYING',
  'APPROVAL_REQUESTED',
  'APPROVAL_GRANTED',
  'APPROVAL_REJECTED',
  'TRANSITION_BLOCKED',
  'RUN_SUCCEEDED',
  'RUN_FAILED',
  'RUN_CANCELLED',
  'RUN_SUPERSEDED',
  'APPROVAL_EXPIRED',
  'FREEZE_HELD',
  'FREEZE_OVERRIDDEN',
  'APPROVAL_TIMED_OUT',
  // A failed action a person skipped; a held run a person sent on (retry failed, retry stage, skip): who, why.
  'ACTION_SKIPPED',
  'RUN_RESUMED',
] as const;
export type PipelineEventType = (typeof pipelineEventTypes)[number];

/** A retry policy as stored with each action and handed to Temporal as the activity's retry policy. */
export interface RetryPolicy {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maximumAttempts: 1,
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
};
export const defaultMaxParallel = 4;
