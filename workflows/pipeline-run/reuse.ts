import type { ActionPlan, ActionReuse, StagePlan } from '../definitions';
import type { RunContext } from './run-context';
import type { ActionOutcome } from './run-state';

/**
 * An action a promotion or rollback does not execute: an earlier run's action published the artifacts it
 * builds. It ends SKIPPED with the reason and the action run it reuses; its outputs and artifacts flow on
 * as if it had run.
 */
export async function reuseAction(
  run: RunContext,
  action: ActionPlan,
  reuse: ActionReuse,
): Promise<ActionOutcome> {
  await run.projector.record(reusedChange(run, action, reuse));
  return { ok: true, outputs: reuse.outputs, artifacts: reuse.artifacts };
}

/** A reused action's change: SKIPPED with the reason, its outputs and the action run it reuses. */
function reusedChange(run: RunContext, action: ActionPlan, reuse: ActionReuse) {
  return run.projector.actionChange(action.actionRunId, 'SKIPPED', {
    outputs: reuse.outputs,
    skipReason: reuse.reason,
    reusedFromActionRunId: reuse.fromActionRunId,
  });
}

/**
 * A stage a rerun starts after (`rerunFromStage`): not entered (no transition, live check or deployment),
 * every action reused from the earlier run in one write, the stage SKIPPED. What its actions published flows
 * on to the stages that run.
 */
export async function reuseStage(run: RunContext, stage: StagePlan): Promise<void> {
  const { state, projector } = run;
  const changes = [];
  for (const action of stage.actions) {
    const reuse = action.reuse;
    if (!reuse) continue; // the API marks a stage reused only when each of its actions carries a reuse
    changes.push(reusedChange(run, action, reuse));
    state.actionStatus.set(action.actionRunId, 'SUCCEEDED');
    Object.assign(state.outputs, reuse.outputs);
    for (const artifact of reuse.artifacts) state.artifacts.set(artifact.name, artifact);
  }
  changes.push(projector.stageChange(stage.stageRunId, 'SKIPPED'));
  state.finishedStages.add(stage.stageRunId);
  await projector.all(changes);
}
