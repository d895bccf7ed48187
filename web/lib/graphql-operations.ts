// Generated from web/**/*.graphql and server/schema.graphql by `npm run web:types`; do not edit.
/* eslint-disable */
import type * as Schema from './graphql-types';

/** A document as the API takes it (text), typed with what it answers and the variables it takes. */
export type TypedDocument<Result, Variables> = string & {
  readonly __result?: Result;
  readonly __variables?: Variables;
};

/** app/deployment-runs/[id]/deployment-run.graphql */
export type DeploymentRunPageQuery = {
  deploymentRun: {
    id: string;
    status: Schema.DeploymentRunStatus;
    requiredPlanApprovals: number | null;
    failureReason: string | null;
    isRollback: boolean;
    external: boolean;
    startedAt: string;
    finishedAt: string | null;
    deployment: {
      name: string;
      requirePlanApproval: boolean;
    } | null;
    service: {
      name: string;
    };
    environment: {
      name: string;
      tier: Schema.EnvironmentTier;
    };
    revision: {
      sha: string;
      message: string | null;
    } | null;
    commits: Array<{
      sha: string;
      message: string | null;
      author: string | null;
    }>;
    pipelineRun: {
      id: string;
      number: number;
      pipeline: {
        name: string;
      };
    } | null;
    artifacts: Array<{
      name: string;
      version: string;
      digest: string | null;
      uri: string | null;
    }>;
    planApprovals: Array<{
      approved: boolean;
      comment: string | null;
      at: string;
      principal: {
        name: string;
      };
    }>;
    approvalRequest: ApprovalRequestViewFragment | null;
  } | null;
};
export type DeploymentRunPageQueryVariables = {
  id: string;
};
export const DeploymentRunPageDocument = `query DeploymentRunPage($id:ID!){deploymentRun(id:$id){id status requiredPlanApprovals failureReason isRollback external startedAt finishedAt deployment{name requirePlanApproval}service{name}environment{name tier}revision{sha message}commits{sha message author}pipelineRun{id number pipeline{name}}artifacts{name version digest uri}planApprovals{approved comment at principal{name}}approvalRequest{...ApprovalRequestView}}}fragment ApprovalRequestView on ApprovalRequest{summary olderThanLive expired expiresAt environment{name}live{since revision{sha}deploymentRun{id external pipelineRun{id number pipeline{name}}}}candidate{sha message}newCommits{sha message author}artifactChanges{name liveVersion candidateVersion liveDigest candidateDigest}}` as TypedDocument<DeploymentRunPageQuery, DeploymentRunPageQueryVariables>;

/** app/deployment-runs/[id]/deployment-run.graphql */
export type DeploymentLogsSubscription = {
  deploymentLogs: {
    seq: number;
    step: string;
    stream: string;
    text: string;
  };
};
export type DeploymentLogsSubscriptionVariables = {
  d: string;
  after?: number | null;
};
export const DeploymentLogsDocument = `subscription DeploymentLogs($d:ID!$after:Int){deploymentLogs(deploymentRunId:$d afterSeq:$after){seq step stream text}}` as TypedDocument<DeploymentLogsSubscription, DeploymentLogsSubscriptionVariables>;

/** app/deployment-runs/[id]/deployment-run.graphql */
export type CancelDeploymentRunMutation = {
  cancelDeploymentRun: {
    id: string;
  };
};
export type CancelDeploymentRunMutationVariables = {
  d: string;
  c?: string | null;
};
export const CancelDeploymentRunDocument = `mutation CancelDeploymentRun($d:ID!$c:String){cancelDeploymentRun(deploymentRunId:$d reason:$c){id}}` as TypedDocument<CancelDeploymentRunMutation, CancelDeploymentRunMutationVariables>;

/** app/deployments/deployments.graphql */
export type DeploymentsQuery = {
  services: Array<{
    id: string;
    name: string;
  }>;
  environments: Array<{
    id: string;
    name: string;
  }>;
  deploymentRuns: {
    totalCount: number;
    pageInfo: {
      hasNextPage: boolean;
      endCursor: string | null;
    };
    edges: Array<{
      node: {
        id: string;
        status: Schema.DeploymentRunStatus;
        startedAt: string;
        finishedAt: string | null;
        isRollback: boolean;
        external: boolean;
        changeFailed: boolean;
        rework: boolean;
        leadTimeSeconds: number | null;
        recoverySeconds: number | null;
        service: {
          name: string;
        };
        environment: {
          id: string;
          name: string;
          tier: Schema.EnvironmentTier;
        };
        revision: {
          sha: string;
          message: string | null;
        } | null;
        pipelineRun: {
          id: string;
          number: number;
        } | null;
      };
    }>;
  };
};
export type DeploymentsQueryVariables = {
  first?: number | null;
  after?: string | null;
  serviceId?: string | null;
  environmentId?: string | null;
  from?: string | null;
  to?: string | null;
};
export const DeploymentsDocument = `query Deployments($first:Int$after:String$serviceId:ID$environmentId:ID$from:DateTime$to:DateTime){services{id name}environments{id name}deploymentRuns(first:$first after:$after serviceId:$serviceId environmentId:$environmentId from:$from to:$to){totalCount pageInfo{hasNextPage endCursor}edges{node{id status startedAt finishedAt isRollback external changeFailed rework leadTimeSeconds recoverySeconds service{name}environment{id name tier}revision{sha message}pipelineRun{id number}}}}}` as TypedDocument<DeploymentsQuery, DeploymentsQueryVariables>;

