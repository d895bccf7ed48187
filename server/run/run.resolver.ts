import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { RunStatus } from '../../db/domain';
import type { ActionRunEntity } from '../../db/entities/action-run.entity';
import type { ApprovalEntity } from '../../db/entities/approval.entity';
import type { ListedRun } from './run-list';
import { runsPage } from './run-page';
import type { StageRunEntity } from '../../db/entities/stage-run.entity';
import { Principal } from '../auth/auth.types';
import { GuardedMutation } from '../audit/guarded-mutation';
import type { Context } from '../context';
import { unauthenticated } from '../errors';
import { RunStatusEnum } from '../graphql/enums';
import { JSONScalar } from '../graphql/scalars';
import { DeploymentRun } from '../deployment/deployment.types';
import { Pipeline } from '../pipeline/pipeline.types';
import { PipelineEvent } from '../realtime/realtime.types';
import { currentStage } from './run.presenter';
import { revisionOf } from './revision';
import { CommitInput, Revision, RevisionInput } from './revision.types';
import {
  ActionAttempt,
  ActionRun,
  Approval,
  LogLine,
  PipelineRun,
  PipelineRunConnection,
  StageRun,
} from './run.types';

@Resolver(() => PipelineRun)
export class PipelineRunResolver {
  @Authorized('VIEWER')
  @Query(() => PipelineRun, { nullable: true })
  pipelineRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.runPresenter.get(id);
  }

  @Authorized('VIEWER')
  @Query(() => PipelineRunConnection)
  pipelineRuns(
    @Arg('pipelineId', () => ID, { nullable: true }) pipelineId: string | null,
    @Arg('status', () => [RunStatusEnum], { nullable: true }) status: RunStatus[] | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return runsPage(ctx, info, { pipelineId, status, first, after });
  }

  @GuardedMutation('OPERATOR', () => PipelineRun)
  triggerPipeline(
    @Arg('pipelineId', () => ID) pipelineId: string,
    @Arg('revision', () => RevisionInput) revision: RevisionInput,
    @Arg('commits', () => [CommitInput], { nullable: true }) commits: CommitInput[] | null,
    @Ctx() ctx: Context,
  ) {
    if (!ctx.principal) throw unauthenticated();
    return ctx.services.runs.trigger(pipelineId, revision, commits, ctx.principal);
  }

  @GuardedMutation('OPERATOR', () => PipelineRun, {
    description:
      'Re-deploys the revision and definition snapshot of an earlier successful run, as a rollback',
  })
  rollback(
    @Arg('pipelineId', () => ID) pipelineId: string,
    @Arg('toRunId', () => ID) toRunId: string,
    @Ctx() ctx: Context,
  ) {
    if (!ctx.principal) throw unauthenticated();
    return ctx.services.runs.rollback(pipelineId, toRunId, ctx.principal);
  }

  @FieldResolver(() => Boolean, { description: 'a rollback to an earlier run' })
  isRollback(@Root() run: ListedRun): boolean {
    return run.isRollback;
  }

  @GuardedMutation('OPERATOR', () => PipelineRun)
  retryFailedActions(@Arg('runId', () => ID) runId: string, @Ctx() ctx: Context) {
    return ctx.services.holdDecisions.retryFailedActions(runId, ctx.principal!);
  }

  @GuardedMutation('OPERATOR', () => PipelineRun, {
    description: 'A failed run in its hold: every action of the failed stage runs again',
  })
  retryStage(@Arg('runId', () => ID) runId: string, @Ctx() ctx: Context) {
    return ctx.services.holdDecisions.retryStage(runId, ctx.principal!);
  }

  @GuardedMutation('APPROVER', () => PipelineRun, {
    description:
      'A failed run in its hold: its failed actions end SKIPPED with who skipped them and why, and the run goes on',
  })
  skipFailedActions(
    @Arg('runId', () => ID) runId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.holdDecisions.skipFailedActions(runId, reason, ctx.principal!);
  }

  @GuardedMutation('OPERATOR', () => PipelineRun, {
    description:
      'A new run of a finished run (same revision, commits, snapshot and artifacts) from one of its stages; ' +
      'the earlier stages are reused unless rerunUpstream',
  })
  rerunFromStage(
    @Arg('runId', () => ID) runId: string,
    @Arg('stageRunId', () => ID) stageRunId: string,
    @Arg('rerunUpstream', () => Boolean, { nullable: true }) rerunUpstream: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.runs.rerunFromStage(runId, stageRunId, rerunUpstream ?? false, ctx.principal!);
  }

  @GuardedMutation('OPERATOR', () => PipelineRun)
  cancelRun(
    @Arg('runId', () => ID) runId: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.runControl.cancel(runId, reason, ctx.principal!);
  }

  @FieldResolver(() => Pipeline)
  pipeline(@Root() run: ListedRun, @Ctx() ctx: Context) {
    return ctx.loaders.pipeline.load(run.pipelineId);
  }

  @FieldResolver(() => Revision)
  revision(@Root() run: ListedRun): Revision {
    return revisionOf(run);
  }

  @FieldResolver(() => Principal)
  triggeredBy(@Root() run: ListedRun, @Ctx() ctx: Context) {
    return ctx.loaders.principal.load(run.triggeredById);
  }

  @FieldResolver(() => [StageRun])
  stages(@Root() run: ListedRun, @Ctx() ctx: Context) {
    return ctx.loaders.stageRunsByRun.load(run.id);
  }

  @FieldResolver(() => [PipelineEvent], {
    description:
      'What people decided while the run was held after a failure (retry, retry stage, skip): who and why, oldest first',
  })
  decisions(@Root() run: ListedRun, @Ctx() ctx: Context) {
    return ctx.loaders.decisionsByRun.load(run.id);
  }

  @FieldResolver(() => StageRun, { nullable: true })
  async currentStage(@Root() run: ListedRun, @Ctx() ctx: Context) {
    return currentStage(run.status, await ctx.loaders.stageRunsByRun.load(run.id));
  }
}

