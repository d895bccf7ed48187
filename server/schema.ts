import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { ApplyResolver } from './apply/apply.resolver';
import { AuditResolver } from './audit/audit.resolver';
import { ApiTokenResolver, AuthResolver, authChecker } from './auth/auth.resolver';
import { CatalogResolver, EnvironmentResolver } from './catalog/catalog.resolver';
import { DeploymentRunResolver } from './deployment/deployment-run.resolver';
import { DeploymentResolver, PlanApprovalResolver } from './deployment/deployment.resolver';
import { DoraResolver } from './dora/dora.resolver';
import { FreezeWindowResolver, PipelineRunFreezeResolver } from './freeze/freeze.resolver';
import { IncidentResolver } from './incident/incident.resolver';
import { NotificationResolver } from './notification/notification.resolver';
import { ActionResolver, PipelineResolver, StageResolver } from './pipeline/pipeline.resolver';
import { RealtimeResolver } from './realtime/realtime.resolver';
import {
  ActionRunReleaseResolver,
  DeploymentRunReleaseResolver,
  PipelineRunReleaseResolver,
  StageRunReleaseResolver,
} from './release/release-fields.resolver';
import {
  ApprovalRequestResolver,
  ArtifactResolver,
  LiveDeploymentResolver,
} from './release/release.resolver';
import { PipelineSchedulesResolver, ScheduleResolver } from './schedule/schedule.resolver';
import { SecretResolver } from './secret/secret.resolver';
import { ActionRunLogsResolver } from './run/action-run-logs.resolver';
import {
  ActionRunResolver,
  ApprovalResolver,
  PipelineRunResolver,
  StageRunResolver,
} from './run/run.resolver';

export const resolvers = [
  AuthResolver,
  AuditResolver,
  ApiTokenResolver,
  CatalogResolver,
  EnvironmentResolver,
  PipelineResolver,
  StageResolver,
  ActionResolver,
  PipelineRunResolver,
  StageRunResolver,
  ActionRunResolver,
  ActionRunLogsResolver,
  ApprovalResolver,
  DeploymentResolver,
  DeploymentRunResolver,
  PlanApprovalResolver,
  SecretResolver,
  NotificationResolver,
  RealtimeResolver,
  DoraResolver,
  IncidentResolver,
  LiveDeploymentResolver,
  ArtifactResolver,
  ApprovalRequestResolver,
  PipelineRunReleaseResolver,
  ActionRunReleaseResolver,
  StageRunReleaseResolver,
  DeploymentRunReleaseResolver,
  ApplyResolver,
  ScheduleResolver,
  PipelineSchedulesResolver,
  FreezeWindowResolver,
  PipelineRunFreezeResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;

/**
 * type-graphql insists on a PubSub, but no subscription here uses topics: each has its own `subscribe`
 * reading the process's LiveFeeds (PostgreSQL LISTEN/NOTIFY). Reaching this would be a programming error.
 */
const topicsUnused: PubSub = {
  publish: () => {
    throw new Error('subscriptions are fed by LiveFeeds; type-graphql topics are not used');
  },
  subscribe: () => {
    throw new Error('subscriptions are fed by LiveFeeds; type-graphql topics are not used');
  },
};

/** The API schema, built once per process from the resolver classes. */
export function lockstepSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers,
    authChecker,
    validate: false,
    pubSub: topicsUnused,
  });
  return built;
}

/** The schema as SDL, sorted, as committed in server/schema.graphql. */
export async function printLockstepSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await lockstepSchema()))}\n`;
}