/** app/deployments/manage/manage.graphql */
export type ManageDeploymentsQuery = {
  viewer: {
    role: Schema.Role;
  };
  services: Array<{
    id: string;
    name: string;
  }>;
  environments: Array<{
    id: string;
    name: string;
  }>;
  deployments: Array<{
    id: string;
    name: string;
    planCommand: string | null;
    applyCommand: string;
    requirePlanApproval: boolean;
    service: {
      id: string;
      name: string;
    };
    environment: {
      id: string;
      name: string;
    };
  }>;
};
export type ManageDeploymentsQueryVariables = Record<string, never>;
export const ManageDeploymentsDocument = `query ManageDeployments{viewer{role}services{id name}environments{id name}deployments{id name planCommand applyCommand requirePlanApproval service{id name}environment{id name}}}` as TypedDocument<ManageDeploymentsQuery, ManageDeploymentsQueryVariables>;

/** app/deployments/manage/manage.graphql */
export type CreateDeploymentMutation = {
  createDeployment: {
    id: string;
  };
};
export type CreateDeploymentMutationVariables = {
  i: Schema.DeploymentInput;
};
export const CreateDeploymentDocument = `mutation CreateDeployment($i:DeploymentInput!){createDeployment(input:$i){id}}` as TypedDocument<CreateDeploymentMutation, CreateDeploymentMutationVariables>;

/** app/deployments/manage/manage.graphql */
export type UpdateDeploymentMutation = {
  updateDeployment: {
    id: string;
  };
};
export type UpdateDeploymentMutationVariables = {
  id: string;
  i: Schema.DeploymentInput;
};
export const UpdateDeploymentDocument = `mutation UpdateDeployment($id:ID!$i:DeploymentInput!){updateDeployment(id:$id input:$i){id}}` as TypedDocument<UpdateDeploymentMutation, UpdateDeploymentMutationVariables>;

/** app/deployments/manage/manage.graphql */
export type DeleteDeploymentMutation = {
  deleteDeployment: boolean;
};
export type DeleteDeploymentMutationVariables = {
  id: string;
};
export const DeleteDeploymentDocument = `mutation DeleteDeployment($id:ID!){deleteDeployment(id:$id)}` as TypedDocument<DeleteDeploymentMutation, DeleteDeploymentMutationVariables>;

/** app/dora.graphql */
export type MetricWithSeriesFragment = {
  value: number | null;
  p75: number | null;
  p90: number | null;
  level: Schema.DoraLevel | null;
  sampleSize: number;
  series: Array<{
    bucketStart: string;
    value: number | null;
    sampleSize: number;
    p75: number | null;
    p90: number | null;
  }>;
};

/** app/dora.graphql */
export type MetricHeadlineFragment = {
  value: number | null;
  sampleSize: number;
};

/** app/dora.graphql */
export type DoraQuery = {
  current: {
    from: string;
    to: string;
    interval: Schema.Interval;
    timeZone: string;
    benchmark: string;
    deploymentFrequency: MetricWithSeriesFragment;
    leadTimeForChanges: MetricWithSeriesFragment;
    changeFailureRate: MetricWithSeriesFragment;
    timeToRestore: MetricWithSeriesFragment;
    deploymentReworkRate: MetricWithSeriesFragment;
  };
  previous: {
    deploymentFrequency: MetricHeadlineFragment;
    leadTimeForChanges: MetricHeadlineFragment;
    changeFailureRate: MetricHeadlineFragment;
    timeToRestore: MetricHeadlineFragment;
    deploymentReworkRate: MetricHeadlineFragment;
  };
  services: Array<{
    id: string;
    name: string;
    team: string | null;
  }>;
};
export type DoraQueryVariables = {
  f: Schema.DoraFilter;
  p: Schema.DoraFilter;
};
export const DoraDocument = `fragment MetricWithSeries on DoraMetric{value p75 p90 level sampleSize series{bucketStart value sampleSize p75 p90}}fragment MetricHeadline on DoraMetric{value sampleSize}query Dora($f:DoraFilter!$p:DoraFilter!){current:doraMetrics(filter:$f){from to interval timeZone benchmark deploymentFrequency{...MetricWithSeries}leadTimeForChanges{...MetricWithSeries}changeFailureRate{...MetricWithSeries}timeToRestore{...MetricWithSeries}deploymentReworkRate{...MetricWithSeries}}previous:doraMetrics(filter:$p){deploymentFrequency{...MetricHeadline}leadTimeForChanges{...MetricHeadline}changeFailureRate{...MetricHeadline}timeToRestore{...MetricHeadline}deploymentReworkRate{...MetricHeadline}}services{id name team}}` as TypedDocument<DoraQuery, DoraQueryVariables>;

