import type { EntityManager } from 'typeorm';
import type { DeploymentRunStatus } from './domain';

/** A deployment run as it is opened, by the engine or the API. */
export interface DeploymentRunRow {
  id: string;
  deploymentId: string | null;
  serviceId: string;
  environmentId: string;
  status: DeploymentRunStatus;
  revision: { sha: string; committedAt: string; message: string | null; author: string | null } | null;
  pipelineRunId: string | null;
  stageRunId: string | null;
  actionRunId: string | null;
  triggeredById: string | null;
  isRollback: boolean;
  external: boolean;
  temporalWorkflowId: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/**
 * Inserts a deployment run once (the same id again changes nothing) with the commits it delivers: those
 * of its pipeline run, or its revision alone when the run was given none (docs/dora.md, "Lead time for changes").
 * Returns whether it was new.
 */
export async function insertDeploymentRun(manager: EntityManager, row: DeploymentRunRow): Promise<boolean> {
  const inserted: Array<{ id: string }> = await manager.query(
    `INSERT INTO deployment_runs (id, deployment_id, service_id, environment_id, status, revision_sha, revision_message,
       revision_author, revision_committed_at, pipeline_run_id, stage_run_id, action_run_id, triggered_by_id,
       is_rollback, external, temporal_workflow_id, started_at, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [
      row.id,
      row.deploymentId,
      row.serviceId,
      row.environmentId,
      row.status,
      row.revision?.sha ?? null,
      row.revision?.message ?? null,
      row.revision?.author ?? null,
      row.revision?.committedAt ?? null,
      row.pipelineRunId,
      row.stageRunId,
      row.actionRunId,
      row.triggeredById,
      row.isRollback,
      row.external,
      row.temporalWorkflowId,
      row.startedAt,
      row.finishedAt,
    ],
  );
  if (inserted.length === 0) return false;
  if (row.pipelineRunId) {
    await manager.query(
      `INSERT INTO deployment_run_commits (deployment_run_id, sha, committed_at, message, author)
       SELECT $1, c.sha, c.committed_at, c.message, c.author
         FROM pipeline_runs r,
              LATERAL (SELECT c->>'sha' AS sha, (c->>'committedAt')::timestamptz AS committed_at,
                              c->>'message' AS message, c->>'author' AS author
                         FROM jsonb_array_elements(r.commits) AS c
                       UNION ALL
                       SELECT r.revision_sha, r.revision_committed_at, r.revision_message, r.revision_author
                        WHERE jsonb_array_length(r.commits) = 0) AS c
        WHERE r.id = $2
       ON CONFLICT DO NOTHING`,
      [row.id, row.pipelineRunId],
    );
  } else if (row.revision) {
    await manager.query(
      `INSERT INTO deployment_run_commits (deployment_run_id, sha, committed_at, message, author)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [row.id, row.revision.sha, row.revision.committedAt, row.revision.message, row.revision.author],
    );
  }
  return true;
}
