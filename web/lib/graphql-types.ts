// Generated from server/schema.graphql by `npm run web:types`; do not edit.
/* eslint-disable */

export interface Action {
  config: unknown;
  id: string;
  kind: ActionKind;
  name: string;
  retryPolicy: RetryPolicy;
  runOrder: number;
  timeoutSeconds: number | null;
}

export interface ActionAttempt {
  error: string | null;
  finishedAt: string | null;
  number: number;
  startedAt: string;
}

export interface ActionInput {
  config: unknown;
  kind: ActionKind;
  name: string;
  retryPolicy?: RetryPolicyInput | null;
  runOrder?: number | null;
  timeoutSeconds?: number | null;
}

export type ActionKind = 'APPROVAL' | 'COMMAND' | 'DEPLOYMENT' | 'HTTP' | 'WAIT';

export interface ActionRun {
  /** APPROVAL actions and DEPLOYMENT plan approvals: what is being approved */
  approvalRequest: ApprovalRequest | null;
  approvals: Array<Approval>;
  /** published by this action */
  artifacts: Array<Artifact>;
  attempts: Array<ActionAttempt>;
  /** DEPLOYMENT actions: the deployment run of its latest execution */
  deploymentRun: DeploymentRun | null;
  finishedAt: string | null;
  id: string;
  kind: ActionKind;
  /** how many log lines its attempts wrote: the seq of the last one */
  logLineCount: number;
  logs: Array<LogLine>;
  name: string;
  outputs: unknown | null;
  /** not executed here: its outputs and artifacts came from this earlier action run */
  reusedFrom: ActionRun | null;
  runOrder: number;
  /** why it ended SKIPPED: reused, or its approval request expired */
  skipReason: string | null;
  startedAt: string | null;
  status: ActionStatus;
}

export type ActionStatus = 'CANCELLED' | 'FAILED' | 'PENDING' | 'REJECTED' | 'RUNNING' | 'SKIPPED' | 'SUCCEEDED' | 'TIMED_OUT' | 'WAITING_FOR_APPROVAL';

/** An issued API token (never its value). */
export interface ApiToken {
  createdAt: string;
  /** null: the token never expires */
  expiresAt: string | null;
  id: string;
  principal: Principal;
  revokedAt: string | null;
}

export interface Approval {
  approved: boolean;
  at: string;
  comment: string | null;
  principal: Principal;
}

/** What an approval (a gate or a Deployment plan) approves. */
export interface ApprovalRequest {
  artifactChanges: Array<ArtifactChange>;
  /** what this run would deploy */
  candidate: Revision;
  /** of the stage the gate is in (null: the stage has none) */
  environment: Environment | null;
  /** superseded by a newer run before anyone decided */
  expired: boolean;
  /** when the gate's timeout decides (null: no timeout) */
  expiresAt: string | null;
  /** what runs there now for the pipeline's service (null: nothing yet) */
  live: LiveDeployment | null;
  /** commits of this run that are not live there yet */
  newCommits: Array<Revision>;
  /** the candidate's revision is older than the live one */
  olderThanLive: boolean;
  /** one line, as notifications carry it: "3 new commits; checkout-image 1.4.1 -> 1.4.2" */
  summary: string;
}

/** Built once by a run and promoted: its digest is the same wherever it is deployed. */
export interface Artifact {
  /** the action that published it */
  actionRun: ActionRun | null;
  createdAt: string;
  /** e.g. "sha256:…": identical wherever the artifact is promoted */
  digest: string | null;
  id: string;
  /** e.g. "checkout-image" */
  name: string;
  /** the run that built it */
  pipelineRun: PipelineRun | null;
  /** where it lives, e.g. an image reference */
  uri: string | null;
  /** e.g. "1.4.2" */
  version: string;
}

export interface ArtifactChange {
  candidateDigest: string | null;
  candidateVersion: string | null;
  liveDigest: string | null;
  liveVersion: string | null;
  name: string;
}

export interface ArtifactInput {
  digest?: string | null;
  name: string;
  uri?: string | null;
  version: string;
}

