import { condition } from '@temporalio/workflow';
import type { StagePlan } from '../definitions';
import { recheck, Superseded } from './lane';
import { bookkeeping } from './local-activities';
import { eventsAfterState } from './projector';
import type { RunContext } from './run-context';
import { runStatusChange, setRunStatus } from './run-status';

const { readBoundary } = bookkeeping;

/**
 * Waits while the transition into `stage` is disabled (BLOCKED). The flag is read on arrival, not taken
 * from the trigger; while blocked, the run wakes on the transition signal and re-reads the boundary
 * periodically (a lost signal, an edit through updatePipeline). A SUPERSEDED-mode run blocked here ends
 * when a newer run replaces it.
 */
export async function passTransition(run: RunContext, stage: StagePlan): Promise<void> {
  const { state, projector } = run;
  const request = { ...run.ids, executionMode: run.input.executionMode, stageId: stage.stageId };
  state.transitions.delete(stage.stageId);
  let boundary = await readBoundary(request);
  if (boundary.enabled) return;
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
}
