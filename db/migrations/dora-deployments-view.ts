/**
 * The view `dora_deployments`: for each deployment (a succeeded deployment run in a PRODUCTION-tier
 * environment, at its finish) whether it failed, when service was restored, whether it was rework, and its
 * lead time. It uses no CTEs, so a filter on service or finish time reaches the base tables and indexes.
 * Migration Dora created it with rework from any incident of the service; DoraFacts narrowed rework to
 * incidents caused by an earlier deployment of the same service (DORA.md).
 */
export function doraDeploymentsView({
  sameServiceRework,
  replace,
}: {
  sameServiceRework: boolean;
  replace: boolean;
}) {
  return `
      ${replace ? 'CREATE OR REPLACE' : 'CREATE'} VIEW dora_deployments AS
      SELECT d.id AS deployment_run_id, d.service_id, d.environment_id, d.finished_at, d.is_rollback,
             (inc.attributed > 0 OR nxt.is_rollback IS TRUE) AS change_failed,
             -- restored: when the last attributed incident was resolved (none open), else when the rollback
             -- that undid it finished
             CASE WHEN inc.attributed > 0 THEN CASE WHEN inc.open > 0 THEN NULL ELSE inc.last_resolved_at END
                  WHEN nxt.is_rollback THEN nxt.finished_at END AS restored_at,
             (d.is_rollback OR EXISTS (
               SELECT 1 FROM incidents i
                 JOIN deployment_runs p ON p.id = i.caused_by_deployment_run_id
                 JOIN environments pe ON pe.id = p.environment_id AND pe.tier = 'PRODUCTION'
                WHERE i.service_id = d.service_id AND i.attribution IN ('EXPLICIT', 'HEURISTIC')
                  ${sameServiceRework ? 'AND p.service_id = d.service_id' : ''}
                  AND p.status = 'SUCCEEDED' AND p.finished_at < d.finished_at
                  AND i.opened_at <= d.finished_at AND (i.resolved_at IS NULL OR i.resolved_at > d.finished_at)
             )) AS rework,
             (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY c.lead_seconds)
                FROM dora_commits c WHERE c.deployment_run_id = d.id AND c.lead_seconds >= 0) AS lead_time_seconds
        FROM deployment_runs d
        JOIN environments e ON e.id = d.environment_id AND e.tier = 'PRODUCTION'
        -- Incidents count against the deployment they are attributed to (EXTERNAL and NONE never do).
        CROSS JOIN LATERAL (
          SELECT count(*) AS attributed, count(*) FILTER (WHERE i.resolved_at IS NULL) AS open,
                 max(i.resolved_at) AS last_resolved_at
            FROM incidents i
           WHERE i.caused_by_deployment_run_id = d.id AND i.attribution IN ('EXPLICIT', 'HEURISTIC')) inc
        -- A rollback remediates the latest earlier deployment of its service and environment: this one when
        -- the next deployment there is a rollback.
        LEFT JOIN LATERAL (
          SELECT n.is_rollback, n.finished_at FROM deployment_runs n
           WHERE n.service_id = d.service_id AND n.environment_id = d.environment_id AND n.status = 'SUCCEEDED'
             AND n.finished_at IS NOT NULL AND (n.finished_at, n.id) > (d.finished_at, d.id)
           ORDER BY n.finished_at, n.id LIMIT 1) nxt ON true
       WHERE d.status = 'SUCCEEDED' AND d.finished_at IS NOT NULL`;
}
