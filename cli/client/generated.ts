/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ActionInput = {
  config: unknown;
  kind: ActionKind;
  name: string;
  retryPolicy?: RetryPolicyInput | null | undefined;
  runOrder?: number | null | undefined;
  timeoutSeconds?: number | null | undefined;
};

export type ActionKind =
  | 'APPROVAL'
  | 'COMMAND'
  | 'DEPLOYMENT'
  | 'HTTP'
  | 'WAIT';

export type ActionStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'PENDING'
  | 'REJECTED'
  | 'RUNNING'
  | 'SKIPPED'
  | 'SUCCEEDED'
  | 'TIMED_OUT'
  | 'WAITING_FOR_APPROVAL';

export type ArtifactInput = {
  digest?: string | null | undefined;
  name: string;
  uri?: string | null | undefined;
  version: string;
};

export type CommitInput = {
  author?: string | null | undefined;
  /** the author date */
  committedAt: string;
  message?: string | null | undefined;
  sha: string;
};

export type DeploymentInput = {
  applyCommand: string;
  environmentId: string;
  name: string;
  /** the options of its plan approval (default: one approver, no self-approval, no timeout) */
  planApproval?: PlanApprovalInput | null | undefined;
  planCommand?: string | null | undefined;
  requirePlanApproval?: boolean | null | undefined;
  serviceId: string;
};

export type DeploymentRunStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'WAITING';

export type EnvironmentInput = {
  name: string;
  tier: EnvironmentTier;
};

export type EnvironmentTier =
  | 'DEVELOPMENT'
  | 'PRODUCTION'
  | 'STAGING';

export type ExecutionMode =
  | 'PARALLEL'
  | 'QUEUED'
  | 'SUPERSEDED';

export type ExternalDeploymentInput = {
  /** what it deployed */
  artifacts?: Array<ArtifactInput> | null | undefined;
  commits?: Array<CommitInput> | null | undefined;
  environmentId: string;
  finishedAt?: string | null | undefined;
  isRollback?: boolean | null | undefined;
  revision?: RevisionInput | null | undefined;
  serviceId: string;
  startedAt: string;
  status: DeploymentRunStatus;
};

export type PipelineInput = {
  allowOlderThanLive?: boolean | null | undefined;
  description?: string | null | undefined;
  executionMode?: ExecutionMode | null | undefined;
  name: string;
  serviceId?: string | null | undefined;
  /** omitted, an update keeps the current source; null removes it */
  source?: PipelineSourceInput | null | undefined;
  stages: Array<StageInput>;
};

export type PipelineSourceInput = {
  branch: string;
  repository: string;
};

export type PlanApprovalInput = {
  /** default false */
  allowSelfApproval?: boolean | null | undefined;
  /** 1 to 20; default 1 */
  requiredApprovals?: number | null | undefined;
  /** 1 s to 30 days; null: no timeout */
  timeoutSeconds?: number | null | undefined;
};

export type RetryPolicyInput = {
  backoffCoefficient?: number | null | undefined;
  initialIntervalMs?: number | null | undefined;
  maximumAttempts?: number | null | undefined;
};

export type RevisionInput = {
  author?: string | null | undefined;
  /** the author date */
  committedAt: string;
  message?: string | null | undefined;
  sha: string;
};

export type RunStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'SUPERSEDED'
  | 'WAITING';

export type ServiceInput = {
  name: string;
  team?: string | null | undefined;
  type?: ServiceType | null | undefined;
};

export type ServiceType =
  | 'APPLICATION'
  | 'CONTAINER'
  | 'DATABASE'
  | 'JOB';

export type StageInput = {
  actions: Array<ActionInput>;
  environmentId?: string | null | undefined;
  maxParallel?: number | null | undefined;
  name: string;
  transitionEnabled?: boolean | null | undefined;
};

export type StageStatus =
  | 'BLOCKED'
  | 'CANCELLED'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING'
  | 'SKIPPED'
  | 'SUCCEEDED'
  | 'WAITING';

export type CatalogQueryVariables = Exact<{ [key: string]: never; }>;


