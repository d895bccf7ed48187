import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { DoraFilter, DoraMetrics } from './dora.types';

@Resolver()
export class DoraResolver {
  @Authorized('VIEWER')
  @Query(() => DoraMetrics)
  doraMetrics(@Arg('filter', () => DoraFilter) filter: DoraFilter, @Ctx() ctx: Context) {
    return ctx.services.doraPresenter.metrics(filter);
  }
}
