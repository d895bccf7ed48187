import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { RunPlan } from '../workflows/definitions';

/** What the API benchmark reads: one pipeline and its finished runs, written straight into the tables. */
export interface SeededPipeline {
  pipelineId: string;
  runIds: string[];
}

const retryPolicy = { maximumAttempts: 1, initialIntervalMs: 1000, backoffCoefficient: 2 };

/**
 * Rows as JSON, expanded by PostgreSQL into the table's own column types: one statement per table whatever
 * the count. The columns are the keys of the first row; the others keep their defaults.
 */
async function insertRows(
  client: PoolClient,
  table: string,
  rows: Array<Record<string, unknown>>,
): Promise<void> {
  const columns = Object.keys(rows[0] ?? {}).join(', ');
  await client.query(
    `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`,
    [JSON.stringify(rows)],
  );
}

/**
 * One pipeline of `stages` stages of `actions` COMMAND actions each, and `runs` SUCCEEDED runs of it (one a
 * minute, the newest a minute ago), each with its stage_runs and action_runs and a definition snapshot of
 * the shape `RunService.trigger` stores. The rows are what the engine leaves behind after a green run.
 */
export async function seedRuns(
  pool: Pool,
  triggeredById: string,
  shape: { runs: number; stages: number; actions: number },
): Promise<SeededPipeline> {
  const pipelineId = randomUUID();
  const stages = Array.from({ length: shape.stages }, (_, s) => ({
    id: randomUUID(),
    name: `stage-${s + 1}`,
    position: s + 1,
    actions: Array.from({ length: shape.actions }, (_, a) => ({
      id: randomUUID(),
      name: `action-${a + 1}`,
      runOrder: a + 1,
      config: { command: 'true' },
    })),
  }));

  type Row = Record<string, unknown>;
  const runs: Row[] = [];
  const stageRuns: Row[] = [];
  const actionRuns: Row[] = [];
  const now = Date.now();
  for (let n = 1; n <= shape.runs; n++) {
    const runId = randomUUID();
    const createdAt = now - (shape.runs - n + 1) * 60_000;
    const at = (offsetMs: number) => new Date(createdAt + offsetMs).toISOString();
    const plan: RunPlan = { stages: [] };
    stages.forEach((stage, s) => {
      const stageRunId = randomUUID();
      const stageStart = 1000 + s * 10_000;
      plan.stages.push({
        stageRunId,
        stageId: stage.id,
        name: stage.name,
        position: stage.position,
        environmentId: null,
        maxParallel: 4,
        actions: [],
      });
      stageRuns.push({
        id: stageRunId,
        run_id: runId,
        stage_id: stage.id,
        name: stage.name,
        position: stage.position,
        status: 'SUCCEEDED',
        started_at: at(stageStart),
        finished_at: at(stageStart + 9000),
      });
      stage.actions.forEach((action, a) => {
        const actionRunId = randomUUID();
        plan.stages[s]!.actions.push({
          actionRunId,
          actionId: action.id,
          name: action.name,
          kind: 'COMMAND',
          runOrder: action.runOrder,
          config: action.config,
          timeoutSeconds: null,
          retryPolicy,
        });
        actionRuns.push({
          id: actionRunId,
          run_id: runId,
          stage_run_id: stageRunId,
          action_id: action.id,
          name: action.name,
          kind: 'COMMAND',
          run_order: action.runOrder,
          status: 'SUCCEEDED',
          started_at: at(stageStart + a * 3000),
          finished_at: at(stageStart + a * 3000 + 2500),
        });
      });
    });
    runs.push({
      id: runId,
      pipeline_id: pipelineId,
      number: n,
      status: 'SUCCEEDED',
      definition: plan,
      revision_sha: n.toString(16).padStart(7, '0'),
      revision_message: `change ${n}`,
      revision_author: 'bench',
      revision_committed_at: at(-60_000),
      commits: [],
      triggered_by_id: triggeredById,
      temporal_workflow_id: `pipeline-run-${runId}`,
      created_at: at(0),
      started_at: at(500),
      finished_at: at(1000 + shape.stages * 10_000),
      execution_mode: 'QUEUED',
      is_rollback: false,
      lane_claimed_at: at(500),
      lane_released_at: at(1000 + shape.stages * 10_000),
    });
  }

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO pipelines (id, name, execution_mode, run_counter) VALUES ($1, 'bench-api', 'QUEUED', $2)`,
      [pipelineId, shape.runs],
    );
    await insertRows(
      client,
      'stages',
      stages.map((s) => ({ id: s.id, pipeline_id: pipelineId, name: s.name, position: s.position })),
    );
    await insertRows(
      client,
      'actions',
      stages.flatMap((s) =>
        s.actions.map((a) => ({
          id: a.id,
          stage_id: s.id,
          name: a.name,
          kind: 'COMMAND',
          run_order: a.runOrder,
          config: a.config,
        })),
      ),
    );
    await insertRows(client, 'pipeline_runs', runs);
    await insertRows(client, 'stage_runs', stageRuns);
    await insertRows(client, 'action_runs', actionRuns);
    await client.query('COMMIT');
    await client.query('ANALYZE pipeline_runs, stage_runs, action_runs');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return { pipelineId, runIds: runs.map((run) => String(run.id)) };
}