/** app/drill-down.graphql */
export type DrillDownRunsQuery = {
  deploymentRuns: {
    totalCount: number;
    edges: Array<{
      node: {
        id: string;
        finishedAt: string | null;
        isRollback: boolean;
        changeFailed: boolean;
        rework: boolean;
        leadTimeSeconds: number | null;
        recoverySeconds: number | null;
        status: Schema.DeploymentRunStatus;
        service: {
          id: string;
          name: string;
          team: string | null;
        };
        environment: {
          name: string;
          tier: Schema.EnvironmentTier;
        };
        revision: {
          sha: string;
        } | null;
      };
    }>;
  };
};
export type DrillDownRunsQueryVariables = {
  from: string;
  to: string;
  serviceIds?: Array<string> | null;
  team?: string | null;
};
export const DrillDownRunsDocument = `query DrillDownRuns($from:DateTime!$to:DateTime!$serviceIds:[ID!]$team:String){deploymentRuns(from:$from to:$to serviceIds:$serviceIds team:$team deploymentsOnly:true first:100){totalCount edges{node{id finishedAt isRollback changeFailed rework leadTimeSeconds recoverySeconds status service{id name team}environment{name tier}revision{sha}}}}}` as TypedDocument<DrillDownRunsQuery, DrillDownRunsQueryVariables>;

/** app/drill-down.graphql */
export type DrillDownIncidentsQuery = {
  incidents: Array<{
    id: string;
    title: string;
    openedAt: string;
    resolvedAt: string | null;
    attribution: Schema.IncidentAttribution;
    external: boolean;
    service: {
      id: string;
      name: string;
      team: string | null;
    };
    causedBy: {
      id: string;
    } | null;
  }>;
};
export type DrillDownIncidentsQueryVariables = {
  from: string;
  to: string;
};
export const DrillDownIncidentsDocument = `query DrillDownIncidents($from:DateTime!$to:DateTime!){incidents(from:$from to:$to){id title openedAt resolvedAt attribution external service{id name team}causedBy{id}}}` as TypedDocument<DrillDownIncidentsQuery, DrillDownIncidentsQueryVariables>;

/** app/environments/environments.graphql */
export type EnvironmentsQuery = {
  viewer: {
    role: Schema.Role;
  };
  environments: Array<{
    id: string;
    name: string;
    tier: Schema.EnvironmentTier;
    pipeline: {
      id: string;
      name: string;
    } | null;
  }>;
};
export type EnvironmentsQueryVariables = Record<string, never>;
export const EnvironmentsDocument = `query Environments{viewer{role}environments{id name tier pipeline{id name}}}` as TypedDocument<EnvironmentsQuery, EnvironmentsQueryVariables>;

/** app/environments/environments.graphql */
export type CreateEnvironmentMutation = {
  createEnvironment: {
    id: string;
  };
};
export type CreateEnvironmentMutationVariables = {
  i: Schema.EnvironmentInput;
};
export const CreateEnvironmentDocument = `mutation CreateEnvironment($i:EnvironmentInput!){createEnvironment(input:$i){id}}` as TypedDocument<CreateEnvironmentMutation, CreateEnvironmentMutationVariables>;

/** app/environments/environments.graphql */
export type UpdateEnvironmentMutation = {
  updateEnvironment: {
    id: string;
  };
};
export type UpdateEnvironmentMutationVariables = {
  id: string;
  i: Schema.EnvironmentInput;
};
export const UpdateEnvironmentDocument = `mutation UpdateEnvironment($id:ID!$i:EnvironmentInput!){updateEnvironment(id:$id input:$i){id}}` as TypedDocument<UpdateEnvironmentMutation, UpdateEnvironmentMutationVariables>;

/** app/environments/environments.graphql */
export type CreateEnvironmentPipelineMutation = {
  createEnvironmentPipeline: {
    id: string;
  };
};
export type CreateEnvironmentPipelineMutationVariables = {
  e: string;
};
export const CreateEnvironmentPipelineDocument = `mutation CreateEnvironmentPipeline($e:ID!){createEnvironmentPipeline(environmentId:$e){id}}` as TypedDocument<CreateEnvironmentPipelineMutation, CreateEnvironmentPipelineMutationVariables>;

/** app/freeze-windows/freeze-windows.graphql */
export type FreezeWindowsQuery = {
  viewer: {
    role: Schema.Role;
  };
  environments: Array<{
    id: string;
    name: string;
    tier: Schema.EnvironmentTier;
  }>;
  freezeWindows: Array<{
    id: string;
    name: string;
    startsAt: string;
    endsAt: string;
    reason: string | null;
    environment: {
      id: string;
      name: string;
    } | null;
    createdBy: {
      name: string;
    };
  }>;
};
export type FreezeWindowsQueryVariables = Record<string, never>;
export const FreezeWindowsDocument = `query FreezeWindows{viewer{role}environments{id name tier}freezeWindows{id name startsAt endsAt reason environment{id name}createdBy{name}}}` as TypedDocument<FreezeWindowsQuery, FreezeWindowsQueryVariables>;

