import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DORA facts kept on write, so the metrics read narrow, indexed rows instead of re-deciding every
 * deployment's verdict and every commit's credit on each request.
 *
 * The views `dora_deployments` and `dora_commits` stay the one statement of the definitions: the fact
 * tables hold exactly their rows, materialized. `dora_refresh(service, since)` recomputes one service's
 * facts from `since` on; triggers on every table the views read call it for the service and the earliest
 * instant a change can affect, in the same transaction as the change. Percentiles are still taken over
 * the raw per-commit and per-deployment values of the window, so they stay exact.
 */
export class DoraFacts1763812800000 implements MigrationInterface {
  name = 'DoraFacts1763812800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dora_deployment_facts (
        deployment_run_id uuid PRIMARY KEY,
        service_id uuid NOT NULL,
        finished_at timestamptz NOT NULL,
        change_failed boolean NOT NULL,
        rework boolean NOT NULL,
        -- restored - finished, for failed deployments already restored
        recovery_seconds double precision,
        lead_time_seconds double precision
      )`);
    await q.query(`
      CREATE INDEX dora_deployment_facts_window_idx ON dora_deployment_facts (finished_at)
        INCLUDE (service_id, change_failed, rework, recovery_seconds)`);
    await q.query(`
      CREATE INDEX dora_deployment_facts_service_idx ON dora_deployment_facts (service_id, finished_at)
        INCLUDE (change_failed, rework, recovery_seconds)`);
    // Time to restore reads only the recovered failures of a window.
    await q.query(`
      CREATE INDEX dora_deployment_facts_recovered_idx ON dora_deployment_facts (finished_at)
        INCLUDE (service_id, recovery_seconds) WHERE recovery_seconds IS NOT NULL`);
    await q.query(`
      CREATE TABLE dora_commit_facts (
        deployment_run_id uuid NOT NULL,
        sha text NOT NULL,
        service_id uuid NOT NULL,
        finished_at timestamptz NOT NULL,
        lead_seconds double precision NOT NULL
      )`);
    await q.query(`
      CREATE INDEX dora_commit_facts_window_idx ON dora_commit_facts (finished_at) INCLUDE (service_id, lead_seconds)`);
    await q.query(`
      CREATE INDEX dora_commit_facts_service_idx ON dora_commit_facts (service_id, finished_at) INCLUDE (lead_seconds)`);

    // Rework asks, for each deployment, which of its service's incidents were open when it finished: answered
    // from the index alone.
    await q.query(`DROP INDEX incidents_service_opened_idx`);
    await q.query(`
      CREATE INDEX incidents_service_opened_idx ON incidents (service_id, opened_at)
        INCLUDE (resolved_at, attribution, caused_by_deployment_run_id)`);

    // One service's facts from \`since\` on, recomputed from the views. The latest earlier deployment in each
    // environment is included: a rollback arriving now changes its verdict. Serialized per service, so two
    // transactions changing one service cannot each miss the other's change.
    await q.query(`
      CREATE FUNCTION dora_refresh(p_service uuid, p_since timestamptz) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        v_since timestamptz;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('lockstep.dora_refresh:' || p_service::text, 0));
        SELECT least(p_since, min((
                 SELECT max(d.finished_at) FROM deployment_runs d
                  WHERE d.service_id = p_service AND d.environment_id = e.id AND d.status = 'SUCCEEDED'
                    AND d.finished_at < p_since)))
          INTO v_since
          FROM environments e WHERE e.tier = 'PRODUCTION';
        v_since := coalesce(v_since, p_since);

        DELETE FROM dora_deployment_facts WHERE service_id = p_service AND finished_at >= v_since;
        INSERT INTO dora_deployment_facts
               (deployment_run_id, service_id, finished_at, change_failed, rework, recovery_seconds, lead_time_seconds)
        SELECT deployment_run_id, service_id, finished_at, change_failed, rework,
               EXTRACT(EPOCH FROM restored_at - finished_at)::double precision, lead_time_seconds
          FROM dora_deployments WHERE service_id = p_service AND finished_at >= v_since;

        DELETE FROM dora_commit_facts WHERE service_id = p_service AND finished_at >= v_since;
        INSERT INTO dora_commit_facts (deployment_run_id, sha, service_id, finished_at, lead_seconds)
        SELECT deployment_run_id, sha, service_id, finished_at, lead_seconds
          FROM dora_commits WHERE service_id = p_service AND finished_at >= v_since;
      END $$`);

    // Deployment runs: a change matters when a production deployment appears, disappears or moves.
    await q.query(`
      CREATE FUNCTION dora_deployment_runs_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM dora_refresh(service_id, min(finished_at)) FROM new_rows
            WHERE status = 'SUCCEEDED' AND finished_at IS NOT NULL GROUP BY service_id;
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM dora_refresh(service_id, min(finished_at)) FROM old_rows
            WHERE status = 'SUCCEEDED' AND finished_at IS NOT NULL GROUP BY service_id;
        ELSE
          PERFORM dora_refresh(service_id, min(finished_at)) FROM (
            SELECT o.service_id, o.finished_at FROM old_rows o JOIN new_rows n USING (id)
             WHERE o.status = 'SUCCEEDED' AND o.finished_at IS NOT NULL
               AND (o.status, o.finished_at, o.is_rollback, o.service_id, o.environment_id)
                   IS DISTINCT FROM (n.status, n.finished_at, n.is_rollback, n.service_id, n.environment_id)
            UNION ALL
            SELECT n.service_id, n.finished_at FROM old_rows o JOIN new_rows n USING (id)
             WHERE n.status = 'SUCCEEDED' AND n.finished_at IS NOT NULL
               AND (o.status, o.finished_at, o.is_rollback, o.service_id, o.environment_id)
                   IS DISTINCT FROM (n.status, n.finished_at, n.is_rollback, n.service_id, n.environment_id)
          ) changed GROUP BY service_id;
        END IF;
        RETURN NULL;
      END $$`);
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      const tables = {
        INSERT: 'NEW TABLE AS new_rows',
        UPDATE: 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
      };
      await q.query(`
        CREATE TRIGGER dora_deployment_runs_${op.toLowerCase()} AFTER ${op} ON deployment_runs
          REFERENCING ${tables[op as keyof typeof tables] ?? 'OLD TABLE AS old_rows'}
          FOR EACH STATEMENT EXECUTE FUNCTION dora_deployment_runs_changed()`);
    }

    // Commits: a deployment's change set changes its lead time and the credit of later deployments.
    await q.query(`
      CREATE FUNCTION dora_commits_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM dora_refresh(d.service_id, min(d.finished_at))
          FROM (SELECT deployment_run_id FROM changed_rows) c
          JOIN deployment_runs d ON d.id = c.deployment_run_id
         WHERE d.status = 'SUCCEEDED' AND d.finished_at IS NOT NULL
         GROUP BY d.service_id;
        RETURN NULL;
      END $$`);
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      await q.query(`
        CREATE TRIGGER dora_commits_${op.toLowerCase()} AFTER ${op} ON deployment_run_commits
          REFERENCING ${op === 'DELETE' ? 'OLD' : 'NEW'} TABLE AS changed_rows
          FOR EACH STATEMENT EXECUTE FUNCTION dora_commits_changed()`);
    }

    // Incidents: the deployment they are attributed to (failed, restored) and the service's deployments
    // finished while they were open (rework).
    await q.query(`
      CREATE FUNCTION dora_incidents_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          PERFORM dora_refresh(service_id, min(since)) FROM (
            SELECT i.service_id, least(i.opened_at, d.finished_at) AS since
              FROM old_rows i LEFT JOIN deployment_runs d ON d.id = i.caused_by_deployment_run_id
            UNION ALL
            SELECT d.service_id, d.finished_at FROM old_rows i JOIN deployment_runs d ON d.id = i.caused_by_deployment_run_id
          ) affected WHERE since IS NOT NULL GROUP BY service_id;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
          PERFORM dora_refresh(service_id, min(since)) FROM (
            SELECT i.service_id, least(i.opened_at, d.finished_at) AS since
              FROM new_rows i LEFT JOIN deployment_runs d ON d.id = i.caused_by_deployment_run_id
            UNION ALL
            SELECT d.service_id, d.finished_at FROM new_rows i JOIN deployment_runs d ON d.id = i.caused_by_deployment_run_id
          ) affected WHERE since IS NOT NULL GROUP BY service_id;
        END IF;
        RETURN NULL;
      END $$`);
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      const tables = {
        INSERT: 'NEW TABLE AS new_rows',
        UPDATE: 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
        DELETE: 'OLD TABLE AS old_rows',
      };
      await q.query(`
        CREATE TRIGGER dora_incidents_${op.toLowerCase()} AFTER ${op} ON incidents
          REFERENCING ${tables[op as keyof typeof tables]}
          FOR EACH STATEMENT EXECUTE FUNCTION dora_incidents_changed()`);
    }

    // An environment moving in or out of the PRODUCTION tier changes what counts as a deployment at all.
    await q.query(`
      CREATE FUNCTION dora_environment_tier_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM dora_refresh(service_id, '-infinity') FROM deployment_runs
          WHERE environment_id = NEW.id GROUP BY service_id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER dora_environment_tier AFTER UPDATE OF tier ON environments
        FOR EACH ROW WHEN (OLD.tier IS DISTINCT FROM NEW.tier) EXECUTE FUNCTION dora_environment_tier_changed()`);

    // Facts for what is already stored.
    await q.query(`SELECT dora_refresh(id, '-infinity') FROM services`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER dora_environment_tier ON environments`);
    for (const op of ['insert', 'update', 'delete']) {
      await q.query(`DROP TRIGGER dora_incidents_${op} ON incidents`);
      await q.query(`DROP TRIGGER dora_commits_${op} ON deployment_run_commits`);
      await q.query(`DROP TRIGGER dora_deployment_runs_${op} ON deployment_runs`);
    }
    await q.query(`DROP FUNCTION dora_environment_tier_changed()`);
    await q.query(`DROP FUNCTION dora_incidents_changed()`);
    await q.query(`DROP FUNCTION dora_commits_changed()`);
    await q.query(`DROP FUNCTION dora_deployment_runs_changed()`);
    await q.query(`DROP FUNCTION dora_refresh(uuid, timestamptz)`);
    await q.query(`DROP INDEX incidents_service_opened_idx`);
    await q.query(`CREATE INDEX incidents_service_opened_idx ON incidents (service_id, opened_at)`);
    await q.query(`DROP TABLE dora_commit_facts`);
    await q.query(`DROP TABLE dora_deployment_facts`);
  }
}
