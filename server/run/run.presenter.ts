import type { DataSource } from 'typeorm';
import { activeStageStatuses, isIn, type RunStatus } from '../../db/domain';
import { ActionRunEntity } from '../../db/entities/action-run.entity';
import { LogLineEntity } from '../../db/entities/log-line.entity';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import type { StageRunEntity } from '../../db/entities/stage-run.entity';
import { emptyPage, keysetPage, pageSize, type Page } from '../graphql/page';
import { intInRange, isUuid } from '../graphql/validate';

/**
 * What a listed run leaves out: its definition snapshot and its commits, the two JSON columns, parsed for
 * every row and often the largest part of it. No field of PipelineRun reads them; what needs them (a
 * rollback, a rerun, a promotion, the run's controls) loads the run whole by id.
 */
const unlisted = ['definition', 'commits'] as const;

/** A run as the list reads it. */
export type ListedRun = Omit<PipelineRunEntity, (typeof unlisted)[number]>;

/** Reads runs, newest first, and their logs. */
export class RunPresenter {
  private listedColumns: string[] | undefined;

  constructor(private readonly dataSource: DataSource) {}

  async get(id: string): Promise<PipelineRunEntity | null> {
    if (!isUuid(id)) return null;
    return this.dataSource.getRepository(PipelineRunEntity).findOneBy({ id });
  }

  async getActionRun(id: string): Promise<ActionRunEntity | null> {
    if (!isUuid(id)) return null;
    return this.dataSource.getRepository(ActionRunEntity).findOneBy({ id });
  }

  async list(args: {
    pipelineId?: string | null;
    status?: RunStatus[] | null;
    first?: number | null;
    after?: string | null;
  }): Promise<Page<ListedRun>> {
    const limit = pageSize(args.first);
    this.listedColumns ??= this.dataSource
      .getMetadata(PipelineRunEntity)
      .columns.filter((c) => !(unlisted as readonly string[]).includes(c.propertyName))
      .map((c) => `r.${c.propertyName}`);
    const query = this.dataSource
      .getRepository(PipelineRunEntity)
      .createQueryBuilder('r')
      .select(this.listedColumns);
    if (args.pipelineId) {
      if (!isUuid(args.pipelineId)) return emptyPage();
      query.andWhere('r.pipeline_id = :pipelineId', { pipelineId: args.pipelineId });
    }
    if (args.status && args.status.length > 0)
      query.andWhere('r.status IN (:...status)', { status: args.status });
    return keysetPage(
      query,
      { limit, after: args.after },
      { column: 'created_at', instantOf: (r) => r.createdAt, direction: 'DESC' },
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