/** app/freeze-windows/freeze-windows.graphql */
export type CreateFreezeWindowMutation = {
  createFreezeWindow: {
    id: string;
  };
};
export type CreateFreezeWindowMutationVariables = {
  i: Schema.FreezeWindowInput;
};
export const CreateFreezeWindowDocument = `mutation CreateFreezeWindow($i:FreezeWindowInput!){createFreezeWindow(input:$i){id}}` as TypedDocument<CreateFreezeWindowMutation, CreateFreezeWindowMutationVariables>;

/** app/freeze-windows/freeze-windows.graphql */
export type DeleteFreezeWindowMutation = {
  deleteFreezeWindow: boolean;
};
export type DeleteFreezeWindowMutationVariables = {
  id: string;
};
export const DeleteFreezeWindowDocument = `mutation DeleteFreezeWindow($id:ID!){deleteFreezeWindow(id:$id)}` as TypedDocument<DeleteFreezeWindowMutation, DeleteFreezeWindowMutationVariables>;

/** app/incidents/incidents.graphql */
export type IncidentsQuery = {
  services: Array<{
    id: string;
    name: string;
  }>;
  incidents: Array<{
    id: string;
    title: string;
    openedAt: string;
    resolvedAt: string | null;
    attribution: Schema.IncidentAttribution;
    external: boolean;
    service: {
      name: string;
    };
    causedBy: {
      id: string;
      finishedAt: string | null;
      revision: {
        sha: string;
      } | null;
    } | null;
  }>;
};
export type IncidentsQueryVariables = {
  serviceId?: string | null;
  from?: string | null;
  to?: string | null;
};
export const IncidentsDocument = `query Incidents($serviceId:ID$from:DateTime$to:DateTime){services{id name}incidents(serviceId:$serviceId from:$from to:$to){id title openedAt resolvedAt attribution external service{name}causedBy{id finishedAt revision{sha}}}}` as TypedDocument<IncidentsQuery, IncidentsQueryVariables>;

/** app/login/login.graphql */
export type ViewerQuery = {
  viewer: {
    id: string;
  };
};
export type ViewerQueryVariables = Record<string, never>;
export const ViewerDocument = `query Viewer{viewer{id}}` as TypedDocument<ViewerQuery, ViewerQueryVariables>;

/** app/logs/[actionRunId]/logs.graphql */
export type ActionLogPageQuery = {
  actionRun: {
    id: string;
    name: string;
    logLineCount: number;
    logs: Array<{
      seq: number;
      stream: string;
      text: string;
    }>;
  } | null;
};
export type ActionLogPageQueryVariables = {
  a: string;
  after?: number | null;
  limit?: number | null;
};
export const ActionLogPageDocument = `query ActionLogPage($a:ID!$after:Int$limit:Int){actionRun(id:$a){id name logLineCount logs(afterSeq:$after limit:$limit){seq stream text}}}` as TypedDocument<ActionLogPageQuery, ActionLogPageQueryVariables>;

/** app/pipelines/[id]/pipeline.graphql */
export type PipelineQuery = {
  viewer: {
    role: Schema.Role;
  };
  pipeline: {
    id: string;
    name: string;
    description: string | null;
    executionMode: Schema.ExecutionMode;
    service: {
      name: string;
    } | null;
    environment: {
      id: string;
      name: string;
    } | null;
    stages: Array<{
      id: string;
      name: string;
      position: number;
      maxParallel: number;
      transitionEnabled: boolean;
      defaultFor: Schema.ServiceType | null;
      environment: {
        name: string;
        tier: Schema.EnvironmentTier;
      } | null;
      services: Array<{
        id: string;
        name: string;
        type: Schema.ServiceType | null;
      }>;
      actions: Array<{
        id: string;
        name: string;
        kind: Schema.ActionKind;
        runOrder: number;
      }>;
    }>;
    runs: {
      totalCount: number;
      edges: Array<{
        node: {
          id: string;
          number: number;
          status: Schema.RunStatus;
          createdAt: string;
          finishedAt: string | null;
          revision: {
            sha: string;
            message: string | null;
          };
        };
      }>;
    };
  } | null;
};
export type PipelineQueryVariables = {
  id: string;
};
export const PipelineDocument = `query Pipeline($id:ID!){viewer{role}pipeline(id:$id){id name description executionMode service{name}environment{id name}stages{id name position maxParallel transitionEnabled defaultFor environment{name tier}services{id name type}actions{id name kind runOrder}}runs(first:25){totalCount edges{node{id number status createdAt finishedAt revision{sha message}}}}}}` as TypedDocument<PipelineQuery, PipelineQueryVariables>;

