import { CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import type { PipelineRunInput, PipelineRunResult, RunChange } from './definitions';
import { awaitHoldDecision } from './pipeline-run/hold';
import { enterLane, leaveLane, Superseded } from './pipeline-run/lane';
import { reuseStage } from './pipeline-run/reuse';
import { createRunContext, type RunContext } from './pipeline-run/run-context';
import { passFreeze } from './pipeline-run/freeze';
import { installHandlers } from './pipeline-run/run-state';
import { foldsBookkeeping } from './pipeline-run/projector';
import { runStatusChange, setRunStatus } from './pipeline-run/run-status';
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
    // Folded (since the patch): the run's start is written with its first boundary read, a resumed run's
    // with the next, and its last stage's success with its own.
    const fold = foldsBookkeeping();
    let arriving = [runStatusChange(run, 'RUNNING', projector.event('RUN_STARTED'))];
    if (!fold) await projector.record(arriving.pop()!);
    let closing: RunChange | undefined;
    while (index < stages.length) {
      const stage = stages[index]!;
      if (stage.reused && patched('rerun-from-stage')) {
        if (arriving.length > 0) await projector.all(arriving.splice(0));
        await reuseStage(run, stage);
        index++;
        continue;
      }
      const arrival = fold ? { changes: arriving.splice(0), startStage: !stage.environmentId } : undefined;
      const started = await passTransition(run, stage, arrival);
      await passFreeze(run, stage);
      const last = index === stages.length - 1;
      const folding = { started, deferFinish: fold && last, direct: fold };
      const { failure, finish } = await runStage(run, stage, folding);
      if (failure === null) {
        // The index stays on a deferred last stage: a cancel before its step is written closes the stage.
        if (finish) {
          closing = finish;
          break;
        }
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
      const resumedRunning = runStatusChange(run, 'RUNNING', resumed.event ?? undefined);
      if (fold) arriving = [resumedRunning];
      else await projector.record(resumedRunning);
    }
    const succeeded = runStatusChange(run, 'SUCCEEDED', projector.event('RUN_SUCCEEDED'));
    if (!fold) await projector.record(succeeded);
    else {
      // One step: STAGE_SUCCEEDED then RUN_SUCCEEDED, as their keys count.
      await projector.all([...arriving, ...(closing ? [closing] : []), succeeded]);
      if (closing) run.state.finishedStages.add(stages[index++]!.stageRunId);
    }
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
