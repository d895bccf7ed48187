import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { pipelineRunWorkflowId } from '../../workflows/definitions';
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
