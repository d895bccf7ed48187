import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AFTER INSERT, UPDATE and DELETE statement triggers on `table`, named `prefix_insert` and so on, calling
 * `fn`; each sees the rows it changed as `old_rows` and `new_rows`.
 */
async function statementTriggers(q: QueryRunner, table: string, prefix: string, fn: string): Promise<void> {
  const transitions = {
    INSERT: 'NEW TABLE AS new_rows',
    UPDATE: 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
    DELETE: 'OLD TABLE AS old_rows',
  };
  for (const [op, tables] of Object.entries(transitions)) {
    await q.query(`
      CREATE TRIGGER ${prefix}_${op.toLowerCase()} AFTER ${op} ON ${table}
        REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
  }
}

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

    // Rework counts incidents caused by an earlier deployment of the same service (docs/dora.md, Deployment
    // rework rate): said in the view too, so a change to a deployment only ever affects its own service's
    // facts. The view is otherwise the one migration Dora created.
    await q.query(`
      CREATE OR REPLACE VIEW dora_deployments AS
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
                  AND p.service_id = d.service_id
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

    // One service's facts from `since` on, recomputed from the views. The latest earlier deployment in each
    // environment is included: a rollback arriving now changes its verdict. Serialized per service, so two
    // transactions changing one service cannot each miss the other's change; that needs READ COMMITTED (each
    // statement after the lock sees what the other committed).
    await q.query(`
      CREATE FUNCTION dora_refresh(p_service uuid, p_since timestamptz) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        v_since timestamptz;
      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'DORA facts are maintained under READ COMMITTED only (this transaction is %)',
            current_setting('transaction_isolation');
        END IF;
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

    // What a change touched, as (service, since) rows, refreshed in service order (so two statements touching
    // several services take their locks in the same order). A deployment run that changed keeps no fact of
    // its old self under another service.
    await q.query(`
      CREATE FUNCTION dora_refresh_changed(p_changed jsonb, p_runs uuid[]) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        r record;
      BEGIN
        IF p_runs IS NOT NULL THEN
          DELETE FROM dora_deployment_facts WHERE deployment_run_id = ANY (p_runs);
          DELETE FROM dora_commit_facts WHERE deployment_run_id = ANY (p_runs);
        END IF;
        FOR r IN
          SELECT (c ->> 'service_id')::uuid AS service_id, min((c ->> 'since')::timestamptz) AS since
            FROM jsonb_array_elements(p_changed) c
           WHERE c ->> 'service_id' IS NOT NULL AND c ->> 'since' IS NOT NULL
           GROUP BY 1 ORDER BY 1
        LOOP
          PERFORM dora_refresh(r.service_id, r.since);
        END LOOP;
      END $$`);

    // Deployment runs: a change matters when a production deployment appears, disappears or moves. The
    // environments involved are share-locked first, so a concurrent tier change waits for this transaction.
    await q.query(`
      CREATE FUNCTION dora_deployment_runs_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        v_changed jsonb;
        v_runs uuid[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM 1 FROM environments WHERE id IN (SELECT environment_id FROM new_rows) FOR SHARE;
          SELECT jsonb_agg(jsonb_build_object('service_id', service_id, 'since', finished_at)) INTO v_changed
            FROM new_rows WHERE status = 'SUCCEEDED' AND finished_at IS NOT NULL;
        ELSIF TG_OP = 'DELETE' THEN
          SELECT jsonb_agg(jsonb_build_object('service_id', service_id, 'since', finished_at)), array_agg(id)
            INTO v_changed, v_runs
            FROM old_rows WHERE status = 'SUCCEEDED' AND finished_at IS NOT NULL;
        ELSE
          -- rows that differ in what the definitions read (an id changed counts as a delete plus an insert)
          PERFORM 1 FROM environments
            WHERE id IN (SELECT environment_id FROM new_rows UNION SELECT environment_id FROM old_rows) FOR SHARE;
          SELECT jsonb_agg(jsonb_build_object('service_id', service_id, 'since', finished_at)), array_agg(DISTINCT id)
            INTO v_changed, v_runs
            FROM (
              (SELECT id, status, finished_at, is_rollback, service_id, environment_id FROM old_rows
               EXCEPT SELECT id, status, finished_at, is_rollback, service_id, environment_id FROM new_rows)
              UNION ALL
              (SELECT id, status, finished_at, is_rollback, service_id, environment_id FROM new_rows
               EXCEPT SELECT id, status, finished_at, is_rollback, service_id, environment_id FROM old_rows)
            ) changed
           WHERE status = 'SUCCEEDED' AND finished_at IS NOT NULL;
        END IF;
        IF v_changed IS NOT NULL THEN
          PERFORM dora_refresh_changed(v_changed, v_runs);
        END IF;
        RETURN NULL;
      END $$`);
    await statementTriggers(q, 'deployment_runs', 'dora_deployment_runs', 'dora_deployment_runs_changed');

    // Commits: a deployment's change set changes its lead time and the credit of later deployments. The runs
    // are share-locked before they are read, so a run being marked SUCCEEDED meanwhile is seen as it ends.
    await q.query(`
      CREATE FUNCTION dora_commits_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        v_changed jsonb;
        v_runs uuid[] := '{}';
      BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          v_runs := ARRAY(SELECT deployment_run_id FROM new_rows);
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          v_runs := v_runs || ARRAY(SELECT deployment_run_id FROM old_rows);
        END IF;
        PERFORM 1 FROM deployment_runs WHERE id = ANY (v_runs) FOR SHARE;
        SELECT jsonb_agg(jsonb_build_object('service_id', d.service_id, 'since', d.finished_at)) INTO v_changed
          FROM deployment_runs d
         WHERE d.id = ANY (v_runs) AND d.status = 'SUCCEEDED' AND d.finished_at IS NOT NULL;
        IF v_changed IS NOT NULL THEN
          PERFORM dora_refresh_changed(v_changed, NULL);
        END IF;
        RETURN NULL;
      END $$`);
    await statementTriggers(q, 'deployment_run_commits', 'dora_commits', 'dora_commits_changed');

    // Incidents: the deployment they are attributed to (failed, restored) and the service's deployments
    // finished while they were open (rework). The attributed runs are share-locked before they are read.
    await q.query(`
      CREATE FUNCTION dora_incidents_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        v_rows jsonb := '[]'::jsonb;
        v_changed jsonb;
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          v_rows := v_rows || (SELECT coalesce(jsonb_agg(to_jsonb(o)), '[]'::jsonb) FROM old_rows o);
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
          v_rows := v_rows || (SELECT coalesce(jsonb_agg(to_jsonb(n)), '[]'::jsonb) FROM new_rows n);
        END IF;
        PERFORM 1 FROM deployment_runs
          WHERE id IN (SELECT (r ->> 'caused_by_deployment_run_id')::uuid FROM jsonb_array_elements(v_rows) r)
          FOR SHARE;
        SELECT jsonb_agg(jsonb_build_object('service_id', service_id, 'since', since)) INTO v_changed FROM (
          SELECT i.service_id, least(i.opened_at, d.finished_at) AS since
            FROM jsonb_to_recordset(v_rows) AS i (service_id uuid, opened_at timestamptz, caused_by_deployment_run_id uuid)
            LEFT JOIN deployment_runs d ON d.id = i.caused_by_deployment_run_id
          UNION ALL
          SELECT d.service_id, d.finished_at
            FROM jsonb_to_recordset(v_rows) AS i (caused_by_deployment_run_id uuid)
            JOIN deployment_runs d ON d.id = i.caused_by_deployment_run_id
        ) affected;
        IF v_changed IS NOT NULL THEN
          PERFORM dora_refresh_changed(v_changed, NULL);
        END IF;
        RETURN NULL;
      END $$`);
    await statementTriggers(q, 'incidents', 'dora_incidents', 'dora_incidents_changed');

    // An environment moving in or out of the PRODUCTION tier changes what counts as a deployment at all.
    await q.query(`
      CREATE FUNCTION dora_environment_tier_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM dora_refresh_changed(
          (SELECT jsonb_agg(DISTINCT jsonb_build_object('service_id', service_id, 'since', '-infinity'))
             FROM deployment_runs WHERE environment_id = NEW.id),
          NULL);
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
    await q.query(`DROP FUNCTION dora_refresh_changed(jsonb, uuid[])`);
    await q.query(`DROP FUNCTION dora_refresh(uuid, timestamptz)`);
    // The view as migration Dora created it, rework from any incident of the service (the line of spaces
    // included: the text is the one applied, to the byte).
    await q.query(`
      CREATE OR REPLACE VIEW dora_deployments AS
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
    await q.query(`DROP INDEX incidents_service_opened_idx`);
    await q.query(`CREATE INDEX incidents_service_opened_idx ON incidents (service_id, opened_at)`);
    await q.query(`DROP TABLE dora_commit_facts`);
    await q.query(`DROP TABLE dora_deployment_facts`);
  }
}
