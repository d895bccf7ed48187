import { setHandler } from '@temporalio/workflow';
import {
  approvalSignal,
  cancelReasonSignal,
  deploymentPlanSignal,
  freezeChangedSignal,
  holdDecisionSignal,
  laneGrantedSignal,
  retryFailedActionsSignal,
  runStateQuery,
  supersedeSignal,
  transitionChangedSignal,
  type ArtifactRef,
  type DeploymentPlanNews,
  type HoldDecision,
  type RunStateView,
} from '../definitions';
import type { ApprovalGate } from '../workflow-kit';

/** SKIPPED: a failed action a person skipped (`skipFailedActions`); like SUCCEEDED, it is not run again. */
export type ActionStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REJECTED' | 'TIMED_OUT' | 'SKIPPED';
export type ActionOutcome =
  | { ok: true; outputs: Record<string, string>; artifacts?: ArtifactRef[] }
  /** `timedOut`: an approval (a gate or a plan) whose timeout decided; nobody rejected it. */
  | { ok: false; reason: string; rejected: boolean; timedOut?: boolean };

/** What a run knows: written by its steps and its signal handlers, read by the `runState` query. */
export class RunState {
  status: RunStateView['status'] = 'QUEUED';
  /** Outcome of each action that finished in this execution of its stage. */
  readonly actionStatus = new Map<string, ActionStatus>();
  readonly finishedStages = new Set<string>();
  /** How many times each action has been executed (its current `execution` number). */
  readonly executions = new Map<string, number>();
  /** Open approval gates by action run. */
  readonly gates = new Map<string, ApprovalGate>();
  /** The latest news from each child deployment run's plan approval. */
  readonly plans = new Map<string, DeploymentPlanNews>();
  /** Transitions signalled enabled or disabled, by stage, since the run arrived at their boundary. */
  readonly transitions = new Map<string, boolean>();
  blockedAtStageId: string | null = null;
  /** Something about the freezes holding the run changed since it last read them (`freezeChanged`). */
  freezeNews = false;
  laneGranted = false;
  supersededBy: string | null = null;
  retryRequested = false;
  /** Whether the run is FAILED and holding for a manual retry. */
  retryable = false;
  /** The decision a person sent during the hold (`holdDecisionSignal`), until the hold takes it. */
  holdDecision: HoldDecision | null = null;
  cancelReason: string | null = null;
  /** Outputs published by earlier actions, handed to later ones as environment variables. */
  readonly outputs: Record<string, string> = {};
  /** Artifacts the run carries (received from a promoted run, or published by its actions), by name. */
  readonly artifacts = new Map<string, ArtifactRef>();
}

/** The run's signal and query handlers; installed before the run's first await, so no signal is missed. */
export function installHandlers(state: RunState): void {
  setHandler(approvalSignal, (decision) => state.gates.get(decision.actionRunId)?.receive(decision));
  setHandler(deploymentPlanSignal, (news) => void state.plans.set(news.deploymentRunId, news));
  setHandler(retryFailedActionsSignal, () => {
    if (state.retryable) state.retryRequested = true;
  });
  setHandler(holdDecisionSignal, (decision) => {
    // Only while held, the first decision wins; a skip needs a failed action to skip (a rejected gate or a
    // refused revision is not skipped: approve the gate in a new run, or roll back).
    if (!state.retryable || state.retryRequested || state.holdDecision) return;
    if (decision.kind === 'SKIP_FAILED' && ![...state.actionStatus.values()].includes('FAILED')) return;
    state.holdDecision = decision;
  });
  setHandler(transitionChangedSignal, (change) => void state.transitions.set(change.stageId, change.enabled));
  setHandler(freezeChangedSignal, () => void (state.freezeNews = true));
  setHandler(laneGrantedSignal, () => void (state.laneGranted = true));
  setHandler(supersedeSignal, ({ byRunId }) => void (state.supersededBy ??= byRunId));
  setHandler(cancelReasonSignal, ({ reason }) => void (state.cancelReason = reason));
  setHandler(runStateQuery, () => ({
    status: state.status,
    openApprovals: [...state.gates.entries()]
      .filter(([, gate]) => !gate.closed)
      .map(([actionRunId, gate]) => ({
        actionRunId,
        approverIds: [...gate.approvers],
        requiredApprovals: gate.rules.requiredApprovals,
      })),
    blockedAtStageId: state.blockedAtStageId,
    retryable: state.retryable,
  }));
}
