import { Arg, Authorized, Ctx, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import { auditMutations } from '../audit/audit.middleware';
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

  @Authorized('ADMIN')
  @UseMiddleware(auditMutations)
  @Mutation(() => Service)
  createService(@Arg('input', () => ServiceInput) input: ServiceInput, @Ctx() ctx: Context) {
    return ctx.services.catalog.createService(input);
  }

  @Authorized('ADMIN')
  @UseMiddleware(auditMutations)
  @Mutation(() => Environment)
  createEnvironment(@Arg('input', () => EnvironmentInput) input: EnvironmentInput, @Ctx() ctx: Context) {
    return ctx.services.catalog.createEnvironment(input);
  }
}