/** One mutation as the audit trail recorded it: who, what, on which ids, and its outcome. */
export interface AuditEntry {
  at: string;
  id: string;
  operation: string;
  /** ALLOWED, DENIED (a role or rule refused it) or FAILED */
  outcome: string;
  /** who called; null for a call without a valid token, or a principal since deleted */
  principal: Principal | null;
  /** the ids, names, role and enabled flag among the arguments, as JSON; never values or text */
  target: string | null;
}

export interface AuditEntryConnection {
  edges: Array<AuditEntryEdge>;
  pageInfo: PageInfo;
  totalCount: number;
}

export interface AuditEntryEdge {
  cursor: string;
  node: AuditEntry;
}

export interface CommitInput {
  author?: string | null;
  /** the author date */
  committedAt: string;
  message?: string | null;
  sha: string;
}

/** The token is shown only here, once; it is stored hashed. */
export interface CreatedToken {
  /** From then on the token is refused like a revoked one; null: it never expires */
  expiresAt: string | null;
  principal: Principal;
  token: string;
  /** for revokeApiToken */
  tokenId: string;
}

/** A reusable unit that puts one service into one environment: plan, optional plan approval, apply. */
export interface Deployment {
  applyCommand: string;
  environment: Environment;
  id: string;
  name: string;
  /** the options of its plan approval */
  planApproval: PlanApprovalRules;
  planCommand: string | null;
  requirePlanApproval: boolean;
  service: Service;
}

export interface DeploymentApplyResult {
  /** "created", "updated" or "unchanged" */
  change: string;
  deployment: Deployment;
}

export interface DeploymentInput {
  applyCommand: string;
  environmentId: string;
  name: string;
  /** the options of its plan approval (default: one approver, no self-approval, no timeout) */
  planApproval?: PlanApprovalInput | null;
  planCommand?: string | null;
  requirePlanApproval?: boolean | null;
  serviceId: string;
}

/** A line written by a deployment run’s plan or apply command. */
export interface DeploymentLogLine {
  at: string;
  seq: number;
  /** "plan" or "apply" */
  step: string;
  stream: string;
  text: string;
}

export interface DeploymentRun {
  /** its plan approval, when its Deployment asks for one: what is being approved */
  approvalRequest: ApprovalRequest | null;
  /** what it deployed */
  artifacts: Array<Artifact>;
  /** needed remediation: a linked incident or a later rollback */
  changeFailed: boolean;
  /** the change set it delivered */
  commits: Array<Revision>;
  deployment: Deployment | null;
  environment: Environment;
  external: boolean;
  /** why the deployment run failed or was cancelled */
  failureReason: string | null;
  finishedAt: string | null;
  id: string;
  isRollback: boolean;
  /** median lead time of the commits it was first to deploy */
  leadTimeSeconds: number | null;
  /** what its plan and apply commands wrote */
  logs: Array<DeploymentLogLine>;
  pipelineRun: PipelineRun | null;
  planApprovals: Array<PlanApproval>;
  /** for a failed deployment: time until service was restored */
  recoverySeconds: number | null;
  /** distinct approvers its plan needs, once it waits for them (null: it has not waited) */
  requiredPlanApprovals: number | null;
  revision: Revision | null;
  /** a rollback, or deployed while an incident it remediates was open */
  rework: boolean;
  service: Service;
  startedAt: string;
  status: DeploymentRunStatus;
  /** who started it, when a person did */
  triggeredBy: Principal | null;
}

export interface DeploymentRunConnection {
  edges: Array<DeploymentRunEdge>;
  pageInfo: PageInfo;
  totalCount: number;
}

export interface DeploymentRunEdge {
  cursor: string;
  node: DeploymentRun;
}

export type DeploymentRunStatus = 'CANCELLED' | 'FAILED' | 'RUNNING' | 'SUCCEEDED' | 'WAITING';

export interface DoraFilter {
  from: string;
  /** default WEEK */
  interval?: Interval | null;
  serviceIds?: Array<string> | null;
  team?: string | null;
  /** IANA name, default "UTC"; buckets start at local midnight / Monday / 1st */
  timeZone?: string | null;
  to: string;
}

export type DoraLevel = 'ELITE' | 'HIGH' | 'LOW' | 'MEDIUM';

