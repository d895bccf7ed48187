import { Arg, Authorized, Ctx, FieldResolver, Float, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import type { DeploymentEntity } from '../../db/entities/deployment.entity';
import { Principal } from '../auth/auth.types';
import { Environment, Service } from '../catalog/catalog.types';
import { GuardedMutation } from '../audit/guarded-mutation';
import type { Context } from '../context';
import { unauthenticated } from '../errors';
import type { PlanApprovalRow } from '../graphql/loaders';
import { revisionOf } from '../run/revision';
import { Revision, RevisionInput } from '../run/revision.types';
import { PipelineRun } from '../run/run.types';
import {
  Deployment,
  DeploymentInput,
  DeploymentLogLine,
  DeploymentRun,
  PlanApproval,
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
}

@Resolver(() => DeploymentRun)
export class DeploymentRunResolver {
  @Authorized('VIEWER')
  @Query(() => DeploymentRun, { nullable: true })
  deploymentRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.deploymentPresenter.getRun(id);
  }

  @GuardedMutation('APPROVER', () => DeploymentRun)
  approveDeploymentPlan(
    @Arg('deploymentRunId', () => ID) deploymentRunId: string,
    @Arg('comment', () => String, { nullable: true }) comment: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.runControl.decidePlan(deploymentRunId, true, comment, ctx.principal!);
  }

  @GuardedMutation('APPROVER', () => DeploymentRun)
  rejectDeploymentPlan(
    @Arg('deploymentRunId', () => ID) deploymentRunId: string,
    @Arg('comment', () => String, { nullable: true }) comment: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.runControl.decidePlan(deploymentRunId, false, comment, ctx.principal!);
  }

  @FieldResolver(() => Deployment, { nullable: true })
  deployment(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return run.deploymentId ? ctx.loaders.deployment.load(run.deploymentId) : null;
  }

  @FieldResolver(() => Service)
  service(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.service.load(run.serviceId);
  }

  @FieldResolver(() => Environment)
  environment(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.environment.load(run.environmentId);
  }

  @FieldResolver(() => Revision, { nullable: true })
  revision(@Root() run: DeploymentRunEntity): Revision | null {
    return revisionOf(run);
  }

  @FieldResolver(() => [Revision], { description: 'the change set it delivered' })
  commits(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.commitsByDeploymentRun.load(run.id);
  }

  @FieldResolver(() => PipelineRun, { nullable: true })
  pipelineRun(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return run.pipelineRunId ? ctx.loaders.pipelineRun.load(run.pipelineRunId) : null;
  }

  @FieldResolver(() => Principal, { nullable: true, description: 'who started it, when a person did' })
  triggeredBy(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return run.triggeredById ? ctx.loaders.principal.load(run.triggeredById) : null;
  }

  @FieldResolver(() => Boolean, { description: 'needed remediation: a linked incident or a later rollback' })
  async changeFailed(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return (await ctx.loaders.doraByDeploymentRun.load(run.id))[0]?.changeFailed ?? false;
  }

  @FieldResolver(() => Boolean, {
    description: 'a rollback, or deployed while an incident it remediates was open',
  })
  async rework(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return (await ctx.loaders.doraByDeploymentRun.load(run.id))[0]?.rework ?? false;
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: 'median lead time of the commits it was first to deploy',
  })
  async leadTimeSeconds(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return (await ctx.loaders.doraByDeploymentRun.load(run.id))[0]?.leadTimeSeconds ?? null;
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: 'for a failed deployment: time until service was restored',
  })
  async recoverySeconds(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return (await ctx.loaders.doraByDeploymentRun.load(run.id))[0]?.recoverySeconds ?? null;
  }

  @FieldResolver(() => [PlanApproval])
  planApprovals(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.planApprovalsByDeploymentRun.load(run.id);
  }

  @FieldResolver(() => [DeploymentLogLine], { description: 'what its plan and apply commands wrote' })
  logs(
    @Root() run: DeploymentRunEntity,
    @Arg('afterSeq', () => Int, { nullable: true }) afterSeq: number | null,
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.deploymentPresenter.logs(run.id, afterSeq, limit);
  }
}

@Resolver(() => PlanApproval)
export class PlanApprovalResolver {
  @FieldResolver(() => Principal)
  principal(@Root() approval: PlanApprovalRow, @Ctx() ctx: Context) {
    return ctx.loaders.principal.load(approval.principalId);
  }
}
