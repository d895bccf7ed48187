import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { PipelineScheduleEntity } from '../../db/entities/pipeline-schedule.entity';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import {
  scheduledTriggerWorkflowId,
  scheduledTriggerWorkflowType,
  scheduleTemporalId,
  type ScheduledTriggerInput,
} from '../../workflows/definitions';
import type { AuthenticatedPrincipal } from '../auth/principal';
import { badInput, notFound } from '../errors';
import { isUuid } from '../graphql/validate';

/** Five fields of digits, names, `*`, `?`, ranges, steps and lists; Temporal checks the rest. */
const cronPattern = /^[\w*?/,-]+(\s+[\w*?/,-]+){4}$/;

function timeZoneOf(value: string | null | undefined): string {
  const zone = value?.trim() || 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw badInput('timeZone', 'must be an IANA time zone name, e.g. "Europe/Paris"');
  }
  return zone;
}

/**
 * Pipeline schedules are Temporal Schedules (visible in the Temporal UI, kept by the Temporal server across
 * restarts of every process of ours). Each tick starts `scheduledTriggerWorkflow`, which triggers the
 * pipeline; the row here is what the API lists and what a tick checks is still wanted.
 */
export class ScheduleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
    private readonly taskQueue: string,
  ) {}

  async create(
    pipelineId: string,
    cronInput: string,
    timeZoneInput: string | null | undefined,
    principal: AuthenticatedPrincipal,
  ): Promise<PipelineScheduleEntity> {
    const cron = cronInput.trim();
    if (!cronPattern.test(cron))
      throw badInput('cron', 'must be a five-field cron expression, e.g. "0 3 * * 1-5"');
    const timeZone = timeZoneOf(timeZoneInput);
    if (!isUuid(pipelineId) || !(await this.dataSource.manager.existsBy(PipelineEntity, { id: pipelineId })))
      throw notFound('pipeline', pipelineId);
    const repo = this.dataSource.getRepository(PipelineScheduleEntity);
    const schedule = await repo.save(
      repo.create({ pipelineId, cron, timeZone, paused: false, createdById: principal.id }),
    );
    const args: [ScheduledTriggerInput] = [{ scheduleId: schedule.id, pipelineId }];
    try {
      await this.temporal.schedule.create({
        scheduleId: scheduleTemporalId(schedule.id),
        spec: { cronExpressions: [cron], timezone: timeZone },
        action: {
          type: 'startWorkflow',
          workflowType: scheduledTriggerWorkflowType,
          workflowId: scheduledTriggerWorkflowId(schedule.id),
          taskQueue: this.taskQueue,
          args,
        },
        // A tick that finds the previous one still deciding is skipped; ticks missed while Temporal was
        // down for more than a minute are not made up.
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
        state: { note: `Lockstep schedule ${schedule.id} of pipeline ${pipelineId}` },
      });
    } catch (error) {
      await repo.delete({ id: schedule.id });
      const message = error instanceof Error ? error.message : String(error);
      if (/cron|invalid/i.test(message)) throw badInput('cron', `Temporal refused it: ${message}`);
      throw error;
    }
    return schedule;
  }

  async pause(id: string, paused: boolean): Promise<PipelineScheduleEntity> {
    const schedule = await this.find(id);
    const handle = this.temporal.schedule.getHandle(scheduleTemporalId(id));
    if (paused) await handle.pause('paused through the Lockstep API');
    else await handle.unpause('resumed through the Lockstep API');
    schedule.paused = paused;
    return this.dataSource.getRepository(PipelineScheduleEntity).save(schedule);
  }

  /** Removes the Temporal Schedule, then the row (a tick of a schedule without its row deletes it too). */
  async delete(id: string): Promise<boolean> {
    await this.find(id);
    try {
      await this.temporal.schedule.getHandle(scheduleTemporalId(id)).delete();
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ScheduleNotFoundError')) throw error;
    }
    await this.dataSource.getRepository(PipelineScheduleEntity).delete({ id });
    return true;
  }

  private async find(id: string): Promise<PipelineScheduleEntity> {
    const schedule = isUuid(id)
      ? await this.dataSource.getRepository(PipelineScheduleEntity).findOneBy({ id })
      : null;
    if (!schedule) throw notFound('schedule', id);
    return schedule;
  }
}
