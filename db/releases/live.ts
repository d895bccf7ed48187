import { statement } from '../dora/statement';

/**
 * What is live for a service in an environment: the latest successful deployment run there, whatever made
 * it (a pipeline stage, a DEPLOYMENT action, a standalone run, a report from outside). Everything here reads
 * `deployment_runs_deployments_idx` (service, environment, finish time; succeeded only): one pair is one
 * backward index read. Two runs finished at the same instant are not told apart.
 */

/**
 * The live deployment run of every pair that matches (null: any), as ids, by service and environment id.
 * The pairs are found by skipping through the index from one (service, environment) to the next, so the
 * statement costs two index reads per pair, however long the history, and never depends on the planner's
 * statistics of the catalog tables (an estimate that once made it pay for JIT compilation on every read).
 */
export const liveDeploymentRuns = statement<
  { serviceId: string | null; environmentId: string | null },
  Array<{ id: string }>
>(
  `WITH RECURSIVE pairs (service_id, environment_id) AS (
     (SELECT service_id, environment_id FROM deployment_runs
       WHERE status = 'SUCCEEDED' AND finished_at IS NOT NULL
         AND ($1::uuid IS NULL OR service_id = $1::uuid) AND ($2::uuid IS NULL OR environment_id = $2::uuid)
       ORDER BY service_id, environment_id LIMIT 1)
     UNION ALL
     SELECT next.service_id, next.environment_id
       FROM pairs p
       CROSS JOIN LATERAL (
         SELECT d.service_id, d.environment_id FROM deployment_runs d
          WHERE d.status = 'SUCCEEDED' AND d.finished_at IS NOT NULL
            AND (d.service_id, d.environment_id) > (p.service_id, p.environment_id)
            AND ($1::uuid IS NULL OR d.service_id = $1::uuid) AND ($2::uuid IS NULL OR d.environment_id = $2::uuid)
          ORDER BY d.service_id, d.environment_id LIMIT 1) next)
   SELECT live.id
     FROM pairs p
     CROSS JOIN LATERAL (
       SELECT d.id FROM deployment_runs d
        WHERE d.service_id = p.service_id AND d.environment_id = p.environment_id
          AND d.status = 'SUCCEEDED' AND d.finished_at IS NOT NULL
        ORDER BY d.finished_at DESC LIMIT 1) live`,
  (p) => [p.serviceId, p.environmentId],
);

/** The live deployment of one service in one environment, with its revision and who made it. */
export interface LiveRevision {
  deploymentRunId: string;
  revisionSha: string | null;
  revisionCommittedAt: Date | null;
  finishedAt: Date;
  external: boolean;
  pipelineRunId: string | null;
  runNumber: number | null;
  pipelineName: string | null;
}

export const liveRevision = statement<{ serviceId: string; environmentId: string }, LiveRevision[]>(
  `SELECT d.id AS "deploymentRunId", d.revision_sha AS "revisionSha",
          d.revision_committed_at AS "revisionCommittedAt", d.finished_at AS "finishedAt", d.external,
          d.pipeline_run_id AS "pipelineRunId", r.number AS "runNumber", p.name AS "pipelineName"
     FROM (SELECT * FROM deployment_runs
            WHERE service_id = $1 AND environment_id = $2 AND status = 'SUCCEEDED' AND finished_at IS NOT NULL
            ORDER BY finished_at DESC LIMIT 1) d
     LEFT JOIN pipeline_runs r ON r.id = d.pipeline_run_id
     LEFT JOIN pipelines p ON p.id = r.pipeline_id`,
  (p) => [p.serviceId, p.environmentId],
);

/** "pipeline checkout run #12", "an external deployment", "a standalone deployment run": who made it live. */
export function liveMadeBy(live: LiveRevision): string {
  if (live.pipelineName !== null && live.runNumber !== null)
    return `${live.pipelineName} run #${live.runNumber}`;
  return live.external ? 'an external deployment' : `deployment run ${live.deploymentRunId}`;
}
