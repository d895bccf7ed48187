import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Service } from '../catalog/catalog.types';
import { GuardedMutation } from '../audit/guarded-mutation';
import type { Context } from '../context';
import { DeploymentRun, DeploymentRunConnection } from '../deployment/deployment.types';
import { DateTimeScalar } from '../graphql/scalars';
import type { IncidentRow } from './dora.service';
import { DoraFilter, DoraMetrics, ExternalDeploymentInput, Incident, IncidentInput } from './dora.types';

@Resolver()
export class DoraResolver {
  @Authorized('VIEWER')
  @Query(() => DoraMetrics)
  doraMetrics(@Arg('filter', () => DoraFilter) filter: DoraFilter, @Ctx() ctx: Context) {
    return ctx.services.doraPresenter.metrics(filter);
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
    return ctx.services.dora.recordExternalDeployment(input);
  }
}

@Resolver(() => Incident)
export class IncidentResolver {
  @Authorized('VIEWER')
  @Query(() => [Incident])
  incidents(
    @Arg('serviceId', () => ID, { nullable: true }) serviceId: string | null,
    @Arg('from', () => DateTimeScalar, { nullable: true }) from: Date | null,
    @Arg('to', () => DateTimeScalar, { nullable: true }) to: Date | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.dora.incidents({ serviceId, from, to });
  }

  @GuardedMutation('OPERATOR', () => Incident)
  openIncident(@Arg('input', () => IncidentInput) input: IncidentInput, @Ctx() ctx: Context) {
    return ctx.services.dora.openIncident(input);
  }

  @GuardedMutation('OPERATOR', () => Incident)
  resolveIncident(
    @Arg('id', () => ID) id: string,
    @Arg('resolvedAt', () => DateTimeScalar) resolvedAt: Date,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.dora.resolveIncident(id, resolvedAt);
  }

  @FieldResolver(() => Service)
  service(@Root() incident: IncidentRow, @Ctx() ctx: Context) {
    return ctx.loaders.service.load(incident.serviceId);
  }

  @FieldResolver(() => DeploymentRun, { nullable: true })
  causedBy(@Root() incident: IncidentRow, @Ctx() ctx: Context) {
    return incident.causedByDeploymentRunId
      ? ctx.loaders.deploymentRun.load(incident.causedByDeploymentRunId)
      : null;
  }
}
