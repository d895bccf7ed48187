import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { GuardedMutation } from '../audit/guarded-mutation';
import { Service } from '../catalog/catalog.types';
import type { Context } from '../context';
import { DeploymentRun } from '../deployment/deployment.types';
import { DateTimeScalar } from '../graphql/scalars';
import type { IncidentRow } from '../../db/dora/incidents.sql';
import { Incident, IncidentInput } from './incident.types';

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
    return ctx.services.incidentPresenter.list({ serviceId, from, to });
  }

  @GuardedMutation('OPERATOR', () => Incident)
  openIncident(@Arg('input', () => IncidentInput) input: IncidentInput, @Ctx() ctx: Context) {
    return ctx.services.incidents.open(input);
  }

  @GuardedMutation('OPERATOR', () => Incident)
  resolveIncident(
    @Arg('id', () => ID) id: string,
    @Arg('resolvedAt', () => DateTimeScalar) resolvedAt: Date,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.incidents.resolve(id, resolvedAt);
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