export type CatalogQuery = { services: Array<{ id: string, name: string }>, environments: Array<{ id: string, name: string }>, deployments: Array<{ id: string, name: string }> };

export type UpsertServiceMutationVariables = Exact<{
  input: ServiceInput;
  dryRun?: boolean | null | undefined;
}>;


export type UpsertServiceMutation = { upsertService: { change: string, service: { id: string, name: string } } };

export type UpsertEnvironmentMutationVariables = Exact<{
  input: EnvironmentInput;
  dryRun?: boolean | null | undefined;
}>;


export type UpsertEnvironmentMutation = { upsertEnvironment: { change: string, environment: { id: string, name: string } } };

export type UpsertDeploymentMutationVariables = Exact<{
  input: DeploymentInput;
  dryRun?: boolean | null | undefined;
}>;


export type UpsertDeploymentMutation = { upsertDeployment: { change: string, deployment: { id: string, name: string } } };

export type UpsertPipelineMutationVariables = Exact<{
  input: PipelineInput;
  dryRun?: boolean | null | undefined;
}>;


export type UpsertPipelineMutation = { upsertPipeline: { change: string, pipeline: { id: string, name: string } } };

export type TriggerPipelineMutationVariables = Exact<{
  pipelineId: string;
  revision: RevisionInput;
  commits?: Array<CommitInput> | CommitInput | null | undefined;
}>;


export type TriggerPipelineMutation = { triggerPipeline: { id: string, number: number, pipeline: { name: string } } };

export type ApproveActionMutationVariables = Exact<{
  actionRunId: string;
  comment?: string | null | undefined;
}>;


export type ApproveActionMutation = { approveAction: { id: string, name: string, status: ActionStatus } };

export type RejectActionMutationVariables = Exact<{
  actionRunId: string;
  comment?: string | null | undefined;
}>;


export type RejectActionMutation = { rejectAction: { id: string, name: string, status: ActionStatus } };

export type ApprovePlanMutationVariables = Exact<{
  deploymentRunId: string;
  comment?: string | null | undefined;
}>;


export type ApprovePlanMutation = { approveDeploymentPlan: { id: string, status: DeploymentRunStatus } };

export type RejectPlanMutationVariables = Exact<{
  deploymentRunId: string;
  comment?: string | null | undefined;
}>;


export type RejectPlanMutation = { rejectDeploymentPlan: { id: string, status: DeploymentRunStatus } };

export type RetryFailedActionsMutationVariables = Exact<{
  runId: string;
}>;


export type RetryFailedActionsMutation = { retryFailedActions: { id: string, number: number, status: RunStatus, pipeline: { name: string } } };

export type CancelRunMutationVariables = Exact<{
  runId: string;
  reason?: string | null | undefined;
}>;


export type CancelRunMutation = { cancelRun: { id: string, number: number, status: RunStatus, pipeline: { name: string } } };

export type RollbackMutationVariables = Exact<{
  pipelineId: string;
  toRunId: string;
}>;


export type RollbackMutation = { rollback: { id: string, number: number, pipeline: { name: string } } };

export type PromoteMutationVariables = Exact<{
  pipelineId: string;
  fromRunId: string;
}>;


export type PromoteMutation = { promote: { id: string, number: number, pipeline: { name: string } } };

export type RetryStageMutationVariables = Exact<{
  runId: string;
}>;


export type RetryStageMutation = { retryStage: { id: string, number: number, status: RunStatus, pipeline: { name: string } } };

export type SkipFailedActionsMutationVariables = Exact<{
  runId: string;
  reason: string;
}>;


export type SkipFailedActionsMutation = { skipFailedActions: { id: string, number: number, status: RunStatus, pipeline: { name: string } } };

export type RerunFromStageMutationVariables = Exact<{
  runId: string;
  stageRunId: string;
  rerunUpstream?: boolean | null | undefined;
}>;


export type RerunFromStageMutation = { rerunFromStage: { id: string, number: number, pipeline: { name: string } } };

