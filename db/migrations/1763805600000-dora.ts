import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DORA (../shared/DORA.md): incidents with their attribution, idempotent external deployments, and two
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

    // Deployments: succeeded deployment runs in PRODUCTION-tier environments, at their finish.
    // Each commit is credited to the first deployment of its service that delivered it.
    await q.query(`
      CREATE VIEW dora_commits AS
      WITH deployments AS (
        SELECT d.id, d.service_id, d.finished_at
          FROM deployment_runs d JOIN environments e ON e.id = d.environment_id
         WHERE d.status = 'SUCCEEDED' AND e.tier = 'PRODUCTION' AND d.finished_at IS NOT NULL)
      SELECT DISTINCT ON (d.service_id, c.sha)
             d.id AS deployment_run_id, d.service_id, d.finished_at, c.sha, c.committed_at,
             EXTRACT(EPOCH FROM d.finished_at - c.committed_at)::double precision AS lead_seconds
        FROM deployments d JOIN deployment_run_commits c ON c.deployment_run_id = d.id
       ORDER BY d.service_id, c.sha, d.finished_at, d.id`);

    await q.query(`
      CREATE VIEW dora_deployments AS
      WITH deployments AS (
        SELECT d.id, d.service_id, d.environment_id, d.finished_at, d.is_rollback
          FROM deployment_runs d JOIN environments e ON e.id = d.environment_id
         WHERE d.status = 'SUCCEEDED' AND e.tier = 'PRODUCTION' AND d.finished_at IS NOT NULL),
      -- A rollback remediates the latest earlier deployment of the same service and environment.
      remediations AS (
        SELECT prev.id AS deployment_run_id, min(r.finished_at) AS rolled_back_at
          FROM deployments r
          CROSS JOIN LATERAL (
            SELECT p.id FROM deployments p
             WHERE p.service_id = r.service_id AND p.environment_id = r.environment_id
               AND (p.finished_at, p.id) < (r.finished_at, r.id)
             ORDER BY p.finished_at DESC, p.id DESC LIMIT 1) prev
         WHERE r.is_rollback
         GROUP BY prev.id),
      -- Incidents count against the deployment they are attributed to (EXTERNAL and NONE never do).
      attributed AS (
        SELECT i.caused_by_deployment_run_id AS deployment_run_id,
               bool_or(i.resolved_at IS NULL) AS any_open, max(i.resolved_at) AS last_resolved_at
          FROM incidents i
         WHERE i.attribution IN ('EXPLICIT', 'HEURISTIC') AND i.caused_by_deployment_run_id IS NOT NULL
         GROUP BY i.caused_by_deployment_run_id)
      SELECT d.id AS deployment_run_id, d.service_id, d.environment_id, d.finished_at, d.is_rollback,
             (a.deployment_run_id IS NOT NULL OR m.deployment_run_id IS NOT NULL) AS change_failed,
             CASE WHEN a.deployment_run_id IS NOT NULL THEN CASE WHEN a.any_open THEN NULL ELSE a.last_resolved_at END
                  ELSE m.rolled_back_at END AS restored_at,
             (d.is_rollback OR EXISTS (
               SELECT 1 FROM incidents i JOIN deployments p ON p.id = i.caused_by_deployment_run_id
                WHERE i.attribution IN ('EXPLICIT', 'HEURISTIC') AND p.service_id = d.service_id
                  AND p.finished_at < d.finished_at
                  AND i.opened_at <= d.finished_at AND (i.resolved_at IS NULL OR i.resolved_at > d.finished_at)
             )) AS rework,
             (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY c.lead_seconds)
                FROM dora_commits c WHERE c.deployment_run_id = d.id AND c.lead_seconds >= 0) AS lead_time_seconds
        FROM deployments d
        LEFT JOIN attributed a ON a.deployment_run_id = d.id
        LEFT JOIN remediations m ON m.deployment_run_id = d.id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW dora_deployments`);
    await q.query(`DROP VIEW dora_commits`);
    await q.query(`DROP INDEX deployment_runs_deployments_idx`);
    await q.query(`DROP INDEX deployment_runs_external_key`);
    await q.query(`ALTER TABLE deployment_runs DROP COLUMN external_key`);
    await q.query(`DROP TABLE inbound_deliveries`);
    await q.query(`DROP TABLE incidents`);
  }
}