export interface DoraMetric {
  level: DoraLevel | null;
  p75: number | null;
  p90: number | null;
  sampleSize: number;
  /** one point per bucket in [from, to), empty buckets included */
  series: Array<DoraPoint>;
  unit: string;
  /** the headline (docs/dora.md); null when there is nothing to measure */
  value: number | null;
}

export interface DoraMetrics {
  benchmark: string;
  changeFailureRate: DoraMetric;
  deploymentFrequency: DoraMetric;
  deploymentReworkRate: DoraMetric;
  from: string;
  interval: Interval;
  leadTimeForChanges: DoraMetric;
  timeToRestore: DoraMetric;
  timeZone: string;
  to: string;
}

export interface DoraPoint {
  bucketStart: string;
  /** durations only: the 75th percentile within the bucket */
  p75: number | null;
  /** durations only: the 90th percentile within the bucket */
  p90: number | null;
  sampleSize: number;
  value: number | null;
}

export interface Environment {
  id: string;
  name: string;
  /** its environment pipeline, once created */
  pipeline: Pipeline | null;
  tier: EnvironmentTier;
}

export interface EnvironmentApplyResult {
  /** "created", "updated" or "unchanged" */
  change: string;
  environment: Environment;
}

export interface EnvironmentInput {
  name: string;
  tier: EnvironmentTier;
}

export type EnvironmentTier = 'DEVELOPMENT' | 'PRODUCTION' | 'STAGING';

export type ExecutionMode = 'PARALLEL' | 'QUEUED' | 'SUPERSEDED';

export interface ExternalDeploymentInput {
  /** what it deployed */
  artifacts?: Array<ArtifactInput> | null;
  commits?: Array<CommitInput> | null;
  environmentId: string;
  finishedAt?: string | null;
  isRollback?: boolean | null;
  revision?: RevisionInput | null;
  serviceId: string;
  startedAt: string;
  status: DeploymentRunStatus;
}

/** No deployment into an environment while one is active */
export interface FreezeWindow {
  createdBy: Principal;
  endsAt: string;
  /** null: every environment of tier PRODUCTION */
  environment: Environment | null;
  id: string;
  name: string;
  reason: string | null;
  startsAt: string;
}

/** No environmentId: every environment of tier PRODUCTION. */
export interface FreezeWindowInput {
  endsAt: string;
  environmentId?: string | null;
  name: string;
  reason?: string | null;
  startsAt: string;
}

export interface Incident {
  /** how causedBy was decided (docs/dora.md, "Incidents") */
  attribution: IncidentAttribution;
  causedBy: DeploymentRun | null;
  external: boolean;
  id: string;
  openedAt: string;
  resolvedAt: string | null;
  service: Service;
  title: string;
}

export type IncidentAttribution = 'EXPLICIT' | 'EXTERNAL' | 'HEURISTIC' | 'NONE';

export interface IncidentInput {
  causedByDeploymentRunId?: string | null;
  external?: boolean | null;
  openedAt: string;
  serviceId: string;
  title: string;
}

export type Interval = 'DAY' | 'MONTH' | 'WEEK';

/** What runs for one service in one environment now. */
export interface LiveDeployment {
  artifacts: Array<Artifact>;
  /** the latest successful deployment there */
  deploymentRun: DeploymentRun;
  environment: Environment;
  /** the successful deployment there before it, of another revision: where a rollback goes */
  previous: DeploymentRun | null;
  revision: Revision | null;
  service: Service;
  since: string;
}

export interface LogLine {
  at: string;
  seq: number;
  stream: string;
  text: string;
}

export interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface Pipeline {
  /** default false: a run older than live stops before deploying (rollbacks excepted) */
  allowOlderThanLive: boolean;
  description: string | null;
  /** an environment pipeline: the environment whose services it deploys */
  environment: Environment | null;
  executionMode: ExecutionMode;
  id: string;
  name: string;
  runs: PipelineRunConnection;
  schedules: Array<Schedule>;
  service: Service | null;
  source: PipelineSource | null;
  stages: Array<Stage>;
}

export interface PipelineApplyResult {
  /** "created", "updated" or "unchanged" */
  change: string;
  pipeline: Pipeline;
}

