import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DORA (docs/dora.md): incidents with their attribution, idempotent external deployments, and two
 * read-only views that state the definitions once: which commits each deployment is credited with, and
 * for each deployment whether it failed, when service was restored, and whether it was rework. The
 * metrics and the drill-down fields both read these views.
 */
export class Dora1763805600000 implements MigrationInterface {
  name = 'Dora1763805600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE incidents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        service_id uuid NOT NULL CONSTRAINT incidents_service_fk REFERENCES services (id) ON DELETE RESTRICT,
        title text NOT NULL,
        opened_at timestamptz NOT NULL,
        resolved_at timestamptz,
        external boolean NOT NULL DEFAULT false,
        caused_by_deployment_run_id uuid
          CONSTRAINT incidents_caused_by_fk REFERENCES deployment_runs (id) ON DELETE SET NULL,
        attribution text NOT NULL
          CONSTRAINT incidents_attribution_check CHECK (attribution IN ('EXPLICIT', 'HEURISTIC', 'EXTERNAL', 'NONE')),
        -- the reporting system's own id, for incidents reported by webhook (opened, then resolved)
        external_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT incidents_resolved_check CHECK (resolved_at IS NULL OR resolved_at >= opened_at)
      )`);
    await q.query(`CREATE INDEX incidents_service_opened_idx ON incidents (service_id, opened_at)`);
    await q.query(`CREATE INDEX incidents_caused_by_idx ON incidents (caused_by_deployment_run_id)`);
    await q.query(
      `CREATE UNIQUE INDEX incidents_external_key ON incidents (external_key) WHERE external_key IS NOT NULL`,
    );
    // Deliveries of signed inbound webhooks already processed: a replay is answered, not applied again.
    await q.query(`
      CREATE TABLE inbound_deliveries (
        source text NOT NULL,
        delivery_id text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, delivery_id)
      )`);
    // A deployment reported from outside is stored once, however often it is reported.
    await q.query(`ALTER TABLE deployment_runs ADD COLUMN external_key text`);
    await q.query(
      `CREATE UNIQUE INDEX deployment_runs_external_key ON deployment_runs (external_key) WHERE external_key IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX deployment_runs_deployments_idx ON deployment_runs (service_id, environment_id, finished_at)
        WHERE status = 'SUCCEEDED'`,
    );
    // Windows across all services (the metrics) scan deployments by finish time.
    await q.query(
      `CREATE INDEX deployment_runs_finished_idx ON deployment_runs (finished_at) WHERE status = 'SUCCEEDED'`,
    );

    // Deployments: succeeded deployment runs in PRODUCTION-tier environments, at their finish. The views
    // use no CTEs, so a filter on service or finish time reaches the base tables (and their indexes).
    // Each commit is credited to the first deployment of its service that delivered it.
    await q.query(`
      CREATE VIEW dora_commits AS
      SELECT d.id AS deployment_run_id, d.service_id, d.finished_at, c.sha, c.committed_at,
             EXTRACT(EPOCH FROM d.finished_at - c.committed_at)::double precision AS lead_seconds
        FROM deployment_runs d
        JOIN environments e ON e.id = d.environment_id AND e.tier = 'PRODUCTION'
        JOIN deployment_run_commits c ON c.deployment_run_id = d.id
       WHERE d.status = 'SUCCEEDED' AND d.finished_at IS NOT NULL
         AND NOT EXISTS (
           SELECT 1 FROM deployment_run_commits c2
             JOIN deployment_runs d2 ON d2.id = c2.deployment_run_id
             JOIN environments e2 ON e2.id = d2.environment_id AND e2.tier = 'PRODUCTION'
            WHERE c2.sha = c.sha AND d2.service_id = d.service_id AND d2.status = 'SUCCEEDED'
              AND d2.finished_at IS NOT NULL AND (d2.finished_at, d2.id) < (d.finished_at, d.id))`);

    // For each deployment: whether it failed, when service was restored, whether it was rework (here from any
    // incident of the service; DoraFacts narrows that to the same service), and its lead time. No CTEs, so a
    // filter on service or finish time reaches the base tables and indexes. The text is the one applied, to
    // the byte: the line of spaces stands where DoraFacts adds the same-service condition.
    await q.query(`
      CREATE VIEW dora_deployments AS
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
       WHERE d.status = 'SUCCEEDED' AND d.finished_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW dora_deployments`);
    await q.query(`DROP VIEW dora_commits`);
    await q.query(`DROP INDEX deployment_runs_finished_idx`);
    await q.query(`DROP INDEX deployment_runs_deployments_idx`);
    await q.query(`DROP INDEX deployment_runs_external_key`);
    await q.query(`ALTER TABLE deployment_runs DROP COLUMN external_key`);
    await q.query(`DROP TABLE inbound_deliveries`);
    await q.query(`DROP TABLE incidents`);
  }
}
