import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { run } from '../../db/dora/statement';
import { PipelineScheduleEntity } from '../../db/entities/pipeline-schedule.entity';
import { lastScheduledRun } from '../../db/triggers/triggers.sql';
import { scheduleTemporalId } from '../../workflows/definitions';
import { isUuid } from '../graphql/validate';

/** Reads schedules: the rows, and from Temporal when each fires next. */
export class SchedulePresenter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
  ) {}

  list(pipelineId: string | null): Promise<PipelineScheduleEntity[]> {
    if (pipelineId !== null && !isUuid(pipelineId)) return Promise.resolve([]);
    return this.dataSource.getRepository(PipelineScheduleEntity).find({
      where: pipelineId === null ? {} : { pipelineId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** The next tick as Temporal plans it (null while paused, or when Temporal no longer has the schedule). */
  async nextRunAt(schedule: PipelineScheduleEntity): Promise<Date | null> {
    try {
      const description = await this.temporal.schedule.getHandle(scheduleTemporalId(schedule.id)).describe();
      return description.state.paused ? null : (description.info.nextActionTimes[0] ?? null);
    } catch (error) {
      if (error instanceof Error && error.name === 'ScheduleNotFoundError') return null;
      throw error;
    }
  }

  async lastRunId(scheduleId: string): Promise<string | null> {
    const [row] = await run(this.dataSource, lastScheduledRun, { scheduleId });
    return row?.runId ?? null;
  }
}
