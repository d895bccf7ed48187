import type { DataSource } from 'typeorm';
import { activeStageStatuses, isIn, type RunStatus } from '../../db/domain';
import { LogLineEntity } from '../../db/entities/log-line.entity';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import type { StageRunEntity } from '../../db/entities/stage-run.entity';
import { decodeTimeIdCursor, encodeCursor, pageSize } from '../graphql/connection';
import { intInRange, isUuid } from '../graphql/validate';
import type { Page } from '../pipeline/pipeline.presenter';

/** Reads runs, newest first, and their logs. */
export class RunPresenter {
  constructor(private readonly dataSource: DataSource) {}

  async get(id: string): Promise<PipelineRunEntity | null> {
    if (!isUuid(id)) return null;
    return this.dataSource.getRepository(PipelineRunEntity).findOneBy({ id });
  }

  async list(args: {
    pipelineId?: string | null;
    status?: RunStatus[] | null;
    first?: number | null;
    after?: string | null;
  }): Promise<Page<PipelineRunEntity>> {
    const limit = pageSize(args.first);
    const query = this.dataSource.getRepository(PipelineRunEntity).createQueryBuilder('r');
    if (args.pipelineId) {
      if (!isUuid(args.pipelineId))
        return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
      query.andWhere('r.pipeline_id = :pipelineId', { pipelineId: args.pipelineId });
    }
    if (args.status && args.status.length > 0)
      query.andWhere('r.status IN (:...status)', { status: args.status });
    const totalCount = await query.getCount();
    if (args.after) {
      const [createdAt, id] = decodeTimeIdCursor(args.after);
      query.andWhere('(r.created_at, r.id) < (:createdAt::timestamptz, :id::uuid)', { createdAt, id });
    }
    const rows = await query
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const edges = page.map((node) => ({
      cursor: encodeCursor([node.createdAt.toISOString(), node.id]),
      node,
    }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount,
    };
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
