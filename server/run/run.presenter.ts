import type { DataSource } from 'typeorm';
import { activeStageStatuses, isIn, type RunStatus } from '../../db/domain';
import { ActionRunEntity } from '../../db/entities/action-run.entity';
import { LogLineEntity } from '../../db/entities/log-line.entity';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import type { StageRunEntity } from '../../db/entities/stage-run.entity';
import { emptyPage, pageSize } from '../graphql/page';
import { intInRange, isUuid } from '../graphql/validate';
import { listRuns, type ListedRuns, type RunListNesting } from './run-list';

/** Reads runs, newest first, and their logs. */
export class RunPresenter {
  constructor(private readonly dataSource: DataSource) {}

  async get(id: string): Promise<PipelineRunEntity | null> {
    if (!isUuid(id)) return null;
    return this.dataSource.getRepository(PipelineRunEntity).findOneBy({ id });
  }

  async getActionRun(id: string): Promise<ActionRunEntity | null> {
    if (!isUuid(id)) return null;
    return this.dataSource.getRepository(ActionRunEntity).findOneBy({ id });
  }

  async list(
    args: {
      pipelineId?: string | null;
      status?: RunStatus[] | null;
      first?: number | null;
      after?: string | null;
    },
    nesting?: RunListNesting,
  ): Promise<ListedRuns> {
    const limit = pageSize(args.first);
    if (args.pipelineId && !isUuid(args.pipelineId))
      return { page: emptyPage(), stagesByRun: null, actionsByStageRun: null };
    return listRuns(
      this.dataSource,
      { pipelineId: args.pipelineId || null, status: args.status ?? null },
      limit,
      args.after,
      nesting,
    );
  }

  logs(
    actionRunId: string,
    afterSeq: number | null | undefined,
    limit: number | null | undefined,
  ): Promise<LogLineEntity[]> {
    return this.dataSource
      .getRepository(LogLineEntity)
      .createQueryBuilder('l')
      .where('l.action_run_id = :actionRunId AND l.seq > :afterSeq', { actionRunId, afterSeq: afterSeq ?? 0 })
      .orderBy('l.seq', 'ASC')
      .take(intInRange('limit', limit, 1, 5000, 1000))
      .getMany();
  }
}

/** The stage a person looking at the run cares about now: the active one, else the one that failed. */
export function currentStage(status: RunStatus, stages: StageRunEntity[]): StageRunEntity | null {
  const active = stages.find((s) => isIn(activeStageStatuses, s.status));
  if (active) return active;
  if (status === 'FAILED' || status === 'CANCELLED')
    return stages.find((s) => s.status === 'FAILED' || s.status === 'CANCELLED') ?? null;
  return null;
}
