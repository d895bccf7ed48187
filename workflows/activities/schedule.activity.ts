import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { systemPrincipals } from '../../db/triggers/system-principals';
import {
  latestPushedRevision,
  latestSucceededRevision,
  recordScheduleTick,
  scheduleTick,
} from '../../db/triggers/triggers.sql';
import { run } from '../../db/dora/statement';
import {
  scheduleTemporalId,
  type ScheduledTickInput,
  type ScheduledTickOutcome,
  type TriggerPipeline,
} from '../definitions';

export interface ScheduleActivityDeps {
  dataSource: DataSource;
  temporal: Client;
  /** Absent in workers that run no schedules (benchmarks, history recording): their ticks fail. */
  triggerPipeline?: TriggerPipeline;
}

export function createScheduleActivities({ dataSource, temporal, triggerPipeline }: ScheduleActivityDeps) {
  return {
    /**
     * One tick: the revision pushed last to the pipeline's source branch, else the revision of its latest
     * successful run, else nothing (recorded as such). The tick is recorded once by its key, so a retry
     * after the trigger finds it; a crash between the trigger and the record can trigger twice.
     */
    async triggerScheduledRun({
      scheduleId,
      pipelineId,
      tickKey,
    }: ScheduledTickInput): Promise<ScheduledTickOutcome> {
      const [schedule]: Array<{ id: string }> = await dataSource.query(
        'SELECT id FROM pipeline_schedules WHERE id = $1',
        [scheduleId],
      );
      if (!schedule) {
        // Its pipeline was deleted (the row went with it): the Temporal Schedule has nothing left to do.
        await temporal.schedule
          .getHandle(scheduleTemporalId(scheduleId))
          .delete()
          .catch(() => undefined);
        return { outcome: 'SCHEDULE_GONE' };
      }
      const [done] = await run(dataSource, scheduleTick, { scheduleId, tickKey });
      if (done?.runId) return { outcome: 'TRIGGERED', runId: done.runId };
      if (done) return { outcome: 'NOTHING_TO_DEPLOY', message: done.message ?? '' };
      const [pushed] = await run(dataSource, latestPushedRevision, { pipelineId });
      const revision = pushed ?? (await run(dataSource, latestSucceededRevision, { pipelineId }))[0];
      if (!revision) {
        const message = 'nothing to deploy: no push to the source branch and no successful run yet';
        await run(dataSource, recordScheduleTick, {
          scheduleId,
          tickKey,
          outcome: 'NOTHING_TO_DEPLOY',
          runId: null,
          message,
        });
        return { outcome: 'NOTHING_TO_DEPLOY', message };
      }
      if (!triggerPipeline)
        throw ApplicationFailure.nonRetryable('this worker was built without a way to trigger pipelines');
      const { commits, ...fact } = revision;
      const { runId } = await triggerPipeline({
        pipelineId,
        revision: fact,
        commits,
        principalId: systemPrincipals.schedule,
      });
      await run(dataSource, recordScheduleTick, {
        scheduleId,
        tickKey,
        outcome: 'TRIGGERED',
        runId,
        message: null,
      });
      return { outcome: 'TRIGGERED', runId };
    },
  };
}