export type RecordExternalDeploymentsMutationVariables = Exact<{
  input: Array<ExternalDeploymentInput> | ExternalDeploymentInput;
}>;


export type RecordExternalDeploymentsMutation = { recordExternalDeployments: number };

export type VacuumDoraFactsMutationVariables = Exact<{ [key: string]: never; }>;


export type VacuumDoraFactsMutation = { vacuumDoraFacts: number };

export type RunViewFragment = { id: string, number: number, status: RunStatus, failureReason: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, temporalWorkflowId: string, pipeline: { id: string, name: string }, revision: { sha: string, message: string | null, author: string | null, committedAt: string }, triggeredBy: { name: string }, stages: Array<{ id: string, name: string, position: number, status: StageStatus, startedAt: string | null, finishedAt: string | null, actions: Array<{ id: string, name: string, kind: ActionKind, runOrder: number, status: ActionStatus, startedAt: string | null, finishedAt: string | null, attempts: Array<{ number: number, error: string | null }>, deploymentRun: { id: string, status: DeploymentRunStatus } | null }> }> };

export type PipelineByIdQueryVariables = Exact<{
  id: string;
}>;


export type PipelineByIdQuery = { pipeline: { id: string, name: string } | null };

export type PipelineByNameQueryVariables = Exact<{
  name: string;
}>;


export type PipelineByNameQuery = { pipelineByName: { id: string, name: string } | null };

export type RunByIdQueryVariables = Exact<{
  id: string;
}>;


export type RunByIdQuery = { pipelineRun: { id: string, number: number, status: RunStatus, failureReason: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, temporalWorkflowId: string, pipeline: { id: string, name: string }, revision: { sha: string, message: string | null, author: string | null, committedAt: string }, triggeredBy: { name: string }, stages: Array<{ id: string, name: string, position: number, status: StageStatus, startedAt: string | null, finishedAt: string | null, actions: Array<{ id: string, name: string, kind: ActionKind, runOrder: number, status: ActionStatus, startedAt: string | null, finishedAt: string | null, attempts: Array<{ number: number, error: string | null }>, deploymentRun: { id: string, status: DeploymentRunStatus } | null }> }> } | null };

export type RunByNumberQueryVariables = Exact<{
  pipelineId: string;
  number: number;
}>;


export type RunByNumberQuery = { pipelineRunByNumber: { id: string, number: number, status: RunStatus, failureReason: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, temporalWorkflowId: string, pipeline: { id: string, name: string }, revision: { sha: string, message: string | null, author: string | null, committedAt: string }, triggeredBy: { name: string }, stages: Array<{ id: string, name: string, position: number, status: StageStatus, startedAt: string | null, finishedAt: string | null, actions: Array<{ id: string, name: string, kind: ActionKind, runOrder: number, status: ActionStatus, startedAt: string | null, finishedAt: string | null, attempts: Array<{ number: number, error: string | null }>, deploymentRun: { id: string, status: DeploymentRunStatus } | null }> }> } | null };

export type RunsQueryVariables = Exact<{
  pipelineId: string;
  first?: number | null | undefined;
}>;


export type RunsQuery = { pipelineRuns: { totalCount: number, edges: Array<{ node: { id: string, number: number, status: RunStatus, createdAt: string, finishedAt: string | null, revision: { sha: string, message: string | null }, triggeredBy: { name: string } } }> } };

export type RunLogsQueryVariables = Exact<{
  id: string;
  afterSeq?: number | null | undefined;
  limit?: number | null | undefined;
}>;


export type RunLogsQuery = { pipelineRun: { id: string, status: RunStatus, stages: Array<{ name: string, actions: Array<{ id: string, name: string, status: ActionStatus, logs: Array<{ seq: number, at: string, stream: string, text: string }> }> }> } | null };

export type RunUpdatesSubscriptionVariables = Exact<{
  runId: string;
}>;


