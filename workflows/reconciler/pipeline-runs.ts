import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import {
  activeDeploymentRunStatuses,
  activeRunStatuses,
  finishedActionStatuses,
  finishedStageStatuses,
  type ExecutionMode,
} from '../../db/domain';
import { createLaneActivities } from '../activities/lane.activity';
import { appendEvent } from '../activities/projection.activity';
import {
  pipelineRunWorkflowType,
  runSearchAttributes,
  type PipelineRunInput,
  type RunPlan,
} from '../definitions';
import { closedReason, missingReason, workflowState } from './workflow-state';

export interface PipelineRunReconcilerDeps {
  dataSource: DataSource;
  temporal: Client;
  taskQueue: string;
  retryHoldSeconds: number;
  log: (message: string) => void;
}

interface ActiveRun {
  id: string;
  pipeline_id: string;
  status: string;
  temporal_workflow_id: string;
  /** Nothing of it ever ran: QUEUED, never started. */
  untouched: boolean;
  /** Older than the grace period: the API has had time to start its workflow. */
  overdue: boolean;
}

/**
 * Pipeline runs whose rows say they are active (QUEUED, RUNNING, WAITING) and whose workflow says otherwise.
 * A run whose workflow was never started (the API died between committing the row and starting it) is
 * started now, as the API would have; one whose workflow is gone or closed without recording its end
 * (terminated from outside) is ended FAILED with the reason, and its lane handed to the next run.
 */
export function createPipelineRunReconciler({
  dataSource,
  temporal,
  taskQueue,
  retryHoldSeconds,
  log,
}: PipelineRunReconcilerDeps) {
  const { releaseLane } = createLaneActivities({ dataSource, temporal });

  async function start(run: ActiveRun): Promise<void> {
    const [row]: Array<{
      definition: RunPlan;
      revision_sha: string;
      revision_committed_at: Date;
      revision_message: string | null;
      revision_author: string | null;
      execution_mode: ExecutionMode;
      is_rollback: boolean;
      triggered_by_id: string;
      service_id: string | null;
    }> = await dataSource.query(
      `SELECT r.definition, r.revision_sha, r.revision_committed_at, r.revision_message, r.revision_author,
              r.execution_mode, r.is_rollback, r.triggered_by_id, p.service_id
         FROM pipeline_runs r JOIN pipelines p ON p.id = r.pipeline_id WHERE r.id = $1`,
      [run.id],
    );
    if (!row) return; // deleted meanwhile
    const input: PipelineRunInput = {
      runId: run.id,
      pipelineId: run.pipeline_id,
      revision: {
        sha: row.revision_sha,
        committedAt: row.revision_committed_at.toISOString(),
        message: row.revision_message,
        author: row.revision_author,
      },
      plan: row.definition,
      executionMode: row.execution_mode,
      serviceId: row.service_id,
      isRollback: row.is_rollback,
      triggeredById: row.triggered_by_id,
      retryHoldSeconds,
    };
    try {
      await temporal.workflow.start(pipelineRunWorkflowType, {
        taskQueue,
        workflowId: run.temporal_workflow_id,
        args: [input],
        // Never a second execution of a run whose workflow Temporal still remembers.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: runSearchAttributes.pipelineId, value: run.pipeline_id },
          { key: runSearchAttributes.status, value: run.status },
        ],
      });
      log(`reconciler: started the lost workflow of pipeline run ${run.id}`);
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  /** Ends the run FAILED (if it is still active), closes what it left unfinished, frees its lane. */
  async function end(run: ActiveRun, reason: string): Promise<void> {
    const ended = await dataSource.transaction(async (manager) => {
      const [rows]: [unknown[], number] = await manager.query(
        `UPDATE pipeline_runs SET status = 'FAILED', finished_at = now(), failure_reason = $2
          WHERE id = $1 AND status = ANY($3) RETURNING 1`,
        [run.id, reason, activeRunStatuses],
      );
      if (rows.length === 0) return false; // it ended by itself meanwhile
      await manager.query(
        `UPDATE stage_runs SET status = 'CANCELLED', finished_at = now() WHERE run_id = $1 AND status <> ALL ($2)`,
        [run.id, finishedStageStatuses],
      );
      await manager.query(
        `UPDATE action_runs SET status = 'CANCELLED', finished_at = now() WHERE run_id = $1 AND status <> ALL ($2)`,
        [run.id, finishedActionStatuses],
      );
      await manager.query(
        `UPDATE deployment_runs SET status = 'FAILED', finished_at = now(), failure_reason = $2
          WHERE pipeline_run_id = $1 AND status = ANY ($3)`,
        [run.id, reason, activeDeploymentRunStatuses],
      );
      await appendEvent(
        manager,
        { runId: run.id, pipelineId: run.pipeline_id },
        {
          key: 'reconciler:end',
          type: 'RUN_FAILED',
          stageName: null,
          actionName: null,
          message: reason,
          at: new Date().toISOString(),
        },
      );
      return true;
    });
    if (!ended) return;
    log(`reconciler: pipeline run ${run.id} ended FAILED: ${reason}`);
    await releaseLane({ runId: run.id, pipelineId: run.pipeline_id });
  }

  return async function reconcilePipelineRuns(graceSeconds: number): Promise<void> {
    const runs: ActiveRun[] = await dataSource.query(
      `SELECT id, pipeline_id, status, temporal_workflow_id,
              status = 'QUEUED' AND started_at IS NULL AS untouched,
              created_at < now() - make_interval(secs => $2) AS overdue
         FROM pipeline_runs WHERE status = ANY ($1) ORDER BY created_at`,
      [activeRunStatuses, graceSeconds],
    );
    for (const run of runs) {
      const state = await workflowState(temporal, run.temporal_workflow_id);
      if (state.kind === 'closed') await end(run, closedReason(state.status));
      else if (state.kind === 'missing' && run.overdue) {
        // Started only if nothing of it ever ran: a run that did run and whose workflow Temporal forgot is
        // not run a second time.
        if (run.untouched) await start(run);
        else await end(run, missingReason);
      }
    }
  };
}
