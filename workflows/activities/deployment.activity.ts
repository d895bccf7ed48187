import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { insertDeploymentRun } from '../../db/deployment-runs';
import { finishedDeploymentRunStatuses, isIn } from '../../db/domain';
import { notifyChannels } from '../../db/notify';
import { recordDeployedArtifacts } from '../../db/releases/artifacts';
import type { SecretBox } from '../../db/secret-box';
import { createMasker } from '../../db/secret-masker';
import { secretsInScope } from '../../db/secret-store';
import type {
  DeploymentRunChange,
  DeploymentRunOpening,
  DeploymentStepInput,
  PlanApprovalRecord,
} from '../definitions';
import { receivedArtifactsEnv } from './artifacts';
import { describeFailure, lostFailure } from './command.activity';
import type { CommandSandbox } from './command-sandbox';
import { LogWriter } from './log-writer';
import { maskedFailure } from './masked-failure';
import { keepAlive, runShell } from './shell';
import { retryTransient } from './transient';

export interface DeploymentActivityDeps {
  dataSource: DataSource;
  secretBox: SecretBox | null;
  baseEnv: Record<string, string>;
  /** Where and as whom plan and apply commands run: like COMMAND actions. */
  sandbox: CommandSandbox;
  /** Bytes of log one step stores at most. */
  logLimitBytes: number;
  heartbeatIntervalMs?: number;
  killGraceMs?: number;
}

/** Deployment runs: their rows, their plan and apply steps, and decisions on their plans. */
export function createDeploymentActivities({
  dataSource,
  secretBox,
  baseEnv,
  sandbox,
  logLimitBytes,
  heartbeatIntervalMs = 2000,
  killGraceMs = 5000,
}: DeploymentActivityDeps) {
  /** Opens a deployment run's row once, with the commits it delivers; a retry or replay changes nothing. */
  async function openDeploymentRun(opening: DeploymentRunOpening): Promise<void> {
    await dataSource.transaction(async (manager) => {
      await insertDeploymentRun(manager, { ...opening, external: false, finishedAt: null });
      await recordDeployedArtifacts(manager, opening.id, opening.artifacts ?? []);
    });
  }

  async function recordDeploymentChange(change: DeploymentRunChange): Promise<void> {
    await dataSource.query(
      `UPDATE deployment_runs SET status = $2, finished_at = $3, failure_reason = COALESCE($4, failure_reason),
              plan_required_approvals = COALESCE($5, plan_required_approvals),
              plan_allow_self_approval = COALESCE($6, plan_allow_self_approval),
              plan_expires_at = CASE WHEN $5::int IS NULL THEN plan_expires_at ELSE $7::timestamptz END
        WHERE id = $1`,
      [
        change.deploymentRunId,
        change.status,
        isIn(finishedDeploymentRunStatuses, change.status) ? change.at : null,
        change.failureReason ?? null,
        change.plan?.requiredApprovals ?? null,
        change.plan?.allowSelfApproval ?? null,
        change.plan?.expiresAt ?? null,
      ],
    );
  }

  /**
   * Stores a decision on a plan. Inside a pipeline run it also announces a change of that run: a plan that
   * needs several approvers stays waiting after one, and the run's live views should show the approval.
   */
  async function recordPlanApproval(record: PlanApprovalRecord): Promise<void> {
    await dataSource.query(
      `WITH inserted AS (
         INSERT INTO deployment_plan_approvals (deployment_run_id, principal_id, approved, comment, at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING deployment_run_id)
       SELECT pg_notify($6::text, json_build_object('runId', r.id::text, 'pipelineId', r.pipeline_id::text)::text)
         FROM inserted i
         JOIN deployment_runs d ON d.id = i.deployment_run_id
         JOIN pipeline_runs r ON r.id = d.pipeline_run_id`,
      [
        record.deploymentRunId,
        record.decision.principalId,
        record.decision.approved,
        record.decision.comment,
        record.at,
        notifyChannels.runs,
      ],
    );
  }

  /** Runs a Deployment's plan or apply command; its lines go to the deployment run's log. */
  async function runDeploymentStep(input: DeploymentStepInput): Promise<void> {
    const ctx = Context.current();
    const stopHeartbeats = keepAlive(ctx, heartbeatIntervalMs);
    try {
      await execute(ctx, input);
    } finally {
      stopHeartbeats();
    }
  }

  async function execute(ctx: Context, input: DeploymentStepInput): Promise<void> {
    const workspace = await sandbox.open('lockstep-deploy');
    const logs = await LogWriter.open(
      dataSource,
      { kind: 'deployment', deploymentRunId: input.deploymentRunId, step: input.step },
      { limitBytes: logLimitBytes },
    );
    const secrets = await retryTransient(() =>
      secretsInScope(dataSource, secretBox, {
        pipelineId: input.pipelineId,
        environmentId: input.environmentId,
      }),
    );
    const mask = createMasker(Object.values(secrets));
    try {
      const outcome = await runShell(ctx, {
        launcher: sandbox.launcher,
        command: input.command,
        cwd: workspace.dir,
        user: workspace.user,
        env: {
          ...baseEnv,
          ...workspace.env,
          ...input.env,
          ...secrets,
          LOCKSTEP_DEPLOYMENT_RUN_ID: input.deploymentRunId,
          LOCKSTEP_STEP: input.step,
          LOCKSTEP_ATTEMPT: String(ctx.info.attempt),
          LOCKSTEP_REVISION: input.revisionSha,
          ...(await receivedArtifactsEnv(workspace.handedDir, input.artifacts)),
        },
        timeoutSeconds: input.timeoutSeconds,
        onLine: (stream, line, cutBytes) => logs.write(stream, line, cutBytes),
        mask,
        killGraceMs,
      });
      if (outcome.kind === 'cancelled') throw outcome.reason;
      if (outcome.kind === 'lost') throw lostFailure(outcome);
      if (outcome.kind !== 'exited' || outcome.code !== 0) {
        const error = describeFailure(outcome, input.timeoutSeconds);
        throw ctx.info.attempt >= input.maximumAttempts
          ? ApplicationFailure.nonRetryable(error, 'CommandFailed')
          : ApplicationFailure.retryable(error, 'CommandFailed');
      }
    } catch (e) {
      // The failure reason of the deployment run, its events and the history: masked like the log.
      throw maskedFailure(mask, e);
    } finally {
      try {
        await logs.flush();
      } finally {
        await workspace.release();
      }
    }
  }

  return { openDeploymentRun, recordDeploymentChange, recordPlanApproval, runDeploymentStep };
}
