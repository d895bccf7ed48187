import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { ActionRunEntity } from '../../db/entities/action-run.entity';
import type { Context } from '../context';
import { ActionRun } from './run.types';

/**
 * What a reader of a long log needs besides `logs(afterSeq, limit)`: the action run by its id, and how many
 * lines it has. Lines are numbered 1, 2, 3... across its attempts, so any page starts at a known `afterSeq`.
 */
@Resolver(() => ActionRun)
export class ActionRunLogsResolver {
  @Authorized('VIEWER')
  @Query(() => ActionRun, { nullable: true })
  actionRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.runPresenter.getActionRun(id);
  }

  @FieldResolver(() => Int, { description: 'how many log lines its attempts wrote: the seq of the last one' })
  logLineCount(@Root() action: ActionRunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.logLineCountByActionRun.load(action.id);
  }
}
