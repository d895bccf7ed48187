import { condition } from '@temporalio/workflow';
import type { BoundaryState, RunChange, StagePlan } from '../definitions';
import { recheck, Superseded } from './lane';
import { bookkeeping } from './local-activities';
import { eventsAfterState } from './projector';
import type { RunContext } from './run-context';
import { runStatusChange, setRunStatus } from './run-status';
import { stageStart } from './stage';

const { readBoundary, enterStage } = bookkeeping;

/** What a run writes with its boundary read (since `engine-fold-bookkeeping`): see `StageEntry`. */
export interface Arrival {
  /** Written whatever the boundary says: the run's RUNNING, when it has not been written yet. */
  changes: RunChange[];
  /** Whether the stage's RUNNING goes with the read when the transition is enabled (nothing comes between). */
  startStage: boolean;
}

/**
 * Waits while the transition into `stage` is disabled (BLOCKED). The flag is read on arrival, not taken
 * from the trigger; while blocked, the run wakes on the transition signal and re-reads the boundary
 * periodically (a lost signal, an edit through updatePipeline). A SUPERSEDED-mode run blocked here ends
 * when a newer run replaces it. With an `arrival` (folded bookkeeping), the read is one local activity with
 * the arrival's changes; returns whether the stage's RUNNING was written with it.
 */
export async function passTransition(run: RunContext, stage: StagePlan, arrival?: Arrival): Promise<boolean> {
  const { state, projector } = run;
  const request = { ...run.ids, executionMode: run.input.executionMode, stageId: stage.stageId };
  state.transitions.delete(stage.stageId);
  let boundary: BoundaryState;
  if (arrival) {
    const start = arrival.startStage ? stageStart(run, stage) : null;
    // The stage is open again from here (a retry after a hold): a cancel meanwhile must close it.
    if (start) state.finishedStages.delete(stage.stageRunId);
    boundary = await enterStage({
      boundary: request,
      changes: arrival.changes,
      ifEnabled: start ? [start] : [],
    });
    if (boundary.enabled) return start !== null;
    if (start?.event) projector.withdraw(start.event); // TRANSITION_BLOCKED takes its key
  } else boundary = await readBoundary(request);
  if (boundary.enabled) return false;
  state.blockedAtStageId = stage.stageId;
  const message = boundary.reason ? `transition disabled: ${boundary.reason}` : 'transition disabled';
  const blocked = projector.stageChange(stage.stageRunId, 'BLOCKED', {
    event: projector.event('TRANSITION_BLOCKED', { stageName: stage.name, message }),
  });
  // The run shows WAITING when the event arrives (one step); before the patch, it followed on its own.
  if (eventsAfterState()) await projector.step({ changes: [blocked, runStatusChange(run, 'WAITING')] });
  else {
    await projector.record(blocked);
    await setRunStatus(run, 'WAITING');
  }
  while (!boundary.enabled) {
    if (boundary.supersededBy) state.supersededBy ??= boundary.supersededBy;
    const woken = await condition(
      () => state.transitions.get(stage.stageId) === true || state.supersededBy !== null,
      recheck,
    );
    if (state.supersededBy) throw new Superseded(state.supersededBy);
    if (woken) break;
    boundary = await readBoundary(request);
  }
  state.blockedAtStageId = null;
  await setRunStatus(run, 'RUNNING');
  return false;
}
