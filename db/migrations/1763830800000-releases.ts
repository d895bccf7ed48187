import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Releases: artifacts built once and promoted, what each run carries and each deployment run deployed,
 * promotions and reused actions, expired approval requests, and the pipelines that may deploy a revision
 * older than what is live.
 *
 * What is live for a service in an environment is the latest successful deployment run there; the index
 * `deployment_runs_deployments_idx` (service, environment, finish time; succeeded only) already answers it
 * with one backward index read, so no table of its own is kept.
 */
export class Releases1763830800000 implements MigrationInterface {
  name = 'Releases1763830800000';

  async up(q: QueryRunner): Promise<void> {
    // An artifact is stored once, by the run that built it; a run or a deployment that carries it links it.
    await q.query(`
      CREATE TABLE artifacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        version text NOT NULL,
        digest text,
        uri text,
        pipeline_run_id uuid CONSTRAINT artifacts_pipeline_run_fk REFERENCES pipeline_runs (id) ON DELETE SET NULL,
        action_run_id uuid CONSTRAINT artifacts_action_run_fk REFERENCES action_runs (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX artifacts_run_name_key ON artifacts (pipeline_run_id, name)`);
    await q.query(`CREATE INDEX artifacts_action_run_idx ON artifacts (action_run_id)`);
    await q.query(`CREATE INDEX artifacts_name_created_idx ON artifacts (name, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX artifacts_created_idx ON artifacts (created_at DESC, id DESC)`);
    // What a pipeline run carries, one artifact per name: built by it, or received from the run it promotes.
    await q.query(`
      CREATE TABLE pipeline_run_artifacts (
        run_id uuid NOT NULL CONSTRAINT pipeline_run_artifacts_run_fk REFERENCES pipeline_runs (id) ON DELETE CASCADE,
        name text NOT NULL,
        artifact_id uuid NOT NULL CONSTRAINT pipeline_run_artifacts_artifact_fk REFERENCES artifacts (id) ON DELETE CASCADE,
        PRIMARY KEY (run_id, name)
      )`);
    await q.query(`CREATE INDEX pipeline_run_artifacts_artifact_idx ON pipeline_run_artifacts (artifact_id)`);
    // What a deployment run deployed (or, reported from outside, says it deployed).
    await q.query(`
      CREATE TABLE deployment_run_artifacts (
        deployment_run_id uuid NOT NULL CONSTRAINT deployment_run_artifacts_run_fk REFERENCES deployment_runs (id) ON DELETE CASCADE,
        name text NOT NULL,
        artifact_id uuid NOT NULL CONSTRAINT deployment_run_artifacts_artifact_fk REFERENCES artifacts (id) ON DELETE CASCADE,
        PRIMARY KEY (deployment_run_id, name)
      )`);
    await q.query(
      `CREATE INDEX deployment_run_artifacts_artifact_idx ON deployment_run_artifacts (artifact_id)`,
    );
    await q.query(`
      ALTER TABLE pipeline_runs
        ADD COLUMN promoted_from_run_id uuid
          CONSTRAINT pipeline_runs_promoted_from_fk REFERENCES pipeline_runs (id) ON DELETE SET NULL`);
    // An action not executed because an earlier run's action published what it would build; why an action
    // ended SKIPPED; a gate whose request a newer run made stale.
    await q.query(`
      ALTER TABLE action_runs
        ADD COLUMN reused_from_action_run_id uuid
          CONSTRAINT action_runs_reused_from_fk REFERENCES action_runs (id) ON DELETE SET NULL,
        ADD COLUMN skip_reason text,
        ADD COLUMN approval_expired boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE pipelines ADD COLUMN allow_older_than_live boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pipelines DROP COLUMN allow_older_than_live`);
    await q.query(`
      ALTER TABLE action_runs
        DROP COLUMN reused_from_action_run_id, DROP COLUMN skip_reason, DROP COLUMN approval_expired`);
    await q.query(`ALTER TABLE pipeline_runs DROP COLUMN promoted_from_run_id`);
    await q.query(`DROP TABLE deployment_run_artifacts`);
    await q.query(`DROP TABLE pipeline_run_artifacts`);
    await q.query(`DROP TABLE artifacts`);
  }
}
