import { statement } from './statement';

/**
 * What an incident is attributed to when it is opened (docs/dora.md, Incident attribution): the deployment
 * named, which must be one of the incident's service; else, unless external, the latest deployment of the
 * service in the 24 hours before.
 */

export const serviceOfDeploymentRun = statement<{ deploymentRunId: string }, Array<{ service_id: string }>>(
  'SELECT service_id FROM deployment_runs WHERE id = $1',
  (p) => [p.deploymentRunId],
);

export interface LatestDeploymentParams {
  serviceId: string;
  /** When the incident was opened: the deployment finished at most 24 hours before, and not after. */
  openedAt: Date;
}

/** The service's latest deployment (succeeded, PRODUCTION tier) in the 24 hours up to `openedAt`, if any. */
export const latestDeploymentBefore = statement<LatestDeploymentParams, Array<{ deployment_run_id: string }>>(
  `SELECT d.id AS deployment_run_id
     FROM deployment_runs d JOIN environments e ON e.id = d.environment_id AND e.tier = 'PRODUCTION'
    WHERE d.service_id = $1 AND d.status = 'SUCCEEDED'
      AND d.finished_at <= $2 AND d.finished_at >= $2::timestamptz - interval '24 hours'
    ORDER BY d.finished_at DESC, d.id DESC LIMIT 1`,
  (p) => [p.serviceId, p.openedAt],
);
