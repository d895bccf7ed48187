import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { GuardedMutation } from '../audit/guarded-mutation';
import type { Context } from '../context';
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
}
