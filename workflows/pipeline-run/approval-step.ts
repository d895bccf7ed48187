import { condition, patched } from '@temporalio/workflow';
import type {
  ActionContext,
  ActionPlan,
  ApprovalConfig,
  ApprovalRecord,
  Decision,
  RunChange,
  StagePlan,
} from '../definitions';
import { ApprovalGate, describeDecision, describeRejection, now, offerProven } from '../workflow-kit';
import { GateExpiry } from './gate-expiry';
import { bookkeeping } from './local-activities';
import { eventsAfterState } from './projector';
import type { RunContext } from './run-context';
import type { ActionOutcome } from './run-state';

const { recordApproval, verifyDecision } = bookkeeping;

/**
 * An APPROVAL action: waits until its gate closes (enough approvals, a rejection, or its timeout), recording
 * each decision as it arrives; the stage and the run show WAITING meanwhile.
 */
export async function awaitApproval(
  run: RunContext,
  stage: StagePlan,
  action: ActionPlan,
  context: ActionContext,
): Promise<ActionOutcome> {
  const { state, projector, waits } = run;
  const config = action.config as ApprovalConfig;
  const gate = new ApprovalGate({
    requiredApprovals: config.requiredApprovals ?? 1,
    allowSelfApproval: config.allowSelfApproval ?? false,
    triggeredById: run.input.triggeredById,
  });
  // Gates opened since this patch count only decisions the API proved (docs/security.md); gates of runs
  // recorded before it (test/histories/) take them as they come, as they did.
  if (patched('verified-decisions')) gate.requireProofs();
  const openedAt = now();
  const gateRef = { kind: 'approval' as const, runId: run.ids.runId, actionRunId: action.actionRunId };
  state.gates.set(action.actionRunId, gate);
  const where = { stageName: stage.name, actionName: action.name };
  const approvalRecord = (decision: Decision): ApprovalRecord => ({
    ...run.ids,
    actionRunId: action.actionRunId,
    execution: context.execution,
    decision,
    at: now(),
    event: projector.event(decision.approved ? 'APPROVAL_GRANTED' : 'APPROVAL_REJECTED', {
      ...where,
      message: describeDecision(decision),
    }),
  });
  // Since this patch the request, the stage's and the run's WAITING are one step, and so are the decisions
  // that close the gate and its outcome: each event arrives with the state it announces.
  const together = eventsAfterState();
  const requested = projector.actionChange(action.actionRunId, 'WAITING_FOR_APPROVAL', {
    event: projector.event('APPROVAL_REQUESTED', { ...where, message: config.instructions ?? null }),
  });
  if (!together) await projector.record(requested);
  await waits.begin(stage, together ? { changes: [requested] } : undefined);

  const deadline = config.timeoutSeconds ? Date.now() + config.timeoutSeconds * 1000 : undefined;
  const expiry = new GateExpiry(run);
  while (!gate.closed || gate.pending.length > 0) {
    // A stale request takes no decision any more, not even one that arrived with the news.
    await expiry.expireIfStale(stage, action);
    if (together && gate.closed) break; // the closing decisions are recorded with the outcome
    for (const decision of gate.pending.splice(0)) await recordApproval(approvalRecord(decision));
    if (gate.closed) break;
    if (gate.unproven.length > 0) {
      await offerProven(gate, (decision) => verifyDecision({ gate: gateRef, decision, openedAt }));
      continue;
    }
    const remaining = deadline === undefined ? undefined : deadline - Date.now();
    const arrived = () => gate.pending.length > 0 || gate.unproven.length > 0 || expiry.stale;
    if (remaining !== undefined && remaining <= 0) gate.expire();
    else if (remaining === undefined) await condition(arrived);
    else await condition(arrived, remaining);
  }
  state.gates.delete(action.actionRunId);
  const closing = together ? gate.pending.splice(0).map(approvalRecord) : [];
  if (!together) await waits.end(stage);
  let outcome: ActionOutcome;
  let change: RunChange;
  // Since this patch a gate whose timeout decided ends TIMED_OUT (nobody rejected it); runs recorded before
  // it (test/histories/approval-timeout.json) ended REJECTED, and replay so.
  if (gate.timedOut && patched('approval-timed-out')) {
    const reason = `no decision within ${config.timeoutSeconds} s`;
    change = projector.actionChange(action.actionRunId, 'TIMED_OUT', {
      failureReason: reason,
      event: projector.event('APPROVAL_TIMED_OUT', { ...where, message: reason }),
    });
    outcome = { ok: false, reason, rejected: false, timedOut: true };
  } else if (!gate.approved) {
    const reason = gate.rejection
      ? describeRejection(gate.rejection)
      : `approval timed out after ${config.timeoutSeconds} s`;
    change = projector.actionChange(action.actionRunId, 'REJECTED', {
      failureReason: reason,
      // A person's rejection raised its event when it was recorded; a timeout raises its own.
      event: gate.rejection ? undefined : projector.event('APPROVAL_REJECTED', { ...where, message: reason }),
    });
    outcome = { ok: false, reason, rejected: true };
  } else {
    change = projector.actionChange(action.actionRunId, 'SUCCEEDED', {
      event: projector.event('ACTION_SUCCEEDED', where),
    });
    outcome = { ok: true, outputs: {} };
  }
  if (together) await waits.end(stage, { changes: [change], approvals: closing });
  else await projector.record(change);
  return outcome;
}