export interface PipelineConnection {
  edges: Array<PipelineEdge>;
  pageInfo: PageInfo;
  totalCount: number;
}

export interface PipelineEdge {
  cursor: string;
  node: Pipeline;
}

/** A change of state of a run; ids order events (resume with afterEventId). */
export interface PipelineEvent {
  actionName: string | null;
  at: string;
  id: string;
  message: string | null;
  pipelineId: string;
  runId: string;
  stageName: string | null;
  type: PipelineEventType;
}

export type PipelineEventType = 'ACTION_FAILED' | 'ACTION_RETRYING' | 'ACTION_SKIPPED' | 'ACTION_STARTED' | 'ACTION_SUCCEEDED' | 'APPROVAL_EXPIRED' | 'APPROVAL_GRANTED' | 'APPROVAL_REJECTED' | 'APPROVAL_REQUESTED' | 'APPROVAL_TIMED_OUT' | 'FREEZE_HELD' | 'FREEZE_OVERRIDDEN' | 'RUN_CANCELLED' | 'RUN_FAILED' | 'RUN_RESUMED' | 'RUN_STARTED' | 'RUN_SUCCEEDED' | 'RUN_SUPERSEDED' | 'STAGE_FAILED' | 'STAGE_STARTED' | 'STAGE_SUCCEEDED' | 'TRANSITION_BLOCKED';

export interface PipelineInput {
  allowOlderThanLive?: boolean | null;
  description?: string | null;
  executionMode?: ExecutionMode | null;
  name: string;
  serviceId?: string | null;
  /** omitted, an update keeps the current source; null removes it */
  source?: PipelineSourceInput | null;
  stages: Array<StageInput>;
}

export interface PipelineRun {
  /** every artifact the run built or received */
  artifacts: Array<Artifact>;
  createdAt: string;
  currentStage: StageRun | null;
  /** What people decided while the run was held after a failure (retry, retry stage, skip): who and why, oldest first */
  decisions: Array<PipelineEvent>;
  failureReason: string | null;
  finishedAt: string | null;
  /** the freeze windows holding the run at its stage now, by end (empty: none) */
  freezeWindowsHolding: Array<FreezeWindow>;
  id: string;
  /** a rollback to an earlier run */
  isRollback: boolean;
  /** 1, 2, 3... per pipeline */
  number: number;
  pipeline: Pipeline;
  /** the known-good run whose revision, commits and artifacts this run carries */
  promotedFrom: PipelineRun | null;
  revision: Revision;
  stages: Array<StageRun>;
  startedAt: string | null;
  status: RunStatus;
  temporalWorkflowId: string;
  triggeredBy: Principal;
}

export interface PipelineRunConnection {
  edges: Array<PipelineRunEdge>;
  pageInfo: PageInfo;
  totalCount: number;
}

export interface PipelineRunEdge {
  cursor: string;
  node: PipelineRun;
}

/** a push to this branch of this repository triggers the pipeline */
export interface PipelineSource {
  branch: string;
  /** owner/name, as GitHub spells it */
  repository: string;
}

export interface PipelineSourceInput {
  branch: string;
  repository: string;
}

/** A decision on a deployment run’s plan. */
export interface PlanApproval {
  approved: boolean;
  at: string;
  comment: string | null;
  principal: Principal;
}

export interface PlanApprovalInput {
  /** default false */
  allowSelfApproval?: boolean | null;
  /** 1 to 20; default 1 */
  requiredApprovals?: number | null;
  /** 1 s to 30 days; null: no timeout */
  timeoutSeconds?: number | null;
}

/** A Deployment's plan approval: the options of an approval gate (used when it requires one). */
export interface PlanApprovalRules {
  /** whoever started the run may approve its plan (default false) */
  allowSelfApproval: boolean;
  /** distinct approvers needed (default 1) */
  requiredApprovals: number;
  /** after this, nobody decided: it ends TIMED_OUT (null: no timeout) */
  timeoutSeconds: number | null;
}

export interface Principal {
  id: string;
  name: string;
  role: Role;
}

