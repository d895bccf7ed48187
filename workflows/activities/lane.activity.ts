import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DataSource, EntityManager } from 'typeorm';
import { laneGrantedSignal, pipelineRunWorkflowId, supersedeSignal, type LaneRequest } from '../definitions';

/**
 * The lane of a pipeline in QUEUED and SUPERSEDED mode: one run holds it at a time, the others wait in
 * trigger order. Every change happens under the pipeline's advisory lock; a run that gets the lane by
 * another run's release is told with the `laneGranted` signal.
 */
/** Rows of an UPDATE ... RETURNING: TypeORM's postgres driver answers those with `[rows, rowCount]`. */
async function updateReturning<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result: [T[], number] = await manager.query(sql, params);
  return result[0];
}

export function createLaneActivities({ dataSource, temporal }: { dataSource: DataSource; temporal: Client }) {
  const lock = (manager: EntityManager, pipelineId: string) =>
    manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`lockstep.lane:${pipelineId}`]);

  async function signal(runIds: string[], send: (runId: string) => Promise<void>): Promise<void> {
    for (const runId of runIds) {
      try {
        await send(runId);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error; // a run that already ended needs no news
      }
    }
  }

  async function claimLane(request: LaneRequest): Promise<{ granted: boolean }> {
    const superseded: string[] = [];
    const granted = await dataSource.transaction(async (manager) => {
      await lock(manager, request.pipelineId);
      const [me] = await updateReturning<{ number: number; claimed: boolean }>(
        manager,
        `UPDATE pipeline_runs SET lane_released_at = NULL,
                lane_claimed_at = CASE WHEN lane_released_at IS NOT NULL THEN NULL ELSE lane_claimed_at END
          WHERE id = $1 RETURNING number, lane_claimed_at IS NOT NULL AS claimed`,
        [request.runId],
      );
      if (!me) throw new Error(`run ${request.runId} does not exist`);
      if (me.claimed) return true; // a retried claim after the lane was granted

      if (request.executionMode === 'SUPERSEDED') {
        // Older runs still waiting for the lane leave the queue; an older holder blocked at a stage boundary
        // is told to end. Both end SUPERSEDED when they get the signal.
        const waiting = await updateReturning<{ id: string }>(
          manager,
          `UPDATE pipeline_runs SET lane_released_at = now()
            WHERE pipeline_id = $1 AND number < $2 AND execution_mode <> 'PARALLEL'
              AND lane_claimed_at IS NULL AND lane_released_at IS NULL
            RETURNING id`,
          [request.pipelineId, me.number],
        );
        const blocked: Array<{ id: string }> = await manager.query(
          `SELECT r.id FROM pipeline_runs r
            WHERE r.pipeline_id = $1 AND r.number < $2 AND r.lane_claimed_at IS NOT NULL AND r.lane_released_at IS NULL
              AND EXISTS (SELECT 1 FROM stage_runs s WHERE s.run_id = r.id AND s.status = 'BLOCKED')`,
          [request.pipelineId, me.number],
        );
        superseded.push(...waiting.map((r) => r.id), ...blocked.map((r) => r.id));
      }
      const [ahead]: Array<{ n: number }> = await manager.query(
        `SELECT count(*)::int AS n FROM pipeline_runs
          WHERE pipeline_id = $1 AND id <> $2 AND execution_mode <> 'PARALLEL' AND lane_released_at IS NULL
            AND (lane_claimed_at IS NOT NULL OR number < $3)`,
        [request.pipelineId, request.runId, me.number],
      );
      if (ahead!.n > 0) return false;
      await manager.query('UPDATE pipeline_runs SET lane_claimed_at = now() WHERE id = $1', [request.runId]);
      return true;
    });
    await signal(superseded, (runId) =>
      temporal.workflow
        .getHandle(pipelineRunWorkflowId(runId))
        .signal(supersedeSignal, { byRunId: request.runId }),
    );
    return { granted };
  }

  async function releaseLane(request: { runId: string; pipelineId: string }): Promise<void> {
    const next = await dataSource.transaction(async (manager) => {
      await lock(manager, request.pipelineId);
      await manager.query(
        'UPDATE pipeline_runs SET lane_released_at = now() WHERE id = $1 AND lane_released_at IS NULL',
        [request.runId],
      );
      const [holder]: Array<{ id: string }> = await manager.query(
        `SELECT id FROM pipeline_runs
          WHERE pipeline_id = $1 AND lane_claimed_at IS NOT NULL AND lane_released_at IS NULL AND execution_mode <> 'PARALLEL'`,
        [request.pipelineId],
      );
      if (holder) return [];
      const granted = await updateReturning<{ id: string }>(
        manager,
        `UPDATE pipeline_runs SET lane_claimed_at = now()
          WHERE id = (SELECT id FROM pipeline_runs
                       WHERE pipeline_id = $1 AND execution_mode <> 'PARALLEL'
                         AND lane_claimed_at IS NULL AND lane_released_at IS NULL
                       ORDER BY number LIMIT 1)
          RETURNING id`,
        [request.pipelineId],
      );
      return granted.map((r) => r.id);
    });
    await signal(next, (runId) =>
      temporal.workflow.getHandle(pipelineRunWorkflowId(runId)).signal(laneGrantedSignal),
    );
  }

  return { claimLane, releaseLane };
}
