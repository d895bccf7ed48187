import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import {
  laneGrantedSignal,
  pipelineRunWorkflowId,
  supersedeSignal,
  type BoundaryRequest,
  type BoundaryState,
  type LaneClaim,
  type LaneRequest,
  type StageEntry,
} from '../definitions';
import { createWorkerMetrics, type WorkerMetrics } from '../metrics/worker-metrics';
import { observeChange } from './projection-metrics';
import { applyChange } from './projection.activity';

/** Rows of an UPDATE ... RETURNING: TypeORM's postgres driver answers those with `[rows, rowCount]`. */
async function updateReturning<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result: [T[], number] = await manager.query(sql, params);
  return result[0];
}

/** Serialises every change of a pipeline's lane (for the rest of the transaction). */
const lock = (manager: EntityManager, pipelineId: string) =>
  manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`lockstep.lane:${pipelineId}`]);

/**
 * Older runs of a SUPERSEDED pipeline that are still waiting for the lane, or hold it while BLOCKED at a
 * boundary (a disabled transition, or a freeze: its hold is recorded before the stage shows BLOCKED) or
 * waiting at an approval gate (approve the newest: the gate's request expires), are superseded by `runId`
 * (recorded here; the caller signals them).
 */
async function supersedeOlder(manager: EntityManager, pipelineId: string, runId: string, number: number) {
  return updateReturning<{ id: string }>(
    manager,
    `UPDATE pipeline_runs r SET superseded_by_run_id = $3,
            lane_released_at = CASE WHEN r.lane_claimed_at IS NULL THEN now() ELSE r.lane_released_at END
      WHERE r.pipeline_id = $1 AND r.number < $2 AND r.execution_mode = 'SUPERSEDED'
        AND r.superseded_by_run_id IS NULL AND r.lane_released_at IS NULL
        AND (r.lane_claimed_at IS NULL
             OR EXISTS (SELECT 1 FROM stage_runs s WHERE s.run_id = r.id AND s.status = 'BLOCKED')
             OR EXISTS (SELECT 1 FROM freeze_holds h WHERE h.run_id = r.id)
             OR EXISTS (SELECT 1 FROM action_runs a
                         WHERE a.run_id = r.id AND a.kind = 'APPROVAL' AND a.status = 'WAITING_FOR_APPROVAL'))
      RETURNING r.id`,
    [pipelineId, number, runId],
  );
}

/**
 * A SUPERSEDED-mode run held at a boundary is replaced by the newest run waiting for the lane behind it, and
 * so is every run between them. Runs in the caller's transaction; returns the run that replaces this one
 * (null: none, nobody waits) and every run superseded, to be signalled once the transaction commits.
 */
export async function replaceByNewest(
  manager: EntityManager,
  request: LaneRequest,
): Promise<{ supersededBy: string | null; superseded: string[] }> {
  await lock(manager, request.pipelineId);
  const [me]: Array<{ superseded_by_run_id: string | null }> = await manager.query(
    'SELECT superseded_by_run_id FROM pipeline_runs WHERE id = $1',
    [request.runId],
  );
  if (me?.superseded_by_run_id) return { supersededBy: me.superseded_by_run_id, superseded: [] };
  const [newer]: Array<{ id: string }> = await manager.query(
    `SELECT n.id FROM pipeline_runs n, pipeline_runs me
      WHERE me.id = $2 AND n.pipeline_id = $1 AND n.number > me.number AND n.execution_mode = 'SUPERSEDED'
        AND n.lane_claimed_at IS NULL AND n.lane_released_at IS NULL AND n.superseded_by_run_id IS NULL
      ORDER BY n.number DESC LIMIT 1`,
    [request.pipelineId, request.runId],
  );
  if (!newer) return { supersededBy: null, superseded: [] };
  await manager.query('UPDATE pipeline_runs SET superseded_by_run_id = $2 WHERE id = $1', [
    request.runId,
    newer.id,
  ]);
  // Runs between this one and the newest are superseded as well.
  const rows: Array<{ number: number }> = await manager.query(
    'SELECT number FROM pipeline_runs WHERE id = $1',
    [newer.id],
  );
  const superseded = await supersedeOlder(manager, request.pipelineId, newer.id, rows[0]!.number);
  return { supersededBy: newer.id, superseded: superseded.map((r) => r.id) };
}

