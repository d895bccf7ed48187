import { condition, patched } from '@temporalio/workflow';
import type { EventRecord, HoldDecision, StagePlan } from '../definitions';
import { now } from '../workflow-kit';
import { bookkeeping } from './local-activities';
import type { RunContext } from './run-context';

const { verifyDecision } = bookkeeping;

/** How a held run goes on: the event that says who decided what (null: a retry signalled the old way). */
export interface Resumption {
  event: EventRecord | null;
}

const described: Record<HoldDecision['kind'], string> = {
  RETRY_FAILED: 'retry of the failed actions',
  RETRY_STAGE: 'retry of the whole stage',
  SKIP_FAILED: 'failed actions skipped',
};

/**
 * The hold: a run whose stage failed after its retries waits for a person until `retryHoldSeconds` pass.
 * Returns how it goes on, or null when the hold expires. A decision (`holdDecisionSignal`, since the
 * `hold-decisions` patch) is applied to `stage` here: a stage retry forgets what succeeded in it, a skip
 * ends the failed actions SKIPPED with who skipped them and why (ACTION_SKIPPED each). A skip counts only
 * once its proof is confirmed, like an approval (`verified-decisions`); a refused one leaves the run held
 * for what is left of the hold.
 */
export async function awaitHoldDecision(run: RunContext, stage: StagePlan): Promise<Resumption | null> {
  const { state, input } = run;
  const openedAt = now();
  const deadline = Date.now() + input.retryHoldSeconds * 1000;
  // The first wait is exactly the one runs made before the patch (a hold of 0 included).
  let wait = input.retryHoldSeconds * 1000;
  try {
    for (;;) {
      const decided = await condition(() => state.retryRequested || state.holdDecision !== null, wait);
      if (!decided) return null;
      const decision = state.holdDecision;
      state.holdDecision = null;
      if (state.retryRequested || !decision || !patched('hold-decisions')) return { event: null };
      if (decision.kind !== 'SKIP_FAILED' || (await proven(run, decision, openedAt))) {
        return { event: await apply(run, stage, decision) };
      }
      wait = deadline - Date.now(); // a refused skip: held for what is left
      if (wait < 1) return null;
    }
  } finally {
    state.retryable = false;
    state.retryRequested = false;
  }
}

async function proven(run: RunContext, decision: HoldDecision, openedAt: string): Promise<boolean> {
  const check = {
    gate: { kind: 'skip' as const, runId: run.ids.runId },
    decision: {
      principalId: decision.principalId,
      principalName: decision.principalName,
      approved: true,
      comment: decision.reason,
      proof: decision.proof ?? null,
    },
    openedAt,
  };
  return (await verifyDecision(check)).proven;
}

/** Applies a decision to the failed stage; returns the RUN_RESUMED event that names it. */
async function apply(run: RunContext, stage: StagePlan, decision: HoldDecision): Promise<EventRecord> {
  const { state, projector } = run;
  const by = `${decision.principalName}${decision.reason ? `: ${decision.reason}` : ''}`;
  if (decision.kind === 'RETRY_STAGE') {
    for (const action of stage.actions) state.actionStatus.delete(action.actionRunId);
  }
  if (decision.kind === 'SKIP_FAILED') {
    const failed = stage.actions.filter((a) => state.actionStatus.get(a.actionRunId) === 'FAILED');
    for (const action of failed) state.actionStatus.set(action.actionRunId, 'SKIPPED');
    if (failed.length > 0)
      await projector.all(
        failed.map((action) =>
          projector.actionChange(action.actionRunId, 'SKIPPED', {
            skipReason: `skipped by ${by}`,
            event: projector.event('ACTION_SKIPPED', {
              stageName: stage.name,
              actionName: action.name,
              message: by,
            }),
          }),
        ),
      );
  }
  return projector.event('RUN_RESUMED', {
    stageName: stage.name,
    message: `${described[decision.kind]} by ${by}`,
  });
}
