import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Execution modes and lanes, rollbacks, cancel reasons, manual-retry executions, lost attempts, approvals,
 * and deployments: the reusable units, their runs (with the commits each delivered), logs and plan approvals.
 */
export class Engine1763776800000 implements MigrationInterface {
  name = 'Engine1763776800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE pipeline_runs
        ADD COLUMN execution_mode text NOT NULL DEFAULT 'QUEUED'
          CONSTRAINT pipeline_runs_execution_mode_check CHECK (execution_mode IN ('QUEUED', 'SUPERSEDED', 'PARALLEL')),
        ADD COLUMN is_rollback boolean NOT NULL DEFAULT false,
        ADD COLUMN rollback_of_run_id uuid CONSTRAINT pipeline_runs_rollback_of_fk REFERENCES pipeline_runs (id) ON DELETE SET NULL,
        ADD COLUMN lane_claimed_at timestamptz,
        ADD COLUMN lane_released_at timestamptz,
        ADD COLUMN cancel_reason text,
        ADD COLUMN superseded_by_run_id uuid CONSTRAINT pipeline_runs_superseded_by_fk REFERENCES pipeline_runs (id) ON DELETE SET NULL`);
    // Runs from before lanes existed are not in any lane.
    await q.query(`UPDATE pipeline_runs SET lane_released_at = COALESCE(finished_at, now())`);
    // The runs that hold or wait for a pipeline's lane (QUEUED and SUPERSEDED modes).
    await q.query(
      `CREATE INDEX pipeline_runs_lane_idx ON pipeline_runs (pipeline_id, number)
        WHERE lane_released_at IS NULL AND execution_mode <> 'PARALLEL'`,
    );
    await q.query(`
      ALTER TABLE action_attempts
        ADD COLUMN execution integer NOT NULL DEFAULT 1,
        ADD COLUMN lost boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE approvals (
        action_run_id uuid NOT NULL CONSTRAINT approvals_action_run_fk REFERENCES action_runs (id) ON DELETE CASCADE,
        execution integer NOT NULL,
        principal_id uuid NOT NULL CONSTRAINT approvals_principal_fk REFERENCES principals (id) ON DELETE RESTRICT,
        approved boolean NOT NULL,
        comment text,
        at timestamptz NOT NULL,
        PRIMARY KEY (action_run_id, execution, principal_id)
      )`);

    await q.query(`
      CREATE TABLE deployments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        service_id uuid NOT NULL CONSTRAINT deployments_service_fk REFERENCES services (id) ON DELETE RESTRICT,
        environment_id uuid NOT NULL CONSTRAINT deployments_environment_fk REFERENCES environments (id) ON DELETE RESTRICT,
        plan_command text,
        apply_command text NOT NULL,
        require_plan_approval boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX deployments_name_key ON deployments (name)`);
    await q.query(`CREATE INDEX deployments_service_idx ON deployments (service_id)`);
    // A deployment run: of a Deployment (a DEPLOYMENT action or runDeployment), of a pipeline stage with an
    // environment, or reported from outside. Service and environment are copied so history survives edits.
    await q.query(`
      CREATE TABLE deployment_runs (
        id uuid PRIMARY KEY,
        deployment_id uuid CONSTRAINT deployment_runs_deployment_fk REFERENCES deployments (id) ON DELETE SET NULL,
        service_id uuid NOT NULL CONSTRAINT deployment_runs_service_fk REFERENCES services (id) ON DELETE RESTRICT,
        environment_id uuid NOT NULL CONSTRAINT deployment_runs_environment_fk REFERENCES environments (id) ON DELETE RESTRICT,
        status text NOT NULL CONSTRAINT deployment_runs_status_check
          CHECK (status IN ('RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
        revision_sha text,
        revision_message text,
        revision_author text,
        revision_committed_at timestamptz,
        pipeline_run_id uuid CONSTRAINT deployment_runs_pipeline_run_fk REFERENCES pipeline_runs (id) ON DELETE SET NULL,
        stage_run_id uuid CONSTRAINT deployment_runs_stage_run_fk REFERENCES stage_runs (id) ON DELETE SET NULL,
        action_run_id uuid CONSTRAINT deployment_runs_action_run_fk REFERENCES action_runs (id) ON DELETE SET NULL,
        triggered_by_id uuid CONSTRAINT deployment_runs_triggered_by_fk REFERENCES principals (id) ON DELETE RESTRICT,
        is_rollback boolean NOT NULL DEFAULT false,
        external boolean NOT NULL DEFAULT false,
        temporal_workflow_id text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX deployment_runs_service_finished_idx ON deployment_runs (service_id, finished_at)`,
    );
    await q.query(`CREATE INDEX deployment_runs_started_idx ON deployment_runs (started_at DESC, id DESC)`);
    await q.query(`CREATE INDEX deployment_runs_pipeline_run_idx ON deployment_runs (pipeline_run_id)`);
    await q.query(`CREATE INDEX deployment_runs_action_run_idx ON deployment_runs (action_run_id)`);
    await q.query(`CREATE INDEX deployment_runs_stage_run_idx ON deployment_runs (stage_run_id)`);
    await q.query(`CREATE INDEX deployment_runs_deployment_idx ON deployment_runs (deployment_id)`);
    await q.query(`
      CREATE TABLE deployment_run_commits (
        deployment_run_id uuid NOT NULL CONSTRAINT deployment_run_commits_run_fk REFERENCES deployment_runs (id) ON DELETE CASCADE,
        sha text NOT NULL,
        committed_at timestamptz NOT NULL,
        message text,
        author text,
        PRIMARY KEY (deployment_run_id, sha)
      )`);
    await q.query(`CREATE INDEX deployment_run_commits_sha_idx ON deployment_run_commits (sha)`);
    await q.query(`
      CREATE TABLE deployment_log_lines (
        deployment_run_id uuid NOT NULL CONSTRAINT deployment_log_lines_run_fk REFERENCES deployment_runs (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        step text NOT NULL CONSTRAINT deployment_log_lines_step_check CHECK (step IN ('plan', 'apply')),
        at timestamptz NOT NULL,
        stream text NOT NULL CONSTRAINT deployment_log_lines_stream_check CHECK (stream IN ('stdout', 'stderr')),
        text text NOT NULL,
        PRIMARY KEY (deployment_run_id, seq)
      )`);
    await q.query(`
      CREATE TABLE deployment_plan_approvals (
        deployment_run_id uuid NOT NULL CONSTRAINT deployment_plan_approvals_run_fk REFERENCES deployment_runs (id) ON DELETE CASCADE,
        principal_id uuid NOT NULL CONSTRAINT deployment_plan_approvals_principal_fk REFERENCES principals (id) ON DELETE RESTRICT,
        approved boolean NOT NULL,
        comment text,
        at timestamptz NOT NULL,
        PRIMARY KEY (deployment_run_id, principal_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'deployment_plan_approvals',
      'deployment_log_lines',
      'deployment_run_commits',
      'deployment_runs',
      'deployments',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP TABLE approvals`);
    await q.query(`ALTER TABLE action_attempts DROP COLUMN execution, DROP COLUMN lost`);
    await q.query(`DROP INDEX pipeline_runs_lane_idx`);
    await q.query(`
      ALTER TABLE pipeline_runs
        DROP COLUMN execution_mode, DROP COLUMN is_rollback, DROP COLUMN rollback_of_run_id,
        DROP COLUMN lane_claimed_at, DROP COLUMN lane_released_at, DROP COLUMN cancel_reason,
        DROP COLUMN superseded_by_run_id`);
  }
}