/** app/pipelines/[id]/pipeline.graphql */
export type ReleaseChangeMutation = {
  triggerPipeline: {
    id: string;
  };
};
export type ReleaseChangeMutationVariables = {
  p: string;
  r: Schema.RevisionInput;
};
export const ReleaseChangeDocument = `mutation ReleaseChange($p:ID!$r:RevisionInput!){triggerPipeline(pipelineId:$p revision:$r){id}}` as TypedDocument<ReleaseChangeMutation, ReleaseChangeMutationVariables>;

/** app/pipelines/[id]/pipeline.graphql */
export type SetTransitionMutation = {
  setStageTransition: {
    id: string;
  };
};
export type SetTransitionMutationVariables = {
  s: string;
  e: boolean;
  r?: string | null;
};
export const SetTransitionDocument = `mutation SetTransition($s:ID!$e:Boolean!$r:String){setStageTransition(stageId:$s enabled:$e reason:$r){id}}` as TypedDocument<SetTransitionMutation, SetTransitionMutationVariables>;

/** app/pipelines/[id]/pipeline.graphql */
export type MoveServiceMutation = {
  moveService: {
    id: string;
  };
};
export type MoveServiceMutationVariables = {
  p: string;
  s: string;
  t: string;
};
export const MoveServiceDocument = `mutation MoveService($p:ID!$s:ID!$t:ID!){moveService(pipelineId:$p serviceId:$s toStageId:$t){id}}` as TypedDocument<MoveServiceMutation, MoveServiceMutationVariables>;

/** app/pipelines/editor/editor.graphql */
export type NewPipelineQuery = {
  viewer: {
    role: Schema.Role;
  };
  services: Array<{
    id: string;
    name: string;
  }>;
  environments: Array<{
    id: string;
    name: string;
  }>;
  deployments: Array<{
    id: string;
    name: string;
    service: {
      name: string;
    };
    environment: {
      name: string;
    };
  }>;
};
export type NewPipelineQueryVariables = Record<string, never>;
export const NewPipelineDocument = `query NewPipeline{viewer{role}services{id name}environments{id name}deployments{id name service{name}environment{name}}}` as TypedDocument<NewPipelineQuery, NewPipelineQueryVariables>;

/** app/pipelines/editor/editor.graphql */
export type EditPipelineQuery = {
  viewer: {
    role: Schema.Role;
  };
  services: Array<{
    id: string;
    name: string;
  }>;
  environments: Array<{
    id: string;
    name: string;
  }>;
  deployments: Array<{
    id: string;
    name: string;
    service: {
      name: string;
    };
    environment: {
      name: string;
    };
  }>;
  pipeline: {
    id: string;
    name: string;
    description: string | null;
    executionMode: Schema.ExecutionMode;
    service: {
      id: string;
    } | null;
    environment: {
      id: string;
      name: string;
    } | null;
    stages: Array<{
      name: string;
      maxParallel: number;
      transitionEnabled: boolean;
      environment: {
        id: string;
      } | null;
      actions: Array<{
        name: string;
        kind: Schema.ActionKind;
        runOrder: number;
        config: unknown;
        timeoutSeconds: number | null;
        retryPolicy: {
          maximumAttempts: number;
          initialIntervalMs: number;
          backoffCoefficient: number;
        };
      }>;
    }>;
  } | null;
};
export type EditPipelineQueryVariables = {
  id: string;
};
export const EditPipelineDocument = `query EditPipeline($id:ID!){viewer{role}services{id name}environments{id name}deployments{id name service{name}environment{name}}pipeline(id:$id){id name description executionMode service{id}environment{id name}stages{name maxParallel transitionEnabled environment{id}actions{name kind runOrder config timeoutSeconds retryPolicy{maximumAttempts initialIntervalMs backoffCoefficient}}}}}` as TypedDocument<EditPipelineQuery, EditPipelineQueryVariables>;

/** app/pipelines/editor/editor.graphql */
export type CreatePipelineMutation = {
  createPipeline: {
    id: string;
  };
};
export type CreatePipelineMutationVariables = {
  i: Schema.PipelineInput;
};
export const CreatePipelineDocument = `mutation CreatePipeline($i:PipelineInput!){createPipeline(input:$i){id}}` as TypedDocument<CreatePipelineMutation, CreatePipelineMutationVariables>;

/** app/pipelines/editor/editor.graphql */
export type UpdatePipelineMutation = {
  updatePipeline: {
    id: string;
  };
};
export type UpdatePipelineMutationVariables = {
  id: string;
  i: Schema.PipelineInput;
};
export const UpdatePipelineDocument = `mutation UpdatePipeline($id:ID!$i:PipelineInput!){updatePipeline(id:$id input:$i){id}}` as TypedDocument<UpdatePipelineMutation, UpdatePipelineMutationVariables>;

/** app/pipelines/pipelines.graphql */
export type PipelinesQuery = {
  pipelines: {
    edges: Array<{
      node: {
        id: string;
        name: string;
        description: string | null;
        executionMode: Schema.ExecutionMode;
        service: {
          name: string;
        } | null;
        stages: Array<{
          id: string;
        }>;
      };
    }>;
  };
};
export type PipelinesQueryVariables = Record<string, never>;
export const PipelinesDocument = `query Pipelines{pipelines(first:100){edges{node{id name description executionMode service{name}stages{id}}}}}` as TypedDocument<PipelinesQuery, PipelinesQueryVariables>;

