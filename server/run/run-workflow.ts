import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { cancelReasonSignal, pipelineRunWorkflowId } from '../../workflows/definitions';
import { notFound } from '../errors';
import { isUuid } from '../graphql/validate';

/** A run by id, or NOT_FOUND. */
export async function findRun(dataSource: DataSource, runId: string): Promise<PipelineRunEntity> {
  const run = isUuid(runId)
    ? await dataSource.getRepository(PipelineRunEntity).findOneBy({ id: runId })
    : null;
  if (!run) throw notFound('pipeline run', runId);
  return run;
}

/** Polls until `done` holds (the engine projected the change the caller asked for) or `timeoutMs` passes. */
export async function settle(done: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** True while a run's workflow is still open (a failed run holding for a person's decision is). */
export async function workflowOpen(temporal: Client, runId: string): Promise<boolean> {
  try {
    return (
      (await temporal.workflow.getHandle(pipelineRunWorkflowId(runId)).describe()).status.name === 'RUNNING'
    );
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/**
 * Cancels a workflow (a pipeline run's or a standalone deployment run's), telling it first why and who
 * asked; when no workflow is behind the row (its start was lost), `endRow` ends the row itself.
 */
export async function cancelWorkflow(
  handle: WorkflowHandle,
  request: { reason: string | null; requestedBy: string },
  endRow: () => Promise<unknown>,
): Promise<void> {
  try {
    await handle.signal(cancelReasonSignal, request);
    await handle.cancel();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    await endRow();
  }
}
