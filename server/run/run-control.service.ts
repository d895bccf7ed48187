import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { DecisionClaim, DecisionGate, DecisionProver } from '../../db/decision-proof';
import { activeRunStatuses, isIn } from '../../db/domain';
import { ActionRunEntity } from '../../db/entities/action-run.entity';
import { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import type { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { StageEntity } from '../../db/entities/stage.entity';
import {
  approvalSignal,
  deploymentRunWorkflowId,
  pipelineRunWorkflowId,
  planDecisionSignal,
  transitionChangedSignal,
  type ApprovalConfig,
  type RunPlan,
} from '../../workflows/definitions';
import type { AuthenticatedPrincipal } from '../auth/principal';
import { conflict, forbidden, notFound } from '../errors';
import { isUuid, optionalText } from '../graphql/validate';
import { cancelWorkflow, findRun, settle, workflowOpen } from './run-workflow';

/**
 * Decisions people make about running runs: approve or reject a gate, cancel, open or close a stage's
 * transition (a failed run's hold: hold-decision.service.ts). Each is checked here, then reaches the run's workflow as a signal; the workflow
 * stays the authority (a duplicate or late signal changes nothing there). Decisions on gates carry a proof
 * that they were made here (`prover`, from LOCKSTEP_SECRET_KEY): the workflow refuses one without it, so a
 * signal sent to Temporal directly cannot approve anything.
 */
export class RunControlService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
    private readonly prover: DecisionProver | null,
  ) {}

  /** A decision as signalled: the claim, with the proof that the API made it for this gate. */
  private decision(gate: DecisionGate, claim: DecisionClaim) {
    return { ...claim, proof: this.prover?.prove(gate, claim) ?? null };
  }

  private handle(runId: string) {
    return this.temporal.workflow.getHandle(pipelineRunWorkflowId(runId));
  }

  private getRun(runId: string): Promise<PipelineRunEntity> {
    return findRun(this.dataSource, runId);
  }

  async decide(
    actionRunId: string,
    approved: boolean,
    comment: string | null | undefined,
    principal: AuthenticatedPrincipal,
  ): Promise<ActionRunEntity> {
    const actions = this.dataSource.getRepository(ActionRunEntity);
    const action = isUuid(actionRunId) ? await actions.findOneBy({ id: actionRunId }) : null;
    if (!action) throw notFound('action run', actionRunId);
    if (action.kind !== 'APPROVAL') throw conflict(`action "${action.name}" is not an approval gate`);
    if (action.approvalExpired) throw await this.expired(action);
    if (action.status !== 'WAITING_FOR_APPROVAL') {
      throw conflict(`action "${action.name}" is not waiting for approval (it is ${action.status})`);
    }
    const run = await this.getRun(action.runId);
    const plan = run.definition as unknown as RunPlan;
    const config = (plan.stages.flatMap((s) => s.actions).find((a) => a.actionRunId === actionRunId)
      ?.config ?? {}) as ApprovalConfig;
    if (run.triggeredById === principal.id && !config.allowSelfApproval) {
      throw forbidden('APPROVER', 'you triggered this run, and this gate does not allow self-approval');
    }
    const decidedAlready = async () => {
      const rows: unknown[] = await this.dataSource.query(
        'SELECT 1 FROM approvals WHERE action_run_id = $1 AND principal_id = $2 AND at >= $3',
        [actionRunId, principal.id, action.startedAt],
      );
      return rows.length > 0;
    };
    if (await decidedAlready()) throw conflict('you have already decided on this gate');

    await this.handle(run.id).signal(approvalSignal, {
      actionRunId,
      ...this.decision(
        { kind: 'approval', runId: run.id, actionRunId },
        {
          principalId: principal.id,
          principalName: principal.name,
          approved,
          comment: optionalText('comment', comment, 2000),
        },
      ),
    });
    await settle(
      async () =>
        (await decidedAlready()) || (await actions.findOneByOrFail({ id: actionRunId })).approvalExpired,
    );
    const decided = await actions.findOneByOrFail({ id: actionRunId });
    if (decided.approvalExpired) throw await this.expired(decided);
    return decided;
  }

  /** CONFLICT for a decision on a gate whose request a newer run made stale: it names the newer run. */
  private async expired(action: ActionRunEntity) {
    const [newer]: Array<{ number: number; id: string } | undefined> = await this.dataSource.query(
      `SELECT n.number, n.id FROM pipeline_runs r JOIN pipeline_runs n ON n.id = r.superseded_by_run_id
        WHERE r.id = $1`,
      [action.runId],
    );
    const by = newer ? `run #${newer.number} (${newer.id})` : 'a newer run';
    return conflict(
      `the approval request of "${action.name}" expired: ${by} superseded this run; approve the newer run`,
    );
  }

  /**
   * A decision on a deployment run's plan: the run must be waiting for it; nobody approves their own unless
   * its plan approval allows it (the rules it waits under, recorded when it started waiting).
   */
  async decidePlan(
    deploymentRunId: string,
    approved: boolean,
    comment: string | null | undefined,
    principal: AuthenticatedPrincipal,
  ): Promise<DeploymentRunEntity> {
    const runs = this.dataSource.getRepository(DeploymentRunEntity);
    const run = isUuid(deploymentRunId) ? await runs.findOneBy({ id: deploymentRunId }) : null;
    if (!run) throw notFound('deployment run', deploymentRunId);
    if (run.status !== 'WAITING') {
      throw conflict(`deployment run ${run.id} is not waiting for a plan approval (it is ${run.status})`);
    }
    if (run.triggeredById === principal.id && !run.planAllowSelfApproval) {
      throw forbidden(
        'APPROVER',
        'you started this deployment run, and its plan approval does not allow self-approval',
      );
    }
    const decided = async () => {
      const rows: unknown[] = await this.dataSource.query(
        'SELECT 1 FROM deployment_plan_approvals WHERE deployment_run_id = $1 AND principal_id = $2',
        [run.id, principal.id],
      );
      return rows.length > 0;
    };
    if (await decided()) throw conflict('you have already decided on this plan');
    await this.temporal.workflow.getHandle(deploymentRunWorkflowId(run.id)).signal(
      planDecisionSignal,
      this.decision(
        { kind: 'plan', deploymentRunId: run.id },
        {
          principalId: principal.id,
          principalName: principal.name,
          approved,
          comment: optionalText('comment', comment, 2000),
        },
      ),
    );
    await settle(decided);
    return runs.findOneByOrFail({ id: run.id });
  }

  async cancel(
    runId: string,
    reason: string | null | undefined,
    principal: AuthenticatedPrincipal,
  ): Promise<PipelineRunEntity> {
    const run = await this.getRun(runId);
    const cancellable =
      isIn(activeRunStatuses, run.status) ||
      (run.status === 'FAILED' && (await workflowOpen(this.temporal, run.id)));
    if (!cancellable) throw conflict(`run #${run.number} has already ended (${run.status})`);
    const text = optionalText('reason', reason, 500);
    await this.dataSource.query('UPDATE pipeline_runs SET cancel_reason = $2 WHERE id = $1', [run.id, text]);
    // No workflow behind the row (its start was lost): end the row itself and free the lane.
    await cancelWorkflow(this.handle(run.id), { reason: text, requestedBy: principal.id }, () =>
      this.dataSource.query(
        `UPDATE pipeline_runs SET status = 'CANCELLED', finished_at = now(), failure_reason = $2,
                lane_released_at = COALESCE(lane_released_at, now())
          WHERE id = $1`,
        [run.id, text ? `cancelled: ${text}` : 'cancelled'],
      ),
    );
    await settle(async () => (await this.getRun(run.id)).status === 'CANCELLED');
    return this.getRun(run.id);
  }

  async setStageTransition(
    stageId: string,
    enabled: boolean,
    reason: string | null | undefined,
  ): Promise<StageEntity> {
    const stages = this.dataSource.getRepository(StageEntity);
    const stage = isUuid(stageId) ? await stages.findOneBy({ id: stageId }) : null;
    if (!stage) throw notFound('stage', stageId);
    const text = enabled ? null : optionalText('reason', reason, 500);
    await stages.update({ id: stageId }, { transitionEnabled: enabled, transitionReason: text });
    // Every open run of the pipeline hears of it: one may be blocked there, or about to arrive.
    const open: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM pipeline_runs WHERE pipeline_id = $1 AND status = ANY($2)`,
      [stage.pipelineId, activeRunStatuses],
    );
    for (const { id } of open) {
      try {
        await this.handle(id).signal(transitionChangedSignal, { stageId, enabled, reason: text });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    return stages.findOneByOrFail({ id: stageId });
  }
}