/** app/releases/releases.graphql */
export type ReleasesBoardQuery = {
  viewer: {
    role: Schema.Role;
  };
  services: Array<{
    id: string;
    name: string;
  }>;
  environments: Array<{
    id: string;
    name: string;
    tier: Schema.EnvironmentTier;
  }>;
  live: Array<{
    since: string;
    service: {
      id: string;
    };
    environment: {
      id: string;
    };
    revision: {
      sha: string;
      message: string | null;
    } | null;
    artifacts: Array<{
      name: string;
      version: string;
      digest: string | null;
    }>;
    deploymentRun: {
      id: string;
      isRollback: boolean;
      external: boolean;
      pipelineRun: BoardRunFragment | null;
    };
    previous: {
      id: string;
      revision: {
        sha: string;
      } | null;
      pipelineRun: BoardRunFragment | null;
    } | null;
  }>;
  pipelines: {
    edges: Array<{
      node: {
        id: string;
        name: string;
        service: {
          id: string;
        } | null;
      };
    }>;
  };
};
export type ReleasesBoardQueryVariables = Record<string, never>;
export const ReleasesBoardDocument = `query ReleasesBoard{viewer{role}services{id name}environments{id name tier}live{since service{id}environment{id}revision{sha message}artifacts{name version digest}deploymentRun{id isRollback external pipelineRun{...BoardRun}}previous{id revision{sha}pipelineRun{...BoardRun}}}pipelines(first:100){edges{node{id name service{id}}}}}fragment BoardRun on PipelineRun{id number status pipeline{id name}}` as TypedDocument<ReleasesBoardQuery, ReleasesBoardQueryVariables>;

/** app/releases/releases.graphql */
export type BoardRunFragment = {
  id: string;
  number: number;
  status: Schema.RunStatus;
  pipeline: {
    id: string;
    name: string;
  };
};

/** app/releases/releases.graphql */
export type PromoteMutation = {
  promote: {
    id: string;
  };
};
export type PromoteMutationVariables = {
  p: string;
  f: string;
};
export const PromoteDocument = `mutation Promote($p:ID!$f:ID!){promote(pipelineId:$p fromRunId:$f){id}}` as TypedDocument<PromoteMutation, PromoteMutationVariables>;

/** app/releases/releases.graphql */
export type RollbackToMutation = {
  rollback: {
    id: string;
  };
};
export type RollbackToMutationVariables = {
  p: string;
  t: string;
};
export const RollbackToDocument = `mutation RollbackTo($p:ID!$t:ID!){rollback(pipelineId:$p toRunId:$t){id}}` as TypedDocument<RollbackToMutation, RollbackToMutationVariables>;

/** app/runs/[id]/run.graphql */
export type RunViewFragment = {
  id: string;
  number: number;
  status: Schema.RunStatus;
  failureReason: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  isRollback: boolean;
  pipeline: {
    id: string;
    name: string;
  };
  revision: {
    sha: string;
    message: string | null;
  };
  promotedFrom: {
    id: string;
    number: number;
    pipeline: {
      name: string;
    };
  } | null;
  artifacts: Array<{
    name: string;
    version: string;
    digest: string | null;
  }>;
  currentStage: {
    id: string;
  } | null;
  freezeWindowsHolding: Array<{
    id: string;
    name: string;
    endsAt: string;
  }>;
  decisions: Array<{
    id: string;
    message: string | null;
    at: string;
  }>;
  stages: Array<{
    id: string;
    name: string;
    position: number;
    status: Schema.StageStatus;
    startedAt: string | null;
    finishedAt: string | null;
    deploymentRun: {
      id: string;
      status: Schema.DeploymentRunStatus;
    } | null;
    actions: Array<{
      id: string;
      name: string;
      kind: Schema.ActionKind;
      status: Schema.ActionStatus;
      runOrder: number;
      startedAt: string | null;
      finishedAt: string | null;
      outputs: unknown | null;
      skipReason: string | null;
      reusedFrom: {
        id: string;
      } | null;
      artifacts: Array<{
        name: string;
        version: string;
        digest: string | null;
      }>;
      deploymentRun: {
        id: string;
        status: Schema.DeploymentRunStatus;
        requiredPlanApprovals: number | null;
        planApprovals: Array<{
          approved: boolean;
        }>;
      } | null;
      approvalRequest: ApprovalRequestViewFragment | null;
      attempts: Array<{
        number: number;
        startedAt: string;
        finishedAt: string | null;
        error: string | null;
      }>;
      approvals: Array<{
        approved: boolean;
        comment: string | null;
        at: string;
        principal: {
          name: string;
        };
      }>;
    }>;
  }>;
};

