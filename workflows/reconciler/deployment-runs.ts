import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { activeDeploymentRunStatuses, defaultRetryPolicy } from '../../db/domain';
import { deploymentRunWorkflowType, type DeploymentRunInput, type DeploymentSnapshot } from '../definitions';
import { closedReason, missingReason, workflowState } from './workflow-state';

export interface DeploymentRunReconcilerDeps {
  dataSource: DataSource;
  temporal: Client;
  taskQueue: string;
  log: (message: string) => void;
}

interface ActiveDeploymentRun {
  id: string;
  deployment_id: string | null;
  temporal_workflow_id: string;
  triggered_by_id: string | null;
  revision_sha: string | null;
  revision_committed_at: Date | null;
  revision_message: string | null;
  revision_author: string | null;
  /** RUNNING with no step's log and no plan decision: nothing of it ever ran. */
  untouched: boolean;
  overdue: boolean;
}

/**
 * Deployment runs started alone (`runDeployment`; the children of pipeline runs are their parents' concern)
 * whose rows say RUNNING or WAITING and whose workflow says otherwise: the same rules as pipeline runs.
 */
export function createDeploymentRunReconciler({
  dataSource,
  temporal,
  taskQueue,
  log,
}: DeploymentRunReconcilerDeps) {
  async function end(run: ActiveDeploymentRun, reason: string): Promise<void> {
    const [rows]: [unknown[], number] = await dataSource.query(
      `UPDATE deployment_runs SET status = 'FAILED', finished_at = now(), failure_reason = $2
        WHERE id = $1 AND status = ANY ($3) RETURNING 1`,
      [run.id, reason, activeDeploymentRunStatuses],
    );
    if (rows.length > 0) log(`reconciler: deployment run ${run.id} ended FAILED: ${reason}`);
  }

  async function start(run: ActiveDeploymentRun): Promise<void> {
    const [deployment]: DeploymentSnapshot[] = run.deployment_id
      ? await dataSource.query(
          `SELECT id AS "deploymentId", name, service_id AS "serviceId", environment_id AS "environmentId",
                  plan_command AS "planCommand", apply_command AS "applyCommand",
                  require_plan_approval AS "requirePlanApproval"
             FROM deployments WHERE id = $1`,
          [run.deployment_id],
        )
      : [];
    if (!deployment || !run.triggered_by_id || !run.revision_sha || !run.revision_committed_at) {
      await end(run, `${missingReason}, and it cannot be started again: its Deployment is gone`);
      return;
    }
    const input: DeploymentRunInput = {
      deploymentRunId: run.id,
      deployment,
      revision: {
        sha: run.revision_sha,
        committedAt: run.revision_committed_at.toISOString(),
        message: run.revision_message,
        author: run.revision_author,
      },
      triggeredById: run.triggered_by_id,
      isRollback: false,
      parent: null,
      retryPolicy: defaultRetryPolicy,
      timeoutSeconds: null,
      env: {},
    };
    try {
      await temporal.workflow.start(deploymentRunWorkflowType, {
        taskQueue,
        workflowId: run.temporal_workflow_id,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      log(`reconciler: started the lost workflow of deployment run ${run.id}`);
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  return async function reconcileDeploymentRuns(graceSeconds: number): Promise<void> {
    const runs: ActiveDeploymentRun[] = await dataSource.query(
      `SELECT d.id, d.deployment_id, d.temporal_workflow_id, d.triggered_by_id, d.revision_sha,
              d.revision_committed_at, d.revision_message, d.revision_author,
              d.status = 'RUNNING'
                AND NOT EXISTS (SELECT 1 FROM deployment_log_lines l WHERE l.deployment_run_id = d.id)
                AND NOT EXISTS (SELECT 1 FROM deployment_plan_approvals a WHERE a.deployment_run_id = d.id)
                AS untouched,
              d.started_at < now() - make_interval(secs => $2) AS overdue
         FROM deployment_runs d
        WHERE d.status = ANY ($1) AND NOT d.external AND d.action_run_id IS NULL AND d.stage_run_id IS NULL
          AND d.temporal_workflow_id IS NOT NULL
        ORDER BY d.started_at`,
      [activeDeploymentRunStatuses, graceSeconds],
    );
    for (const run of runs) {
      const state = await workflowState(temporal, run.temporal_workflow_id);
      if (state.kind === 'closed') await end(run, closedReason(state.status));
      else if (state.kind === 'missing' && run.overdue) {
        if (run.untouched) await start(run);
        else await end(run, missingReason);
      }
    }
  };
}
