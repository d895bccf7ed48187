import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ActionRunEntity } from '../../db/entities/action-run.entity';
import type { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import type { ListedRun } from '../run/run-list';
import type { StageRunEntity } from '../../db/entities/stage-run.entity';
import type { Context } from '../context';
import { DeploymentRun } from '../deployment/deployment.types';
import { ActionRun, PipelineRun, StageRun } from '../run/run.types';
import { ApprovalRequest, Artifact } from './release.types';

/** What releases add to runs, actions, stages and deployment runs. */
@Resolver(() => PipelineRun)
export class PipelineRunReleaseResolver {
  @FieldResolver(() => PipelineRun, {
    nullable: true,
    description: 'the known-good run whose revision, commits and artifacts this run carries',
  })
  promotedFrom(@Root() run: ListedRun, @Ctx() ctx: Context) {
    return run.promotedFromRunId ? ctx.loaders.pipelineRun.load(run.promotedFromRunId) : null;
  }

  @FieldResolver(() => [Artifact], { description: 'every artifact the run built or received' })
  artifacts(@Root() run: ListedRun, @Ctx() ctx: Context) {
    return ctx.loaders.artifactsByRun.load(run.id);
  }
}

@Resolver(() => ActionRun)
export class ActionRunReleaseResolver {
  @FieldResolver(() => [Artifact], { description: 'published by this action' })
  artifacts(@Root() action: ActionRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.artifactsByPublisher.load(action.reusedFromActionRunId ?? action.id);
  }

  @FieldResolver(() => ActionRun, {
    nullable: true,
    description: 'not executed here: its outputs and artifacts came from this earlier action run',
  })
  reusedFrom(@Root() action: ActionRunEntity, @Ctx() ctx: Context) {
    return action.reusedFromActionRunId ? ctx.loaders.actionRun.load(action.reusedFromActionRunId) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'why it ended SKIPPED: reused, or its approval request expired',
  })
  skipReason(@Root() action: ActionRunEntity): string | null {
    return action.skipReason;
  }

  @FieldResolver(() => ApprovalRequest, {
    nullable: true,
    description: 'APPROVAL actions and DEPLOYMENT plan approvals: what is being approved',
  })
  approvalRequest(@Root() action: ActionRunEntity, @Ctx() ctx: Context) {
    if (action.kind !== 'APPROVAL' && action.kind !== 'DEPLOYMENT') return null;
    return ctx.services.releasePresenter.approvalRequestOfAction(action.id);
  }
}

@Resolver(() => StageRun)
export class StageRunReleaseResolver {
  @FieldResolver(() => DeploymentRun, {
    nullable: true,
    description: "a stage with an environment and no DEPLOYMENT action: its own deployment run's latest",
  })
  async deploymentRun(@Root() stage: StageRunEntity, @Ctx() ctx: Context) {
    const runs = await ctx.loaders.deploymentRunsByStageRun.load(stage.id);
    return runs.filter((run) => run.actionRunId === null).at(-1) ?? null;
  }
}

@Resolver(() => DeploymentRun)
export class DeploymentRunReleaseResolver {
  @FieldResolver(() => [Artifact], { description: 'what it deployed' })
  artifacts(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.artifactsByDeploymentRun.load(run.id);
  }

  @FieldResolver(() => ApprovalRequest, {
    nullable: true,
    description: 'its plan approval, when its Deployment asks for one: what is being approved',
  })
  async approvalRequest(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    const deployment = run.deploymentId ? await ctx.loaders.deployment.load(run.deploymentId) : null;
    if (!deployment?.requirePlanApproval) return null;
    return ctx.services.releasePresenter.approvalRequestOfDeploymentRun(run.id);
  }
}
