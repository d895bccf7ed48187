import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { DecisionProver } from '../../db/decision-proof';
import type { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import {
  holdDecisionSignal,
  pipelineRunWorkflowId,
  type HoldDecision,
  type HoldDecisionKind,
} from '../../workflows/definitions';
import type { AuthenticatedPrincipal } from '../auth/principal';
import { conflict } from '../errors';
import { requiredText } from '../graphql/validate';
import { findRun, settle, workflowOpen } from './run-workflow';

/**
 * What a person decides for a run held after a failure (docs/run-semantics.md, "After a failure"): retry
 * the failed actions (OPERATOR), retry the whole stage (OPERATOR), or skip the failed actions with a reason
 * (APPROVER). Each is checked here, then signalled (`holdDecisionSignal`) with who decided; the workflow
 * stays the authority. A skip carries the API's proof, as an approval does (`verified-decisions`), so a
 * signal sent to Temporal directly skips nothing. Rolling back and cancelling are their own mutations.
 */
export class HoldDecisionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
    private readonly prover: DecisionProver | null,
  ) {}

  retryFailedActions(runId: string, principal: AuthenticatedPrincipal): Promise<PipelineRunEntity> {
    return this.decide(runId, 'RETRY_FAILED', null, principal);
  }

  retryStage(runId: string, principal: AuthenticatedPrincipal): Promise<PipelineRunEntity> {
    return this.decide(runId, 'RETRY_STAGE', null, principal);
  }

  skipFailedActions(
    runId: string,
    reason: string | null | undefined,
    principal: AuthenticatedPrincipal,
  ): Promise<PipelineRunEntity> {
    return this.decide(runId, 'SKIP_FAILED', requiredText('reason', reason, 500), principal);
  }

  private getRun(runId: string): Promise<PipelineRunEntity> {
    return findRun(this.dataSource, runId);
  }

  private async decide(
    runId: string,
    kind: HoldDecisionKind,
    reason: string | null,
    principal: AuthenticatedPrincipal,
  ): Promise<PipelineRunEntity> {
    const run = await this.getRun(runId);
    if (run.status !== 'FAILED') throw conflict(`run #${run.number} has not failed (it is ${run.status})`);
    if (!(await workflowOpen(this.temporal, run.id))) {
      throw conflict(`run #${run.number} can no longer be retried: its retry hold has expired`);
    }
    if (kind === 'SKIP_FAILED') await this.refuseNothingToSkip(run);
    const claim = { principalId: principal.id, principalName: principal.name, reason };
    const decision: HoldDecision = {
      kind,
      ...claim,
      proof:
        kind === 'SKIP_FAILED'
          ? (this.prover?.prove(
              { kind: 'skip', runId: run.id },
              { principalId: principal.id, principalName: principal.name, approved: true, comment: reason },
            ) ?? null)
          : null,
    };
    await this.temporal.workflow
      .getHandle(pipelineRunWorkflowId(run.id))
      .signal(holdDecisionSignal, decision);
    await settle(async () => (await this.getRun(run.id)).status !== 'FAILED');
    return this.getRun(run.id);
  }

  /** A skip needs a FAILED action: a rejected gate or a refused older revision is not skipped. */
  private async refuseNothingToSkip(run: PipelineRunEntity): Promise<void> {
    const failed: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM action_runs a JOIN stage_runs s ON s.id = a.stage_run_id
        WHERE a.run_id = $1 AND a.status = 'FAILED' AND s.status = 'FAILED'`,
      [run.id],
    );
    if (failed.length === 0) {
      throw conflict(
        `run #${run.number} has no failed action to skip (a rejected approval or a refused revision is not skipped)`,
      );
    }
  }
}