/** app/runs/[id]/run.graphql */
export type RunQuery = {
  viewer: {
    role: Schema.Role;
  };
  pipelineRun: RunViewFragment | null;
};
export type RunQueryVariables = {
  id: string;
};
export const RunDocument = `fragment RunView on PipelineRun{id number status failureReason createdAt startedAt finishedAt isRollback pipeline{id name}revision{sha message}promotedFrom{id number pipeline{name}}artifacts{name version digest}currentStage{id}freezeWindowsHolding{id name endsAt}decisions{id message at}stages{id name position status startedAt finishedAt deploymentRun{id status}actions{id name kind status runOrder startedAt finishedAt outputs skipReason reusedFrom{id}artifacts{name version digest}deploymentRun{id status requiredPlanApprovals planApprovals{approved}}approvalRequest{...ApprovalRequestView}attempts{number startedAt finishedAt error}approvals{approved comment at principal{name}}}}}query Run($id:ID!){viewer{role}pipelineRun(id:$id){...RunView}}fragment ApprovalRequestView on ApprovalRequest{summary olderThanLive expired expiresAt environment{name}live{since revision{sha}deploymentRun{id external pipelineRun{id number pipeline{name}}}}candidate{sha message}newCommits{sha message author}artifactChanges{name liveVersion candidateVersion liveDigest candidateDigest}}` as TypedDocument<RunQuery, RunQueryVariables>;

/** app/runs/[id]/run.graphql */
export type RunUpdatedSubscription = {
  pipelineRunUpdated: RunViewFragment;
};
export type RunUpdatedSubscriptionVariables = {
  id: string;
};
export const RunUpdatedDocument = `fragment RunView on PipelineRun{id number status failureReason createdAt startedAt finishedAt isRollback pipeline{id name}revision{sha message}promotedFrom{id number pipeline{name}}artifacts{name version digest}currentStage{id}freezeWindowsHolding{id name endsAt}decisions{id message at}stages{id name position status startedAt finishedAt deploymentRun{id status}actions{id name kind status runOrder startedAt finishedAt outputs skipReason reusedFrom{id}artifacts{name version digest}deploymentRun{id status requiredPlanApprovals planApprovals{approved}}approvalRequest{...ApprovalRequestView}attempts{number startedAt finishedAt error}approvals{approved comment at principal{name}}}}}subscription RunUpdated($id:ID!){pipelineRunUpdated(runId:$id){...RunView}}fragment ApprovalRequestView on ApprovalRequest{summary olderThanLive expired expiresAt environment{name}live{since revision{sha}deploymentRun{id external pipelineRun{id number pipeline{name}}}}candidate{sha message}newCommits{sha message author}artifactChanges{name liveVersion candidateVersion liveDigest candidateDigest}}` as TypedDocument<RunUpdatedSubscription, RunUpdatedSubscriptionVariables>;

/** app/runs/[id]/run.graphql */
export type ActionLogsSubscription = {
  actionLogs: {
    seq: number;
    stream: string;
    text: string;
  };
};
export type ActionLogsSubscriptionVariables = {
  a: string;
  after?: number | null;
};
export const ActionLogsDocument = `subscription ActionLogs($a:ID!$after:Int){actionLogs(actionRunId:$a afterSeq:$after){seq stream text}}` as TypedDocument<ActionLogsSubscription, ActionLogsSubscriptionVariables>;

/** app/runs/[id]/run.graphql */
export type ApproveActionMutation = {
  approveAction: {
    id: string;
  };
};
export type ApproveActionMutationVariables = {
  a: string;
  c?: string | null;
};
export const ApproveActionDocument = `mutation ApproveAction($a:ID!$c:String){approveAction(actionRunId:$a comment:$c){id}}` as TypedDocument<ApproveActionMutation, ApproveActionMutationVariables>;

/** app/runs/[id]/run.graphql */
export type RejectActionMutation = {
  rejectAction: {
    id: string;
  };
};
export type RejectActionMutationVariables = {
  a: string;
  c?: string | null;
};
export const RejectActionDocument = `mutation RejectAction($a:ID!$c:String){rejectAction(actionRunId:$a comment:$c){id}}` as TypedDocument<RejectActionMutation, RejectActionMutationVariables>;

/** app/runs/[id]/run.graphql */
export type RetryFailedActionsMutation = {
  retryFailedActions: {
    id: string;
  };
};
export type RetryFailedActionsMutationVariables = {
  r: string;
};
export const RetryFailedActionsDocument = `mutation RetryFailedActions($r:ID!){retryFailedActions(runId:$r){id}}` as TypedDocument<RetryFailedActionsMutation, RetryFailedActionsMutationVariables>;

/** app/runs/[id]/run.graphql */
export type OverrideFreezeMutation = {
  overrideFreeze: {
    id: string;
  };
};
export type OverrideFreezeMutationVariables = {
  r: string;
  c: string;
};
export const OverrideFreezeDocument = `mutation OverrideFreeze($r:ID!$c:String!){overrideFreeze(runId:$r reason:$c){id}}` as TypedDocument<OverrideFreezeMutation, OverrideFreezeMutationVariables>;

