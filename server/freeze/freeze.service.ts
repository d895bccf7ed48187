import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { run } from '../../db/dora/statement';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import {
  activeFreezes,
  deleteFreezeWindow,
  freezeHolds,
  insertFreezeOverrides,
  insertFreezeWindow,
  type FreezeWindowRow,
} from '../../db/freeze/freeze-windows.sql';
import { freezeChangedSignal, pipelineRunWorkflowId } from '../../workflows/definitions';
import type { AuthenticatedPrincipal } from '../auth/principal';
import { badInput, conflict, notFound } from '../errors';
import { rowExists } from '../graphql/references';
import { isUuid, optionalText, requiredText } from '../graphql/validate';
import { settle } from '../run/run-workflow';
import type { FreezeWindowInput } from './freeze.types';

/**
 * Freeze windows and their overrides (docs/run-semantics.md, "Freeze windows"). The engine reads the windows
 * when a run enters a stage; what is written here reaches runs already held through `freezeChanged`, a
 * signal that only makes them read again.
 */
export class FreezeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
  ) {}

  async create(input: FreezeWindowInput, principal: AuthenticatedPrincipal): Promise<FreezeWindowRow> {
    const name = requiredText('input.name', input.name, 200);
    const reason = optionalText('input.reason', input.reason, 2000);
    const environmentId = input.environmentId ?? null;
    if (environmentId && !(await rowExists(this.dataSource, 'environments', environmentId)))
      throw badInput('input.environmentId', 'no environment has this id');
    if (input.endsAt.getTime() <= input.startsAt.getTime())
      throw badInput('input.endsAt', 'must be after startsAt');
    const [row] = await run(this.dataSource, insertFreezeWindow, {
      name,
      environmentId,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      reason,
      createdById: principal.id,
    });
    return row!;
  }

  /** Deletes a window; the runs it holds read their windows again (and go on if nothing else holds them). */
  async delete(id: string): Promise<true> {
    const rows = isUuid(id) ? await run(this.dataSource, deleteFreezeWindow, { id }) : [];
    if (rows.length === 0) throw notFound('freeze window', id);
    await this.tell(rows.flatMap((r) => (r.runId ? [r.runId] : [])));
    return true;
  }

  /**
   * Lets a held run through the windows that hold it now, for the rest of the run (a later stage covered by
   * the same window is not held again; a window starting later still holds it). CONFLICT when no freeze
   * holds the run. Returns the run once it has gone on (or after a few seconds, as it is then).
   */
  async override(runId: string, reasonText: string, principal: AuthenticatedPrincipal) {
    const reason = requiredText('reason', reasonText, 2000);
    const runs = this.dataSource.getRepository(PipelineRunEntity);
    const pipelineRun = isUuid(runId) ? await runs.findOneBy({ id: runId }) : null;
    if (!pipelineRun) throw notFound('pipeline run', runId);
    const [hold] = await run(this.dataSource, freezeHolds, { runIds: [runId] });
    if (!hold) throw conflict(`run ${runId} is not held by a freeze window`);
    const windows = await run(this.dataSource, activeFreezes, { environmentId: hold.environmentId, runId });
    await run(this.dataSource, insertFreezeOverrides, {
      runId,
      windowIds: windows.map((w) => w.id),
      principalId: principal.id,
      principalName: principal.name,
      reason,
    });
    await this.tell([runId]);
    await settle(async () => (await run(this.dataSource, freezeHolds, { runIds: [runId] })).length === 0);
    return runs.findOneByOrFail({ id: runId });
  }

  private async tell(runIds: string[]): Promise<void> {
    for (const runId of new Set(runIds)) {
      try {
        await this.temporal.workflow.getHandle(pipelineRunWorkflowId(runId)).signal(freezeChangedSignal);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error; // a run that ended needs no news
      }
    }
  }
}
