import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { PipelineEntity } from '../../db/entities/pipeline.entity';
import type { PipelineScheduleEntity } from '../../db/entities/pipeline-schedule.entity';
import { scheduleTemporalId } from '../../workflows/definitions';
import { GuardedMutation } from '../audit/guarded-mutation';
import type { Context } from '../context';
import { unauthenticated } from '../errors';
import { DateTimeScalar } from '../graphql/scalars';
import { Pipeline } from '../pipeline/pipeline.types';
import { PipelineRun } from '../run/run.types';
import { Schedule } from './schedule.types';

@Resolver(() => Schedule)
export class ScheduleResolver {
  @Authorized('VIEWER')
  @Query(() => [Schedule])
  schedules(@Arg('pipelineId', () => ID, { nullable: true }) pipelineId: string | null, @Ctx() ctx: Context) {
    return ctx.services.schedulePresenter.list(pipelineId);
  }

  @GuardedMutation('ADMIN', () => Schedule)
  createSchedule(
    @Arg('pipelineId', () => ID) pipelineId: string,
    @Arg('cron', () => String) cron: string,
    @Arg('timeZone', () => String, { nullable: true }) timeZone: string | null,
    @Ctx() ctx: Context,
  ) {
    if (!ctx.principal) throw unauthenticated();
    return ctx.services.schedules.create(pipelineId, cron, timeZone, ctx.principal);
  }

  @GuardedMutation('OPERATOR', () => Schedule)
  pauseSchedule(
    @Arg('id', () => ID) id: string,
    @Arg('paused', () => Boolean) paused: boolean,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.schedules.pause(id, paused);
  }

  @GuardedMutation('ADMIN', () => Boolean)
  deleteSchedule(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.schedules.delete(id);
  }

  @FieldResolver(() => Pipeline)
  pipeline(@Root() schedule: PipelineScheduleEntity, @Ctx() ctx: Context) {
    return ctx.loaders.pipeline.load(schedule.pipelineId);
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  nextRunAt(@Root() schedule: PipelineScheduleEntity, @Ctx() ctx: Context) {
    return ctx.services.schedulePresenter.nextRunAt(schedule);
  }

  @FieldResolver(() => PipelineRun, { nullable: true })
  async lastRun(@Root() schedule: PipelineScheduleEntity, @Ctx() ctx: Context) {
    const runId = await ctx.services.schedulePresenter.lastRunId(schedule.id);
    return runId ? ctx.loaders.pipelineRun.load(runId) : null;
  }

  @FieldResolver(() => String, { description: 'the Temporal Schedule id, as the Temporal UI lists it' })
  temporalScheduleId(@Root() schedule: PipelineScheduleEntity) {
    return scheduleTemporalId(schedule.id);
  }
}

/** Pipeline.schedules: oldest first. */
@Resolver(() => Pipeline)
export class PipelineSchedulesResolver {
  @FieldResolver(() => [Schedule])
  schedules(@Root() pipeline: PipelineEntity, @Ctx() ctx: Context) {
    return ctx.loaders.schedulesByPipeline.load(pipeline.id);
  }
}
