import { patched } from '@temporalio/workflow';
import type { ActionPlan, StagePlan } from '../definitions';
import { Superseded } from './lane';
import type { RunContext } from './run-context';

/**
 * Approve the newest: in SUPERSEDED mode a newer run supersedes one that holds the lane only to wait at an
 * approval gate (lane.activity.ts). The gate's request is then stale: nobody may approve it any more.
 */
export class GateExpiry {
  /** Until a run recorded before this existed shows it ignored the news (replay), the gate watches. */
  private watching = true;

  constructor(private readonly run: RunContext) {}

  /** Whether the wait should wake: a newer run superseded this one. */
  get stale(): boolean {
    return (
      this.watching && this.run.input.executionMode === 'SUPERSEDED' && this.run.state.supersededBy !== null
    );
  }

  /**
   * Expires the gate when it is stale: the action ends SKIPPED, its request `expired` (event
   * APPROVAL_EXPIRED), and the run ends SUPERSEDED (Superseded is thrown). Otherwise does nothing.
   */
  async expireIfStale(stage: StagePlan, action: ActionPlan): Promise<void> {
    if (!this.stale) return;
    if (!patched('superseded-gates-expire')) {
      this.watching = false;
      return;
    }
    const { state, projector } = this.run;
    const byRunId = state.supersededBy!;
    const message = `superseded by run ${byRunId} before anyone decided`;
    state.gates.delete(action.actionRunId);
    await projector.action(action.actionRunId, 'SKIPPED', {
      skipReason: `approval expired: ${message}`,
      approvalExpired: true,
      event: projector.event('APPROVAL_EXPIRED', { stageName: stage.name, actionName: action.name, message }),
    });
    throw new Superseded(byRunId);
  }
}
