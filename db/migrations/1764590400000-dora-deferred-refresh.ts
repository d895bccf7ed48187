import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DORA facts refreshed once per transaction when a writer asks for it. The triggers of DoraFacts refresh a
 * service's facts after every statement that touches it: one external deployment with its revision and
 * commits took four refreshes of the same range, and a batch of a thousand took one per statement and
 * service. A transaction that calls `dora_defer_refresh()` has its triggers note the (service, since) they
 * would have refreshed, the earliest per service, and `dora_refresh_deferred()` refreshes each once before
 * it commits: what the refresh computes is the same (it recomputes everything from `since` on from the
 * views), so the facts stay exact, and read-your-writes holds because both run in the writer's transaction.
 * The notes live in transaction-local settings, so they vanish with the transaction whatever happens.
 */
export class DoraDeferredRefresh1764590400000 implements MigrationInterface {
  name = 'DoraDeferredRefresh1764590400000';

  async up(q: QueryRunner): Promise<void> {
    // A deployment run that changes drops its commit facts by run id (dora_refresh_changed): without an
    // index that was a scan of every commit fact.
    await q.query(`CREATE INDEX dora_commit_facts_run_idx ON dora_commit_facts (deployment_run_id)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION dora_refresh_changed(p_changed jsonb, p_runs uuid[]) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        r record;
      BEGIN
        IF p_runs IS NOT NULL THEN
          DELETE FROM dora_deployment_facts WHERE deployment_run_id = ANY (p_runs);
          DELETE FROM dora_commit_facts WHERE deployment_run_id = ANY (p_runs);
        END IF;
        IF coalesce(current_setting('lockstep.dora_deferred', true), '') = 'on' THEN
          -- noted, the earliest instant per service, for dora_refresh_deferred()
          PERFORM set_config('lockstep.dora_pending', coalesce((
            SELECT jsonb_agg(jsonb_build_object('service_id', service_id, 'since', since))::text FROM (
              SELECT c ->> 'service_id' AS service_id, min((c ->> 'since')::timestamptz) AS since
                FROM jsonb_array_elements(
                       coalesce(nullif(current_setting('lockstep.dora_pending', true), '')::jsonb, '[]'::jsonb)
                       || coalesce(p_changed, '[]'::jsonb)) c
               WHERE c ->> 'service_id' IS NOT NULL AND c ->> 'since' IS NOT NULL
               GROUP BY 1) pending), ''), true);
          RETURN;
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
    await q.query(`
      CREATE FUNCTION dora_defer_refresh() RETURNS void
      LANGUAGE sql AS $$ SELECT set_config('lockstep.dora_deferred', 'on', true) $$`);
    // dora_refresh for many services at once: the same locks in the same order, the same range per service
    // (from the latest earlier deployment in each production environment), but one statement per table
    // for them all instead of four per service. Each service's range is read through its indexes (LATERAL,
    // OFFSET 0 keeps the views from being flattened into a join the planner would hash), which makes one
    // plan right for any batch: the plans are made once per connection (force_generic_plan), where planning
    // the views for each call cost more than running them.
    await q.query(`
      CREATE FUNCTION dora_refresh_services(p_changed jsonb) RETURNS void
      LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
      DECLARE
        v_services uuid[];
        v_sinces timestamptz[];
      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'DORA facts are maintained under READ COMMITTED only (this transaction is %)',
            current_setting('transaction_isolation');
        END IF;
        PERFORM pg_advisory_xact_lock(hashtextextended('lockstep.dora_refresh:' || l.service_id::text, 0))
           FROM (SELECT DISTINCT (c ->> 'service_id')::uuid AS service_id FROM jsonb_array_elements(p_changed) c
                  WHERE c ->> 'service_id' IS NOT NULL AND c ->> 'since' IS NOT NULL ORDER BY 1 OFFSET 0) l;
        SELECT array_agg(s.service_id), array_agg(coalesce(least(s.since, (
                 SELECT min((SELECT max(d.finished_at) FROM deployment_runs d
                              WHERE d.service_id = s.service_id AND d.environment_id = e.id
                                AND d.status = 'SUCCEEDED' AND d.finished_at < s.since))
                   FROM environments e WHERE e.tier = 'PRODUCTION')), s.since))
          INTO v_services, v_sinces
          FROM (SELECT (c ->> 'service_id')::uuid AS service_id, min((c ->> 'since')::timestamptz) AS since
                  FROM jsonb_array_elements(p_changed) c
                 WHERE c ->> 'service_id' IS NOT NULL AND c ->> 'since' IS NOT NULL
                 GROUP BY 1) s;
        IF v_services IS NULL THEN
          RETURN;
        END IF;

        DELETE FROM dora_deployment_facts WHERE ctid = ANY (ARRAY(
          SELECT f.ctid FROM unnest(v_services, v_sinces) r (service_id, since)
           CROSS JOIN LATERAL (SELECT ctid FROM dora_deployment_facts
                                WHERE service_id = r.service_id AND finished_at >= r.since OFFSET 0) f));
        INSERT INTO dora_deployment_facts
               (deployment_run_id, service_id, finished_at, change_failed, rework, recovery_seconds, lead_time_seconds)
        SELECT d.deployment_run_id, d.service_id, d.finished_at, d.change_failed, d.rework,
               EXTRACT(EPOCH FROM d.restored_at - d.finished_at)::double precision, d.lead_time_seconds
          FROM unnest(v_services, v_sinces) r (service_id, since)
         CROSS JOIN LATERAL (SELECT * FROM dora_deployments
                              WHERE service_id = r.service_id AND finished_at >= r.since OFFSET 0) d;

        DELETE FROM dora_commit_facts WHERE ctid = ANY (ARRAY(
          SELECT f.ctid FROM unnest(v_services, v_sinces) r (service_id, since)
           CROSS JOIN LATERAL (SELECT ctid FROM dora_commit_facts
                                WHERE service_id = r.service_id AND finished_at >= r.since OFFSET 0) f));
        INSERT INTO dora_commit_facts (deployment_run_id, sha, service_id, finished_at, lead_seconds)
        SELECT c.deployment_run_id, c.sha, c.service_id, c.finished_at, c.lead_seconds
          FROM unnest(v_services, v_sinces) r (service_id, since)
         CROSS JOIN LATERAL (SELECT * FROM dora_commits
                              WHERE service_id = r.service_id AND finished_at >= r.since OFFSET 0) c;
      END $$`);
    await q.query(`
      CREATE FUNCTION dora_refresh_deferred() RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        v_pending text := coalesce(current_setting('lockstep.dora_pending', true), '');
      BEGIN
        PERFORM set_config('lockstep.dora_deferred', 'off', true);
        PERFORM set_config('lockstep.dora_pending', '', true);
        IF v_pending <> '' THEN
          PERFORM dora_refresh_services(v_pending::jsonb);
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION dora_refresh_deferred()`);
    await q.query(`DROP FUNCTION dora_refresh_services(jsonb)`);
    await q.query(`DROP FUNCTION dora_defer_refresh()`);
    // The function as DoraFacts created it.
    await q.query(`
      CREATE OR REPLACE FUNCTION dora_refresh_changed(p_changed jsonb, p_runs uuid[]) RETURNS void
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
    await q.query(`DROP INDEX dora_commit_facts_run_idx`);
  }
}