@Resolver(() => Approval)
export class ApprovalResolver {
  @FieldResolver(() => Principal)
  principal(@Root() approval: ApprovalEntity, @Ctx() ctx: Context) {
    return ctx.loaders.principal.load(approval.principalId);
  }
}

@Resolver(() => StageRun)
export class StageRunResolver {
  @FieldResolver(() => [ActionRun])
  actions(@Root() stage: StageRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.actionRunsByStageRun.load(stage.id);
  }
}

@Resolver(() => ActionRun)
export class ActionRunResolver {
  @FieldResolver(() => [ActionAttempt])
  attempts(@Root() action: ActionRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.attemptsByActionRun.load(action.id);
  }

  @FieldResolver(() => [Approval])
  approvals(@Root() action: ActionRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.approvalsByActionRun.load(action.id);
  }

  @GuardedMutation('APPROVER', () => ActionRun)
  approveAction(
    @Arg('actionRunId', () => ID) actionRunId: string,
    @Arg('comment', () => String, { nullable: true }) comment: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.runControl.decide(actionRunId, true, comment, ctx.principal!);
  }

  @GuardedMutation('APPROVER', () => ActionRun)
  rejectAction(
    @Arg('actionRunId', () => ID) actionRunId: string,
    @Arg('comment', () => String, { nullable: true }) comment: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.runControl.decide(actionRunId, false, comment, ctx.principal!);
  }

  @FieldResolver(() => DeploymentRun, {
    nullable: true,
    description: 'DEPLOYMENT actions: the deployment run of its latest execution',
  })
  async deploymentRun(@Root() action: ActionRunEntity, @Ctx() ctx: Context) {
    if (action.kind !== 'DEPLOYMENT') return null;
    return (await ctx.loaders.deploymentRunsByActionRun.load(action.id)).at(-1) ?? null;
  }

  @FieldResolver(() => JSONScalar, { nullable: true })
  outputs(@Root() action: ActionRunEntity) {
    return action.outputs;
  }

  @FieldResolver(() => [LogLine])
  logs(
    @Root() action: ActionRunEntity,
    @Arg('afterSeq', () => Int, { nullable: true }) afterSeq: number | null,
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.runPresenter.logs(action.id, afterSeq, limit);
  }
}
