import { statement } from '../dora/statement';

/**
 * What is live for a service in an environment: the latest successful deployment run there, whatever made
 * it (a pipeline stage, a DEPLOYMENT action, a standalone run, a report from outside). Each pair is one
 * backward read of `deployment_runs_deployments_idx` (service, environment, finish time; succeeded only).
 */

/** The live deployment run of every service and environment that match (null: all), as ids. */
export const liveDeploymentRuns = statement<
  { serviceId: string | null; environmentId: string | null },
  Array<{ id: string }>
>(
  `SELECT d.id
     FROM services s
     CROSS JOIN environments e
     CROSS JOIN LATERAL (
       SELECT d.id FROM deployment_runs d
        WHERE d.service_id = s.id AND d.environment_id = e.id AND d.status = 'SUCCEEDED' AND d.finished_at IS NOT NULL
        ORDER BY d.finished_at DESC, d.id DESC LIMIT 1) d
    WHERE ($1::uuid IS NULL OR s.id = $1::uuid) AND ($2::uuid IS NULL OR e.id = $2::uuid)
    ORDER BY s.name, e.name`,
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
            ORDER BY finished_at DESC, id DESC LIMIT 1) d
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
