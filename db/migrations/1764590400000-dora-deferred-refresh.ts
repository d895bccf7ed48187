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
    await q.query(`
      CREATE FUNCTION dora_refresh_deferred() RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        v_pending text := coalesce(current_setting('lockstep.dora_pending', true), '');
      BEGIN
        PERFORM set_config('lockstep.dora_deferred', 'off', true);
        PERFORM set_config('lockstep.dora_pending', '', true);
        IF v_pending <> '' THEN
          PERFORM dora_refresh_changed(v_pending::jsonb, NULL);
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION dora_refresh_deferred()`);
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
