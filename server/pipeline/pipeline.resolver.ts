import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { ActionEntity } from '../../db/entities/action.entity';
import type { PipelineEntity } from '../../db/entities/pipeline.entity';
import type { StageEntity } from '../../db/entities/stage.entity';
import { Environment, Service } from '../catalog/catalog.types';
import { GuardedMutation } from '../audit/guarded-mutation';
import type { Context } from '../context';
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

  @GuardedMutation('ADMIN', () => Boolean)
  deletePipeline(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.pipelines.delete(id);
  }

  @FieldResolver(() => Service, { nullable: true })
  service(@Root() pipeline: PipelineEntity, @Ctx() ctx: Context) {
    return pipeline.serviceId ? ctx.loaders.service.load(pipeline.serviceId) : null;
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
  ) {
    return ctx.services.runPresenter.list({ pipelineId: pipeline.id, first, after });
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
}

@Resolver(() => Action)
export class ActionResolver {
  @FieldResolver(() => RetryPolicy)
  retryPolicy(@Root() action: ActionEntity): RetryPolicy {
    return {
      maximumAttempts: action.retryMaximumAttempts,
      initialIntervalMs: action.retryInitialIntervalMs,
      backoffCoefficient: action.retryBackoffCoefficient,
    };
  }
}