/** app/runs/[id]/run.graphql */
export type RetryStageMutation = {
  retryStage: {
    id: string;
  };
};
export type RetryStageMutationVariables = {
  r: string;
};
export const RetryStageDocument = `mutation RetryStage($r:ID!){retryStage(runId:$r){id}}` as TypedDocument<RetryStageMutation, RetryStageMutationVariables>;

/** app/runs/[id]/run.graphql */
export type SkipFailedActionsMutation = {
  skipFailedActions: {
    id: string;
  };
};
export type SkipFailedActionsMutationVariables = {
  r: string;
  c: string;
};
export const SkipFailedActionsDocument = `mutation SkipFailedActions($r:ID!$c:String!){skipFailedActions(runId:$r reason:$c){id}}` as TypedDocument<SkipFailedActionsMutation, SkipFailedActionsMutationVariables>;

/** app/runs/[id]/run.graphql */
export type CancelRunMutation = {
  cancelRun: {
    id: string;
  };
};
export type CancelRunMutationVariables = {
  r: string;
  c?: string | null;
};
export const CancelRunDocument = `mutation CancelRun($r:ID!$c:String){cancelRun(runId:$r reason:$c){id}}` as TypedDocument<CancelRunMutation, CancelRunMutationVariables>;

/** app/runs/[id]/run.graphql */
export type ApproveDeploymentPlanMutation = {
  approveDeploymentPlan: {
    id: string;
  };
};
export type ApproveDeploymentPlanMutationVariables = {
  d: string;
  c?: string | null;
};
export const ApproveDeploymentPlanDocument = `mutation ApproveDeploymentPlan($d:ID!$c:String){approveDeploymentPlan(deploymentRunId:$d comment:$c){id}}` as TypedDocument<ApproveDeploymentPlanMutation, ApproveDeploymentPlanMutationVariables>;

/** app/runs/[id]/run.graphql */
export type RejectDeploymentPlanMutation = {
  rejectDeploymentPlan: {
    id: string;
  };
};
export type RejectDeploymentPlanMutationVariables = {
  d: string;
  c?: string | null;
};
export const RejectDeploymentPlanDocument = `mutation RejectDeploymentPlan($d:ID!$c:String){rejectDeploymentPlan(deploymentRunId:$d comment:$c){id}}` as TypedDocument<RejectDeploymentPlanMutation, RejectDeploymentPlanMutationVariables>;

/** app/runs/[id]/run.graphql */
export type RerunFromStageMutation = {
  rerunFromStage: {
    id: string;
  };
};
export type RerunFromStageMutationVariables = {
  r: string;
  s: string;
  u?: boolean | null;
};
export const RerunFromStageDocument = `mutation RerunFromStage($r:ID!$s:ID!$u:Boolean){rerunFromStage(runId:$r stageRunId:$s rerunUpstream:$u){id}}` as TypedDocument<RerunFromStageMutation, RerunFromStageMutationVariables>;

/** app/services/services.graphql */
export type ServicesQuery = {
  viewer: {
    role: Schema.Role;
  };
  services: Array<{
    id: string;
    name: string;
    team: string | null;
    type: Schema.ServiceType | null;
  }>;
};
export type ServicesQueryVariables = Record<string, never>;
export const ServicesDocument = `query Services{viewer{role}services{id name team type}}` as TypedDocument<ServicesQuery, ServicesQueryVariables>;

/** app/services/services.graphql */
export type CreateServiceMutation = {
  createService: {
    id: string;
  };
};
export type CreateServiceMutationVariables = {
  i: Schema.ServiceInput;
};
export const CreateServiceDocument = `mutation CreateService($i:ServiceInput!){createService(input:$i){id}}` as TypedDocument<CreateServiceMutation, CreateServiceMutationVariables>;

/** app/services/services.graphql */
export type UpdateServiceMutation = {
  updateService: {
    id: string;
  };
};
export type UpdateServiceMutationVariables = {
  id: string;
  i: Schema.ServiceInput;
};
export const UpdateServiceDocument = `mutation UpdateService($id:ID!$i:ServiceInput!){updateService(id:$id input:$i){id}}` as TypedDocument<UpdateServiceMutation, UpdateServiceMutationVariables>;

/** components/approval-request.graphql */
export type ApprovalRequestViewFragment = {
  summary: string;
  olderThanLive: boolean;
  expired: boolean;
  expiresAt: string | null;
  environment: {
    name: string;
  } | null;
  live: {
    since: string;
    revision: {
      sha: string;
    } | null;
    deploymentRun: {
      id: string;
      external: boolean;
      pipelineRun: {
        id: string;
        number: number;
        pipeline: {
          name: string;
        };
      } | null;
    };
  } | null;
  candidate: {
    sha: string;
    message: string | null;
  };
  newCommits: Array<{
    sha: string;
    message: string | null;
    author: string | null;
  }>;
  artifactChanges: Array<{
    name: string;
    liveVersion: string | null;
    candidateVersion: string | null;
    liveDigest: string | null;
    candidateDigest: string | null;
  }>;
};
