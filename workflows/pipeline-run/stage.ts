import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { ActionPlan, RunChange, StagePlan } from '../definitions';
import { now } from '../workflow-kit';
import { runAction } from './action-step';
import { openStageDeployment } from './deployment-step';
import { Superseded } from './lane';
import { refuseOlderThanLive } from './live-check';
import { bookkeeping } from './local-activities';
import type { RunContext } from './run-context';

const { recordDeploymentChange } = bookkeeping;

/** Runs `work` over `items` with at most `limit` in flight, keeping each result at its item's index. */
async function boundedAll<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** A stage's actions grouped by runOrder, ascending. */
function actionGroups(stage: StagePlan): ActionPlan[][] {
  const byOrder = new Map<number, ActionPlan[]>();
  for (const action of stage.actions)
    byOrder.set(action.runOrder, [...(byOrder.get(action.runOrder) ?? []), action]);
  return [...byOrder.entries()].sort(([a], [b]) => a - b).map(([, actions]) => actions);
}

/** The stage's RUNNING with its event STAGE_STARTED. */
export function stageStart(run: RunContext, stage: StagePlan): RunChange {
  const { projector } = run;
  return projector.stageChange(stage.stageRunId, 'RUNNING', {
    event: projector.event('STAGE_STARTED', { stageName: stage.name }),
  });
}

/** How a stage went: the failure reason or null, and the success it left to the caller to write. */
export interface StageOutcome {
  failure: string | null;
  /** With `deferFinish`: the stage's SUCCEEDED (event STAGE_SUCCEEDED), built and not written. */
  finish?: RunChange;
}

/** Folded bookkeeping (since `engine-fold-bookkeeping`): what the caller writes instead of the stage. */
export interface StageFolding {
  /** The stage's RUNNING was written with its boundary read (`passTransition`). */
  started?: boolean;
  /**
   * Its SUCCEEDED is handed back, to be written with the run's (the last stage); the caller then marks it
   * finished once written, so a cancel meanwhile closes the stage as it closes an unfinished one.
   */
  deferFinish?: boolean;
  /** A group of one action is awaited directly: the same commands in the same order, less workflow work. */
  direct?: boolean;
}

/**
 * Runs the actions of a stage that have not succeeded (or been skipped by a person) yet: action groups by ascending runOrder, the actions
 * of a group in parallel (at most maxParallel). A failed group lets its siblings finish and skips the later
 * groups.
 */
