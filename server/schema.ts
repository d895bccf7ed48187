import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuthResolver, authChecker } from './auth/auth.resolver';
import { CatalogResolver } from './catalog/catalog.resolver';
import {
  DeploymentResolver,
  DeploymentRunResolver,
  PlanApprovalResolver,
} from './deployment/deployment.resolver';
import { NotificationResolver } from './notification/notification.resolver';
import { ActionResolver, PipelineResolver, StageResolver } from './pipeline/pipeline.resolver';
import { SecretResolver } from './secret/secret.resolver';
import {
  ActionRunResolver,
  ApprovalResolver,
  PipelineRunResolver,
  StageRunResolver,
} from './run/run.resolver';

export const resolvers = [
  AuthResolver,
  CatalogResolver,
  PipelineResolver,
  StageResolver,
  ActionResolver,
  PipelineRunResolver,
  StageRunResolver,
  ActionRunResolver,
  ApprovalResolver,
  DeploymentResolver,
  DeploymentRunResolver,
  PlanApprovalResolver,
  SecretResolver,
  NotificationResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;

/** The API schema, built once per process from the resolver classes. */
export function lockstepSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({ resolvers, authChecker, validate: false });
  return built;
}