/** Tells runs they were superseded by `byRunId` (a run that already ended needs no news). */
export async function signalSuperseded(temporal: Client, runIds: string[], byRunId: string): Promise<void> {
  await signalRuns(runIds, (runId) =>
    temporal.workflow.getHandle(pipelineRunWorkflowId(runId)).signal(supersedeSignal, { byRunId }),
  );
}

/** Sends each run a signal; a run that already ended needs no news. */
export async function signalRuns(runIds: string[], send: (runId: string) => Promise<void>): Promise<void> {
  for (const runId of runIds) {
    try {
      await send(runId);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
}

/**
 * The boundary into a stage as it is now, in the caller's transaction (see `readBoundary`); the runs it
 * supersedes are added to `superseded`, to be signalled once the transaction commits. `enteredKey`: the
 * event key of the stage's start, when the entry writes it. An entry run again (a timeout, a worker lost
 * before the task completed) keeps the answer it committed: once that event exists, a transition disabled
 * since does not block the run.
 */
async function boundaryIn(
  manager: EntityManager,
  request: BoundaryRequest,
  superseded: string[],
  enteredKey: string | null = null,
): Promise<BoundaryState> {
  const [stage]: Array<{ transition_enabled: boolean; transition_reason: string | null; entered: boolean }> =
    await manager.query(
      `SELECT transition_enabled, transition_reason,
              EXISTS (SELECT 1 FROM pipeline_events WHERE run_id = $2 AND event_key = $3) AS entered
         FROM stages WHERE id = $1`,
      [request.stageId, request.runId, enteredKey],
    );
  if (stage?.entered) return { enabled: true, reason: null, supersededBy: null };
  const enabled = stage?.transition_enabled ?? true;
  const reason = stage?.transition_reason ?? null;
  if (enabled || request.executionMode !== 'SUPERSEDED') return { enabled, reason, supersededBy: null };
  const replaced = await replaceByNewest(manager, request);
  superseded.push(...replaced.superseded);
  return { enabled, reason, supersededBy: replaced.supersededBy };
}

/**
 * The lane of a pipeline in QUEUED and SUPERSEDED mode: one run holds it at a time, the others wait in
 * trigger order. Every change happens under the pipeline's advisory lock and is recorded in the runs' rows
 * (claimed, released, superseded by); signals only hurry the news along. A run that missed a signal
 * learns the same from its rows when it asks again (workflows re-ask periodically while they wait).
 */
export function createLaneActivities({
  dataSource,
  temporal,
  metrics = createWorkerMetrics(new Registry()),
}: {
  dataSource: DataSource;
  temporal: Client;
  /** Where the changes `enterStage` writes are counted; absent: nowhere. */
  metrics?: WorkerMetrics;
}) {
  const supersede = (runIds: string[], byRunId: string) => signalSuperseded(temporal, runIds, byRunId);

  async function claimLane(request: LaneRequest): Promise<LaneClaim> {
    const superseded: string[] = [];
    const claim = await dataSource.transaction(async (manager): Promise<LaneClaim> => {
      await lock(manager, request.pipelineId);
      const [me]: Array<{
        number: number;
        claimed: boolean;
        released: boolean;
        superseded_by_run_id: string | null;
      }> = await manager.query(
        `SELECT number, lane_claimed_at IS NOT NULL AS claimed, lane_released_at IS NOT NULL AS released,
                  superseded_by_run_id
             FROM pipeline_runs WHERE id = $1`,
        [request.runId],
      );
      if (!me) throw new Error(`run ${request.runId} does not exist`);
      if (me.superseded_by_run_id) return { granted: false, supersededBy: me.superseded_by_run_id };
      if (me.claimed && !me.released) return { granted: true, supersededBy: null }; // granted meanwhile
      // Back in line (first claim, or again after a manual retry).
      await manager.query(
        'UPDATE pipeline_runs SET lane_claimed_at = NULL, lane_released_at = NULL WHERE id = $1 AND lane_released_at IS NOT NULL',
        [request.runId],
      );
      if (request.executionMode === 'SUPERSEDED') {
        superseded.push(
          ...(await supersedeOlder(manager, request.pipelineId, request.runId, me.number)).map((r) => r.id),
        );
      }
      const [ahead]: Array<{ n: number }> = await manager.query(
        `SELECT count(*)::int AS n FROM pipeline_runs
          WHERE pipeline_id = $1 AND id <> $2 AND execution_mode <> 'PARALLEL' AND lane_released_at IS NULL
            AND (lane_claimed_at IS NOT NULL OR number < $3)`,
        [request.pipelineId, request.runId, me.number],
      );
      if (ahead!.n > 0) return { granted: false, supersededBy: null };
      await manager.query('UPDATE pipeline_runs SET lane_claimed_at = now() WHERE id = $1', [request.runId]);
      return { granted: true, supersededBy: null };
    });
    await supersede(superseded, request.runId);
    return claim;
  }

  /** Gives the lane up and hands it to the next run in line (which is then told, also on a retry). */
  async function releaseLane(request: { runId: string; pipelineId: string }): Promise<void> {
    const holder = await dataSource.transaction(async (manager) => {
      await lock(manager, request.pipelineId);
      await manager.query(
        'UPDATE pipeline_runs SET lane_released_at = now() WHERE id = $1 AND lane_released_at IS NULL',
        [request.runId],
      );
      const [current]: Array<{ id: string }> = await manager.query(
        `SELECT id FROM pipeline_runs
          WHERE pipeline_id = $1 AND lane_claimed_at IS NOT NULL AND lane_released_at IS NULL AND execution_mode <> 'PARALLEL'`,
        [request.pipelineId],
      );
      if (current) return current.id;
      const [granted] = await updateReturning<{ id: string }>(
        manager,
        `UPDATE pipeline_runs SET lane_claimed_at = now()
          WHERE id = (SELECT id FROM pipeline_runs
                       WHERE pipeline_id = $1 AND execution_mode <> 'PARALLEL'
                         AND lane_claimed_at IS NULL AND lane_released_at IS NULL
                       ORDER BY number LIMIT 1)
          RETURNING id`,
        [request.pipelineId],
      );
      return granted?.id ?? null;
    });
    // The holder hears of it even when this is a retry after the grant was committed.
    if (holder && holder !== request.runId) {
      await signalRuns([holder], (runId) =>
        temporal.workflow.getHandle(pipelineRunWorkflowId(runId)).signal(laneGrantedSignal),
      );
    }
  }

  /**
   * The boundary into a stage as it is now. The transition flag is read when the run arrives (not when it
   * was triggered); a stage deleted since no longer blocks. A SUPERSEDED-mode run held there by a disabled
   * transition is replaced by the newest run waiting for the lane behind it.
   */
  async function readBoundary(request: BoundaryRequest): Promise<BoundaryState> {
    const superseded: string[] = [];
    const state = await dataSource.transaction((manager) => boundaryIn(manager, request, superseded));
    await supersede(superseded, state.supersededBy ?? request.runId);
    return state;
  }

  /**
   * A run arriving at a stage, in one transaction: the boundary read as `readBoundary` reads it, then
   * `changes`, and `ifEnabled` when the transition lets the run through. One local activity where there were
   * up to three (the run's RUNNING, the boundary, the stage's RUNNING); the changes are counted once
   * committed. The boundary comes first so the pipeline's lane lock (a SUPERSEDED run held there) is never
   * waited for while holding the event-order lock the changes' events take.
   */
  async function enterStage({ boundary, changes, ifEnabled }: StageEntry): Promise<BoundaryState> {
    const superseded: string[] = [];
    const { state, written, rows } = await dataSource.transaction(async (manager) => {
      const enteredKey = ifEnabled.find((change) => change.event)?.event?.key ?? null;
      const state = await boundaryIn(manager, boundary, superseded, enteredKey);
      const written = state.enabled ? [...changes, ...ifEnabled] : changes;
      const rows = [];
      for (const change of written) rows.push(await applyChange(manager, change));
      return { state, written, rows };
    });
    written.forEach((change, i) => observeChange(metrics, change, rows[i]));
    await supersede(superseded, state.supersededBy ?? boundary.runId);
    return state;
  }

  return { claimLane, releaseLane, readBoundary, enterStage };
}
