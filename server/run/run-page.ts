import type { GraphQLResolveInfo } from 'graphql';
import type { RunStatus } from '../../db/domain';
import type { Context } from '../context';
import type { Page } from '../graphql/page';
import { selectsPath } from '../graphql/selection';
import type { ListedRun, RunListNesting } from './run-list';

const stagesPath = ['edges', 'node', ['stages', 'currentStage']] as const;
const actionsPath = [...stagesPath, 'actions'] as const;

/**
 * The page a runs list field answers (`pipelineRuns`, `Pipeline.runs`). What the operation asks below it
 * decides what the list reads ahead in its own statement (each run's stages, their actions); that goes to
 * the request's loaders, where the fields `stages`, `currentStage` and `actions` then find it.
 */
export async function runsPage(
  ctx: Context,
  info: GraphQLResolveInfo,
  args: {
    pipelineId?: string | null;
    status?: RunStatus[] | null;
    first: number | null;
    after: string | null;
  },
): Promise<Page<ListedRun>> {
  const nesting: RunListNesting = {
    stages: selectsPath(info, stagesPath),
    actions: selectsPath(info, actionsPath),
  };
  const { page, stagesByRun, actionsByStageRun } = await ctx.services.runPresenter.list(args, nesting);
  for (const [runId, stages] of stagesByRun ?? []) ctx.loaders.stageRunsByRun.prime(runId, stages);
  for (const [stageRunId, actions] of actionsByStageRun ?? [])
    ctx.loaders.actionRunsByStageRun.prime(stageRunId, actions);
  return page;
}
