import type { MigrationInterface, QueryRunner } from 'typeorm';

const actionStatuses = `'PENDING', 'RUNNING', 'WAITING_FOR_APPROVAL', 'SUCCEEDED', 'FAILED', 'REJECTED', 'CANCELLED', 'SKIPPED'`;

/**
 * Approval outcomes (docs/run-semantics.md, "Approval outcomes"): an action may end TIMED_OUT (its gate's
 * timeout decided); a Deployment's plan approval takes the options of a gate, and a deployment run keeps
 * those it waits under (null before it waits, and for runs from before this migration: one approver, no
 * self-approval, no deadline).
 */
export class ApprovalOutcomes1764579600000 implements MigrationInterface {
  name = 'ApprovalOutcomes1764579600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE action_runs DROP CONSTRAINT action_runs_status_check`);
    await q.query(
      `ALTER TABLE action_runs ADD CONSTRAINT action_runs_status_check CHECK (status IN (${actionStatuses}, 'TIMED_OUT'))`,
    );
    await q.query(`
      ALTER TABLE deployments
        ADD COLUMN plan_required_approvals integer NOT NULL DEFAULT 1
          CONSTRAINT deployments_plan_required_approvals_check CHECK (plan_required_approvals >= 1),
        ADD COLUMN plan_timeout_seconds integer
          CONSTRAINT deployments_plan_timeout_check CHECK (plan_timeout_seconds > 0),
        ADD COLUMN plan_allow_self_approval boolean NOT NULL DEFAULT false`);
    await q.query(`
      ALTER TABLE deployment_runs
        ADD COLUMN plan_required_approvals integer,
        ADD COLUMN plan_allow_self_approval boolean,
        ADD COLUMN plan_expires_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deployment_runs
        DROP COLUMN plan_expires_at,
        DROP COLUMN plan_allow_self_approval,
        DROP COLUMN plan_required_approvals`);
    await q.query(`
      ALTER TABLE deployments
        DROP COLUMN plan_allow_self_approval,
        DROP COLUMN plan_timeout_seconds,
        DROP COLUMN plan_required_approvals`);
    // Actions that timed out read as what they were called before: rejected by their timeout.
    await q.query(`UPDATE action_runs SET status = 'REJECTED' WHERE status = 'TIMED_OUT'`);
    await q.query(`ALTER TABLE action_runs DROP CONSTRAINT action_runs_status_check`);
    await q.query(
      `ALTER TABLE action_runs ADD CONSTRAINT action_runs_status_check CHECK (status IN (${actionStatuses}))`,
    );
  }
}
