import {
  Arg,
  Authorized,
  Ctx,
  ID,
  Int,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import type { PipelineEventEntity } from '../../db/entities/pipeline-event.entity';
import type { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import type { Context } from '../context';
import { unauthenticated } from '../errors';
import { DeploymentLogLine } from '../deployment/deployment.types';
import { LogLine, PipelineRun } from '../run/run.types';
import type { LogLineRow } from './live-feeds';
import { PipelineEvent } from './realtime.types';

type Args = Record<string, unknown>;

/** Subscriptions check the caller when they start (the connection was checked when it opened). */
function caller(context: Context) {
  if (!context.principal) throw unauthenticated();
  return context.principal;
}

const optionalString = (value: unknown) => (typeof value === 'string' ? value : null);
const optionalInt = (value: unknown) => (typeof value === 'number' ? value : null);

@Resolver()
export class RealtimeResolver {
  @Authorized('VIEWER')
  @Subscription(() => PipelineRun, {
    description: 'The run as it is now, then after each change',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, Args, Context>) => {
      caller(context);
      return context.live.runUpdates(String(args.runId), context.onSlowConsumer);
    },
  })
  pipelineRunUpdated(
    @Arg('runId', () => ID) _runId: string,
    @Root() run: PipelineRunEntity,
    @Ctx() ctx: Context,
  ): PipelineRunEntity {
    ctx.refreshLoaders(); // each update reads the run's stages and actions afresh
    return run;
  }

  @Authorized('VIEWER')
  @Subscription(() => PipelineEvent, {
    description: 'Every pipeline when pipelineId is omitted; afterEventId replays what came after it first',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, Args, Context>) => {
      caller(context);
      const { pipelineId, afterEventId } = args;
      return context.live.events(
        optionalString(pipelineId),
        optionalString(afterEventId),
        context.onSlowConsumer,
      );
    },
  })
  pipelineEvents(
    @Arg('pipelineId', () => ID, { nullable: true }) _pipelineId: string | null,
    @Arg('afterEventId', () => ID, { nullable: true }) _afterEventId: string | null,
    @Root() event: PipelineEventEntity,
  ): PipelineEventEntity {
    return event;
  }

  @Authorized('VIEWER')
  @Subscription(() => LogLine, {
    description: 'New log lines as they are written; afterSeq replays the lines after it first',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, Args, Context>) => {
      caller(context);
      const { actionRunId, afterSeq } = args;
      return context.live.logLines(
        { kind: 'action', id: String(actionRunId) },
        optionalInt(afterSeq),
        context.onSlowConsumer,
      );
    },
  })
  actionLogs(
    @Arg('actionRunId', () => ID) _actionRunId: string,
    @Arg('afterSeq', () => Int, { nullable: true }) _afterSeq: number | null,
    @Root() line: LogLineRow,
  ): LogLineRow {
    return line;
  }

  @Authorized('VIEWER')
  @Subscription(() => DeploymentLogLine, {
    description: "A deployment run's new plan and apply lines; afterSeq replays the lines after it first",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, Args, Context>) => {
      caller(context);
      const { deploymentRunId, afterSeq } = args;
      return context.live.logLines(
        { kind: 'deployment', id: String(deploymentRunId) },
        optionalInt(afterSeq),
        context.onSlowConsumer,
      );
    },
  })
  deploymentLogs(
    @Arg('deploymentRunId', () => ID) _deploymentRunId: string,
    @Arg('afterSeq', () => Int, { nullable: true }) _afterSeq: number | null,
    @Root() line: LogLineRow,
  ): LogLineRow {
    return line;
  }
}