export async function runStage(
  run: RunContext,
  stage: StagePlan,
  folding: StageFolding = {},
): Promise<StageOutcome> {
  const { state, projector } = run;
  state.finishedStages.delete(stage.stageRunId);
  if (!folding.started) await projector.record(stageStart(run, stage));
  // What succeeded (or a person skipped) in an earlier execution of the stage is not run again.
  const done = new Set(['SUCCEEDED', 'SKIPPED']);
  const groups = actionGroups(stage).map((group) =>
    group.filter((a) => !done.has(state.actionStatus.get(a.actionRunId) ?? 'PENDING')),
  );
  const refusal = await refuseOlderThanLive(run, stage);
  if (refusal !== null) return { failure: await failStage(run, stage, refusal, groups.flat(), null) };
  const deploymentRunId = await openStageDeployment(run, stage);
  try {
    for (const [index, group] of groups.entries()) {
      const runOne = async (action: ActionPlan) => {
        const outcome = await runAction(run, stage, action);
        // Known at once, not after the group: a cancel meanwhile must not overwrite this outcome.
        state.actionStatus.set(
          action.actionRunId,
          outcome.ok
            ? 'SUCCEEDED'
            : outcome.timedOut
              ? 'TIMED_OUT'
              : outcome.rejected
                ? 'REJECTED'
                : 'FAILED',
        );
        return outcome;
      };
      // A group of one runs without the lanes of boundedAll (folded runs: fewer promises for the SDK to trace).
      const outcomes =
        folding.direct && group.length === 1
          ? [await runOne(group[0]!)]
          : await boundedAll(group, stage.maxParallel, runOne);
      const failures: string[] = [];
      outcomes.forEach((outcome, i) => {
        const action = group[i]!;
        if (outcome.ok) {
          Object.assign(state.outputs, outcome.outputs);
          for (const artifact of outcome.artifacts ?? []) state.artifacts.set(artifact.name, artifact);
        } else {
          const verdict = outcome.timedOut ? 'timed out: ' : outcome.rejected ? 'was ' : 'failed: ';
          failures.push(`action "${action.name}" ${verdict}${outcome.reason}`);
        }
      });
      if (failures.length > 0) {
        const failure = failures.join('; ');
        return {
          failure: await failStage(run, stage, failure, groups.slice(index + 1).flat(), deploymentRunId),
        };
      }
    }
  } catch (error) {
    if (deploymentRunId && isCancellation(error)) {
      await CancellationScope.nonCancellable(() =>
        recordDeploymentChange({
          deploymentRunId,
          status: 'CANCELLED',
          at: now(),
          failureReason: 'cancelled',
        }),
      );
    }
    // A gate whose request expired: the stage's deployment never happened.
    if (deploymentRunId && error instanceof Superseded) {
      await recordDeploymentChange({
        deploymentRunId,
        status: 'CANCELLED',
        at: now(),
        failureReason: error.message,
      });
    }
    throw error;
  }
  if (!folding.deferFinish) state.finishedStages.add(stage.stageRunId);
  const finishedAt = now(); // the stage's deployment finishes when the stage does
  if (deploymentRunId) await recordDeploymentChange({ deploymentRunId, status: 'SUCCEEDED', at: finishedAt });
  const finish = projector.stageChange(stage.stageRunId, 'SUCCEEDED', {
    at: finishedAt,
    event: projector.event('STAGE_SUCCEEDED', { stageName: stage.name }),
  });
  if (folding.deferFinish) return { failure: null, finish };
  await projector.record(finish);
  return { failure: null };
}

/**
 * Fails a stage: the actions it will not run are SKIPPED, its own deployment run (if open) FAILED, then the
 * stage FAILED with the reason (event STAGE_FAILED). Returns the reason.
 */
async function failStage(
  run: RunContext,
  stage: StagePlan,
  reason: string,
  skipped: ActionPlan[],
  deploymentRunId: string | null,
): Promise<string> {
  const { state, projector } = run;
  if (skipped.length > 0) {
    await projector.all(skipped.map((later) => projector.actionChange(later.actionRunId, 'SKIPPED')));
  }
  state.finishedStages.add(stage.stageRunId);
  const failedAt = now();
  if (deploymentRunId) {
    await recordDeploymentChange({ deploymentRunId, status: 'FAILED', at: failedAt, failureReason: reason });
  }
  await projector.stage(stage.stageRunId, 'FAILED', {
    at: failedAt,
    failureReason: reason,
    event: projector.event('STAGE_FAILED', { stageName: stage.name, message: reason }),
  });
  return reason;
}

/** Marks what never ran (or did not finish) from stage `from` on, when the run ends early. */
export async function closeUnfinished(
  run: RunContext,
  from: number,
  stageStatus: 'SKIPPED' | 'CANCELLED',
  actionStatusFor: (action: ActionPlan) => 'SKIPPED' | 'CANCELLED' | null,
): Promise<void> {
  const { projector } = run;
  const changes: RunChange[] = [];
  for (const stage of run.stages.slice(from)) {
    if (run.state.finishedStages.has(stage.stageRunId)) continue;
    for (const action of stage.actions) {
      const next = actionStatusFor(action);
      if (next) changes.push(projector.actionChange(action.actionRunId, next));
    }
    changes.push(projector.stageChange(stage.stageRunId, stageStatus));
  }
  if (changes.length > 0) await projector.all(changes);
}
