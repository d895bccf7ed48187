import { CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import type { PipelineRunInput, PipelineRunResult } from './definitions';
import { awaitHoldDecision } from './pipeline-run/hold';
import { enterLane, leaveLane, Superseded } from './pipeline-run/lane';
import { reuseStage } from './pipeline-run/reuse';
import { createRunContext, type RunContext } from './pipeline-run/run-context';
import { passFreeze } from './pipeline-run/freeze';
import { installHandlers } from './pipeline-run/run-state';
import { setRunStatus } from './pipeline-run/run-status';
import { closeUnfinished, runStage } from './pipeline-run/stage';
import { passTransition } from './pipeline-run/transition';

/**
 * One pipeline run (docs/run-semantics.md). Stages run in order; inside a stage, action groups by
 * ascending runOrder, the actions of a group in parallel (at most maxParallel). A failed group lets its
 * siblings finish and stops the line; the run then holds for a person's decision (retry the failed actions
 * or the stage, skip the failed actions; `pipeline-run/hold.ts`) until its hold expires. A rerun's earlier
 * stages are reused, not entered. Approval gates, deployment plan approvals, disabled transitions and the
 * pipeline's lane wait on signals; a frozen environment holds the run until its window ends. DEPLOYMENT actions run their Deployment as a child workflow. The steps live in
 * `pipeline-run/`. The order of the activities, timers and children started here and there is what runs in
 * flight replay (test/replay/): change it only behind `patched()` (workflows/README.md).
 */
export async function pipelineRunWorkflow(input: PipelineRunInput): Promise<PipelineRunResult> {
  const run = createRunContext(input);
  const { state, projector, stages } = run;
  installHandlers(state);

  let index = 0;
  try {
    await enterLane(run);
    await setRunStatus(run, 'RUNNING', projector.event('RUN_STARTED'));
    while (index < stages.length) {
      const stage = stages[index]!;
      if (stage.reused && patched('rerun-from-stage')) {
        await reuseStage(run, stage);
        index++;
        continue;
      }
      await passTransition(run, stage);
      await passFreeze(run, stage);
      const failure = await runStage(run, stage);
      if (failure === null) {
        index++;
        continue;
      }
      const reason = `stage "${stage.name}" failed: ${failure}`;
      // Retryable before the FAILED status is visible: the API only signals runs it sees FAILED.
      state.retryable = true;
      await setRunStatus(run, 'FAILED', projector.event('RUN_FAILED', { message: reason }), reason);
      await leaveLane(run);
      const resumed = await awaitHoldDecision(run, stage);
      if (!resumed) {
        await closeUnfinished(run, index + 1, 'SKIPPED', () => 'SKIPPED');
        return { status: 'FAILED', failureReason: reason };
      }
      if (run.usesLane) await setRunStatus(run, 'QUEUED'); // back in line for the pipeline's lane
      await enterLane(run);
      await setRunStatus(run, 'RUNNING', resumed.event ?? undefined);
    }
    await setRunStatus(run, 'SUCCEEDED', projector.event('RUN_SUCCEEDED'));
    await leaveLane(run);
    return { status: 'SUCCEEDED', failureReason: null };
  } catch (error) {
    if (error instanceof Superseded) {
      await endEarly(run, index, 'SUPERSEDED', error.message);
      return { status: 'SUPERSEDED', failureReason: error.message };
    }
    if (isCancellation(error)) {
      const { cancelReason } = state;
      await endEarly(run, index, 'CANCELLED', cancelReason ? `cancelled: ${cancelReason}` : 'cancelled');
    }
    throw error;
  }
}

/**
 * Ends a run that stops before its last stage: what finished keeps its outcome, what was running or never
 * started is SKIPPED (superseded) or CANCELLED. The cleanup finishes even if a cancel arrives meanwhile; the
 * scope's promise is returned as it is, so the run completes in the same step of its history as before.
 */
function endEarly(
  run: RunContext,
  from: number,
  status: 'SUPERSEDED' | 'CANCELLED',
  reason: string,
): Promise<void> {
  const unfinished = status === 'SUPERSEDED' ? 'SKIPPED' : 'CANCELLED';
  const event = status === 'SUPERSEDED' ? 'RUN_SUPERSEDED' : 'RUN_CANCELLED';
  return CancellationScope.nonCancellable(async () => {
    await closeUnfinished(run, from, unfinished, (action) =>
      run.state.actionStatus.has(action.actionRunId) ? null : unfinished,
    );
    await setRunStatus(run, status, run.projector.event(event, { message: reason }), reason);
    await leaveLane(run);
  });
}
