import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Environment } from '../catalog/catalog.types';
import { GuardedMutation } from '../audit/guarded-mutation';
import type { Context } from '../context';
import { Pipeline } from '../pipeline/pipeline.types';
import type { SecretRow } from './secret.service';
import { Secret, SecretInput } from './secret.types';

@Resolver(() => Secret)
export class SecretResolver {
  @Authorized('ADMIN')
  @Query(() => [Secret])
  secrets(
    @Arg('environmentId', () => ID, { nullable: true }) environmentId: string | null,
    @Arg('pipelineId', () => ID, { nullable: true }) pipelineId: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.secrets.list({ environmentId, pipelineId });
  }

  @GuardedMutation('ADMIN', () => Secret, {
    description: 'Creates or rotates; the value applies to actions that start afterwards',
  })
  setSecret(@Arg('input', () => SecretInput) input: SecretInput, @Ctx() ctx: Context) {
    return ctx.services.secrets.set(input);
  }

  @GuardedMutation('ADMIN', () => Boolean)
  deleteSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.secrets.delete(id);
  }

  @FieldResolver(() => Environment, { nullable: true })
  environment(@Root() secret: SecretRow, @Ctx() ctx: Context) {
    return secret.environmentId ? ctx.loaders.environment.load(secret.environmentId) : null;
  }

  @FieldResolver(() => Pipeline, { nullable: true })
  pipeline(@Root() secret: SecretRow, @Ctx() ctx: Context) {
    return secret.pipelineId ? ctx.loaders.pipeline.load(secret.pipelineId) : null;
  }
}
