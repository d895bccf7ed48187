import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { EnvironmentEntity } from '../../db/entities/environment.entity';
import { GuardedMutation } from '../audit/guarded-mutation';
import type { Context } from '../context';
import { Pipeline } from '../pipeline/pipeline.types';
import { Environment, EnvironmentInput, Service, ServiceInput } from './catalog.types';

@Resolver()
export class CatalogResolver {
  @Authorized('VIEWER')
  @Query(() => [Service])
  services(@Ctx() ctx: Context) {
    return ctx.services.catalog.listServices();
  }

  @Authorized('VIEWER')
  @Query(() => [Environment])
  environments(@Ctx() ctx: Context) {
    return ctx.services.catalog.listEnvironments();
  }

  @GuardedMutation('ADMIN', () => Service)
  createService(@Arg('input', () => ServiceInput) input: ServiceInput, @Ctx() ctx: Context) {
    return ctx.services.catalog.createService(input);
  }

  @GuardedMutation('ADMIN', () => Environment)
  createEnvironment(@Arg('input', () => EnvironmentInput) input: EnvironmentInput, @Ctx() ctx: Context) {
    return ctx.services.catalog.createEnvironment(input);
  }

  @GuardedMutation('ADMIN', () => Service)
  updateService(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ServiceInput) input: ServiceInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.catalog.updateService(id, input);
  }

  @GuardedMutation('ADMIN', () => Environment)
  updateEnvironment(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => EnvironmentInput) input: EnvironmentInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.catalog.updateEnvironment(id, input);
  }
}

@Resolver(() => Environment)
export class EnvironmentResolver {
  @FieldResolver(() => Pipeline, { nullable: true, description: 'its environment pipeline, once created' })
  pipeline(@Root() environment: EnvironmentEntity, @Ctx() ctx: Context) {
    return ctx.loaders.pipelineByEnvironment.load(environment.id);
  }
}
