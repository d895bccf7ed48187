import { condition } from '@temporalio/workflow';
import { bookkeeping } from './local-activities';
import type { RunContext } from './run-context';

const { claimLane, releaseLane } = bookkeeping;

/** How often a waiting run re-reads what signals tell it, in case one was lost. */
export const recheck = '30 seconds';

/** Ends the run early: it was superseded by a newer one while waiting at a boundary. */
export class Superseded extends Error {
  constructor(readonly byRunId: string) {
    super(`superseded by run ${byRunId}`);
  }
}

/** Waits for the pipeline's lane (QUEUED and SUPERSEDED modes); throws Superseded if replaced meanwhile. */
export async function enterLane(run: RunContext): Promise<void> {
  const { state } = run;
  if (!run.usesLane) return;
  state.laneGranted = false; // before the claim: a grant signalled while it is under way must count
  for (;;) {
    const claim = await claimLane({ ...run.ids, executionMode: run.input.executionMode });
    if (claim.granted) state.laneGranted = true;
    if (claim.supersededBy) state.supersededBy ??= claim.supersededBy;
    if (!state.laneGranted && !state.supersededBy)
      await condition(() => state.laneGranted || state.supersededBy !== null, recheck);
    if (state.laneGranted) return;
    if (state.supersededBy) throw new Superseded(state.supersededBy);
  }
}

export async function leaveLane(run: RunContext): Promise<void> {
  if (run.usesLane) await releaseLane(run.ids);
  run.state.laneGranted = false;
}