export type RunUpdatesSubscription = { pipelineRunUpdated: { id: string, number: number, status: RunStatus, failureReason: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, temporalWorkflowId: string, pipeline: { id: string, name: string }, revision: { sha: string, message: string | null, author: string | null, committedAt: string }, triggeredBy: { name: string }, stages: Array<{ id: string, name: string, position: number, status: StageStatus, startedAt: string | null, finishedAt: string | null, actions: Array<{ id: string, name: string, kind: ActionKind, runOrder: number, status: ActionStatus, startedAt: string | null, finishedAt: string | null, attempts: Array<{ number: number, error: string | null }>, deploymentRun: { id: string, status: DeploymentRunStatus } | null }> }> } };

export type LogLinesSubscriptionVariables = Exact<{
  actionRunId: string;
  afterSeq?: number | null | undefined;
}>;


export type LogLinesSubscription = { actionLogs: { seq: number, at: string, stream: string, text: string } };

export type LiveQueryVariables = Exact<{ [key: string]: never; }>;


export type LiveQuery = { live: Array<{ since: string, service: { name: string }, environment: { name: string }, revision: { sha: string, message: string | null } | null, deploymentRun: { id: string } }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const RunViewFragmentDoc = new TypedDocumentString(`
    fragment RunView on PipelineRun {
  id
  number
  status
  failureReason
  createdAt
  startedAt
  finishedAt
  temporalWorkflowId
  pipeline {
    id
    name
  }
  revision {
    sha
    message
    author
    committedAt
  }
  triggeredBy {
    name
  }
  stages {
    id
    name
    position
    status
    startedAt
    finishedAt
    actions {
      id
      name
      kind
      runOrder
      status
      startedAt
      finishedAt
      attempts {
        number
        error
      }
      deploymentRun {
        id
        status
      }
    }
  }
}
    `, {"fragmentName":"RunView"}) as unknown as TypedDocumentString<RunViewFragment, unknown>;
export const CatalogDocument = new TypedDocumentString(`
    query Catalog {
  services {
    id
    name
  }
  environments {
    id
    name
  }
  deployments {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<CatalogQuery, CatalogQueryVariables>;
export const UpsertServiceDocument = new TypedDocumentString(`
    mutation UpsertService($input: ServiceInput!, $dryRun: Boolean) {
  upsertService(input: $input, dryRun: $dryRun) {
    change
    service {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<UpsertServiceMutation, UpsertServiceMutationVariables>;
export const UpsertEnvironmentDocument = new TypedDocumentString(`
    mutation UpsertEnvironment($input: EnvironmentInput!, $dryRun: Boolean) {
  upsertEnvironment(input: $input, dryRun: $dryRun) {
    change
    environment {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<UpsertEnvironmentMutation, UpsertEnvironmentMutationVariables>;
export const UpsertDeploymentDocument = new TypedDocumentString(`
    mutation UpsertDeployment($input: DeploymentInput!, $dryRun: Boolean) {
  upsertDeployment(input: $input, dryRun: $dryRun) {
    change
    deployment {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<UpsertDeploymentMutation, UpsertDeploymentMutationVariables>;
export const UpsertPipelineDocument = new TypedDocumentString(`
    mutation UpsertPipeline($input: PipelineInput!, $dryRun: Boolean) {
  upsertPipeline(input: $input, dryRun: $dryRun) {
    change
    pipeline {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<UpsertPipelineMutation, UpsertPipelineMutationVariables>;
export const TriggerPipelineDocument = new TypedDocumentString(`
    mutation TriggerPipeline($pipelineId: ID!, $revision: RevisionInput!, $commits: [CommitInput!]) {
  triggerPipeline(pipelineId: $pipelineId, revision: $revision, commits: $commits) {
    id
    number
    pipeline {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<TriggerPipelineMutation, TriggerPipelineMutationVariables>;
export const ApproveActionDocument = new TypedDocumentString(`
    mutation ApproveAction($actionRunId: ID!, $comment: String) {
  approveAction(actionRunId: $actionRunId, comment: $comment) {
    id
    name
    status
  }
}
    `) as unknown as TypedDocumentString<ApproveActionMutation, ApproveActionMutationVariables>;
export const RejectActionDocument = new TypedDocumentString(`
    mutation RejectAction($actionRunId: ID!, $comment: String) {
  rejectAction(actionRunId: $actionRunId, comment: $comment) {
    id
    name
    status
  }
}
    `) as unknown as TypedDocumentString<RejectActionMutation, RejectActionMutationVariables>;
export const ApprovePlanDocument = new TypedDocumentString(`
    mutation ApprovePlan($deploymentRunId: ID!, $comment: String) {
  approveDeploymentPlan(deploymentRunId: $deploymentRunId, comment: $comment) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<ApprovePlanMutation, ApprovePlanMutationVariables>;
export const RejectPlanDocument = new TypedDocumentString(`
    mutation RejectPlan($deploymentRunId: ID!, $comment: String) {
  rejectDeploymentPlan(deploymentRunId: $deploymentRunId, comment: $comment) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<RejectPlanMutation, RejectPlanMutationVariables>;
export const RetryFailedActionsDocument = new TypedDocumentString(`
    mutation RetryFailedActions($runId: ID!) {
  retryFailedActions(runId: $runId) {
    id
    number
    status
    pipeline {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<RetryFailedActionsMutation, RetryFailedActionsMutationVariables>;
export const CancelRunDocument = new TypedDocumentString(`
    mutation CancelRun($runId: ID!, $reason: String) {
  cancelRun(runId: $runId, reason: $reason) {
    id
    number
    status
    pipeline {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<CancelRunMutation, CancelRunMutationVariables>;
export const RollbackDocument = new TypedDocumentString(`
    mutation Rollback($pipelineId: ID!, $toRunId: ID!) {
  rollback(pipelineId: $pipelineId, toRunId: $toRunId) {
    id
    number
    pipeline {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<RollbackMutation, RollbackMutationVariables>;
export const PromoteDocument = new TypedDocumentString(`
    mutation Promote($pipelineId: ID!, $fromRunId: ID!) {
  promote(pipelineId: $pipelineId, fromRunId: $fromRunId) {
    id
    number
    pipeline {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<PromoteMutation, PromoteMutationVariables>;
export const RetryStageDocument = new TypedDocumentString(`
    mutation RetryStage($runId: ID!) {
  retryStage(runId: $runId) {
    id
    number
    status
    pipeline {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<RetryStageMutation, RetryStageMutationVariables>;
export const SkipFailedActionsDocument = new TypedDocumentString(`
    mutation SkipFailedActions($runId: ID!, $reason: String!) {
  skipFailedActions(runId: $runId, reason: $reason) {
    id
    number
    status
    pipeline {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<SkipFailedActionsMutation, SkipFailedActionsMutationVariables>;
export const RerunFromStageDocument = new TypedDocumentString(`
    mutation RerunFromStage($runId: ID!, $stageRunId: ID!, $rerunUpstream: Boolean) {
  rerunFromStage(
    runId: $runId
    stageRunId: $stageRunId
    rerunUpstream: $rerunUpstream
  ) {
    id
    number
    pipeline {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<RerunFromStageMutation, RerunFromStageMutationVariables>;
export const RecordExternalDeploymentsDocument = new TypedDocumentString(`
    mutation RecordExternalDeployments($input: [ExternalDeploymentInput!]!) {
  recordExternalDeployments(input: $input)
}
    `) as unknown as TypedDocumentString<RecordExternalDeploymentsMutation, RecordExternalDeploymentsMutationVariables>;
export const VacuumDoraFactsDocument = new TypedDocumentString(`
    mutation VacuumDoraFacts {
  vacuumDoraFacts
}
    `) as unknown as TypedDocumentString<VacuumDoraFactsMutation, VacuumDoraFactsMutationVariables>;
export const PipelineByIdDocument = new TypedDocumentString(`
    query PipelineById($id: ID!) {
  pipeline(id: $id) {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<PipelineByIdQuery, PipelineByIdQueryVariables>;
export const PipelineByNameDocument = new TypedDocumentString(`
    query PipelineByName($name: String!) {
  pipelineByName(name: $name) {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<PipelineByNameQuery, PipelineByNameQueryVariables>;
export const RunByIdDocument = new TypedDocumentString(`
    query RunById($id: ID!) {
  pipelineRun(id: $id) {
    ...RunView
  }
}
    fragment RunView on PipelineRun {
  id
  number
  status
  failureReason
  createdAt
  startedAt
  finishedAt
  temporalWorkflowId
  pipeline {
    id
    name
  }
  revision {
    sha
    message
    author
    committedAt
  }
  triggeredBy {
    name
  }
  stages {
    id
    name
    position
    status
    startedAt
    finishedAt
    actions {
      id
      name
      kind
      runOrder
      status
      startedAt
      finishedAt
      attempts {
        number
        error
      }
      deploymentRun {
        id
        status
      }
    }
  }
}`) as unknown as TypedDocumentString<RunByIdQuery, RunByIdQueryVariables>;
export const RunByNumberDocument = new TypedDocumentString(`
    query RunByNumber($pipelineId: ID!, $number: Int!) {
  pipelineRunByNumber(pipelineId: $pipelineId, number: $number) {
    ...RunView
  }
}
    fragment RunView on PipelineRun {
  id
  number
  status
  failureReason
  createdAt
  startedAt
  finishedAt
  temporalWorkflowId
  pipeline {
    id
    name
  }
  revision {
    sha
    message
    author
    committedAt
  }
  triggeredBy {
    name
  }
  stages {
    id
    name
    position
    status
    startedAt
    finishedAt
    actions {
      id
      name
      kind
      runOrder
      status
      startedAt
      finishedAt
      attempts {
        number
        error
      }
      deploymentRun {
        id
        status
      }
    }
  }
}`) as unknown as TypedDocumentString<RunByNumberQuery, RunByNumberQueryVariables>;
export const RunsDocument = new TypedDocumentString(`
    query Runs($pipelineId: ID!, $first: Int) {
  pipelineRuns(pipelineId: $pipelineId, first: $first) {
    totalCount
    edges {
      node {
        id
        number
        status
        createdAt
        finishedAt
        revision {
          sha
          message
        }
        triggeredBy {
          name
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RunsQuery, RunsQueryVariables>;
export const RunLogsDocument = new TypedDocumentString(`
    query RunLogs($id: ID!, $afterSeq: Int, $limit: Int) {
  pipelineRun(id: $id) {
    id
    status
    stages {
      name
      actions {
        id
        name
        status
        logs(afterSeq: $afterSeq, limit: $limit) {
          seq
          at
          stream
          text
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RunLogsQuery, RunLogsQueryVariables>;
export const RunUpdatesDocument = new TypedDocumentString(`
    subscription RunUpdates($runId: ID!) {
  pipelineRunUpdated(runId: $runId) {
    ...RunView
  }
}
    fragment RunView on PipelineRun {
  id
  number
  status
  failureReason
  createdAt
  startedAt
  finishedAt
  temporalWorkflowId
  pipeline {
    id
    name
  }
  revision {
    sha
    message
    author
    committedAt
  }
  triggeredBy {
    name
  }
  stages {
    id
    name
    position
    status
    startedAt
    finishedAt
    actions {
      id
      name
      kind
      runOrder
      status
      startedAt
      finishedAt
      attempts {
        number
        error
      }
      deploymentRun {
        id
        status
      }
    }
  }
}`) as unknown as TypedDocumentString<RunUpdatesSubscription, RunUpdatesSubscriptionVariables>;
export const LogLinesDocument = new TypedDocumentString(`
    subscription LogLines($actionRunId: ID!, $afterSeq: Int) {
  actionLogs(actionRunId: $actionRunId, afterSeq: $afterSeq) {
    seq
    at
    stream
    text
  }
}
    `) as unknown as TypedDocumentString<LogLinesSubscription, LogLinesSubscriptionVariables>;
export const LiveDocument = new TypedDocumentString(`
    query Live {
  live {
    service {
      name
    }
    environment {
      name
    }
    revision {
      sha
      message
    }
    deploymentRun {
      id
    }
    since
  }
}
    `) as unknown as TypedDocumentString<LiveQuery, LiveQueryVariables>;