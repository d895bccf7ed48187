import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { DeploymentEntity } from '../../db/entities/deployment.entity';
import { Principal } from '../auth/auth.types';
import { Environment, Service } from '../catalog/catalog.types';
import { GuardedMutation } from '../audit/guarded-mutation';
import type { Context } from '../context';
import { unauthenticated } from '../errors';
import type { PlanApprovalRow } from '../graphql/loaders';
import { RevisionInput } from '../run/revision.types';
import { planApprovalRules } from './deployment-snapshot';
import {
  Deployment,
  DeploymentInput,
  DeploymentRun,
  PlanApproval,
  PlanApprovalRules,
} from './deployment.types';

@Resolver(() => Deployment)
export class DeploymentResolver {
  @Authorized('VIEWER')
  @Query(() => [Deployment])
  deployments(@Arg('serviceId', () => ID, { nullable: true }) serviceId: string | null, @Ctx() ctx: Context) {
    return ctx.services.deploymentPresenter.list(serviceId);
  }

  @GuardedMutation('ADMIN', () => Deployment)
  createDeployment(@Arg('input', () => DeploymentInput) input: DeploymentInput, @Ctx() ctx: Context) {
    return ctx.services.deployments.create(input);
  }

  @GuardedMutation('ADMIN', () => Deployment, { description: 'runs already started keep their snapshot' })
  updateDeployment(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => DeploymentInput) input: DeploymentInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.deployments.update(id, input);
  }

  @GuardedMutation('ADMIN', () => Boolean, { description: 'refused while a pipeline uses it' })
  deleteDeployment(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.deployments.delete(id);
  }

  @GuardedMutation('OPERATOR', () => DeploymentRun)
  runDeployment(
    @Arg('deploymentId', () => ID) deploymentId: string,
    @Arg('revision', () => RevisionInput) revision: RevisionInput,
    @Ctx() ctx: Context,
  ) {
    if (!ctx.principal) throw unauthenticated();
    return ctx.services.deployments.run(deploymentId, revision, ctx.principal);
  }

  @FieldResolver(() => Service)
  service(@Root() deployment: DeploymentEntity, @Ctx() ctx: Context) {
    return ctx.loaders.service.load(deployment.serviceId);
  }

  @FieldResolver(() => Environment)
  environment(@Root() deployment: DeploymentEntity, @Ctx() ctx: Context) {
    return ctx.loaders.environment.load(deployment.environmentId);
  }

  @FieldResolver(() => PlanApprovalRules, { description: 'the options of its plan approval' })
  planApproval(@Root() deployment: DeploymentEntity): PlanApprovalRules {
    return planApprovalRules(deployment);
  }
}

@Resolver(() => PlanApproval)
export class PlanApprovalResolver {
  @FieldResolver(() => Principal)
  principal(@Root() approval: PlanApprovalRow, @Ctx() ctx: Context) {
    return ctx.loaders.principal.load(approval.principalId);
  }
}