export interface RetryPolicy {
  backoffCoefficient: number;
  initialIntervalMs: number;
  maximumAttempts: number;
}

export interface RetryPolicyInput {
  backoffCoefficient?: number | null;
  initialIntervalMs?: number | null;
  maximumAttempts?: number | null;
}

export interface Revision {
  author: string | null;
  committedAt: string;
  message: string | null;
  sha: string;
}

export interface RevisionInput {
  author?: string | null;
  /** the author date */
  committedAt: string;
  message?: string | null;
  sha: string;
}

export type Role = 'ADMIN' | 'APPROVER' | 'OPERATOR' | 'VIEWER';

export type RunStatus = 'CANCELLED' | 'FAILED' | 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'SUPERSEDED' | 'WAITING';

/** a Temporal Schedule that triggers the pipeline */
export interface Schedule {
  /** five-field cron, e.g. "0 3 * * 1-5" */
  cron: string;
  id: string;
  lastRun: PipelineRun | null;
  nextRunAt: string | null;
  paused: boolean;
  pipeline: Pipeline;
  /** the Temporal Schedule id, as the Temporal UI lists it */
  temporalScheduleId: string;
  /** IANA name */
  timeZone: string;
}

/** A named credential; its value is never readable through the API. */
export interface Secret {
  environment: Environment | null;
  id: string;
  name: string;
  pipeline: Pipeline | null;
  scope: SecretScope;
  updatedAt: string;
}

/** Neither environmentId nor pipelineId: a GLOBAL secret. */
export interface SecretInput {
  environmentId?: string | null;
  name: string;
  pipelineId?: string | null;
  value: string;
}

export type SecretScope = 'ENVIRONMENT' | 'GLOBAL' | 'PIPELINE';

export interface Service {
  id: string;
  name: string;
  team: string | null;
  /** decides its stage in an environment pipeline (no type: the last stage) */
  type: ServiceType | null;
}

export interface ServiceApplyResult {
  /** "created", "updated" or "unchanged" */
  change: string;
  service: Service;
}

export interface ServiceInput {
  name: string;
  team?: string | null;
  type?: ServiceType | null;
}

export type ServiceType = 'APPLICATION' | 'CONTAINER' | 'DATABASE' | 'JOB';

export interface Stage {
  actions: Array<Action>;
  /** new services of this type are placed in this stage */
  defaultFor: ServiceType | null;
  environment: Environment | null;
  id: string;
  maxParallel: number;
  name: string;
  position: number;
  /** an environment pipeline: the services placed in this stage (each in exactly one) */
  services: Array<Service>;
  transitionEnabled: boolean;
}

export interface StageInput {
  actions: Array<ActionInput>;
  environmentId?: string | null;
  maxParallel?: number | null;
  name: string;
  transitionEnabled?: boolean | null;
}

export interface StageRun {
  actions: Array<ActionRun>;
  /** a stage with an environment and no DEPLOYMENT action: its own deployment run's latest */
  deploymentRun: DeploymentRun | null;
  finishedAt: string | null;
  id: string;
  name: string;
  position: number;
  startedAt: string | null;
  status: StageStatus;
}

export type StageStatus = 'BLOCKED' | 'CANCELLED' | 'FAILED' | 'PENDING' | 'RUNNING' | 'SKIPPED' | 'SUCCEEDED' | 'WAITING';

export interface WebhookDelivery {
  attempts: number;
  deliveredAt: string | null;
  error: string | null;
  eventType: PipelineEventType;
  id: string;
  responseStatus: number | null;
  runId: string;
}

export interface WebhookSubscription {
  createdAt: string;
  /** empty: every type */
  eventTypes: Array<PipelineEventType>;
  /** "lockstep" or "slack" */
  format: string;
  id: string;
  /** null: every pipeline */
  pipeline: Pipeline | null;
  url: string;
}

export interface WebhookSubscriptionInput {
  eventTypes?: Array<PipelineEventType> | null;
  /** "lockstep" (default) or "slack" */
  format?: string | null;
  /** null: every pipeline */
  pipelineId?: string | null;
  /** signs every delivery (X-Lockstep-Signature); at least 16 characters */
  secret: string;
  url: string;
}
