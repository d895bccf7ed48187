import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { ListedRun } from '../run/run-list';
import type { FreezeWindowRow } from '../../db/freeze/freeze-windows.sql';
import { Principal } from '../auth/auth.types';
import { GuardedMutation } from '../audit/guarded-mutation';
import { Environment } from '../catalog/catalog.types';
import type { Context } from '../context';
import { unauthenticated } from '../errors';
import { DateTimeScalar } from '../graphql/scalars';
import { PipelineRun } from '../run/run.types';
import { FreezeWindow, FreezeWindowInput } from './freeze.types';

@Resolver(() => FreezeWindow)
export class FreezeWindowResolver {
  /** Everyone who may read runs may see why one is held; only ADMINs change windows. */
  @Authorized('VIEWER')
  @Query(() => [FreezeWindow])
  freezeWindows(
    @Arg('environmentId', () => ID, { nullable: true }) environmentId: string | null,
    @Arg('activeAt', () => DateTimeScalar, { nullable: true }) activeAt: Date | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.freezePresenter.list(environmentId ?? null, activeAt ?? null);
  }

  @GuardedMutation('ADMIN', () => FreezeWindow)
  createFreezeWindow(@Arg('input', () => FreezeWindowInput) input: FreezeWindowInput, @Ctx() ctx: Context) {
    if (!ctx.principal) throw unauthenticated();
    return ctx.services.freeze.create(input, ctx.principal);
  }

  @GuardedMutation('ADMIN', () => Boolean)
  deleteFreezeWindow(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.freeze.delete(id);
  }

  @GuardedMutation('ADMIN', () => PipelineRun)
  overrideFreeze(
    @Arg('runId', () => ID) runId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: Context,
  ) {
    if (!ctx.principal) throw unauthenticated();
    return ctx.services.freeze.override(runId, reason, ctx.principal);
  }

  @FieldResolver(() => Environment, {
    nullable: true,
    description: 'null: every environment of tier PRODUCTION',
  })
  environment(@Root() window: FreezeWindowRow, @Ctx() ctx: Context) {
    return window.environmentId ? ctx.loaders.environment.load(window.environmentId) : null;
  }

  @FieldResolver(() => Principal)
  createdBy(@Root() window: FreezeWindowRow, @Ctx() ctx: Context) {
    return ctx.loaders.principal.load(window.createdById);
  }
}

/** PipelineRun.freezeWindowsHolding: why a WAITING run does not enter its next stage (a freeze). */
@Resolver(() => PipelineRun)
export class PipelineRunFreezeResolver {
  @FieldResolver(() => [FreezeWindow], {
    description: 'the freeze windows holding the run at its stage now, by end (empty: none)',
  })
  freezeWindowsHolding(@Root() pipelineRun: ListedRun, @Ctx() ctx: Context) {
    return ctx.loaders.freezeWindowsHoldingRun.load(pipelineRun.id);
  }
}
