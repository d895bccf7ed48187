import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Execution modes and lanes, rollbacks, cancel reasons, manual-retry executions, and approvals. */
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
        ADD COLUMN cancel_reason text`);
    // The runs that hold or wait for a pipeline's lane (QUEUED and SUPERSEDED modes).
    await q.query(
      `CREATE INDEX pipeline_runs_lane_idx ON pipeline_runs (pipeline_id, number) WHERE lane_released_at IS NULL`,
    );
    await q.query(`ALTER TABLE action_attempts ADD COLUMN execution integer NOT NULL DEFAULT 1`);
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE approvals`);
    await q.query(`ALTER TABLE action_attempts DROP COLUMN execution`);
    await q.query(`DROP INDEX pipeline_runs_lane_idx`);
    await q.query(`
      ALTER TABLE pipeline_runs
        DROP COLUMN execution_mode, DROP COLUMN is_rollback, DROP COLUMN rollback_of_run_id,
        DROP COLUMN lane_claimed_at, DROP COLUMN lane_released_at, DROP COLUMN cancel_reason`);
  }
}
