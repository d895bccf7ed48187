import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { ActionEntity } from '../../db/entities/action.entity';
import type { PipelineEntity } from '../../db/entities/pipeline.entity';
import type { StageEntity } from '../../db/entities/stage.entity';
import { Environment, Service } from '../catalog/catalog.types';
import { GuardedMutation } from '../audit/guarded-mutation';
import { hasRole } from '../auth/auth.resolver';
import type { Context } from '../context';
import { JSONScalar } from '../graphql/scalars';
import { runsPage } from '../run/run-page';
import { PipelineRunConnection } from '../run/run.types';
import {
  Action,
  Pipeline,
  PipelineConnection,
  PipelineInput,
  PipelineSource,
  RetryPolicy,
  Stage,
} from './pipeline.types';
import { configForViewer } from './viewer-config';

@Resolver(() => Pipeline)
export class PipelineResolver {
  @Authorized('VIEWER')
  @Query(() => PipelineConnection)
  pipelines(
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('serviceId', () => ID, { nullable: true }) serviceId: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.pipelinePresenter.list({ first, after, serviceId });
  }

  @Authorized('VIEWER')
  @Query(() => Pipeline, { nullable: true })
  pipeline(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.pipelinePresenter.get(id);
  }

  @GuardedMutation('ADMIN', () => Pipeline)
  createPipeline(@Arg('input', () => PipelineInput) input: PipelineInput, @Ctx() ctx: Context) {
    return ctx.services.pipelines.create(input);
  }

  @GuardedMutation('ADMIN', () => Pipeline, { description: 'running runs keep their snapshot' })
  updatePipeline(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => PipelineInput) input: PipelineInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.pipelines.update(id, input);
  }

  @GuardedMutation('ADMIN', () => Pipeline)
  reorderStages(
    @Arg('pipelineId', () => ID) pipelineId: string,
    @Arg('stageIds', () => [ID]) stageIds: string[],
    @Ctx() ctx: Context,
  ) {
    return ctx.services.pipelines.reorderStages(pipelineId, stageIds);
  }

  @GuardedMutation('ADMIN', () => Pipeline, {
    description:
      'the four default stages, and every Deployment into the environment placed by its service type',
  })
  createEnvironmentPipeline(
    @Arg('environmentId', () => ID) environmentId: string,
    @Arg('name', () => String, { nullable: true }) name: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.environmentPipelines.create(environmentId, name);
  }

  @GuardedMutation('ADMIN', () => Pipeline, { description: 'with each of its DEPLOYMENT actions' })
  moveService(
    @Arg('pipelineId', () => ID) pipelineId: string,
    @Arg('serviceId', () => ID) serviceId: string,
    @Arg('toStageId', () => ID) toStageId: string,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.environmentPipelines.moveService(pipelineId, serviceId, toStageId);
  }

  @GuardedMutation('ADMIN', () => Boolean)
  deletePipeline(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.pipelines.delete(id);
  }

  @FieldResolver(() => Service, { nullable: true })
  service(@Root() pipeline: PipelineEntity, @Ctx() ctx: Context) {
    return pipeline.serviceId ? ctx.loaders.service.load(pipeline.serviceId) : null;
  }

  @FieldResolver(() => Environment, {
    nullable: true,
    description: 'an environment pipeline: the environment whose services it deploys',
  })
  environment(@Root() pipeline: PipelineEntity, @Ctx() ctx: Context) {
    return pipeline.environmentId ? ctx.loaders.environment.load(pipeline.environmentId) : null;
  }

  @FieldResolver(() => PipelineSource, { nullable: true })
  source(@Root() pipeline: PipelineEntity): PipelineSource | null {
    return pipeline.sourceRepository && pipeline.sourceBranch
      ? { repository: pipeline.sourceRepository, branch: pipeline.sourceBranch }
      : null;
  }

  @FieldResolver(() => [Stage])
  stages(@Root() pipeline: PipelineEntity, @Ctx() ctx: Context) {
    return ctx.loaders.stagesByPipeline.load(pipeline.id);
  }

  @FieldResolver(() => PipelineRunConnection)
  runs(
    @Root() pipeline: PipelineEntity,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return runsPage(ctx, info, { pipelineId: pipeline.id, first, after });
  }
}

@Resolver(() => Stage)
export class StageResolver {
  @GuardedMutation('OPERATOR', () => Stage)
  setStageTransition(
    @Arg('stageId', () => ID) stageId: string,
    @Arg('enabled', () => Boolean) enabled: boolean,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.runControl.setStageTransition(stageId, enabled, reason);
  }

  @FieldResolver(() => Environment, { nullable: true })
  environment(@Root() stage: StageEntity, @Ctx() ctx: Context) {
    return stage.environmentId ? ctx.loaders.environment.load(stage.environmentId) : null;
  }

  @FieldResolver(() => [Action])
  actions(@Root() stage: StageEntity, @Ctx() ctx: Context) {
    return ctx.loaders.actionsByStage.load(stage.id);
  }

  @FieldResolver(() => [Service], {
    description: 'an environment pipeline: the services placed in this stage (each in exactly one)',
  })
  services(@Root() stage: StageEntity, @Ctx() ctx: Context) {
    return ctx.loaders.servicesByStage.load(stage.id);
  }
}

@Resolver(() => Action)
export class ActionResolver {
  /** As stored for OPERATOR and up; a VIEWER reads it with its texts hidden (viewer-config.ts). */
  @FieldResolver(() => JSONScalar)
  config(@Root() action: ActionEntity, @Ctx() ctx: Context): Record<string, unknown> {
    return ctx.principal && hasRole(ctx.principal.role, 'OPERATOR')
      ? action.config
      : configForViewer(action.kind, action.config);
  }

  @FieldResolver(() => RetryPolicy)
  retryPolicy(@Root() action: ActionEntity): RetryPolicy {
    return {
      maximumAttempts: action.retryMaximumAttempts,
      initialIntervalMs: action.retryInitialIntervalMs,
      backoffCoefficient: action.retryBackoffCoefficient,
    };
  }
}
