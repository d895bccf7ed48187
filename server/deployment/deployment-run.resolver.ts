import { Arg, Authorized, Ctx, FieldResolver, Float, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import { Principal } from '../auth/auth.types';
import { GuardedMutation } from '../audit/guarded-mutation';
import { Environment, Service } from '../catalog/catalog.types';
import type { Context } from '../context';
import { DateTimeScalar } from '../graphql/scalars';
import { revisionOf } from '../run/revision';
import { Revision } from '../run/revision.types';
import { PipelineRun } from '../run/run.types';
import {
  Deployment,
  DeploymentLogLine,
  DeploymentRun,
  DeploymentRunConnection,
  ExternalDeploymentInput,
  PlanApproval,
} from './deployment.types';

/** DORA's verdict on a deployment run; none for runs that are not deployments (docs/dora.md, "Drill-down"). */
async function verdictOf(run: DeploymentRunEntity, ctx: Context) {
  return (await ctx.loaders.doraByDeploymentRun.load(run.id))[0];
}

@Resolver(() => DeploymentRun)
export class DeploymentRunResolver {
  @Authorized('VIEWER')
  @Query(() => DeploymentRun, { nullable: true })
  deploymentRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.deploymentPresenter.getRun(id);
  }

  @Authorized('VIEWER')
  @Query(() => DeploymentRunConnection)
  deploymentRuns(
    @Arg('serviceId', () => ID, { nullable: true }) serviceId: string | null,
    @Arg('environmentId', () => ID, { nullable: true }) environmentId: string | null,
    @Arg('from', () => DateTimeScalar, { nullable: true }) from: Date | null,
    @Arg('to', () => DateTimeScalar, { nullable: true }) to: Date | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('serviceIds', () => [ID], { nullable: true, description: 'any of these services' })
    serviceIds: string[] | null,
    @Arg('team', () => String, { nullable: true, description: "the team's services" }) team: string | null,
    @Arg('deploymentsOnly', () => Boolean, {
      nullable: true,
      description: 'only what DORA counts as deployments: succeeded, in a PRODUCTION-tier environment',
    })
    deploymentsOnly: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.deploymentPresenter.listRuns({
      serviceId,
      serviceIds,
      team,
      deploymentsOnly,
      environmentId,
      from,
      to,
      first,
      after,
    });
  }

  @GuardedMutation('OPERATOR', () => DeploymentRun)
  recordExternalDeployment(
    @Arg('input', () => ExternalDeploymentInput) input: ExternalDeploymentInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.externalDeployments.record(input);
  }

  @GuardedMutation('OPERATOR', () => Int, {
    description: 'up to 1,000 at once, all or none (importing history); how many were recorded',
  })
  recordExternalDeployments(
    @Arg('input', () => [ExternalDeploymentInput]) input: ExternalDeploymentInput[],
    @Ctx() ctx: Context,
  ) {
    return ctx.services.externalDeployments.recordMany(input);
  }

  @GuardedMutation('OPERATOR', () => Float, {
    description:
      'after a bulk import: the DORA tables vacuumed and analyzed now rather than by autovacuum minutes ' +
      'later, so doraMetrics reads the new history at full speed; the seconds it took',
  })
  vacuumDoraFacts(@Ctx() ctx: Context) {
    return ctx.services.externalDeployments.vacuumFacts();
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

  @GuardedMutation('OPERATOR', () => DeploymentRun, {
    description: 'a deployment run started alone; one of a pipeline run is cancelled with its run',
  })
  cancelDeploymentRun(
    @Arg('deploymentRunId', () => ID) deploymentRunId: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.deploymentRunControl.cancel(deploymentRunId, reason, ctx.principal!);
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: 'distinct approvers its plan needs, once it waits for them (null: it has not waited)',
  })
  requiredPlanApprovals(@Root() run: DeploymentRunEntity): number | null {
    return run.planRequiredApprovals;
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
    return (await verdictOf(run, ctx))?.changeFailed ?? false;
  }

  @FieldResolver(() => Boolean, {
    description: 'a rollback, or deployed while an incident it remediates was open',
  })
  async rework(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return (await verdictOf(run, ctx))?.rework ?? false;
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: 'median lead time of the commits it was first to deploy',
  })
  async leadTimeSeconds(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return (await verdictOf(run, ctx))?.leadTimeSeconds ?? null;
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: 'for a failed deployment: time until service was restored',
  })
  async recoverySeconds(@Root() run: DeploymentRunEntity, @Ctx() ctx: Context) {
    return (await verdictOf(run, ctx))?.recoverySeconds ?? null;
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
