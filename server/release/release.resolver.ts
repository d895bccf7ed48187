import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { ArtifactEntity } from '../../db/entities/artifact.entity';
import type { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import { approvalSummary, type ApprovalRequestFacts } from '../../db/releases/approval-request';
import { GuardedMutation } from '../audit/guarded-mutation';
import { Environment, Service } from '../catalog/catalog.types';
import type { Context } from '../context';
import { DeploymentRun } from '../deployment/deployment.types';
import { unauthenticated } from '../errors';
import { DateTimeScalar } from '../graphql/scalars';
import { revisionOf } from '../run/revision';
import { Revision } from '../run/revision.types';
import { ActionRun, PipelineRun } from '../run/run.types';
import { ApprovalRequest, Artifact, LiveDeployment } from './release.types';

@Resolver(() => LiveDeployment)
export class LiveDeploymentResolver {
  @Authorized('VIEWER')
  @Query(() => [LiveDeployment], {
    description: 'per service and environment, the latest successful deployment run there',
  })
  live(
    @Arg('serviceId', () => ID, { nullable: true }) serviceId: string | null,
    @Arg('environmentId', () => ID, { nullable: true }) environmentId: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.releasePresenter.live(serviceId, environmentId);
  }

  @GuardedMutation('OPERATOR', () => PipelineRun, {
    description: 'a new run of the pipeline carrying a SUCCEEDED run’s revision, commits and artifacts',
  })
  promote(
    @Arg('pipelineId', () => ID) pipelineId: string,
    @Arg('fromRunId', () => ID) fromRunId: string,
    @Ctx() ctx: Context,
  ) {
    if (!ctx.principal) throw unauthenticated();
    return ctx.services.runs.promote(pipelineId, fromRunId, ctx.principal);
  }

  @FieldResolver(() => Service)
  service(@Root() live: DeploymentRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.service.load(live.serviceId);
  }

  @FieldResolver(() => Environment)
  environment(@Root() live: DeploymentRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.environment.load(live.environmentId);
  }

  @FieldResolver(() => DeploymentRun, { description: 'the latest successful deployment there' })
  deploymentRun(@Root() live: DeploymentRunEntity): DeploymentRunEntity {
    return live;
  }

  @FieldResolver(() => Revision, { nullable: true })
  revision(@Root() live: DeploymentRunEntity): Revision | null {
    return revisionOf(live);
  }

  @FieldResolver(() => [Artifact])
  artifacts(@Root() live: DeploymentRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.artifactsByDeploymentRun.load(live.id);
  }

  @FieldResolver(() => DateTimeScalar)
  since(@Root() live: DeploymentRunEntity): Date {
    return live.finishedAt!;
  }

  @FieldResolver(() => DeploymentRun, {
    nullable: true,
    description: 'the successful deployment there before it, of another revision: where a rollback goes',
  })
  async previous(@Root() live: DeploymentRunEntity, @Ctx() ctx: Context) {
    const [previous] = await ctx.loaders.previousDeploymentRun.load(live.id);
    return previous ? ctx.loaders.deploymentRun.load(previous.id) : null;
  }
}

@Resolver(() => Artifact)
export class ArtifactResolver {
  @Authorized('VIEWER')
  @Query(() => [Artifact], { description: 'newest first: of one name, or those a run carries' })
  artifacts(
    @Arg('name', () => String, { nullable: true }) name: string | null,
    @Arg('pipelineRunId', () => ID, { nullable: true }) pipelineRunId: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.releasePresenter.artifacts({ name, pipelineRunId, first });
  }

  @FieldResolver(() => PipelineRun, { nullable: true, description: 'the run that built it' })
  pipelineRun(@Root() artifact: ArtifactEntity, @Ctx() ctx: Context) {
    return artifact.pipelineRunId ? ctx.loaders.pipelineRun.load(artifact.pipelineRunId) : null;
  }

  @FieldResolver(() => ActionRun, { nullable: true, description: 'the action that published it' })
  actionRun(@Root() artifact: ArtifactEntity, @Ctx() ctx: Context) {
    return artifact.actionRunId ? ctx.loaders.actionRun.load(artifact.actionRunId) : null;
  }
}

@Resolver(() => ApprovalRequest)
export class ApprovalRequestResolver {
  @FieldResolver(() => Environment, {
    nullable: true,
    description: 'of the stage the gate is in (null: the stage has none)',
  })
  environment(@Root() request: ApprovalRequestFacts, @Ctx() ctx: Context) {
    return request.environmentId ? ctx.loaders.environment.load(request.environmentId) : null;
  }

  @FieldResolver(() => LiveDeployment, {
    nullable: true,
    description: "what runs there now for the pipeline's service (null: nothing yet)",
  })
  live(@Root() request: ApprovalRequestFacts, @Ctx() ctx: Context) {
    return request.live ? ctx.loaders.deploymentRun.load(request.live.deploymentRunId) : null;
  }

  @FieldResolver(() => Revision, { description: 'what this run would deploy' })
  candidate(@Root() request: ApprovalRequestFacts): Revision {
    return request.candidate;
  }

  @FieldResolver(() => [Revision], { description: 'commits of this run that are not live there yet' })
  newCommits(@Root() request: ApprovalRequestFacts): Revision[] {
    return request.newCommits;
  }

  @FieldResolver(() => String, {
    description: 'one line, as notifications carry it: "3 new commits; checkout-image 1.4.1 -> 1.4.2"',
  })
  summary(@Root() request: ApprovalRequestFacts): string {
    return approvalSummary(request);
  }
}
